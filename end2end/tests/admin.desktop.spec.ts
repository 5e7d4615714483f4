import { test, expect } from '@playwright/test';
import { LoginPage, waitForHydration } from './pages';

async function signInAsAdmin(page: import('@playwright/test').Page) {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
}

test('an admin is told which company settings are wrong and keeps what was typed', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff/settings');
  await waitForHydration(page);
  await page.getByTestId('settings-iban').fill('FR76 3000 6000 0112 3456 7890 188');
  await page.getByTestId('settings-payment_terms_days').fill('90');
  await page.getByTestId('save-settings').click();
  await expect(page.locator('.field-error')).toHaveCount(2);
  await expect(page.getByTestId('settings-iban')).toHaveValue('FR76 3000 6000 0112 3456 7890 188');
  await page.screenshot({ path: 'test-results/screens/settings-errors.png', fullPage: true });
});

test('staff create a business customer only with a valid SIREN', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff/customers/new');
  await waitForHydration(page);
  await page.getByTestId('customer-name').fill('Menuiserie Leroy');
  await page.getByTestId('customer-siren').fill('123456789');
  await page.getByTestId('customer-address_line1').fill('4 rue du Bois');
  await page.getByTestId('customer-postal_code').fill('44000');
  await page.getByTestId('customer-city').fill('Nantes');
  await page.getByTestId('customer-billing_email').fill('compta@leroy.test');
  await page.getByTestId('save-customer').click();
  await expect(page.locator('.field-error')).toContainText(/SIREN/);
  await page.getByTestId('customer-siren').fill('552100554');
  await page.getByTestId('save-customer').click();
  await expect(page).toHaveURL(/\/staff\/customers$/);
  await expect(page.getByTestId('customer-list')).toContainText('Menuiserie Leroy');
  await page.screenshot({ path: 'test-results/screens/customers.png', fullPage: true });
});

test('an admin sees the staff accounts and cannot reuse an email', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/staff/users');
  await waitForHydration(page);
  await expect(page.getByTestId('staff-accounts')).toContainText('Alice Agent');
  await page.locator('#nu-email').fill('agent@demo.test');
  await page.locator('#nu-name').fill('Doublon');
  await page.locator('#nu-password').fill('a-long-enough-password');
  await page.getByTestId('create-staff').click();
  await expect(page.locator('.field-error')).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/staff-users.png', fullPage: true });
});
