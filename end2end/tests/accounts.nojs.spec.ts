import { test, expect, type Browser } from '@playwright/test';
import { AccountLinkPage, ForgotPasswordPage, InvoicesPage, LoginPage, expectNoHorizontalScroll, logOut } from './pages';
import { linkFromEmail } from './mailbox';

/** Staff (another browser, also without JavaScript) invite `email` as a contact of Atelier Dubois. */
async function staffInvite(browser: Browser, email: string) {
  const context = await browser.newContext({ javaScriptEnabled: false, locale: 'en-GB' });
  const page = await context.newPage();
  await new LoginPage(page).open();
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/customers');
  await page.getByRole('link', { name: 'Atelier Dubois' }).first().click();
  await page.getByTestId('invite-email').fill(email);
  await page.locator('#inv-name').fill('Camille Test');
  await page.getByTestId('invite-submit').click();
  await expect(page).toHaveURL(/invited=1/);
  await context.close();
}

/** Accepts the invitation mailed to `email` with `password`; lands on the invoices. */
async function acceptInvitation(page: import('@playwright/test').Page, email: string, password: string) {
  const link = await linkFromEmail(email, /\/invite\/[0-9a-f]{64}/);
  await page.goto(link);
  const form = new AccountLinkPage(page);
  await expect(form.account()).toContainText(email);
  await form.setPassword(password, 'invite-submit');
  await expect(page).toHaveURL(/\/invoices$/);
}

function uniqueEmail(tag: string) {
  return `e2e-${tag}-${Date.now()}@dubois.test`;
}

test('without JavaScript "forgot password" answers the same for a known and an unknown email', async ({ page }) => {
  const forgot = new ForgotPasswordPage(page);
  await forgot.open();
  await forgot.request('client@demo.test');
  await expect(forgot.answer()).toBeVisible();
  const known = { text: await forgot.answer().innerText(), path: new URL(page.url()).pathname + new URL(page.url()).search };
  await page.screenshot({ path: 'test-results/screens/forgot-sent-nojs.png', fullPage: true });
  await forgot.open();
  await forgot.request(uniqueEmail('nobody'));
  await expect(forgot.answer()).toBeVisible();
  expect(await forgot.answer().innerText()).toBe(known.text);
  expect(new URL(page.url()).pathname + new URL(page.url()).search).toBe(known.path);
  await expectNoHorizontalScroll(page);
});

test('without JavaScript a staff invitation lets a contact set a password and see their invoices', async ({ page, browser }) => {
  const email = uniqueEmail('invite');
  await staffInvite(browser, email);
  await acceptInvitation(page, email, 'a-long-enough-password-1');
  const invoices = new InvoicesPage(page);
  await expect(invoices.heading()).toBeVisible();
  await expect(invoices.rows().first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/invited-invoices-nojs.png', fullPage: true });
  // The link is single use.
  const link = await linkFromEmail(email, /\/invite\/[0-9a-f]{64}/);
  await page.goto(link);
  await expect(page.getByTestId('dead-link')).toBeVisible();
});

test('without JavaScript the reset link from the email sets a new password that signs in', async ({ page, browser }) => {
  const email = uniqueEmail('reset');
  await staffInvite(browser, email);
  await acceptInvitation(page, email, 'the-first-password-1');
  await logOut(page);
  await expect(page).toHaveURL(/\/login$/);

  const forgot = new ForgotPasswordPage(page);
  await forgot.open();
  await forgot.request(email);
  await expect(forgot.answer()).toBeVisible();
  const link = await linkFromEmail(email, /\/reset-password\/[0-9a-f]{64}/);
  await page.goto(link);
  const form = new AccountLinkPage(page);
  await expect(form.account()).toContainText(email);
  await page.screenshot({ path: 'test-results/screens/reset-password-nojs.png', fullPage: true });
  await form.setPassword('the-second-password-2', 'reset-submit');
  await expect(page).toHaveURL(/\/invoices$/);
  await logOut(page);

  const login = new LoginPage(page);
  await login.open();
  await login.signIn(email, 'the-first-password-1');
  await expect(login.formError()).toBeVisible();
  await login.signIn(email, 'the-second-password-2');
  await expect(page).toHaveURL(/\/invoices$/);
});
