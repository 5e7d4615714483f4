import { expect, test } from '@playwright/test';
import { expectNoHorizontalScroll } from './pages';
import { seededPayLinks } from './pay.pages';
import { DisputeForm, FAKE_PDF, PHOTO, shot } from './disputes.pages';

// Phone (360 px) without JavaScript: the dispute form is a plain form post.

test('without JavaScript a file that is not really a PDF is refused and what was typed is kept', async ({ page }) => {
  await page.goto(seededPayLinks()[7]);
  const form = new DisputeForm(page);
  await form.open();
  await form.fill('wrong_amount', '', 'La remise de 10 % manque.');
  await form.attach(FAKE_PDF);
  await form.submit();
  await expect(page.getByTestId('dispute-error-files')).toBeVisible();
  await expect(page.getByTestId('dispute-message')).toHaveValue('La remise de 10 % manque.');
  await expect(page.getByTestId('dispute-reason')).toHaveValue('wrong_amount');
  await expectNoHorizontalScroll(page);
  await shot(page, 'dispute-refused-file-nojs');
  // Nothing was saved: the form is still offered, and a real photo goes through.
  await form.attach(PHOTO);
  await form.submit();
  await expect(page).toHaveURL(/\/disputes\/\d+/);
  await expect(page.getByTestId('thread-attachment')).toContainText(PHOTO.name);
  await page.getByTestId('reply-message').fill('Une précision : la remise figurait sur le devis.');
  await page.getByTestId('reply-submit').click();
  await expect(page.getByTestId('thread-message')).toHaveCount(2);
});
