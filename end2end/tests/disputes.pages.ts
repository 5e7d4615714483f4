import { expect, type Page } from '@playwright/test';

/** A 1x1 PNG: a real image, recognised by its content. */
export const PHOTO = {
  name: 'colis-abime.png',
  mimeType: 'image/png',
  buffer: Buffer.from(
    'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
    'base64',
  ),
};

/** A text file dressed up as a PDF by its name: refused by its content. */
export const FAKE_PDF = {
  name: 'facture.pdf',
  mimeType: 'application/pdf',
  buffer: Buffer.from('this is not a PDF at all'),
};

/** The dispute section of an invoice page or a pay link. */
export class DisputeForm {
  constructor(private readonly page: Page) {}

  section() {
    return this.page.getByTestId('dispute-section');
  }

  async open() {
    const form = this.page.getByTestId('dispute-form');
    if (!(await form.isVisible())) {
      await this.section().locator('summary').click();
    }
    await expect(form).toBeVisible();
  }

  async fill(reason: string, amount: string, message: string) {
    await this.page.getByTestId('dispute-reason').selectOption(reason);
    await this.page.getByTestId('dispute-amount').fill(amount);
    await this.page.getByTestId('dispute-message').fill(message);
  }

  async attach(...files: { name: string; mimeType: string; buffer: Buffer }[]) {
    await this.page.getByTestId('dispute-files').setInputFiles(files);
  }

  async submit() {
    await this.page.getByTestId('dispute-submit').click();
  }
}

/** The staff thread of a dispute. */
export class StaffDispute {
  constructor(private readonly page: Page) {}

  async reply(text: string) {
    await this.page.getByTestId('sd-reply-message').fill(text);
    await this.page.getByTestId('sd-reply-submit').click();
    await expect(this.page.getByTestId('sd-message').filter({ hasText: text })).toBeVisible();
  }

  async note(text: string) {
    await this.page.getByTestId('sd-note-message').fill(text);
    await this.page.getByTestId('sd-note-submit').click();
    await expect(this.page.getByTestId('sd-note').filter({ hasText: text })).toBeVisible();
  }

  async resolvePartialCredit(amountHt: string, explanation: string) {
    await this.page.getByTestId('sd-resolve-kind').selectOption('credit_note_partial');
    await this.page.getByTestId('sd-resolve-amount').fill(amountHt);
    await this.page.getByTestId('sd-resolve-vat').selectOption({ index: 0 });
    await this.page.getByTestId('sd-resolve-explanation').fill(explanation);
    await this.page.getByTestId('sd-resolve-submit').click();
    await expect(this.page.getByTestId('sd-resolution')).toBeVisible();
  }
}

export async function shot(page: Page, name: string) {
  await page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
}
