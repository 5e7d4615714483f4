import { expect, test } from '@playwright/test';
import { LoginPage, expectNoHorizontalScroll, waitForHydration } from './pages';

// Phone (360 px) with JavaScript: a customer pays two invoices in one payment
// from the statement, through the simulated checkout and its signed webhooks.

test('a customer on a phone pays two invoices in one payment from the statement', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('client2@demo.test', 'client-demo-2');
  await expect(page).toHaveURL(/\/invoices$/);
  await page.goto('/statement');
  const pay = page.getByTestId('statement-pay');
  await expect(pay).toBeVisible();
  await expectNoHorizontalScroll(page);
  // Every payable invoice starts ticked: keep the second and third oldest
  // due (the oldest open invoice and the newest ones, which have the seeded
  // pay links, are what the specs that run later work on).
  const picks = pay.getByTestId('spay-pick');
  const count = await picks.count();
  expect(count).toBeGreaterThanOrEqual(3);
  for (let i = 0; i < count; i++) if (i !== 1 && i !== 2) await picks.nth(i).uncheck();
  const numbers = [await picks.nth(1).getAttribute('value'), await picks.nth(2).getAttribute('value')];
  await pay.getByTestId('spay-preview').click();
  await expect(page).toHaveURL(/preview=1/);
  const split = page.getByTestId('spay-preview-table');
  await expect(split).toBeVisible();
  for (const n of numbers) await expect(split).toContainText(n!);
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/statement-preview-phone.png', fullPage: true });
  const total = (await page.getByTestId('spay-total').textContent())!.trim();
  await page.getByTestId('spay-pay').click();
  await expect(page).toHaveURL(/\/checkout\/simulated\/cs_sim_/);
  await expect(page.getByTestId('sim-checkout')).toBeVisible();
  for (const n of numbers) await expect(page.getByTestId('sim-checkout')).toContainText(n!);
  await page.getByTestId('sim-card_succeeds').click();
  await expect(page).toHaveURL(/\/statement\/return\?session_id=cs_sim_/);
  const receipt = page.getByTestId('spay-receipt');
  await expect(receipt).toBeVisible();
  await expect(page.getByTestId('spay-return-succeeded')).toContainText(total);
  for (const n of numbers) await expect(receipt).toContainText(n!);
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/statement-paid-phone.png', fullPage: true });
  // Back on the statement: the two invoices are no longer offered.
  await page.getByTestId('back-to-statement').click();
  const left = page.getByTestId('statement-pay');
  await expect(left).toBeVisible();
  for (const n of numbers) await expect(left.locator(`input[value="${n}"]`)).toHaveCount(0);
});
