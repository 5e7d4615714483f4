import { test, expect } from '@playwright/test';
import { LoginPage, StaffDashboardPage, waitForHydration } from './pages';

test('staff open the dashboard and an ageing bucket lists its invoices', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  const dash = new StaffDashboardPage(page);
  await expect(dash.figure('open')).toContainText('€');
  await expect(dash.figure('overdue-count')).toHaveText(/^\d+$/);
  await expect(page.getByRole('img', { name: /cash received/i })).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/staff-dashboard.png', fullPage: true });

  // The demo data has overdue invoices: the first bucket past due that has any.
  const bucket = await dash.firstOverdueBucket();
  const count = await dash.bucketCount(bucket);
  expect(count).toBeGreaterThan(0);
  await dash.bucketLink(bucket).click();
  await expect(page).toHaveURL(new RegExp(`/staff/invoices\\?age=${bucket}$`));
  await expect(page.getByTestId('filter-age')).toHaveValue(bucket);
  await expect(page.getByTestId('staff-invoice-row')).toHaveCount(count);
});

test('the dashboard figures fit a 360 px wide screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  const dash = new StaffDashboardPage(page);
  await expect(dash.figure('open')).toBeVisible();
  for (const id of ['open', 'overdue', 'overdue-count', 'paid', 'in-dispute']) {
    const card = dash.figure(id);
    const inner = await card.evaluate((dd) => dd.scrollWidth - dd.clientWidth);
    expect(inner, `${id} spills out of its card`).toBeLessThanOrEqual(0);
  }
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await page.screenshot({ path: 'test-results/screens/staff-dashboard-360.png', fullPage: true });
});
