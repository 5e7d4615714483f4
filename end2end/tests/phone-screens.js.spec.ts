import { expect, test, type Page } from '@playwright/test';
import { LoginPage, waitForHydration } from './pages';
import { seededPayLinks } from './pay.pages';
import { DisputeForm } from './disputes.pages';
import { linkFromEmail } from './mailbox';

// Phone (360 x 740) with JavaScript: every customer page type has tap
// targets of at least 44 x 44 px, and the first screen of an invoice says
// what is due before it asks for the money.

const MIN = 44;
const TARGETS = 'a, button, input[type=submit], select, summary, label > input';

type Target = { what: string; width: number; height: number };

/** Every visible tap target of the page, with its size. */
async function tapTargets(page: Page): Promise<Target[]> {
  return page.evaluate((selector) => {
    const out: { what: string; width: number; height: number }[] = [];
    const pageWidth = document.documentElement.scrollWidth;
    for (const el of Array.from(document.querySelectorAll(selector))) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || getComputedStyle(el).visibility === 'hidden') continue;
      // Off the page until focused (the skip link): nothing to tap.
      if (r.right <= 0 || r.left >= pageWidth) continue;
      const text = (el.textContent || el.getAttribute('aria-label') || '').replace(/\s+/g, ' ').trim();
      out.push({ what: `<${el.tagName.toLowerCase()}> "${text.slice(0, 50)}"`, width: r.width, height: r.height });
    }
    return out;
  }, TARGETS);
}

const seen = { pages: 0, targets: 0, small: [] as string[] };

/** Records the tap targets smaller than 44 x 44 px on the page at `path`. */
async function check(page: Page, path: string) {
  const res = await page.goto(path);
  expect(res?.status(), path).toBeLessThan(500);
  await waitForHydration(page);
  await record(page, path);
}

async function record(page: Page, path: string) {
  const targets = await tapTargets(page);
  seen.pages += 1;
  seen.targets += targets.length;
  for (const t of targets) {
    // Sub-pixel layout: 43.99 px is 44 px.
    if (t.width + 0.01 < MIN || t.height + 0.01 < MIN) {
      seen.small.push(`${path}: ${t.what} ${t.width.toFixed(0)} x ${t.height.toFixed(0)}`);
    }
  }
}

/** The hrefs of the elements with this test id on the current page. */
async function hrefs(page: Page, testId: string): Promise<string[]> {
  const out: string[] = [];
  for (const a of await page.getByTestId(testId).all()) {
    const h = await a.getAttribute('href');
    if (h) out.push(h);
  }
  return out;
}

test('every tap target on the customer pages is at least 44 x 44 px on a phone', async ({ page }) => {
  test.setTimeout(300_000);
  const links = seededPayLinks();
  // Logged out: sign-in, account pages, pay links, their disputes.
  await check(page, '/login');
  await check(page, '/forgot-password');
  await check(page, '/reset-password/' + '0'.repeat(64));
  await check(page, '/invite/' + '0'.repeat(64));
  await check(page, '/pay/' + 'f'.repeat(64));
  // A pay link with an open dispute (on part of the balance): its thread too.
  const disputed = links[links.length - 1];
  await page.goto(disputed);
  await waitForHydration(page);
  if (await page.getByTestId('dispute-open-link').count() === 0) {
    const form = new DisputeForm(page);
    await form.open();
    await record(page, `${disputed} (dispute form open)`);
    await form.fill('wrong_amount', '5', 'Le prix unitaire ne correspond pas au devis.');
    await form.submit();
    await expect(page).toHaveURL(/\/disputes\/\d+/);
  }
  for (const link of links) {
    await check(page, link);
    for (const thread of await hrefs(page, 'dispute-open-link')) await check(page, thread);
    for (const receipt of (await hrefs(page, 'receipt-link')).slice(0, 1)) await check(page, receipt);
  }
  // A valid password reset link, from the email.
  await page.goto('/forgot-password');
  await waitForHydration(page);
  await page.locator('#field-email').fill('client2@demo.test');
  await page.getByTestId('forgot-submit').click();
  await expect(page.getByTestId('forgot-sent')).toBeVisible();
  await check(page, await linkFromEmail('client2@demo.test', /\/reset-password\/[0-9a-f]{64}/));

  // Signed in: the list, every invoice of its first page, credit notes,
  // receipts, disputes, and the header's menu.
  await page.goto('/login');
  await waitForHydration(page);
  await new LoginPage(page).signIn('client@demo.test', 'client-demo-1');
  await expect(page).toHaveURL(/\/invoices$/);
  await record(page, '/invoices');
  await page.screenshot({ path: 'test-results/screens/invoices-phone.png', fullPage: true });
  const row = await page.getByTestId('invoice-credit-notes').first().boundingBox();
  if (row) {
    const clip = { x: 0, y: Math.max(0, row.y - 260), width: 360, height: row.height + 280 };
    await page.screenshot({ path: 'test-results/screens/invoices-credit-note-row-phone.png', fullPage: true, clip });
  }
  const invoices = await hrefs(page, 'invoice-link');
  const menu = page.getByTestId('menu-button');
  if (await menu.isVisible()) {
    await menu.click();
    await expect(page.getByTestId('logout')).toBeVisible();
    await record(page, '/invoices (menu open)');
    await page.screenshot({ path: 'test-results/screens/menu-open-phone.png' });
    await page.keyboard.press('Escape');
  }
  await check(page, '/invoices?status=paid');
  invoices.push(...(await hrefs(page, 'invoice-link')));
  const creditNotes: string[] = [];
  const receipts: string[] = [];
  let shown = false;
  for (const invoice of [...new Set(invoices)]) {
    await check(page, invoice);
    const notes = await hrefs(page, 'credit-note-page');
    if (notes.length && !shown) {
      await page.screenshot({ path: 'test-results/screens/invoice-with-credit-note-phone.png', fullPage: true });
      const box = await page.getByTestId('credit-notes').boundingBox();
      const clip = { x: 0, y: Math.max(0, box!.y - 120), width: 360, height: box!.height + 160 };
      await page.screenshot({ path: 'test-results/screens/invoice-credit-notes-phone.png', fullPage: true, clip });
      shown = true;
    }
    creditNotes.push(...notes);
    receipts.push(...(await hrefs(page, 'receipt-link')));
  }
  for (const note of [...new Set(creditNotes)].slice(0, 2)) await check(page, note);
  for (const receipt of receipts.slice(0, 2)) await check(page, receipt);
  await check(page, '/disputes');
  for (const thread of await hrefs(page, 'my-dispute-link')) {
    await check(page, thread);
    if (await page.getByTestId('resolution-credit-note-link').count()) {
      await page.screenshot({ path: 'test-results/screens/dispute-credit-note-phone.png', fullPage: true });
    }
  }
  await check(page, '/invoices/F-0000-000000');

  console.log(`tap targets: ${seen.small.length} of ${seen.targets} under ${MIN} px, on ${seen.pages} pages`);
  if (seen.small.length) console.log(seen.small.join('\n'));
  expect(creditNotes.length, 'the invoice pages link their credit notes').toBeGreaterThan(0);
  expect(seen.small, `tap targets under ${MIN} x ${MIN} px:\n${seen.small.join('\n')}`).toEqual([]);
});

