import { test, expect } from '@playwright/test';
import { LoginPage, waitForHydration } from './pages';

test('staff create a draft with live totals and issue it on desktop', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/invoices/new');
  await waitForHydration(page);
  await page.getByTestId('line-0-description').fill('Audit de sécurité');
  await page.getByTestId('line-0-quantity').fill('2');
  await page.getByTestId('line-0-unit_price').fill('500');
  await page.getByTestId('line-0-vat_rate').fill('20');
  // 2 x 500 = 1,000 HT + 200 VAT = 1,200 TTC, computed in the browser.
  await expect(page.getByTestId('live-ttc')).toContainText('1,200.00');
  await page.screenshot({ path: 'test-results/screens/staff-new-invoice.png', fullPage: true });
  await page.getByTestId('save-draft').click();
  await expect(page).toHaveURL(/\/staff\/invoices\/\d+$/);
  await expect(page.getByTestId('draft-notice')).toBeVisible();
  await page.getByTestId('issue').click();
  await expect(page.getByTestId('doc-number')).toHaveText(/^F-\d{4}-\d{6}$/);
  await expect(page.getByTestId('new-pay-link')).toContainText('/pay/');
  await expect(page.getByTestId('history')).toContainText('Issued');
  await page.screenshot({ path: 'test-results/screens/staff-invoice.png', fullPage: true });
});

test('a draft with bad lines is refused with messages next to the fields', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('agent@demo.test', 'agent-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/invoices/new');
  await waitForHydration(page);
  await page.getByTestId('line-0-description').fill('Ligne');
  await page.getByTestId('line-0-quantity').fill('-1');
  await page.getByTestId('line-0-unit_price').fill('10');
  await page.getByTestId('line-0-vat_rate').fill('19.6');
  await page.getByTestId('save-draft').click();
  await expect(page.locator('#err-lines-0--quantity')).toBeVisible();
  await expect(page.locator('#err-lines-0--vat_rate')).toBeVisible();
  await expect(page.getByTestId('line-0-description')).toHaveValue('Ligne');
});

test('staff filter and search the invoice list', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('agent@demo.test', 'agent-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/invoices?status=overdue');
  const rows = page.getByTestId('staff-invoice-row');
  await expect(rows.first()).toBeVisible();
  await page.getByTestId('staff-search').fill('Boulangerie');
  await page.getByTestId('staff-search').press('Enter');
  await expect(page).toHaveURL(/q=Boulangerie/);
  for (const row of await rows.all()) await expect(row).toContainText('Boulangerie');
  await page.screenshot({ path: 'test-results/screens/staff-invoices.png', fullPage: true });
});
