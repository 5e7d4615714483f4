import { expect, test } from '@playwright/test';
import { expectNoHorizontalScroll, waitForHydration } from './pages';
import { PayFlow, seededPayLinks } from './pay.pages';

// Phone (360 px) with JavaScript, logged out: everything from a pay link.

test('from a pay link a card payment goes through the webhook, shows paid and gives a receipt PDF', async ({ page }) => {
  const link = seededPayLinks()[1];
  const flow = new PayFlow(page);
  await page.goto(link);
  await waitForHydration(page);
  await expect(flow.panel()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await flow.shot('pay-panel-phone');
  await flow.pay();
  await expectNoHorizontalScroll(page);
  await flow.shot('simulated-checkout-phone');
  await flow.choose('card_succeeds');
  await expect(page).toHaveURL(/\/return\?session_id=cs_sim_/);
  await expect(page.getByTestId('return-paid')).toBeVisible();
  await flow.shot('return-paid-phone');
  await page.getByTestId('see-receipt').click();
  await expect(page.getByTestId('receipt')).toBeVisible();
  await expectNoHorizontalScroll(page);
  await flow.shot('receipt-phone');
  const href = await page.getByTestId('receipt-pdf').getAttribute('href');
  const pdf = await page.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 4).toString()).toBe('%PDF');
  // Back on the pay link: nothing left to pay, the receipt is listed.
  await page.goto(link);
  await expect(page.getByTestId('pay-nothing')).toBeVisible();
  await expect(page.getByTestId('receipt-link')).toHaveCount(1);
});

test('a SEPA debit shows processing until the bank confirms, then paid', async ({ page }) => {
  const flow = new PayFlow(page);
  await page.goto(seededPayLinks()[2]);
  await waitForHydration(page);
  await flow.pay();
  await flow.choose('sepa_succeeds');
  await expect(page.getByTestId('return-processing')).toBeVisible();
  await flow.shot('return-processing-phone');
  await expect(page.getByTestId('return-paid')).toBeVisible({ timeout: 20_000 });
});

test('a failed SEPA debit leaves the invoice open with a clear message', async ({ page }) => {
  const link = seededPayLinks()[3];
  const flow = new PayFlow(page);
  await page.goto(link);
  await waitForHydration(page);
  await flow.pay();
  await flow.choose('sepa_fails');
  await expect(page.getByTestId('return-processing')).toBeVisible();
  await expect(page.getByTestId('return-failed')).toBeVisible({ timeout: 20_000 });
  await flow.shot('return-failed-phone');
  await page.getByTestId('try-again').click();
  await expect(page.getByTestId('pay-failed')).toContainText('insufficient funds');
  await expect(page.getByTestId('pay-button')).toBeVisible();
});
