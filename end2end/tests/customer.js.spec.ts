import { test, expect } from '@playwright/test';
import { LoginPage, InvoicesPage, waitForHydration, expectNoHorizontalScroll, logOut } from './pages';

test('a customer logs in on a phone and sees their invoices', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await waitForHydration(page);
  await login.signIn('client@demo.test', 'client-demo-1');
  await expect(page).toHaveURL(/\/invoices$/);
  const invoices = new InvoicesPage(page);
  await expect(invoices.list()).toBeVisible();
  await expect(invoices.rows()).toHaveCount(19); // 17 over the year, 2 at a reminder step today
  await expect(page.getByTestId('signed-in-as')).toContainText('Claire Dubois');
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/invoices-phone.png', fullPage: true });
});

test('the invoice list loads no script and filters by plain links', async ({ page }) => {
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (/\.(js|wasm)(\?|$)/.test(r.url())) scripts.push(r.url());
  });
  await new LoginPage(page).open();
  await new LoginPage(page).signIn('client@demo.test', 'client-demo-1');
  const invoices = new InvoicesPage(page);
  await expect(invoices.rows()).toHaveCount(19); // 17 over the year, 2 at a reminder step today
  await invoices.filter('paid').click();
  await expect(page).toHaveURL(/status=paid/);
  await expect(invoices.rows()).toHaveCount(4);
  for (const row of await invoices.rows().all()) await expect(row).toHaveAttribute('data-status', 'paid');
  await expect(invoices.filter('paid')).toHaveAttribute('aria-current', 'page');
  await invoices.filter('overdue').click();
  await expect(page).toHaveURL(/status=overdue/);
  await expect(invoices.rows().first()).toHaveAttribute('data-status', 'overdue');
  for (const row of await invoices.rows().all()) await expect(row).toHaveAttribute('data-status', 'overdue');
  expect(scripts).toEqual([]);
});

test('the language can be switched and is remembered', async ({ page }) => {
  await new LoginPage(page).open();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Connexion');
  await page.getByTestId('lang-en').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await page.reload();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Log in');
  await waitForHydration(page);
  await new LoginPage(page).signIn('client2@demo.test', 'client-demo-2');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('My invoices');
  await expect(page.getByTestId('total-due')).toContainText('€');
  await expect(page.getByTestId('total-due')).toContainText(/€[\d,]+\.\d{2}/);
  await page.getByTestId('lang-fr').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Mes factures');
  await expect(page.getByTestId('total-due')).toContainText(/\d,\d{2}\s€/);
});

test('a wrong password shows a message and keeps the email', async ({ page }) => {
  const login = new LoginPage(page);
  await login.open();
  await waitForHydration(page);
  await login.signIn('client2@demo.test', 'not-the-password');
  await expect(login.formError()).toContainText('incorrect');
  await expect(login.emailValue()).toHaveValue('client2@demo.test');
});

test('a customer who opens the staff area gets the access denied page', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('client@demo.test', 'client-demo-1');
  await expect(page).toHaveURL(/\/invoices$/);
  const res = await page.goto('/staff');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('forbidden')).toBeVisible();
});

test('staff log in and reach the staff area, then log out', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByTestId('staff-home')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/staff-phone.png', fullPage: true });
  await logOut(page);
  await expect(page).toHaveURL(/\/login$/);
  await page.goto('/staff');
  await expect(page).toHaveURL(/\/login/);
});

test('a customer filters, opens an invoice with every legal mention and downloads its PDF', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('client@demo.test', 'client-demo-1');
  const invoices = new InvoicesPage(page);
  await invoices.filter('overdue').click();
  await expect(page).toHaveURL(/status=overdue/);
  await invoices.rows().first().getByTestId('invoice-link').click();
  await expect(page).toHaveURL(/\/invoices\/F-\d{4}-\d{6}$/);
  const doc = page.getByTestId('invoice-document');
  await expect(doc).toBeVisible();
  const mentions = page.getByTestId('legal-mentions');
  await expect(mentions).toContainText('Pénalités de retard');
  await expect(mentions).toContainText('40,00');
  await expect(mentions).toContainText("escompte");
  await expect(page.getByTestId('bank-details')).toContainText('FR7630006000011234567890189');
  await expect(page.getByTestId('doc-line').first()).toBeVisible();
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: 'test-results/screens/invoice-detail-phone.png', fullPage: true });
  const href = await page.getByTestId('pdf-link').getAttribute('href');
  const pdf = await page.request.get(href!);
  expect(pdf.status()).toBe(200);
  expect(pdf.headers()['content-type']).toBe('application/pdf');
  expect((await pdf.body()).subarray(0, 4).toString()).toBe('%PDF');
});

test('a customer searches their invoices by number', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('client@demo.test', 'client-demo-1');
  const invoices = new InvoicesPage(page);
  const first = await invoices.rows().first().getByTestId('invoice-link').innerText();
  await page.getByTestId('invoice-search').fill(first);
  await page.getByTestId('invoice-search').press('Enter');
  await expect(page).toHaveURL(/q=F-/);
  await expect(invoices.rows()).toHaveCount(1);
  await expect(invoices.rows().first()).toContainText(first);
});
