import assert from 'node:assert/strict';
import { accessibilityViolations, adminCredentials, signIn, step, type Harness } from './harness.ts';

export interface Journey {
  readonly name: string;
  run(h: Harness): Promise<void>;
}

const signInPage: Journey = {
  name: 'Sign-in page',
  async run(h) {
    const page = await h.person('visitor');
    await step(page, 'login page', async () => {
      await page.goto('/login');
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    });
    await step(page, 'wrong password is refused', async () => {
      await page.getByLabel('E-mail address').fill(adminCredentials.email);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByText('E-mail address or password is not correct.').waitFor();
    }, { allowStatus: [401] });
    const audit = await h.person('axe', { bypassCSP: true });
    await audit.goto('/login');
    assert.deepEqual(await accessibilityViolations(audit), [], 'login page accessibility');
    await signIn(page, adminCredentials.email, adminCredentials.password);
  },
};

export const journeys: Journey[] = [signInPage];