/** Checks the first 740 px of an invoice's page and saves a screenshot of it. */
async function firstScreen(page: Page, name: string) {
  await waitForHydration(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  const header = await page.locator('.site-header').boundingBox();
  expect(header!.height, 'the header is one row').toBeLessThanOrEqual(64);
  // Signed in, the account's links wait behind the header's menu button.
  if (await page.getByTestId('menu-button').count()) await expect(page.getByTestId('logout')).toBeHidden();
  const pay = await page.getByTestId('pay-button').boundingBox();
  expect(pay, 'a pay button').not.toBeNull();
  expect(pay!.y + pay!.height, 'the pay button is on the first screen').toBeLessThanOrEqual(740);
  for (const id of ['summary-number', 'summary-seller', 'amount-due', 'summary-due']) {
    const box = await page.getByTestId(id).first().boundingBox();
    expect(box, id).not.toBeNull();
    expect(box!.y + box!.height, `${id} is on the first screen`).toBeLessThanOrEqual(740);
    expect(box!.y + box!.height, `${id} comes before the pay button`).toBeLessThanOrEqual(pay!.y);
  }
  await expect(page.getByTestId('summary-number')).toHaveText(/^F-\d{4}-\d{6}$/);
  await expect(page.getByTestId('summary-seller')).toContainText('Quittance Démo SAS');
  await page.screenshot({ path: `test-results/screens/first-screen-${name}.png` });
}

test('the first screen of an invoice and of its pay link says which invoice, from whom, how much and by when, then offers to pay', async ({ page }) => {
  // The pay link, in French (the phone's language) then in English.
  const link = seededPayLinks()[0];
  await page.goto(link);
  await firstScreen(page, 'pay-link-fr');
  await expect(page.getByTestId('summary-due')).toContainText(/(À régler au plus tard le|Échue depuis le) \d{2}\/\d{2}\/\d{4}/);
  await page.getByTestId('lang-en').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await firstScreen(page, 'pay-link-en');
  await expect(page.getByTestId('summary-due')).toContainText(/(Due by|Overdue since) \d{1,2} \w{3} \d{4}/);

  // The invoice page of a signed-in customer, with the header and its menu.
  await page.goto('/login');
  await waitForHydration(page);
  await new LoginPage(page).signIn('client2@demo.test', 'client-demo-2');
  await expect(page).toHaveURL(/\/invoices$/);
  await page.getByTestId('filter-to_pay').click();
  await expect(page).toHaveURL(/status=to_pay/);
  const open = await page.getByTestId('invoice-link').first().getAttribute('href');
  await page.goto(open!);
  await firstScreen(page, 'invoice-en');
  await page.getByTestId('lang-fr').click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'fr');
  await firstScreen(page, 'invoice-fr');
});
