import { afterAll, afterEach, beforeAll } from 'vitest';
import nock from 'nock';

/**
 * What the Autotask and ConnectWise client tests share (test/autotask/client/helpers.ts,
 * test/connectwise/helpers.ts): the network shut behind nock, instant retry sleeps, and small
 * captures. The fixtures of each PSA (credentials, hosts, headers) stay with its tests.
 */

/** Captures the rejection of a promise, failing when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

/** An Error as a socket would raise it; nock 14 needs an Error instance to fail the request. */
export function socketError(code: string, message = 'socket hang up'): Error {
  return Object.assign(new Error(message), { code });
}

/** A retry sleep that returns at once and keeps the waits the retry loop asked for in `sleeps`. */
export function instantSleep(): { readonly sleeps: number[]; readonly sleep: (ms: number) => Promise<void> } {
  const sleeps: number[] = [];
  return {
    sleeps,
    sleep: (ms) => {
      sleeps.push(ms);
      return Promise.resolve();
    },
  };
}

/** Every client test runs with the network shut: only what nock answers is reachable. */
export function useNock(): void {
  beforeAll(() => {
    // Nock hooks into http when it is imported; an earlier file in this worker (vitest.config.ts:
    // isolate: false) may have unhooked it again below.
    if (!nock.isActive()) nock.activate();
    nock.disableNetConnect();
  });
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    // The worker's next file may talk plain HTTP (the app against a simulator).
    nock.restore();
  });
}
