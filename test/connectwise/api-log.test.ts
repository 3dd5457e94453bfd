import { describe, expect, it } from 'vitest';
import { API, api, AUTHORIZATION, CREDENTIALS, makeClient, useNock } from './helpers.ts';

// The API call recorder: one entry per try, no query string, no secret, and a broken recorder
// never turns a created ticket into an error.

useNock();

const warnings: object[] = [];
const logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (obj: object) => warnings.push(obj),
  error: () => undefined,
};

describe('the API call log', () => {
  it('records operation, method, path without query, status, ok, duration and error; never a secret', async () => {
    const scope = api()
      .get(`${API}/service/tickets`)
      .query(true)
      .reply(200, [])
      .post(`${API}/service/tickets`)
      .reply(400, {
        code: 'InvalidObject',
        message: `key ${CREDENTIALS.privateKey} / ${CREDENTIALS.clientId} / ${CREDENTIALS.publicKey} is odd`,
      });
    const { client, recorder } = makeClient();
    await client.findTicketsByReference('bc-run-1');
    await client.createTicket({ companyId: 1, summary: 'x', reference: 'bc-run-1' }).catch(() => undefined);
    scope.done();
    expect(recorder.entries.map(({ at: _at, durationMs: _d, ...rest }) => rest)).toEqual([
      {
        operation: 'tickets.findByReference',
        method: 'GET',
        path: `${API}/service/tickets`,
        status: 200,
        ok: true,
        error: null,
        errorKind: null,
      },
      {
        operation: 'tickets.create',
        method: 'POST',
        path: `${API}/service/tickets`,
        status: 400,
        ok: false,
        error: 'ConnectWise refused the request. key [redacted] / [redacted] / [redacted] is odd',
        errorKind: 'validation',
      },
    ]);
    for (const entry of recorder.entries) {
      expect(entry.at).toBeInstanceOf(Date);
      expect(entry.durationMs).toBeGreaterThanOrEqual(0);
    }
    const text = JSON.stringify(recorder.entries);
    for (const secret of [CREDENTIALS.privateKey, CREDENTIALS.clientId, AUTHORIZATION.slice(6), 'bc-run-1']) {
      expect(text).not.toContain(secret);
    }
  });

  it('at level `errors` keeps only failed calls; at `off` none', async () => {
    const scope = api()
      .get(`${API}/system/info`)
      .reply(200, {})
      .get(`${API}/system/info`)
      .reply(401, { code: 'Unauthorized', message: 'Unauthorized' })
      .get(`${API}/system/info`)
      .reply(401, '');
    const errorsOnly = makeClient({ logLevel: 'errors' });
    await errorsOnly.client.testConnection();
    await errorsOnly.client.testConnection().catch(() => undefined);
    expect(errorsOnly.recorder.entries.map((e) => [e.status, e.errorKind])).toEqual([[401, 'authentication']]);
    const off = makeClient({ logLevel: 'off' });
    await off.client.testConnection().catch(() => undefined);
    expect(off.recorder.entries).toEqual([]);
    scope.done();
  });

  it('a recorder that throws is logged and the created ticket is still returned', async () => {
    const scope = api().post(`${API}/service/tickets`).reply(201, { id: 55, summary: 'x' });
    const { client } = makeClient({
      recorder: {
        record: () => Promise.reject(new Error(`disk full near ${CREDENTIALS.privateKey}`)),
      },
      logger,
    });
    expect((await client.createTicket({ companyId: 1, summary: 'x', reference: 'bc-run-2' })).id).toBe(55);
    expect(JSON.stringify(warnings)).toContain('disk full near [redacted]');
    scope.done();
  });
});
