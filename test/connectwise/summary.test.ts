import { describe, expect, it } from 'vitest';
import { MAX_SUMMARY_LENGTH, ticketSummary } from '../../src/connectwise/client.ts';

// The ticket summary: ConnectWise's 100-character title (docs/connectwise.md, Service tickets).

describe('ticketSummary', () => {
  it('leaves a summary of up to 100 characters as it is', () => {
    const exact = 'x'.repeat(MAX_SUMMARY_LENGTH);
    expect(ticketSummary(exact)).toBe(exact);
    expect(ticketSummary('Backup failed')).toBe('Backup failed');
  });

  it('cuts a longer one to 99 characters plus an ellipsis, without a space before it', () => {
    expect(ticketSummary('y'.repeat(101))).toBe(`${'y'.repeat(99)}…`);
    expect(ticketSummary(`${'z'.repeat(98)} tail`)).toBe(`${'z'.repeat(98)}…`);
  });

  it('puts it on one line and trims it', () => {
    expect(ticketSummary('  Backup\r\nfailed\t\there  ')).toBe('Backup failed here');
  });

  it('never splits a character that takes two UTF-16 units', () => {
    // The emoji fits whole before the ellipsis: 97 + 2 + 1 = 100.
    expect(ticketSummary(`${'a'.repeat(97)}😀😀😀`)).toBe(`${'a'.repeat(97)}😀…`);
    // Here the 99th unit would be the first half of the second emoji: it is left out (99 units).
    const cut = ticketSummary(`${'a'.repeat(96)}😀😀😀`);
    expect(cut).toBe(`${'a'.repeat(96)}😀…`);
    expect(cut).toHaveLength(99);
  });

  it('refuses an empty summary', () => {
    expect(() => ticketSummary(' \n\t ')).toThrow(TypeError);
  });
});
