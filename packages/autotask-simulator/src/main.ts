/**
 * `npm run autotask:sim`: the simulator on its own, for trying the app by hand or pointing another
 * tool at it. PORT (default 4010); AUTOTASK_SIMULATOR_HOST (default 127.0.0.1, loopback only);
 * AUTOTASK_SIMULATOR_SEED=demo|empty (default demo).
 */
import { startSimulator } from './index.ts';

const port = Number.parseInt(process.env.PORT ?? '4010', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535); got "${process.env.PORT ?? ''}".`);
  process.exit(1);
}
const seedEnv = process.env.AUTOTASK_SIMULATOR_SEED ?? 'demo';
if (seedEnv !== 'demo' && seedEnv !== 'empty') {
  console.error(`AUTOTASK_SIMULATOR_SEED must be "demo" or "empty"; got "${seedEnv}".`);
  process.exit(1);
}

const sim = await startSimulator({
  port,
  host: process.env.AUTOTASK_SIMULATOR_HOST ?? '127.0.0.1',
  seed: seedEnv,
});

console.log(`Autotask simulator listening (${seedEnv} seed)
  zone lookup URL:   ${sim.zoneLookupUrl}
  API URL (zone):    ${sim.apiUrl}
  web URL:           ${sim.webUrl}
  control page:      ${sim.controlUrl}
  API user:          ${sim.credentials.username}
  secret:            ${sim.credentials.secret}
  integration code:  ${sim.credentials.integrationCode}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the Autotask simulator.`);
  sim.close().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
