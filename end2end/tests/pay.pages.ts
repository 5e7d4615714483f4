import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The pay links the demo seed printed, newest first (the first is only viewed). */
export function seededPayLinks(): string[] {
  const seed = readFileSync(join(__dirname, '..', '.e2e-seed.txt'), 'utf8');
  return [...seed.matchAll(/http:\/\/\S+?(\/pay\/[0-9a-f]{64})/g)].map((m) => m[1]);
}

/** The pay panel of an invoice page or a pay link, and the simulated checkout. */
export class PayFlow {
  constructor(private readonly page: Page) {}

  panel() {
    return this.page.getByTestId('pay-panel');
  }

  async pay() {
    await this.page.getByTestId('pay-button').click();
    await expect(this.page).toHaveURL(/\/checkout\/simulated\/cs_sim_/);
    await expect(this.page.getByTestId('sim-checkout')).toBeVisible();
  }

  async choose(outcome: 'card_succeeds' | 'card_declined' | 'sepa_succeeds' | 'sepa_fails') {
    await this.page.getByTestId(`sim-${outcome}`).click();
  }

  async shot(name: string) {
    await this.page.screenshot({ path: `test-results/screens/${name}.png`, fullPage: true });
  }
}
