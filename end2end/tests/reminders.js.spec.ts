import { test } from '@playwright/test';
import { customerPromisesToPay } from './reminders.pages';

test('a customer on a phone promises to pay from the invoice page', async ({ page }) => {
  await customerPromisesToPay(page, 'promise-to-pay-phone');
});
