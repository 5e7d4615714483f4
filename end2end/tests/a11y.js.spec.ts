import { test, expect, type Page } from '@playwright/test';
import * as path from 'node:path';
import { LoginPage, logOut, waitForHydration } from './pages';

// axe-core is injected as a script: the pages' Content-Security-Policy would
// refuse it, so this file's pages are opened with CSP bypassed.
test.use({ bypassCSP: true });

const axePath = path.resolve(__dirname, '../node_modules/axe-core/axe.min.js');

/** WCAG 2.1 A and AA rules that fail on the current page, as readable lines. */
async function violations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    // @ts-expect-error axe is the script just added.
    const r = await window.axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] });
    const failed = r.violations.map(
      (v: { id: string; nodes: { target: string[] }[] }) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    );
    return { failed, passed: r.passes.length };
  });
  // A page axe could not read would pass with no rule checked.
  expect(found.passed).toBeGreaterThan(10);
  return found.failed as string[];
}

async function signIn(page: Page, email: string, password: string) {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn(email, password);
}

test('a late invoice with its reminders and promise form passes axe on a phone', async ({ page }) => {
  await signIn(page, 'client@demo.test', 'client-demo-1');
  await page.goto('/invoices?status=overdue');
  await page.getByTestId('invoice-link').first().click();
  await waitForHydration(page);
  await expect(page.getByTestId('rem-customer')).toBeVisible();
  expect(await violations(page)).toEqual([]);
});

test('the staff reminders page and a staff invoice with its reminders panel pass axe on a phone', async ({ page }) => {
  await signIn(page, 'admin@demo.test', 'admin-demo-1');
  await page.goto('/staff/reminders');
  await waitForHydration(page);
  expect(await violations(page)).toEqual([]);
  await page.goto('/staff/invoices?status=overdue');
  await page.locator('th[scope="row"] a').first().click();
  await waitForHydration(page);
  expect(await violations(page)).toEqual([]);
  await logOut(page);
});
