import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  ConnectWiseAuthenticationError,
  ConnectWiseConflictError,
  ConnectWiseNotFoundError,
  ConnectWisePermissionError,
  ConnectWiseRateLimitedError,
  ConnectWiseUnavailableError,
  ConnectWiseValidationError,
  isOutcomeUnknown,
} from '../../src/connectwise/client.ts';
import { errorFromResponse, parseRetryAfter } from '../../src/connectwise/errors.ts';
import { API, api, AUTHORIZATION, CREDENTIALS, makeClient, rejection, useNock } from './helpers.ts';

// Each error class from an answer shaped like ConnectWise's (docs/connectwise.md, Errors), and
// ConnectWise's own words kept verbatim, never invented.

useNock();

const read = { operation: 'tickets.get', method: 'GET', path: '/x', read: true };
const write = { operation: 'tickets.create', method: 'POST', path: '/x', read: false };

const invalidSummary = {
  code: 'InvalidObject',
  message: 'ticket object is invalid',
  errors: [
    {
      code: 'MaxLengthField',
      message: 'The field summary must be a string with a maximum length of 100.',
      resource: 'ticket',
      field: 'summary',
    },
    {
      code: 'NotFound',
      message: 'Service Status 17 not found for Service Board 21',
      resource: 'ticket',
      field: 'status/id',
    },
  ],
};

describe('errorFromResponse', () => {
  it('400 InvalidObject: a validation error carrying code, message and errors[] verbatim', () => {
    const err = errorFromResponse({ status: 400, body: invalidSummary }, write);
    expect(err).toBeInstanceOf(ConnectWiseValidationError);
    expect(err).toMatchObject({ kind: 'validation', status: 400, code: 'InvalidObject', read: false });
    expect(err.messages).toEqual([
      'ticket object is invalid',
      'summary: The field summary must be a string with a maximum length of 100.',
      'status/id: Service Status 17 not found for Service Board 21',
    ]);
    expect(err.fieldErrors[1]).toEqual({
      code: 'NotFound',
      message: 'Service Status 17 not found for Service Board 21',
      resource: 'ticket',
      field: 'status/id',
      details: null,
    });
    expect(err.detail).toBe(err.messages.join(' '));
  });

  it.each([
    [401, { code: 'Unauthorized', message: 'Unauthorized' }, ConnectWiseAuthenticationError],
    [
      403,
      { code: 'Security', message: 'You do not have security permission to perform this action.' },
      ConnectWisePermissionError,
    ],
    [
      400,
      { code: 'Security', message: 'You do not have security permission to perform this action.' },
      ConnectWisePermissionError,
    ],
    [404, { code: 'NotFound', message: 'Ticket 1255787 not found' }, ConnectWiseNotFoundError],
    [400, { code: 'NotFound', message: 'Ticket 1255787 not found' }, ConnectWiseNotFoundError],
    [400, { code: 'Unauthorized', message: 'Unauthorized' }, ConnectWiseAuthenticationError],
    [409, { code: 'Conflict', message: 'Record is in use' }, ConnectWiseConflictError],
    [405, { message: 'The requested resource does not support http method DELETE.' }, ConnectWiseValidationError],
    [415, {}, ConnectWiseValidationError],
    [429, { message: 'Too many requests' }, ConnectWiseRateLimitedError],
    [500, { code: 'ConnectWiseApi', message: 'An error occurred' }, ConnectWiseUnavailableError],
    [502, undefined, ConnectWiseUnavailableError],
    [503, undefined, ConnectWiseUnavailableError],
  ] as const)('HTTP %i %j → %o', (status, body, type) => {
    const err = errorFromResponse({ status, body }, read);
    expect(err).toBeInstanceOf(type);
    expect(err.status).toBe(status);
  });

  it('a 5xx whose text says the member is not signed in is an authentication error', () => {
    const err = errorFromResponse(
      { status: 500, body: { code: 'ConnectWiseApi', message: 'UserNotAuthenticated' } },
      write,
    );
    expect(err).toBeInstanceOf(ConnectWiseAuthenticationError);
    expect(isOutcomeUnknown(err)).toBe(false);
  });

  it('a redirect is an unusable answer that points at the site URL', () => {
    const err = errorFromResponse({ status: 302, body: undefined }, read);
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'bad_response', status: 302 });
    expect(err.message).toMatch(/site URL/);
  });

  it("a body that is not ConnectWise's JSON adds no words: none are invented", () => {
    for (const body of [undefined, null, 'Service Unavailable', ['a'], { errors: [{ field: 'x' }, 5] }]) {
      const err = errorFromResponse({ status: 400, body }, read);
      expect(err.messages).toEqual([]);
      expect(err.code).toBeNull();
      expect(err.detail).toBeUndefined();
    }
    expect(errorFromResponse({ status: 400, body: { message: 'x', errors: null } }, read).messages).toEqual(['x']);
  });

  it('429 and 503 keep Retry-After in seconds', () => {
    expect(errorFromResponse({ status: 429, body: undefined, retryAfter: '7' }, read)).toMatchObject({
      retryAfterSeconds: 7,
    });
    expect(errorFromResponse({ status: 503, body: undefined, retryAfter: '2' }, read)).toMatchObject({
      reason: 'server',
      retryAfterSeconds: 2,
    });
    expect(errorFromResponse({ status: 429, body: undefined }, read)).toMatchObject({ retryAfterSeconds: null });
  });

  it("credentials echoed in ConnectWise's text are blanked, the rest stays verbatim", () => {
    const redact = (t: string) => t.split(CREDENTIALS.privateKey).join('[redacted]');
    const err = errorFromResponse(
      { status: 400, body: { code: 'InvalidObject', message: `bad key ${CREDENTIALS.privateKey} here` }, redact },
      read,
    );
    expect(err.messages).toEqual(['bad key [redacted] here']);
  });
});

