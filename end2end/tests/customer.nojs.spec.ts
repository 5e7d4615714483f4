import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoginPage, InvoicesPage, expectNoHorizontalScroll, logOut } from './pages';

test('without JavaScript a customer logs in with a plain form post', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.signIn('client@demo.test', 'wrong-password');
  await expect(login.formError()).toBeVisible();
  await expect(login.emailValue()).toHaveValue('client@demo.test');
  await login.signIn('client@demo.test', 'client-demo-1');
  await expect(page).toHaveURL(/\/invoices$/);
  const invoices = new InvoicesPage(page);
  await expect(invoices.rows()).toHaveCount(19); // 17 over the year, 2 at a reminder step today
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/invoices-nojs.png', fullPage: true });
});

test('without JavaScript the status filter is a plain GET', async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).signIn('client@demo.test', 'client-demo-1');
  const invoices = new InvoicesPage(page);
  await invoices.filter('to_pay').click();
  await expect(page).toHaveURL(/status=to_pay/);
  for (const row of await invoices.rows().all()) {
    expect(['open', 'overdue', 'partially-paid', 'disputed']).toContain(await row.getAttribute('data-status'));
  }
});

test('without JavaScript empty fields get a message next to each field', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await login.signIn('', '');
  await expect(page.getByTestId('error-email')).toBeVisible();
  await expect(page.getByTestId('error-password')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/login-errors-nojs.png', fullPage: true });
});

test('without JavaScript the language switch and logout work', async ({ page }) => {
  await new LoginPage(page).open();
  await page.getByTestId('lang-en').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await new LoginPage(page).signIn('client2@demo.test', 'client-demo-2');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My invoices');
  await logOut(page);
  await expect(page).toHaveURL(/\/login$/);
});

test('without JavaScript and logged out, a pay link shows its invoice and its PDF', async ({ page }) => {
  const seed = readFileSync(join(__dirname, '..', '.e2e-seed.txt'), 'utf8');
  const url = seed.match(/http:\/\/\S+\/pay\/[0-9a-f]{64}/)![0];
  const path = new URL(url).pathname;
  const res = await page.goto(path);
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId('amount-due')).toBeVisible();
  await expect(page.getByTestId('bank-details')).toContainText('IBAN');
  await expect(page.getByTestId('signed-in-as')).toHaveCount(0);
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/pay-link-nojs.png', fullPage: true });
  const pdf = await page.request.get(path + '/pdf');
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  const bad = await page.goto('/pay/' + '0'.repeat(64));
  expect(bad?.status()).toBe(404);
});
