import { describe, expect, it } from 'vitest';
import { safeReturnTo } from '../../src/shared/return-to.ts';

const fallback = '/run-checks';

describe('safeReturnTo: where to go after signing in', () => {
  it.each([
    '/\\evil.example',
    '/\\/x',
    '/\\\\x',
    '//evil',
    '///evil',
    'https://evil.example',
    '\\\\evil.example',
    '/\t/evil.example',
    '',
    'runs/5',
  ])('refuses %j', (value) => {
    expect(safeReturnTo(value, fallback)).toBe(fallback);
  });

  it('refuses what is not a string', () => {
    expect(safeReturnTo(['/runs/5'], fallback)).toBe(fallback);
    expect(safeReturnTo(undefined, fallback)).toBe(fallback);
  });

  it('keeps encoded slashes on this site', () => {
    const target = safeReturnTo('/%2F%2Fevil', fallback);
    expect(target).toMatch(/^\/(?![/\\])/);
    expect(new URL(target, 'http://app.invalid').origin).toBe('http://app.invalid');
  });

  it('keeps a path of this app with its query', () => {
    expect(safeReturnTo('/runs/5?x=1', fallback)).toBe('/runs/5?x=1');
  });
});
