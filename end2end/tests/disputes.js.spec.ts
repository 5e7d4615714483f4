import { expect, test } from '@playwright/test';
import { expectNoHorizontalScroll, waitForHydration } from './pages';
import { seededPayLinks } from './pay.pages';
import { DisputeForm, PHOTO, shot } from './disputes.pages';

// Phone (360 px) with JavaScript, logged out: a dispute from a pay link.

test('from a pay link a customer opens a dispute with a photo and follows it in its thread', async ({ page }) => {
  const link = seededPayLinks()[6];
  await page.goto(link);
  await waitForHydration(page);
  const form = new DisputeForm(page);
  await form.open();
  await expectNoHorizontalScroll(page);
  await shot(page, 'dispute-form-phone');
  await form.fill('quality', '10', 'Deux articles sont arrivés cassés. <b>Photo</b> jointe.');
  await form.attach(PHOTO);
  await form.submit();
  await expect(page).toHaveURL(/\/pay\/[0-9a-f]{64}\/disputes\/\d+/);
  await expect(page.getByTestId('dispute-status')).toBeVisible();
  // Markup typed in a message is shown as text.
  await expect(page.getByTestId('thread-message').first()).toContainText('<b>Photo</b> jointe.');
  const attachment = page.getByTestId('thread-attachment').first();
  await expect(attachment).toContainText(PHOTO.name);
  await expectNoHorizontalScroll(page);
  await shot(page, 'dispute-thread-phone');
  const file = await page.request.get((await attachment.getAttribute('href'))!);
  expect(file.status()).toBe(200);
  expect(file.headers()['content-type']).toBe('image/png');
  expect(Buffer.compare(await file.body(), PHOTO.buffer)).toBe(0);
  // Back on the pay link: the dispute is open and only the rest is payable.
  await page.goto(link);
  await expect(page.getByTestId('dispute-open-link')).toBeVisible();
  await expect(page.getByTestId('pay-disputed')).toBeVisible();
});
