import type { Locator, Page } from 'playwright-core';

/** The people the journeys sign in as (the admin is in harness.ts), and the customer they work on. */
export const people = {
  operator: {
    name: 'Olivia Operator',
    email: 'olivia@e2e.example',
    password: 'operator password 123',
    role: 'operator',
  },
  reporter: { name: 'Rick Reporter', email: 'rick@e2e.example', password: 'reporter password 123', role: 'reporter' },
} as const;

export const customerName = 'Acme Dental';

/** Opens a Run Checks row by its "Show runs" link and waits until its runs are on the page. */
export async function showRunsOf(page: Page, row: Locator): Promise<void> {
  const id = await row.getAttribute('id');
  await row.getByRole('link', { name: /^Show runs/ }).click();
  await page.locator(`#${id}-runs`).waitFor();
}
