import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startConnectWiseSimulator, type ConnectWiseSimulator } from '@backupchecks/connectwise-simulator';
import {
  createConnectWiseClient,
  InMemoryApiCallRecorder,
  type ConnectWiseClient,
  type ConnectWiseCredentials,
} from '../../src/connectwise/client.ts';
import { instantSleep } from '../psa-http/helpers.ts';

export { rejection } from '../psa-http/helpers.ts';

/**
 * The contract suite's set-up: the real client against the real simulator over HTTP. Both were written
 * from docs/connectwise.md alone; where they disagree, that page decides which one is wrong.
 */

export interface ContractContext {
  readonly sim: ConnectWiseSimulator;
  readonly recorder: InMemoryApiCallRecorder;
  /** The waits the client's retry loop asked for; the sleep itself returns at once. */
  readonly sleeps: number[];
  /** A client configured with the simulator's base URL and credentials (any of them replaceable). */
  client(credentials?: Partial<ConnectWiseCredentials>): ConnectWiseClient;
  /** The simulator's log of API requests with this method on this resource (its names for paths). */
  requests(method: string, resource: string): ConnectWiseSimulator['requestLog'];
  /** Adds companies through the simulator's control API, as another process would; returns their ids. */
  seedCompanies(names: readonly string[]): Promise<number[]>;
}

/** Starts the simulator for the file; each test starts from its seed with an empty request log. */
export function useConnectWiseSimulator(): ContractContext {
  let sim: ConnectWiseSimulator | undefined;
  let recorder = new InMemoryApiCallRecorder();
  const { sleeps, sleep } = instantSleep();
  const running = (): ConnectWiseSimulator => {
    if (!sim) throw new Error('The ConnectWise simulator is not running');
    return sim;
  };

  beforeAll(async () => {
    sim = await startConnectWiseSimulator();
  });
  afterAll(async () => {
    await sim?.close();
  });
  beforeEach(() => {
    running().reset();
    recorder = new InMemoryApiCallRecorder();
    sleeps.length = 0;
  });

  return {
    get sim() {
      return running();
    },
    get recorder() {
      return recorder;
    },
    sleeps,
    client(credentials = {}) {
      const s = running();
      return createConnectWiseClient({
        baseUrl: s.baseUrl,
        credentials: { ...s.credentials, ...credentials },
        timeoutMs: 10_000,
        recorder,
        logLevel: 'all',
        retry: { sleep, random: () => 0.5 },
      });
    },
    requests(method, resource) {
      return running().requestLog.filter((r) => r.method === method && r.resource === resource);
    },
    async seedCompanies(names) {
      const response = await fetch(`${running().controlUrl}seed`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ companies: names.map((name) => ({ name })) }),
      });
      if (!response.ok) throw new Error(`seeding companies failed: ${response.status} ${await response.text()}`);
      const body = (await response.json()) as { companies: { id: number }[] };
      return body.companies.map((c) => c.id);
    },
  };
}

let referenceSeq = 0;

/** A reference as Backupchecks would write one: unique within the file. */
export function newReference(): string {
  referenceSeq += 1;
  return `BC-RUN-${process.pid}-${referenceSeq}`;
}
