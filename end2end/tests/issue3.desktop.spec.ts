import { test, expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  DraftFormPage, LoginPage, LogoSettings, StaffInvoicePage, expectNoHorizontalScroll, waitForHydration,
} from './pages';

const LOGO = join(__dirname, '..', '..', 'tests', 'fixtures', 'logo.png');

async function signInAsAdmin(page: Page) {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
}

function payLinkPath(): string {
  const seed = readFileSync(join(__dirname, '..', '.e2e-seed.txt'), 'utf8');
  return new URL(seed.match(/http:\/\/\S+\/pay\/[0-9a-f]{64}/)![0]).pathname;
}

async function expectLoaded(img: import('@playwright/test').Locator) {
  await expect(img).toBeVisible();
  await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
}

test('an admin uploads a logo that every invoice then shows, on desktop and on a phone', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff/settings');
  await waitForHydration(page);
  const logo = new LogoSettings(page);
  // Named .png but not an image: refused, with the reason next to the field.
  await logo.upload({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>') });
  await expect(page).toHaveURL(/logo_err=type/);
  await expect(logo.error()).toContainText('PNG or JPEG');
  await logo.upload(LOGO);
  await expect(page).toHaveURL(/logo=saved/);
  await expectLoaded(logo.preview());
  await page.screenshot({ path: 'test-results/screens/settings-logo.png', fullPage: true });

  // On the staff invoice page, with the company name as its text alternative.
  await page.goto('/staff/invoices?status=to_pay');
  await page.getByTestId('staff-invoice-row').first().getByRole('link').click();
  const docLogo = page.getByTestId('doc-logo');
  await expectLoaded(docLogo);
  const company = await page.locator('#seller-h + p strong').innerText();
  await expect(docLogo).toHaveAttribute('alt', company);

  // On a phone: the settings and the pay page keep to 360 px.
  await page.setViewportSize({ width: 360, height: 740 });
  await page.goto('/staff/settings');
  await expectLoaded(logo.preview());
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/settings-logo-phone.png', fullPage: true });
  await page.goto(payLinkPath());
  await expectLoaded(docLogo);
  await expectNoHorizontalScroll(page);
  const box = await docLogo.boundingBox();
  expect(box!.width).toBeLessThanOrEqual(360);
  await page.screenshot({ path: 'test-results/screens/pay-link-logo-phone.png', fullPage: true });
  const pdf = await page.request.get(payLinkPath() + '/pdf');
  expect((await pdf.body()).toString('latin1')).toMatch(/\/Subtype ?\/Image/);
});

test('staff enter a deposit, issue the invoice, then correct it in one action', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff/invoices/new');
  await waitForHydration(page);
  const draft = new DraftFormPage(page);
  await draft.line(0, 'Audit annuel', '1', '1000', '20');
  await draft.deposits().fill('200');
  // 1,000 HT + 200 VAT = 1,200 TTC, less a 200 deposit: 1,000 due, computed in the browser.
  await expect(page.getByTestId('live-ttc')).toContainText('1,200.00');
  await expect(page.getByTestId('live-deposits')).toContainText('200.00');
  await expect(page.getByTestId('live-balance')).toContainText('1,000.00');
  await draft.save();
  await expect(page).toHaveURL(/\/staff\/invoices\/\d+$/);
  const invoice = new StaffInvoicePage(page);
  await invoice.issue();
  await expect(invoice.number()).toHaveText(/^F-\d{4}-\d{6}$/);
  const number = await invoice.number().innerText();
  const originalUrl = page.url().replace(/\?.*$/, '');
  await expect(page.getByTestId('doc-balance')).toContainText('1,000.00');

  await invoice.correct();
  await expect(page).toHaveURL(/\/staff\/invoices\/\d+\?done=corrected$/);
  expect(page.url().replace(/\?.*$/, '')).not.toBe(originalUrl);
  await expect(page.getByTestId('corrected-notice')).toBeVisible();
  await expect(page.getByTestId('draft-notice')).toBeVisible();
  await expect(page.getByTestId('replaces')).toContainText(number);
  await expect(page.getByTestId('doc-line')).toContainText(['Audit annuel']);
  await expect(page.getByTestId('doc-balance')).toContainText('1,000.00');
  await page.screenshot({ path: 'test-results/screens/corrected-draft.png', fullPage: true });

  // Fix the draft, then issue it as the replacement.
  const draftUrl = page.url().replace(/\?.*$/, '');
  await page.getByTestId('edit-draft').click();
  await expect(page).toHaveURL(/\/edit$/);
  await waitForHydration(page);
  await expect(draft.deposits()).toHaveValue('200.00');
  await expect(page.getByTestId('line-0-unit_price')).toHaveValue('1000.00');
  await page.getByTestId('line-0-unit_price').fill('900');
  await expect(page.getByTestId('live-balance')).toContainText('880.00');
  await draft.save();
  await expect(page).toHaveURL(draftUrl);
  await expect(page.getByTestId('doc-balance')).toContainText('880.00');
  await invoice.issue();
  await expect(invoice.number()).toHaveText(/^F-\d{4}-\d{6}$/);
  await expect(invoice.number()).not.toHaveText(number);
  await expect(page.getByTestId('replaces')).toContainText(number);

  await page.getByTestId('replaces').getByRole('link').click();
  await expect(invoice.number()).toHaveText(number);
  await expect(invoice.status()).toHaveText('Credited');
  await expect(page.getByTestId('replaced-by')).toBeVisible();
  await expect(page.getByTestId('history')).toContainText(/AV-\d{4}-\d{6}/);
  await expect(page.getByTestId('correct-invoice')).toHaveCount(0);
});
