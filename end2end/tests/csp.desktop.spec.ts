import { test, expect, type Page } from '@playwright/test';
import { DraftFormPage, LoginPage, waitForHydration } from './pages';

/**
 * Collects what the Content-Security-Policy blocks on a page: the browser's
 * console reports and the `securitypolicyviolation` events of the document.
 */
async function watchViolations(page: Page): Promise<() => Promise<string[]>> {
  const reported: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect|frame|compile)/i.test(m.text())) {
      reported.push(m.text());
    }
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => {
      w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  return async () => [
    ...reported,
    ...(await page.evaluate(() => (window as unknown as { __csp?: string[] }).__csp ?? [])),
  ];
}

test('the draft editor hydrates under the content security policy and nothing is blocked', async ({ page }) => {
  const violations = await watchViolations(page);
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('agent@demo.test', 'agent-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  const res = await page.goto('/staff/invoices/new');
  const csp = res?.headers()['content-security-policy'] ?? '';
  expect(csp).toContain("frame-ancestors 'none'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
  expect(res?.headers()['x-frame-options']).toBe('DENY');
  await waitForHydration(page);
  // The island computes in the browser: it loaded, compiled and runs.
  await new DraftFormPage(page).line(0, 'Audit', '2', '500', '20');
  await expect(page.getByTestId('live-ttc')).toContainText('1,200.00');
  expect(await violations()).toEqual([]);
});
