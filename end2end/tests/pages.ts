import { expect, type Page } from '@playwright/test';

/** Page objects: one place that knows the selectors. */
export class LoginPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto('/login');
  }

  async signIn(email: string, password: string) {
    await this.page.getByTestId('login-submit').waitFor();
    await this.page.locator('#field-email').fill(email);
    await this.page.locator('#field-password').fill(password);
    await this.page.getByTestId('login-submit').click();
  }

  formError() {
    return this.page.getByTestId('form-error');
  }

  emailValue() {
    return this.page.locator('#field-email');
  }
}

export class InvoicesPage {
  constructor(private readonly page: Page) {}

  rows() {
    return this.page.getByTestId('invoice-row');
  }

  list() {
    return this.page.getByTestId('invoice-list');
  }

  filter(name: 'all' | 'to_pay' | 'overdue' | 'paid' | 'disputed') {
    return this.page.getByTestId(`filter-${name}`);
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }
}

export class ForgotPasswordPage {
  constructor(private readonly page: Page) {}

  async open() {
    await this.page.goto('/forgot-password');
  }

  async request(email: string) {
    await this.page.locator('#field-email').fill(email);
    await this.page.getByTestId('forgot-submit').click();
  }

  answer() {
    return this.page.getByTestId('forgot-sent');
  }
}

/** `/reset-password/:token` and `/invite/:token`: one new password. */
export class AccountLinkPage {
  constructor(private readonly page: Page) {}

  async setPassword(password: string, submit: 'reset-submit' | 'invite-submit') {
    await this.page.locator('#field-password').fill(password);
    await this.page.getByTestId(submit).click();
  }

  account() {
    return this.page.getByTestId('account-email');
  }
}

/** The logo part of `/staff/settings`. */
export class LogoSettings {
  constructor(private readonly page: Page) {}

  async upload(file: string | { name: string; mimeType: string; buffer: Buffer }) {
    await this.page.getByTestId('logo-file').setInputFiles(file);
    await this.page.getByTestId('logo-upload').click();
  }

  preview() {
    return this.page.getByTestId('logo-preview');
  }

  error() {
    return this.page.getByTestId('logo-error');
  }

  async remove() {
    await this.page.getByTestId('logo-remove').click();
  }
}

/** `/staff/invoices/new`. */
export class DraftFormPage {
  constructor(private readonly page: Page) {}

  async line(i: number, description: string, quantity: string, price: string, vat: string) {
    await this.page.getByTestId(`line-${i}-description`).fill(description);
    await this.page.getByTestId(`line-${i}-quantity`).fill(quantity);
    await this.page.getByTestId(`line-${i}-unit_price`).fill(price);
    await this.page.getByTestId(`line-${i}-vat_rate`).fill(vat);
  }

  deposits() {
    return this.page.getByTestId('draft-deposits');
  }

  async save() {
    await this.page.getByTestId('save-draft').click();
  }
}

/** `/staff/invoices/:id`. */
export class StaffInvoicePage {
  constructor(private readonly page: Page) {}

  number() {
    return this.page.getByTestId('doc-number');
  }

  status() {
    return this.page.getByTestId('doc-status');
  }

  async issue() {
    await this.page.getByTestId('issue').click();
  }

  async correct() {
    await this.page.getByTestId('correct-invoice').click();
  }
}

/**
 * Waits until the page is ready to use: loaded, and every island on it (the
 * only parts that run in the browser) hydrated. Pages without islands load no
 * script at all, so for them this is the load event.
 */
export async function waitForHydration(page: Page) {
  await page.waitForLoadState('load');
  const islands = page.locator('leptos-island');
  const count = await islands.count();
  for (let i = 0; i < count; i++) {
    await expect(islands.nth(i).locator('[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
  }
}

/** Signs out from the header; on a phone the link is in the "Menu" popover. */
export async function logOut(page: Page) {
  const menu = page.getByTestId('menu-button');
  if (await menu.isVisible()) await menu.click();
  await page.getByTestId('logout').click();
}

/** Fails if the page is wider than its viewport (horizontal scrolling). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

/** The staff dashboard on /staff: figures and the ageing buckets. */
export class StaffDashboardPage {
  static readonly overdueBuckets = ['1-30', '31-60', '61-90', 'over_90'];

  constructor(private readonly page: Page) {}

  /** A figure card's value: open, overdue, overdue-count, paid, in-dispute. */
  figure(id: string) {
    return this.page.getByTestId(`dash-${id}`);
  }

  bucketLink(bucket: string) {
    return this.page.getByTestId(`dash-age-${bucket}`);
  }

  async bucketCount(bucket: string) {
    return Number(await this.page.getByTestId(`dash-age-${bucket}-count`).innerText());
  }

  /** The first bucket past due with at least one invoice. */
  async firstOverdueBucket() {
    for (const b of StaffDashboardPage.overdueBuckets) {
      if ((await this.bucketCount(b)) > 0) return b;
    }
    throw new Error('no overdue invoice on the dashboard');
  }
}
