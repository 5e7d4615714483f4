import { expect, test } from '@playwright/test';
import { LoginPage, waitForHydration } from './pages';

test('staff record a cheque on an open invoice and see it in the payment timeline', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('agent@demo.test', 'agent-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/invoices?status=to_pay');
  await page.getByTestId('staff-invoice-row').last().getByRole('link').first().click();
  await expect(page).toHaveURL(/\/staff\/invoices\/\d+/);
  await waitForHydration(page);
  const panel = page.getByTestId('staff-payments');
  await expect(panel).toBeVisible();
  // Too much is refused next to the field.
  await page.getByTestId('offline-amount').fill('99999999');
  await page.getByTestId('offline-submit').click();
  await expect(page.getByTestId('offline-amount-error')).toBeVisible();
  await page.getByTestId('offline-amount').fill('12.50');
  await page.getByTestId('offline-method').selectOption('cheque');
  await page.getByTestId('offline-reference').fill('CHQ 7781');
  await page.getByTestId('offline-submit').click();
  await expect(page.getByTestId('payment-row').filter({ hasText: 'CHQ 7781' })).toBeVisible();
  await expect(page.getByTestId('payment-timeline')).toContainText('Offline payment recorded');
  await page.screenshot({ path: 'test-results/screens/staff-payments.png', fullPage: true });
});
