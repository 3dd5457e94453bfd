import { inspect } from 'node:util';
import nock from 'nock';
import { describe, expect, it } from 'vitest';
import {
  AutotaskAuthenticationError,
  AutotaskError,
  AutotaskNotFoundError,
  AutotaskPermissionError,
  AutotaskRateLimitedError,
  AutotaskUnavailableError,
  AutotaskValidationError,
  AutotaskZoneLookupError,
  isOutcomeUnknown,
} from '../../../src/autotask/client.ts';
import { errorFromResponse, parseRetryAfter } from '../../../src/autotask/errors.ts';
import {
  API,
  api,
  CREDENTIALS,
  LOOKUP_HOST,
  LOOKUP_PATH,
  makeClient,
  mockZoneLookup,
  rejection,
  socketError,
  seededZoneCache,
  useNock,
} from './helpers.ts';

// Each error class from an answer shaped like Autotask's (messages as docs/autotask.md, "Error shape", records them).

useNock();

const newTicket = {
  companyId: 29683,
  title: 'Backup failed',
  status: 1,
  priority: 2,
  queueId: 8,
  externalId: 'bc-run-1',
};

async function createFails(reply: (scope: nock.Interceptor) => nock.Scope, overrides = {}) {
  mockZoneLookup();
  const scope = reply(api().post(`${API}/Tickets`));
  const { client } = makeClient(overrides);
  const err = await rejection(client.createTicket(newTicket));
  scope.done();
  return err;
}

describe('authentication', () => {
  it('HTTP 401 (wrong secret)', async () => {
    mockZoneLookup(undefined, 2);
    const scope = api().get(`${API}/Companies/0`).reply(401, '');
    const { client } = makeClient();
    const err = await rejection(client.getCompany(0));
    expect(err).toBeInstanceOf(AutotaskAuthenticationError);
    expect(err).toMatchObject({
      kind: 'authentication',
      status: 401,
      messages: [],
      operation: 'companies.get',
      method: 'GET',
      path: `${API}/Companies/0`,
    });
    expect(isOutcomeUnknown(err)).toBe(false);
    scope.done();
  });

  it('HTTP 500 "IntegrationCode is invalid."', async () => {
    const err = await createFails((i) => i.reply(500, { errors: ['IntegrationCode is invalid.'] }));
    expect(err).toBeInstanceOf(AutotaskAuthenticationError);
    expect(err).not.toBeInstanceOf(AutotaskZoneLookupError);
    expect(err).toMatchObject({ status: 500, messages: ['IntegrationCode is invalid.'], operation: 'tickets.create' });
  });

  it('HTTP 500 "User name is invalid." (unknown UserName header)', async () => {
    const err = await createFails((i) => i.reply(500, { errors: ['User name is invalid.'] }));
    expect(err).toBeInstanceOf(AutotaskAuthenticationError);
    expect(err).toMatchObject({ status: 500, messages: ['User name is invalid.'] });
  });
});

describe('not found', () => {
  it('{"item": null} with 200', async () => {
    mockZoneLookup();
    const scope = api().get(`${API}/Companies/424242`).reply(200, { item: null });
    const { client } = makeClient();
    const err = await rejection(client.getCompany(424242));
    expect(err).toBeInstanceOf(AutotaskNotFoundError);
    expect(err).toMatchObject({ kind: 'not_found', status: 200, operation: 'companies.get' });
    scope.done();
  });

  it('HTTP 404', async () => {
    mockZoneLookup();
    const scope = api()
      .get(`${API}/Tickets/424242`)
      .reply(404, { errors: ['Not found'] });
    const { client } = makeClient();
    const err = await rejection(client.getTicket(424242));
    expect(err).toBeInstanceOf(AutotaskNotFoundError);
    expect(err).toMatchObject({ status: 404, messages: ['Not found'] });
    scope.done();
  });
});

