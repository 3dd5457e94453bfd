import { describe, expect, it } from 'vitest';
import { AutotaskPermissionError, AutotaskRateLimitedError } from '../../src/autotask/client.ts';
import { getIntegrationSettings } from '../../src/services/integration/settings.ts';
import { useAppWithSimulator } from '../support/app-with-simulator.ts';
import { scrape, valueOf } from './prometheus-text.ts';

/**
 * Autotask calls in /metrics: every HTTP request the app's Autotask client sends is counted by
 * operation and outcome, and timed, whatever the API log level in Settings keeps in the database.
 * The outcome is the request's, as the API call log has it: `{"item":null}` is an answered request
 * (`ok`), however the caller reads it.
 */

const TOKEN = 'aa11bb22cc33dd44ee55ff6600778899aabbccddeeff00112233445566778899';
const REQUESTS = 'backupchecks_autotask_requests_total';
const DURATION = 'backupchecks_autotask_request_duration_seconds';

// API log level `errors` (the default in Settings): the database keeps failed calls only.
const suite = useAppWithSimulator({ env: { METRICS_TOKEN: TOKEN }, autotask: { apiLogLevel: 'errors' } });

async function client() {
  return suite.built.context.autotask.client(await getIntegrationSettings(suite.db.prisma));
}

describe('backupchecks_autotask_requests_total', () => {
  it('counts successful calls by operation as `ok`, though the API call log keeps none of them', async () => {
    const before = await scrape(suite.app, TOKEN);
    const okThreshold = { operation: 'threshold.get', outcome: 'ok' };
    const start = valueOf(before, REQUESTS, okThreshold) ?? 0;

    const autotask = await client();
    await autotask.getThresholdInformation();
    await autotask.getThresholdInformation();

    const after = await scrape(suite.app, TOKEN);
    expect(valueOf(after, REQUESTS, okThreshold)).toBe(start + 2);
    expect(valueOf(after, `${DURATION}_count`, { operation: 'threshold.get' })).toBe(start + 2);
    // The simulator's request log agrees: two ThresholdInformation requests reached Autotask.
    expect(suite.sim.state.requestLog.filter((r) => r.entity === 'ThresholdInformation')).toHaveLength(2);
    expect(await suite.db.prisma.apiCallLog.count({ where: { ok: true } })).toBe(0);
  });

  it('counts a failed call under the kind of failure, as the API call log records it', async () => {
    suite.sim.faults.failNext({
      entity: 'Tickets',
      method: 'GET',
      status: 403,
      errors: ['The logged in Resource does not have the adequate permissions to access this entity.'],
    });
    const autotask = await client();
    await expect(autotask.getTicket(4711)).rejects.toBeInstanceOf(AutotaskPermissionError);

    const exp = await scrape(suite.app, TOKEN);
    expect(valueOf(exp, REQUESTS, { operation: 'tickets.get', outcome: 'permission' })).toBe(1);
    expect(valueOf(exp, REQUESTS, { operation: 'tickets.get', outcome: 'ok' })).toBeUndefined();
    expect(await suite.db.prisma.apiCallLog.findMany({ select: { operation: true, ok: true } })).toEqual([
      { operation: 'tickets.get', ok: false },
    ]);
  });

  it('counts a write refused by the rate limit as `rate_limited` (a write is sent once)', async () => {
    suite.sim.faults.rateLimitNext({ entity: 'Tickets', method: 'PATCH', count: 1, retryAfterSeconds: 30 });
    const autotask = await client();
    await expect(autotask.updateTicketStatus(4711, 5)).rejects.toBeInstanceOf(AutotaskRateLimitedError);

    const exp = await scrape(suite.app, TOKEN);
    expect(valueOf(exp, REQUESTS, { operation: 'tickets.updateStatus', outcome: 'rate_limited' })).toBe(1);
    expect(valueOf(exp, `${DURATION}_count`, { operation: 'tickets.updateStatus' })).toBe(1);
  });
});
