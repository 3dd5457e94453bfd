import { describe, expect, it } from 'vitest';
import { sharedSimulator } from './support.ts';

/** sharedSimulator's hooks, on a stand-in that counts what they do. */

const calls = { resets: 0, closes: 0 };
const sim = await sharedSimulator(
  Promise.resolve({
    reset: () => void (calls.resets += 1),
    close: () => Promise.resolve(void (calls.closes += 1)),
  }),
);

describe('sharedSimulator', () => {
  it('hands back the simulator started and resets it before the first test', () => {
    expect(typeof sim.reset).toBe('function');
    expect(calls).toEqual({ resets: 1, closes: 0 });
  });

  it('resets it again before the next test and keeps it open', () => {
    expect(calls).toEqual({ resets: 2, closes: 0 });
  });
});
