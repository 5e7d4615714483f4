import { test } from '@playwright/test';
import { customerPromisesToPay } from './reminders.pages';

test('without JavaScript a customer on a phone promises to pay from the invoice page', async ({ page }) => {
  await customerPromisesToPay(page, 'promise-to-pay-nojs');
});
