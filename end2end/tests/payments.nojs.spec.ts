import { expect, test } from '@playwright/test';
import { expectNoHorizontalScroll } from './pages';
import { PayFlow, seededPayLinks } from './pay.pages';

// Phone (360 px) with JavaScript disabled: plain form posts all the way.

test('without JavaScript a pay link can be paid by card and the receipt opened', async ({ page }) => {
  const flow = new PayFlow(page);
  await page.goto(seededPayLinks()[4]);
  await flow.pay();
  await flow.choose('card_succeeds');
  await expect(page.getByTestId('return-paid')).toBeVisible();
  await page.getByTestId('see-receipt').click();
  await expect(page.getByTestId('receipt-amount')).toBeVisible();
  await expectNoHorizontalScroll(page);
});

test('without JavaScript an amount above the balance is refused next to the field and kept', async ({ page }) => {
  await page.goto(seededPayLinks()[5]);
  await page.getByTestId('pay-amount').fill('999999');
  await page.getByTestId('pay-button').click();
  await expect(page.getByTestId('pay-error')).toBeVisible();
  await expect(page.getByTestId('pay-amount')).toHaveValue('999999');
  await expectNoHorizontalScroll(page);
  await new PayFlow(page).shot('pay-error-nojs');
});
