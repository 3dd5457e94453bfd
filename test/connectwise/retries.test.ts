import { describe, expect, it } from 'vitest';
import {
  ConnectWiseRateLimitedError,
  ConnectWiseUnavailableError,
  ConnectWiseValidationError,
  internalNote,
  isOutcomeUnknown,
  type ConnectWiseClient,
  type StartDeadline,
} from '../../src/connectwise/client.ts';
import { decideRetry, DEFAULT_RETRY_TUNING } from '../../src/connectwise/retry-policy.ts';
import { errorFromResponse } from '../../src/connectwise/errors.ts';
import { API, api, countRequests, makeClient, rejection, socketError, useNock } from './helpers.ts';

// Reads are retried (dropped connection, 429, 5xx; ≤ 3 tries; Retry-After honoured); writes never
// are; every request has a deadline.

useNock();

const newTicket = { companyId: 250, summary: 'Backup failed', reference: 'bc-run-1' };
const info = { version: 'v2025.1', isCloud: true };

/** A deadline the test ends itself, at the moment ConnectWise has the request: no wall clock involved. */
function manualDeadline(): { readonly start: StartDeadline; end(): void } {
  const controller = new AbortController();
  return {
    start: () => ({ signal: controller.signal, clear: () => undefined }),
    end: () => controller.abort(),
  };
}

describe('the deadline', () => {
  it('ends a request that gets no answer in time; a read is not tried again', async () => {
    const scope = api().get(`${API}/system/info`).delay(5_000).reply(200, info);
    const { client, sleeps, recorder } = makeClient({ timeoutMs: 40 });
    const err = await rejection(client.testConnection());
    expect(err).toBeInstanceOf(ConnectWiseUnavailableError);
    expect(err).toMatchObject({ reason: 'timeout', status: null, read: true });
    expect((err as Error).message).toBe('ConnectWise did not answer within 40 ms.');
    expect(sleeps).toEqual([]);
    expect(recorder.entries.map((e) => [e.status, e.ok, e.errorKind])).toEqual([[null, false, 'unavailable']]);
    scope.done();
  });

  it('a create whose answer never comes is sent once and its outcome is unknown', async () => {
    const deadline = manualDeadline();
    const scope = api()
      .post(`${API}/service/tickets`)
      .times(3)
      .reply(() => {
        // ConnectWise got the request (and may have made the ticket); the answer is lost.
        deadline.end();
        return new Promise((resolve) => setImmediate(() => resolve([201, { id: 1 }])));
      });
    const sent = countRequests(scope);
    const { client, sleeps } = makeClient({ startDeadline: deadline.start });
    const err = await rejection(client.createTicket(newTicket));
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'timeout', read: false });
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(sent.count).toBe(1);
    expect(sleeps).toEqual([]);
  });
});

describe('writes are sent exactly once', () => {
  it('a create whose connection is reset is outcome-unknown', async () => {
    const scope = api().post(`${API}/service/tickets`).times(3).replyWithError(socketError('ECONNRESET'));
    const sent = countRequests(scope);
    const { client } = makeClient();
    const err = await rejection(client.createTicket(newTicket));
    expect(err).toMatchObject({ reason: 'network' });
    expect((err as Error).message).toBe('ConnectWise could not be reached (ECONNRESET).');
    expect(isOutcomeUnknown(err)).toBe(true);
    expect(sent.count).toBe(1);
  });

  type Call = (c: ConnectWiseClient) => Promise<unknown>;
  it.each([
    ['create on 503', (c: ConnectWiseClient) => c.createTicket(newTicket), 'post', '/service/tickets', 503, true],
    ['create on 500', (c: ConnectWiseClient) => c.createTicket(newTicket), 'post', '/service/tickets', 500, true],
    [
      'status PATCH on 502',
      (c: ConnectWiseClient) => c.updateTicketStatus(7, 507),
      'patch',
      '/service/tickets/7',
      502,
      true,
    ],
    [
      'note POST on 429',
      (c: ConnectWiseClient) => c.addTicketNote(7, internalNote('n')),
      'post',
      '/service/tickets/7/notes',
      429,
      false,
    ],
  ] as [string, Call, 'post' | 'patch', string, number, boolean][])(
    '%s is not retried',
    async (_name, call, method, path, status, unknown) => {
      const scope = api()[method](`${API}${path}`).times(3).reply(status, '', { 'Retry-After': '1' });
      const sent = countRequests(scope);
      const { client, sleeps } = makeClient();
      const err = await rejection(call(client));
      expect(err).toBeInstanceOf(status === 429 ? ConnectWiseRateLimitedError : ConnectWiseUnavailableError);
      expect(isOutcomeUnknown(err)).toBe(unknown);
      expect(sent.count).toBe(1);
      expect(sleeps).toEqual([]);
    },
  );
});

