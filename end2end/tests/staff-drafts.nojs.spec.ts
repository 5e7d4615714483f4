import { test, expect } from '@playwright/test';
import { DraftFormPage, LoginPage } from './pages';

test('without JavaScript a deposit over the total is refused next to its field and kept', async ({ page }) => {
  await new LoginPage(page).open();
  await new LoginPage(page).signIn('agent@demo.test', 'agent-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await page.goto('/staff/invoices/new');
  const draft = new DraftFormPage(page);
  await draft.line(0, 'Maintenance', '1', '100', '20');
  await draft.deposits().fill('500');
  await draft.save();
  await expect(page.locator('#err-deposits')).toBeVisible();
  await expect(draft.deposits()).toHaveValue('500');
  await page.screenshot({ path: 'test-results/screens/draft-deposit-refused-nojs.png', fullPage: true });
  await expect(page.getByTestId('line-0-description')).toHaveValue('Maintenance');
  await draft.deposits().fill('20,00');
  await draft.save();
  await expect(page).toHaveURL(/\/staff\/invoices\/\d+$/);
  await expect(page.getByTestId('doc-balance')).toContainText('100,00');
  await page.screenshot({ path: 'test-results/screens/draft-deposit-nojs.png', fullPage: true });
});
