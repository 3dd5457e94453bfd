import { describe, expect, it } from 'vitest';
import { cond, render } from '../../src/connectwise/client.ts';
import { dateLiteral, literal, quoteString } from '../../src/connectwise/conditions.ts';
import { API, api, makeClient, rawQueries, useNock } from './helpers.ts';

// The `conditions` builder: literals, joins, and what hostile text turns into (docs/connectwise.md, Conditions).

useNock();

describe('literals', () => {
  it('strings go in double quotes, with backslash and double quote escaped by a backslash', () => {
    expect(quoteString('Acme')).toBe('"Acme"');
    expect(quoteString('say "hi"')).toBe('"say \\"hi\\""');
    expect(quoteString('C:\\backup\\')).toBe('"C:\\\\backup\\\\"');
    // The backslash is escaped first: an escaped quote cannot be unescaped by a backslash before it.
    expect(quoteString('\\"')).toBe('"\\\\\\""');
    expect(quoteString("O'Brien")).toBe('"O\'Brien"');
  });

  it('a value that tries to close the string and add a condition stays one string', () => {
    expect(render(cond.eq('name', '" or 1=1'))).toBe('name = "\\" or 1=1"');
    expect(render(cond.eq('name', 'x" OR id>0 OR name="y'))).toBe('name = "x\\" OR id>0 OR name=\\"y"');
    expect(render(cond.eq('name', '\\" or 1=1 or "'))).toBe('name = "\\\\\\" or 1=1 or \\""');
  });

  it('unicode passes through unchanged', () => {
    expect(quoteString('Société Générale “Ŝ” 日本 ✓ 😀')).toBe('"Société Générale “Ŝ” 日本 ✓ 😀"');
  });

  it('control characters are refused', () => {
    expect(() => quoteString('a\nb')).toThrow(TypeError);
    expect(() => quoteString('a\u0000b')).toThrow(TypeError);
    expect(() => quoteString('a\u007fb')).toThrow(TypeError);
  });

  it('dates in [brackets], UTC, whole seconds', () => {
    expect(dateLiteral(new Date('2024-05-16T08:00:00.123+02:00'))).toBe('[2024-05-16T06:00:00Z]');
    expect(() => dateLiteral(new Date('nonsense'))).toThrow(TypeError);
  });

  it('numbers bare, booleans and null as words; no exponent or NaN', () => {
    expect(literal(42)).toBe('42');
    expect(literal(-1.5)).toBe('-1.5');
    expect(literal(true)).toBe('true');
    expect(literal(false)).toBe('false');
    expect(literal(null)).toBe('null');
    expect(() => literal(Number.NaN)).toThrow(TypeError);
    expect(() => literal(Number.POSITIVE_INFINITY)).toThrow(TypeError);
    expect(() => literal(1e21)).toThrow(TypeError);
  });
});

describe('conditions', () => {
  it('comparisons, nested fields and dates', () => {
    expect(render(cond.eq('board/id', 12))).toBe('board/id = 12');
    expect(render(cond.ne('status/name', 'New'))).toBe('status/name != "New"');
    expect(render(cond.gte('dateEntered', new Date('2024-01-02T03:04:05Z')))).toBe(
      'dateEntered >= [2024-01-02T03:04:05Z]',
    );
    expect(render(cond.lt('id', 100))).toBe('id < 100');
  });

  it('field names are checked: no way to smuggle a condition in through one', () => {
    expect(() => cond.eq('name = "x" or id', 1)).toThrow(TypeError);
    expect(() => cond.eq('', 1)).toThrow(TypeError);
    expect(() => cond.eq('board//id', 1)).toThrow(TypeError);
    expect(() => cond.in('id)', [1])).toThrow(TypeError);
  });

  it('`in` lists of ids', () => {
    expect(render(cond.in('id', [1, 2, 29683]))).toBe('id in (1,2,29683)');
    expect(() => cond.in('id', [])).toThrow(TypeError);
    expect(() => cond.in('id', [1.5])).toThrow(TypeError);
    expect(() => cond.in('id', [-1])).toThrow(TypeError);
  });

  it('AND/OR join, parenthesising joined parts, leaving out missing ones', () => {
    const a = cond.eq('a', 1);
    const b = cond.eq('b', 2);
    const c = cond.eq('c', 3);
    expect(render(cond.and(a, cond.or(b, c)))).toBe('a = 1 AND (b = 2 OR c = 3)');
    expect(render(cond.or(cond.and(a, b), c))).toBe('(a = 1 AND b = 2) OR c = 3');
    expect(render(cond.and(a, cond.and(b, c)))).toBe('a = 1 AND b = 2 AND c = 3');
    expect(render(cond.and(null, a, undefined))).toBe('a = 1');
    expect(cond.and(null)).toBeNull();
    expect(render(null)).toBeUndefined();
  });

  it('`contains` leaves quotes, backslashes and control characters out of free text', () => {
    expect(render(cond.contains('name', ' Acme '))).toBe('name contains "Acme"');
    expect(render(cond.contains('name', '" or 1=1'))).toBe('name contains "or 1=1"');
    expect(render(cond.contains('name', 'O"Brien \\ Sons'))).toBe(
      'name contains "O" AND name contains "Brien" AND name contains "Sons"',
    );
    expect(render(cond.contains('name', "it's\nhere"))).toBe(
      'name contains "it" AND name contains "s" AND name contains "here"',
    );
    expect(render(cond.contains('name', 'Zürich “Ŝ” 日本'))).toBe('name contains "Zürich “Ŝ” 日本"');
    expect(cond.contains('name', ' "\\\' ')).toBeNull();
  });
});

describe('on the wire', () => {
  it('a hostile search is one percent-encoded `conditions` parameter that decodes back to the condition', async () => {
    const scope = api()
      .get(`${API}/company/companies`)
      .query({
        conditions: 'deletedFlag = false AND name contains "or 1=1" AND name contains "&pageSize=1"',
        orderBy: 'name asc',
        fields: 'id,identifier,name,status/id,status/name,deletedFlag',
        page: '1',
        pageSize: '25',
      })
      .reply(200, []);
    const raw = rawQueries(scope);
    const { client } = makeClient();
    expect(await client.searchCompanies('" or 1=1"&pageSize=1')).toEqual([]);
    scope.done();
    // Spaces, quotes, `=` and `&` are encoded; commas and slashes (common in lists and `fields=`) are not.
    expect(raw[0]).toBe(
      'conditions=deletedFlag%20%3D%20false%20AND%20name%20contains%20%22or%201%3D1%22%20AND%20name%20contains%20%22%26pageSize%3D1%22' +
        '&orderBy=name%20asc&fields=id,identifier,name,status/id,status/name,deletedFlag&page=1&pageSize=25',
    );
  });

  it('unicode travels as UTF-8 percent-encoding', async () => {
    const scope = api()
      .get(`${API}/company/companies`)
      .query((q) => q.conditions === 'deletedFlag = false AND name contains "Zürich 日本"')
      .reply(200, []);
    const raw = rawQueries(scope);
    const { client } = makeClient();
    await client.searchCompanies('Zürich 日本');
    scope.done();
    expect(raw[0]).toContain('name%20contains%20%22Z%C3%BCrich%20%E6%97%A5%E6%9C%AC%22');
  });
});
