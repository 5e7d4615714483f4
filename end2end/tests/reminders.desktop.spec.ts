import { test, expect } from '@playwright/test';
import { LoginPage, waitForHydration } from './pages';
import { ReminderSettingsPage } from './reminders.pages';

test('an admin edits a reminder step and sees its preview', async ({ page }) => {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('admin@demo.test', 'admin-demo-1');
  await expect(page).toHaveURL(/\/staff$/);
  await page.getByTestId('nav-reminders').click();
  await expect(page).toHaveURL(/\/staff\/reminders$/);
  const settings = new ReminderSettingsPage(page);
  await waitForHydration(page);

  // An unknown placeholder is refused next to its field; what was typed stays.
  const wrong = 'Reminder: {invoice} for {customer}';
  await settings.field(0, 'subject_en').fill(wrong);
  await settings.save();
  await expect(settings.error(0, 'subject_en')).toBeVisible();
  await expect(settings.field(0, 'subject_en')).toHaveValue(wrong);

  const subject = 'Friendly reminder: invoice {invoice_number} for {customer}';
  await settings.field(0, 'subject_en').fill(subject);
  await settings.save();
  await expect(settings.saved()).toBeVisible();
  await expect(settings.field(0, 'subject_en')).toHaveValue(subject);

  await settings.preview(0, 'en');
  await expect(settings.previewSubject()).toContainText('Friendly reminder: invoice ');
  await expect(settings.previewSubject()).not.toContainText('{invoice_number}');
  await expect(settings.previewBody()).not.toContainText('{customer}');
  await expect(settings.previewInvoice()).toBeVisible();
  await page.screenshot({ path: 'test-results/screens/reminder-preview.png', fullPage: true });
});
