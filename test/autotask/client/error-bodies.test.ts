import { describe, expect, it } from 'vitest';
import {
  AutotaskNotFoundError,
  AutotaskRateLimitedError,
  AutotaskUnavailableError,
  AutotaskValidationError,
  isOutcomeUnknown,
  isThreadThreshold,
  mayResendAfterCheck,
  writeRetryDelayMs,
  type AutotaskError,
} from '../../../src/autotask/client.ts';
import { explainAutotaskError } from '../../../src/errors/autotask-messages.ts';
import { API, api, makeClient, mockZoneLookup, rejection, useNock } from './helpers.ts';

/**
 * Both error bodies Autotask's API can send: its own `{"errors": [...]}`, and ASP.NET Web API's
 * `{"Message": ...}` from the route layer (docs/autotask.md, Error shape); and the thread threshold
 * told apart from other rate limiting, since only that refusal lets a service send a write again.
 */

useNock();

const newTicket = { companyId: 29683, title: 'Backup failed', status: 1, priority: 2, queueId: 8, externalId: 'r-1' };
const THREAD_MESSAGE = 'Thread Threshold Exceeded — The Autotask API thread threshold of 3 threads has been exceeded.';

async function createAnswered(status: number, body: unknown): Promise<AutotaskError> {
  mockZoneLookup();
  const scope = api()
    .post(`${API}/Tickets`)
    .reply(status, body as Record<string, unknown>);
  const { client, recorder } = makeClient();
  const err = await rejection(client.createTicket(newTicket));
  scope.done();
  // A write is sent once, whatever the answer: the client never sends it again by itself.
  expect(recorder.entries.filter((e) => e.operation === 'tickets.create')).toHaveLength(1);
  return err as AutotaskError;
}

describe('ASP.NET {"Message": …} bodies', () => {
  it('a route-level 404 carries Message and MessageDetail as the answer said them', async () => {
    mockZoneLookup();
    const body = {
      Message: "No HTTP resource was found that matches the request URI 'https://webservices5.autotask.net/x'.",
      MessageDetail: "No type was found that matches the controller named 'x'.",
    };
    const scope = api().get(`${API}/Tickets/7`).reply(404, body);
    const { client } = makeClient();
    const err = (await rejection(client.getTicket(7))) as AutotaskError;
    scope.done();
    expect(err).toBeInstanceOf(AutotaskNotFoundError);
    expect(err.messages).toEqual([body.Message, body.MessageDetail]);
    expect(err.detail).toBe(`${body.Message} ${body.MessageDetail}`);
  });

  it('a 405 is a definite refusal with the answer’s sentence, in any letter case of the key', async () => {
    const sentence = "The requested resource does not support http method 'POST'.";
    for (const body of [{ Message: sentence }, { message: sentence }]) {
      const err = await createAnswered(405, body);
      expect(err).toBeInstanceOf(AutotaskValidationError);
      expect(err).toMatchObject({ status: 405, messages: [sentence] });
      expect(isOutcomeUnknown(err)).toBe(false);
      expect(explainAutotaskError(err).detail).toBe(sentence);
    }
  });

  it('a 4xx without any text gets no invented words as Autotask’s; our sentence names the status', async () => {
    const err = await createAnswered(405, '');
    expect(err).toBeInstanceOf(AutotaskValidationError);
    expect(err.messages).toEqual([]);
    expect(err.detail).toBeUndefined();
    const explained = explainAutotaskError(err, 'No ticket was created.');
    expect(explained.message).toBe('No ticket was created. Autotask rejected the request (HTTP 405).');
    expect(explained.detail).toBeUndefined();
  });

  it('a 500 with only Message (an unhandled server error) leaves a write’s outcome unknown', async () => {
    const err = await createAnswered(500, { Message: 'An error has occurred.' });
    expect(err).toBeInstanceOf(AutotaskUnavailableError);
    expect(err).toMatchObject({ reason: 'server', status: 500, messages: ['An error has occurred.'] });
    expect(isOutcomeUnknown(err)).toBe(true);
  });

  it('errors[] wins over Message when both are present', async () => {
    const err = await createAnswered(500, { errors: ['Invalid priority.'], Message: 'ignored' });
    expect(err).toBeInstanceOf(AutotaskValidationError);
    expect(err.messages).toEqual(['Invalid priority.']);
  });
});

