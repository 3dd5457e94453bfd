/**
 * `npm start` in this package: the simulator on its own, for trying a client by hand. PORT (default 4020);
 * CONNECTWISE_SIMULATOR_HOST (default 127.0.0.1, loopback only); CONNECTWISE_SIMULATOR_SEED=demo|empty (default demo).
 */
import { startConnectWiseSimulator } from './index.ts';

const out = (line: string) => process.stdout.write(`${line}\n`);
const port = Number.parseInt(process.env.PORT ?? '4020', 10);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`PORT must be a port number (0-65535); got "${process.env.PORT ?? ''}".\n`);
  process.exit(1);
}
const seed = process.env.CONNECTWISE_SIMULATOR_SEED ?? 'demo';
if (seed !== 'demo' && seed !== 'empty') {
  process.stderr.write(`CONNECTWISE_SIMULATOR_SEED must be "demo" or "empty"; got "${seed}".\n`);
  process.exit(1);
}

const sim = await startConnectWiseSimulator({
  port,
  host: process.env.CONNECTWISE_SIMULATOR_HOST ?? '127.0.0.1',
  seed,
});
out(`ConnectWise PSA simulator listening (${seed} seed)`);
out(`  site:          ${sim.siteUrl}`);
out(`  API base URL:  ${sim.baseUrl}`);
out(`  control page:  ${sim.controlUrl}`);
out(`  company id:    ${sim.credentials.companyId}`);
out(`  public key:    ${sim.credentials.publicKey}`);
out(`  private key:   ${sim.credentials.privateKey}`);
out(`  clientId:      ${sim.credentials.clientId}`);

let stopping = false;
const stop = (signal: string) => {
  if (stopping) return;
  stopping = true;
  out(`${signal}: stopping the ConnectWise simulator.`);
  sim.close().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
