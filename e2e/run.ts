import { journeys } from './journeys.ts';
import { startHarness } from './harness.ts';

// `npm run e2e`: every journey in a real Chromium against the app, its database and the simulator.
const started = Date.now();
const harness = await startHarness();
let failed = false;
try {
  for (const journey of journeys) {
    process.stdout.write(`${journey.name}\n`);
    await journey.run(harness);
  }
  if (harness.problems.length) {
    failed = true;
    process.stdout.write(`\nBrowser problems:\n${harness.problems.map((p) => `  - ${p}`).join('\n')}\n`);
  }
} catch (e) {
  failed = true;
  process.stdout.write(`\n✗ ${(e as Error).stack ?? String(e)}\n`);
  if (harness.problems.length) process.stdout.write(`Browser problems:\n${harness.problems.join('\n')}\n`);
} finally {
  await harness.close();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
process.stdout.write(
  `\ne2e: ${failed ? 'FAILED' : 'all journeys passed'} in ${seconds} s; screenshots in e2e/output/\n`,
);
process.exit(failed ? 1 : 0);