describe('{"errors": […]} bodies', () => {
  it('a 500 with errors[] is a refusal with Autotask’s words verbatim', async () => {
    const messages = ['Reference value on field: contactID of type: Contact does not exist or is invalid.'];
    const err = await createAnswered(500, { errors: messages });
    expect(err).toBeInstanceOf(AutotaskValidationError);
    expect(err).toMatchObject({ status: 500, messages });
    expect(explainAutotaskError(err).detail).toBe(messages[0]);
  });
});

describe('the thread threshold, told apart from other rate limiting', () => {
  it('its text makes a thread-threshold refusal, at 500 or 429, and the write is not sent again', async () => {
    for (const status of [500, 429]) {
      const err = await createAnswered(status, { errors: [THREAD_MESSAGE] });
      expect(err).toBeInstanceOf(AutotaskRateLimitedError);
      expect(err).toMatchObject({ reason: 'thread_threshold', messages: [THREAD_MESSAGE] });
      expect(isThreadThreshold(err)).toBe(true);
      expect(explainAutotaskError(err).message).toContain('API tracking identifier');
    }
  });

  it('the error code alone is enough', async () => {
    const err = await createAnswered(500, { errors: ['Itgenatr005'] });
    expect(isThreadThreshold(err)).toBe(true);
  });

  it('the hourly threshold and a bare 429 are rate limiting of another kind', async () => {
    const hourly = await createAnswered(429, {
      errors: ['The API request threshold of 10000 requests per 60 minutes has been exceeded.'],
    });
    expect(hourly).toMatchObject({ kind: 'rate_limited', reason: 'request_threshold' });
    expect(isThreadThreshold(hourly)).toBe(false);
    const bare = await createAnswered(429, '');
    expect(bare).toMatchObject({ kind: 'rate_limited', reason: 'request_threshold' });
    expect(isThreadThreshold(bare)).toBe(false);
  });
});

describe('resending a write after the thread threshold (the policy the services apply)', () => {
  const ctx = { operation: 'tickets.create' };
  const thread = new AutotaskRateLimitedError(500, [THREAD_MESSAGE], ctx, null);
  const hourly = new AutotaskRateLimitedError(429, ['request threshold exceeded'], ctx, 60);
  const tuning = { maxRetries: 3, baseDelayMs: 1000, maxDelayMs: 8000 };

  it('only the thread threshold, and at most three resends', () => {
    expect([0, 1, 2, 3].map((done) => mayResendAfterCheck(thread, done, tuning))).toEqual([true, true, true, false]);
    expect(mayResendAfterCheck(hourly, 0, tuning)).toBe(false);
    expect(mayResendAfterCheck(new Error('x'), 0, tuning)).toBe(false);
  });

  it('waits 1 s, 2 s, 4 s, each within ±25 % jitter, honouring a short Retry-After', () => {
    const at = (random: number) => [1, 2, 3].map((n) => writeRetryDelayMs(n, thread, tuning, () => random));
    expect(at(0.5)).toEqual([1000, 2000, 4000]);
    expect(at(0)).toEqual([750, 1500, 3000]);
    expect(at(1)).toEqual([1250, 2500, 5000]);
    const asksFive = new AutotaskRateLimitedError(500, [THREAD_MESSAGE], ctx, 5);
    expect(writeRetryDelayMs(1, asksFive, tuning, () => 0.5)).toBe(5000);
    const asksHour = new AutotaskRateLimitedError(500, [THREAD_MESSAGE], ctx, 3600);
    expect(writeRetryDelayMs(1, asksHour, tuning, () => 0.5)).toBe(8000);
  });
});
