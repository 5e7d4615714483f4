import { expect, type Page } from '@playwright/test';
import { LoginPage, expectNoHorizontalScroll, waitForHydration } from './pages';

/** `/staff/reminders`: the schedule form, a step's preview. */
export class ReminderSettingsPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto('/staff/reminders');
    await waitForHydration(this.page);
  }

  field(step: number, name: 'offset_days' | 'tone' | 'subject_fr' | 'body_fr' | 'subject_en' | 'body_en') {
    return this.page.getByTestId(`rem-s${step}-${name}`);
  }

  /** The message under a step's field. */
  error(step: number, name: string) {
    return this.page.locator(`#rem-s${step}-${name}-error`);
  }

  async save() {
    await this.page.getByTestId('rem-save').click();
  }

  saved() {
    return this.page.getByTestId('rem-saved');
  }

  async preview(step: number, lang: 'fr' | 'en') {
    await this.page.getByTestId(`rem-preview-${step}-${lang}`).click();
    await waitForHydration(this.page);
  }

  previewSubject() {
    return this.page.getByTestId('rem-preview-subject');
  }

  previewBody() {
    return this.page.getByTestId('rem-preview-body');
  }

  previewInvoice() {
    return this.page.getByTestId('rem-preview-invoice');
  }
}

/** The reminders block of a customer's invoice page. */
export class PromiseToPay {
  constructor(private readonly page: Page) {}

  block() {
    return this.page.getByTestId('rem-customer');
  }

  date() {
    return this.page.getByTestId('rem-promise-date');
  }

  async promise(day: string) {
    await this.date().fill(day);
    await this.page.getByTestId('rem-promise-submit').click();
    await waitForHydration(this.page);
  }

  error() {
    return this.page.getByTestId('rem-promise-error');
  }

  done() {
    return this.page.getByTestId('rem-promised');
  }
}

/** `YYYY-MM-DD` plus `days` days. */
export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A customer on a phone opens an overdue invoice, promises a date too far
 * ahead (refused next to the field, the date kept), then the last allowed
 * date, and is told reminders wait until then. The same with and without
 * JavaScript: the form is a plain post.
 */
export async function customerPromisesToPay(page: Page, shot: string) {
  await new LoginPage(page).open();
  await waitForHydration(page);
  await new LoginPage(page).signIn('client@demo.test', 'client-demo-1');
  await expect(page).toHaveURL(/\/invoices$/);
  await page.goto('/invoices?status=overdue');
  await waitForHydration(page);
  await page.getByTestId('invoice-link').first().click();
  await waitForHydration(page);
  const promise = new PromiseToPay(page);
  await expect(promise.block()).toBeVisible();
  await expect(page.getByTestId('rem-late')).toBeVisible();
  const max = await promise.date().getAttribute('max');
  expect(max).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  const tooFar = addDays(max!, 1);
  await promise.promise(tooFar);
  await expect(promise.error()).toBeVisible();
  await expect(promise.date()).toHaveValue(tooFar);
  await promise.promise(max!);
  await expect(promise.done()).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`promised=${max}`));
  await expectNoHorizontalScroll(page);
  await page.screenshot({ path: `test-results/screens/${shot}.png`, fullPage: true });
}