describe('validation / business rule', () => {
  it('HTTP 500 with errors[]: messages verbatim, in order', async () => {
    const messages = [
      'Reference value on field: contactID of type: Contact does not exist or is invalid.',
      'When assigning a Resource, you must assign both a assignedResourceID and assignedResourceRoleID.',
    ];
    const err = await createFails((i) => i.reply(500, { errors: messages }));
    expect(err).toBeInstanceOf(AutotaskValidationError);
    expect(err).toMatchObject({ kind: 'validation', status: 500, messages, operation: 'tickets.create' });
    expect((err as AutotaskError).detail).toBe(messages.join(' '));
    expect(isOutcomeUnknown(err)).toBe(false);
  });

  it('accepts {message, field} error objects as well', async () => {
    const err = await createFails((i) => i.reply(500, { errors: [{ message: 'Value is required', field: 'title' }] }));
    expect(err).toMatchObject({ kind: 'validation', messages: ['title: Value is required'] });
  });

  it('an unexpected 4xx (405 on a wrong verb) is a definite refusal', async () => {
    const err = await createFails((i) =>
      i.reply(405, { message: "The requested resource does not support http method 'GET'." }),
    );
    expect(err).toBeInstanceOf(AutotaskValidationError);
    expect(err).toMatchObject({
      status: 405,
      messages: ["The requested resource does not support http method 'GET'."],
    });
  });
});

describe('permission', () => {
  it('HTTP 500 "does not have the adequate permissions"', async () => {
    const message = 'The logged in Resource does not have the adequate permissions to create this entity type.';
    const err = await createFails((i) => i.reply(500, { errors: [message] }));
    expect(err).toBeInstanceOf(AutotaskPermissionError);
    expect(err).toMatchObject({ kind: 'permission', status: 500, messages: [message] });
  });

  it('HTTP 403', async () => {
    const err = await createFails((i) => i.reply(403, ''));
    expect(err).toBeInstanceOf(AutotaskPermissionError);
    expect(err).toMatchObject({ status: 403, messages: [] });
  });
});

describe('rate limited', () => {
  it('HTTP 429 carries Retry-After seconds', async () => {
    const err = await createFails((i) => i.reply(429, { errors: ['Too many requests'] }, { 'Retry-After': '120' }));
    expect(err).toBeInstanceOf(AutotaskRateLimitedError);
    expect(err).toMatchObject({
      kind: 'rate_limited',
      status: 429,
      retryAfterSeconds: 120,
      messages: ['Too many requests'],
    });
    expect((err as Error).message).toMatch(/120 seconds/);
  });

  it('the thread threshold message, whatever the status', async () => {
    const message = 'Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.';
    const err = await createFails((i) => i.reply(500, { errors: [message] }));
    expect(err).toBeInstanceOf(AutotaskRateLimitedError);
    expect(err).toMatchObject({ status: 500, retryAfterSeconds: null, messages: [message] });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('30', now)).toBe(30);
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:01:00 GMT', now)).toBe(60);
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });
});

