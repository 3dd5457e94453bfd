import { describe, expect, it } from 'vitest';
import { compareNames, normaliseName, searchTermFor } from '../../src/services/mapping/name-matching.ts';

const kind = (a: string, b: string) => compareNames(a, b)?.kind ?? null;

describe('normaliseName', () => {
  it('ignores case, punctuation, diacritics and a trailing legal form', () => {
    expect(normaliseName('Contoso B.V.')).toMatchObject({ strict: ['contoso'], legalForm: 'bv' });
    expect(normaliseName('  CONTOSO bv ')).toMatchObject({ strict: ['contoso'], legalForm: 'bv' });
    expect(normaliseName('Müller & Söhne GmbH')).toMatchObject({
      strict: ['muller', 'and', 'sohne'],
      legalForm: 'gmbh',
    });
    expect(normaliseName("Margie's Travel")).toMatchObject({ strict: ['margies', 'travel'] });
    expect(normaliseName('Acme Pty Ltd')).toMatchObject({ strict: ['acme'], legalForm: 'pty ltd' });
    expect(normaliseName('The Fourth Coffee Company')).toMatchObject({
      strict: ['fourth', 'coffee', 'company'],
      loose: ['fourth', 'coffee'],
    });
    expect(normaliseName('Van Dijk & Co')).toMatchObject({ strict: ['van', 'dijk'] });
  });

  it('drops legal forms from the end only, and never the whole name', () => {
    expect(normaliseName('Limited Edition Games').strict).toEqual(['limited', 'edition', 'games']);
    expect(normaliseName('Inc').strict).toEqual(['inc']);
  });

  it('keeps holding and group words for an exact match, but not for a close one', () => {
    expect(normaliseName('Contoso Holding B.V.')).toMatchObject({ strict: ['contoso', 'holding'], loose: ['contoso'] });
  });
});

describe('compareNames', () => {
  it('exact: same words once case, punctuation, diacritics and a legal form are ignored', () => {
    expect(kind('Contoso B.V.', 'Contoso BV')).toBe('exact');
    expect(kind('Contoso', 'Contoso B.V.')).toBe('exact');
    expect(kind('fabrikam inc', 'Fabrikam, Inc.')).toBe('exact');
    expect(kind('Café Brasserie Zoë', 'Cafe Brasserie Zoe')).toBe('exact');
    expect(kind('A. Datum Corporation', 'A Datum Corp.')).toBe('exact');
  });

  it('close, not exact: two different legal forms are usually two legal entities', () => {
    expect(kind('Contoso B.V.', 'Contoso Ltd')).toBe('close');
  });

  it('close: a holding or group word, a spelling variant, or mostly the same words', () => {
    expect(kind('Contoso B.V.', 'Contoso Holding')).toBe('close');
    expect(kind('Acme Dental', 'Acme Dental Group')).toBe('close');
    expect(kind('Riverside Medical Centre', 'Riverside Medical Center')).toBe('close');
    expect(kind('Tailspin Toys', 'Tailspin Toys Europe')).toBe('close');
    expect(kind('Greenfield Schools', 'Greenfield School District')).toBe('close');
  });

  it('no match: different companies that share a word', () => {
    expect(kind('Tailspin Toys', 'Wingtip Toys')).toBeNull();
    expect(kind('Acme Dental', 'Acme Dentistry')).toBeNull();
    expect(kind('Northwind Traders', 'Brightwater Logistics')).toBeNull();
  });

  it('ranks exact above close', () => {
    expect(compareNames('Contoso', 'Contoso B.V.')!.score).toBeGreaterThan(
      compareNames('Contoso', 'Contoso Holding')!.score,
    );
  });
});

describe('searchTermFor', () => {
  it('picks the word least used among our customers, then the longest, in its original spelling', () => {
    const usage = new Map([
      ['acme', 3],
      ['dental', 1],
      ['muller', 1],
      ['sohne', 1],
    ]);
    expect(searchTermFor('Acme Dental B.V.', usage)).toBe('Dental');
    expect(searchTermFor('Müller & Söhne GmbH', usage)).toBe('Müller');
    expect(searchTermFor('The IT Services Group', new Map())).toBe('IT');
    expect(searchTermFor('---', new Map())).toBeNull();
  });
});