describe('reads are retried', () => {
  it('503 twice then 200: succeeds on the third try, with growing jittered backoff', async () => {
    const scope = api().get(`${API}/system/info`).times(2).reply(503, '').get(`${API}/system/info`).reply(200, info);
    const { client, sleeps, recorder } = makeClient();
    expect((await client.testConnection()).version).toBe('v2025.1');
    // random() = 0.5: half the step plus a quarter of it (500 ms, then 1,000 ms steps).
    expect(sleeps).toEqual([375, 750]);
    expect(recorder.entries.map((e) => e.status)).toEqual([503, 503, 200]);
    scope.done();
  });

  it('gives up after 3 tries in total', async () => {
    const scope = api().get(`${API}/system/info`).times(4).reply(500, { code: 'ConnectWiseApi', message: 'boom' });
    const sent = countRequests(scope);
    const { client, sleeps } = makeClient();
    const err = await rejection(client.testConnection());
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'server', status: 500, detail: 'boom' });
    expect(sent.count).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('429 with Retry-After: waits that long (plus jitter), then tries again', async () => {
    const scope = api()
      .get(`${API}/system/info`)
      .reply(429, { message: 'Too many requests' }, { 'Retry-After': '2' })
      .get(`${API}/system/info`)
      .reply(200, info);
    const { client, sleeps } = makeClient();
    await client.testConnection();
    expect(sleeps).toEqual([2125]);
    scope.done();
  });

  it('a Retry-After longer than the configured maximum is handed to the caller instead of waited for', async () => {
    const scope = api().get(`${API}/system/info`).reply(429, '', { 'Retry-After': '3600' });
    const { client, sleeps } = makeClient();
    const err = await rejection(client.testConnection());
    expect(err).toBeInstanceOf(ConnectWiseRateLimitedError);
    expect(err).toMatchObject({ retryAfterSeconds: 3600 });
    expect((err as Error).message).toBe('ConnectWise is limiting requests. Try again in 3600 seconds.');
    expect(sleeps).toEqual([]);
    scope.done();
  });

  it('a dropped connection on a list is retried', async () => {
    const scope = api()
      .get(`${API}/time/entries/count`)
      .query(true)
      .replyWithError(socketError('ECONNRESET'))
      .get(`${API}/time/entries/count`)
      .query(true)
      .reply(200, { count: 0 });
    const { client } = makeClient();
    expect(await client.countTimeEntries(7)).toBe(0);
    scope.done();
  });

  it('a refusal is not retried', async () => {
    const scope = api()
      .get(`${API}/service/tickets/1`)
      .query(true)
      .reply(400, { code: 'InvalidObject', message: 'no' });
    const { client, sleeps } = makeClient();
    await expect(client.getTicket(1)).rejects.toBeInstanceOf(ConnectWiseValidationError);
    expect(sleeps).toEqual([]);
    scope.done();
  });

  it('without an injected sleep the client waits by itself', async () => {
    const scope = api().get(`${API}/system/info`).reply(503, '').get(`${API}/system/info`).reply(200, info);
    const { client } = makeClient({ retry: { baseDelayMs: 2 } });
    await client.testConnection();
    scope.done();
  });
});

describe('decideRetry', () => {
  const error503 = errorFromResponse({ status: 503, body: undefined }, { operation: 'x', read: true });
  const tuning = { ...DEFAULT_RETRY_TUNING, baseDelayMs: 100, maxDelayMs: 300 };

  it('caps the backoff step and spreads it by the random value', () => {
    expect(decideRetry({ kind: 'read', attempt: 1, error: error503 }, tuning, () => 0)).toEqual({
      retry: true,
      delayMs: 50,
    });
    expect(decideRetry({ kind: 'read', attempt: 2, error: error503 }, tuning, () => 1)).toEqual({
      retry: true,
      delayMs: 200,
    });
    expect(decideRetry({ kind: 'read', attempt: 2, error: error503 }, { ...tuning, maxAttempts: 5 }, () => 1)).toEqual({
      retry: true,
      delayMs: 200,
    });
    expect(decideRetry({ kind: 'read', attempt: 3, error: error503 }, { ...tuning, maxAttempts: 5 }, () => 1)).toEqual({
      retry: true,
      delayMs: 300,
    });
  });

  it('says why it does not retry', () => {
    expect(decideRetry({ kind: 'write', attempt: 1, error: error503 }, tuning, () => 0)).toEqual({
      retry: false,
      reason: 'not_idempotent',
    });
    expect(decideRetry({ kind: 'read', attempt: 3, error: error503 }, tuning, () => 0)).toEqual({
      retry: false,
      reason: 'attempts_used',
    });
    expect(decideRetry({ kind: 'read', attempt: 1, error: new Error('x') }, tuning, () => 0)).toEqual({
      retry: false,
      reason: 'not_transient',
    });
  });
});