describe('unavailable = outcome unknown', () => {
  it('timeout', async () => {
    const err = await createFails((i) => i.delay(300).reply(200, { itemId: 1 }), {
      timeoutMs: 50,
      zoneCache: seededZoneCache(),
    });
    expect(err).toBeInstanceOf(AutotaskUnavailableError);
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'timeout', status: null });
    expect(isOutcomeUnknown(err)).toBe(true);
  });

  it('connection reset', async () => {
    const err = await createFails((i) => i.replyWithError(socketError('ECONNRESET')));
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'network', status: null });
    expect((err as Error).message).toContain('ECONNRESET');
    expect(isOutcomeUnknown(err)).toBe(true);
  });

  it('5xx without errors[] (an HTML gateway page)', async () => {
    const err = await createFails((i) =>
      i.reply(502, '<html><body>Bad Gateway</body></html>', { 'Content-Type': 'text/html' }),
    );
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'server', status: 502, messages: [] });
    expect(isOutcomeUnknown(err)).toBe(true);
  });

  it('500 with an empty body', async () => {
    const err = await createFails((i) => i.reply(500, ''));
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'server', status: 500 });
  });

  it('a 200 whose body is not JSON', async () => {
    const err = await createFails((i) => i.reply(200, 'OK'));
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'bad_response', status: 200 });
    expect(isOutcomeUnknown(err)).toBe(true);
  });

  it('a 200 without the itemId', async () => {
    const err = await createFails((i) => i.reply(200, { item: {} }));
    expect(err).toMatchObject({ kind: 'unavailable', reason: 'bad_response' });
  });

  it('is not outcome-unknown when only a read failed, e.g. the zone lookup before a create', async () => {
    nock(LOOKUP_HOST).get(LOOKUP_PATH).query(true).reply(503, '');
    const ticketPosts = api().post(`${API}/Tickets`).reply(200, { itemId: 1 });
    const { client } = makeClient({ retry: { maxAttempts: 1 } });
    const err = await rejection(client.createTicket(newTicket));
    expect(err).toMatchObject({ kind: 'unavailable', operation: 'zone.lookup', read: true });
    expect(isOutcomeUnknown(err)).toBe(false);
    expect(ticketPosts.isDone()).toBe(false);
  });

  it('a read that times out is unavailable but not outcome-unknown', async () => {
    mockZoneLookup();
    api().get(`${API}/Tickets/1`).delay(200).reply(200, {});
    const { client } = makeClient({ timeoutMs: 30, zoneCache: seededZoneCache() });
    const err = await rejection(client.getTicket(1));
    expect(err).toBeInstanceOf(AutotaskUnavailableError);
    expect(isOutcomeUnknown(err)).toBe(false);
  });

  it('an unavailable error built without context counts as a write (the safe side)', () => {
    expect(isOutcomeUnknown(new AutotaskUnavailableError('timeout', null, [], { operation: 'x' }))).toBe(true);
  });

  it('isOutcomeUnknown is false for anything that is not an AutotaskUnavailableError', () => {
    expect(isOutcomeUnknown(new Error('x'))).toBe(false);
    expect(isOutcomeUnknown(undefined)).toBe(false);
  });
});

describe('error objects hold no credentials', () => {
  it('neither the message, the JSON nor util.inspect shows the secret or the integration code', async () => {
    const errors = [
      await createFails((i) => i.replyWithError(socketError('ECONNRESET'))),
      await createFails((i) => i.delay(200).reply(200, {}), { timeoutMs: 30, zoneCache: seededZoneCache() }),
      await createFails((i) => i.reply(500, { errors: ['IntegrationCode is invalid.'] })),
    ];
    for (const err of errors) {
      const text = `${String(err)} ${JSON.stringify(err)} ${inspect(err, { depth: 10, showHidden: true })}`;
      expect(text).not.toContain(CREDENTIALS.secret);
      expect(text).not.toContain(CREDENTIALS.integrationCode);
      expect((err as Error).cause).toBeUndefined();
    }
  });
});

describe('errorFromResponse', () => {
  const ctx = { operation: 'op' };
  it('maps the remaining statuses', () => {
    expect(errorFromResponse({ status: 503, body: { errors: ['Service Unavailable'] } }, ctx)).toBeInstanceOf(
      AutotaskUnavailableError,
    );
    expect(errorFromResponse({ status: 504, body: undefined }, ctx)).toBeInstanceOf(AutotaskUnavailableError);
    expect(errorFromResponse({ status: 302, body: undefined }, ctx)).toMatchObject({ reason: 'bad_response' });
    expect(
      errorFromResponse(
        {
          status: 500,
          body: {
            errors: [
              'No matching records found. The logged in Resource may not have the required permissions to delete the data.',
            ],
          },
        },
        ctx,
      ),
    ).toBeInstanceOf(AutotaskNotFoundError);
    expect(errorFromResponse({ status: 404, body: undefined, isZoneLookup: true }, ctx)).toBeInstanceOf(
      AutotaskZoneLookupError,
    );
  });
});
