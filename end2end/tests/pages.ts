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

export async function waitForHydration(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 30_000 });
}

/** Fails if the page is wider than its viewport (horizontal scrolling). */
export async function expectNoHorizontalScroll(page: Page) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}
