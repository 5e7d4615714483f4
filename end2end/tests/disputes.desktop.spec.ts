import { expect, test } from '@playwright/test';
import { LoginPage, waitForHydration } from './pages';
import { PayFlow, seededPayLinks } from './pay.pages';
import { DisputeForm, StaffDispute, shot } from './disputes.pages';

test('staff answer a dispute, note it, resolve it with a partial credit note, and the customer pays the rest', async ({ browser }) => {
  const link = seededPayLinks()[8];
  // The customer disputes part of the invoice from its pay link.
  const customer = await browser.newPage();
  await customer.goto(link);
  await waitForHydration(customer);
  const form = new DisputeForm(customer);
  await form.open();
  await form.fill('wrong_amount', '12', 'The agreed discount of 10 EUR excl. VAT is missing.');
  await form.submit();
  await expect(customer).toHaveURL(/\/disputes\/\d+/);
  const thread = customer.url();
  const heading = await customer.getByRole('heading', { level: 1 }).innerText();
  const number = heading.match(/F-\d{4}-\d{6}/)![0];

  // Staff find it in the queue, reply, add a note and resolve it.
  const staff = await browser.newPage();
  await new LoginPage(staff).open();
  await waitForHydration(staff);
  await new LoginPage(staff).signIn('agent@demo.test', 'agent-demo-1');
  await expect(staff).toHaveURL(/\/staff$/);
  await staff.goto('/staff/disputes?assignee=unassigned');
  const row = staff.getByTestId('queue-row').filter({ hasText: number });
  await expect(row).toBeVisible();
  await shot(staff, 'staff-dispute-queue');
  await row.getByRole('link').first().click();
  await expect(staff).toHaveURL(/\/staff\/disputes\/\d+/);
  await waitForHydration(staff);
  const sd = new StaffDispute(staff);
  await sd.reply('You are right, we are issuing a credit note for the discount.');
  await sd.note('INTERNAL: discount forgotten by sales, see quote D-118.');
  await sd.resolvePartialCredit('10', 'Credit note for the agreed discount of 10 EUR excl. VAT.');
  await expect(staff.getByTestId('sd-resolution')).toContainText('AV-');
  await expect(staff.getByTestId('sd-history')).toBeVisible();
  await shot(staff, 'staff-dispute-resolved');

  // The customer sees the reply and the resolution, never the note, then pays the rest.
  await customer.goto(thread);
  await expect(customer.getByTestId('resolution')).toContainText('AV-');
  await expect(customer.getByText('You are right, we are issuing a credit note')).toBeVisible();
  await expect(customer.getByText('INTERNAL: discount forgotten')).toHaveCount(0);
  await shot(customer, 'customer-dispute-resolved');
  await customer.goto(link);
  await waitForHydration(customer);
  const pay = new PayFlow(customer);
  await pay.pay();
  await pay.choose('card_succeeds');
  await expect(customer.getByTestId('return-paid')).toBeVisible();
  await customer.goto(link);
  await expect(customer.getByTestId('pay-nothing')).toBeVisible();
});