describe('isOutcomeUnknown', () => {
  it('only an unusable answer to a write leaves the outcome unknown', () => {
    const body = { code: null, messages: [], fieldErrors: [] };
    for (const reason of ['timeout', 'network', 'server', 'bad_response'] as const) {
      expect(isOutcomeUnknown(new ConnectWiseUnavailableError(reason, null, body, write))).toBe(true);
      expect(isOutcomeUnknown(new ConnectWiseUnavailableError(reason, null, body, read))).toBe(false);
    }
    expect(isOutcomeUnknown(errorFromResponse({ status: 400, body: invalidSummary }, write))).toBe(false);
    expect(isOutcomeUnknown(errorFromResponse({ status: 429, body: undefined }, write))).toBe(false);
    expect(isOutcomeUnknown(errorFromResponse({ status: 500, body: undefined }, write))).toBe(true);
    expect(isOutcomeUnknown(new Error('x'))).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    const now = Date.parse('2024-05-16T08:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('1.2', now)).toBe(2);
    expect(parseRetryAfter('Thu, 16 May 2024 08:00:10 GMT', now)).toBe(10);
    expect(parseRetryAfter('Thu, 16 May 2024 07:00:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('over the wire', () => {
  it("a refused create is a definite validation error with ConnectWise's words, and no secret anywhere on it", async () => {
    const scope = api().post(`${API}/service/tickets`).reply(400, invalidSummary);
    const { client } = makeClient();
    const err = await rejection(
      client.createTicket({ companyId: 250, summary: 'Backup failed', statusId: 17, reference: 'bc-run-1' }),
    );
    expect(err).toBeInstanceOf(ConnectWiseValidationError);
    expect(err).toMatchObject({ operation: 'tickets.create', method: 'POST', path: `${API}/service/tickets` });
    expect(isOutcomeUnknown(err)).toBe(false);
    const text = `${String(err)} ${JSON.stringify(err)} ${inspect(err, { depth: 10, showHidden: true })}`;
    for (const secret of [CREDENTIALS.privateKey, CREDENTIALS.clientId, AUTHORIZATION.slice(6)]) {
      expect(text).not.toContain(secret);
    }
    scope.done();
  });

  it('a 2xx that is not JSON is an unusable answer', async () => {
    const scope = api().get(`${API}/system/info`).reply(200, '<html>login</html>');
    const { client } = makeClient();
    await expect(client.testConnection()).rejects.toMatchObject({ kind: 'unavailable', reason: 'bad_response' });
    scope.done();
  });

  it('an empty setting is named before anything is sent', async () => {
    const { client, recorder } = makeClient({ credentials: { ...CREDENTIALS, privateKey: '', clientId: ' ' } });
    const err = await rejection(client.testConnection());
    expect(err).toBeInstanceOf(ConnectWiseAuthenticationError);
    expect((err as Error).message).toBe(
      'The ConnectWise private key and client id are not filled in. Complete the ConnectWise settings.',
    );
    expect(recorder.entries).toEqual([]);
  });
});
