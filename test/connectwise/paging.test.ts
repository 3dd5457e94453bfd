import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConnectWiseUnavailableError } from '../../src/connectwise/client.ts';
import type { ConnectWiseHttp, ConnectWiseRequest } from '../../src/connectwise/http.ts';
import { hasNextPage, linkRelations, listAll } from '../../src/connectwise/paging.ts';
import { API, api, HOST, makeClient, rejection, useNock } from './helpers.ts';

// Paging: page/pageSize, the Link header, a short page, fields=, and a list that never ends
// (docs/connectwise.md, Paging and counts).

useNock();

const FIELDS = 'id,name,inactiveFlag';
const boards = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => ({ id: from + i, name: `Board ${from + i}` }));
const link = (...rels: [number, string][]) =>
  rels.map(([page, rel]) => `<${HOST}${API}/service/boards?pageSize=1000&page=${page}>; rel="${rel}"`).join(', ');

describe('following pages', () => {
  it('asks page after page while the Link header names a next one', async () => {
    const query = (page: number) => ({ orderBy: 'name asc', fields: FIELDS, page: String(page), pageSize: '1000' });
    const scope = api()
      .get(`${API}/service/boards`)
      .query(query(1))
      .reply(200, boards(1, 1000), { Link: link([2, 'next'], [2, 'last']) })
      .get(`${API}/service/boards`)
      .query(query(2))
      .reply(200, boards(1001, 1000), { Link: link([3, 'next'], [1, 'first']) })
      .get(`${API}/service/boards`)
      .query(query(3))
      .reply(200, boards(2001, 1000), { Link: link([2, 'prev'], [1, 'first']) });
    const { client } = makeClient();
    const all = await client.listBoards();
    expect(all).toHaveLength(3000);
    expect(all.at(-1)).toEqual({ id: 3000, name: 'Board 3000', inactive: false });
    scope.done();
  });

  it('without a Link header, a full page means another one; a short page ends the list', async () => {
    const query = (page: number) => ({ orderBy: 'name asc', fields: FIELDS, page: String(page), pageSize: '1000' });
    const scope = api()
      .get(`${API}/service/boards`)
      .query(query(1))
      .reply(200, boards(1, 1000))
      .get(`${API}/service/boards`)
      .query(query(2))
      .reply(200, boards(1001, 3));
    const { client } = makeClient();
    expect(await client.listBoards()).toHaveLength(1003);
    scope.done();
  });

  it('an empty page ends the list even when the header says otherwise', async () => {
    const scope = api()
      .get(`${API}/service/boards`)
      .query(true)
      .reply(200, [], { Link: link([2, 'next']) });
    const { client } = makeClient();
    expect(await client.listBoards()).toEqual([]);
    scope.done();
  });

  it('a malformed item is an unreadable answer, naming where', async () => {
    const scope = api()
      .get(`${API}/service/boards`)
      .query(true)
      .reply(200, [
        { id: 1, name: 'ok' },
        { id: 'two', name: 'bad' },
      ]);
    const { client } = makeClient();
    const err = await rejection(client.listBoards());
    expect(err).toBeInstanceOf(ConnectWiseUnavailableError);
    expect(err).toMatchObject({ reason: 'bad_response', operation: 'lists.boards' });
    expect((err as Error).message).toContain('id');
    scope.done();
  });

  it('an answer that is not a list is an unreadable answer', async () => {
    const scope = api().get(`${API}/service/boards`).query(true).reply(200, { items: [] });
    const { client } = makeClient();
    await expect(client.listBoards()).rejects.toMatchObject({ reason: 'bad_response' });
    scope.done();
  });
});

describe('the rules', () => {
  it('reads the rel values of a Link header', () => {
    expect(linkRelations(link([2, 'next'], [5, 'last']))).toEqual(new Set(['next', 'last']));
    expect(linkRelations('<https://x/a?page=1>; rel=first, <https://x/a?page=3>;rel="prev next"')).toEqual(
      new Set(['first', 'prev', 'next']),
    );
    expect(linkRelations('garbage')).toEqual(new Set());
  });

  it('decides on a next page', () => {
    expect(hasNextPage(link([2, 'next']), 10, 1000)).toBe(true);
    expect(hasNextPage(link([1, 'first']), 1000, 1000)).toBe(false);
    expect(hasNextPage(undefined, 1000, 1000)).toBe(true);
    expect(hasNextPage(undefined, 999, 1000)).toBe(false);
    expect(hasNextPage('', 0, 1000)).toBe(false);
  });

  it('stops a list that never ends after 1,000 pages', async () => {
    const asked: number[] = [];
    const http: ConnectWiseHttp = {
      send: (request: ConnectWiseRequest) => {
        asked.push(Number(request.query?.page));
        return Promise.resolve({ data: [{ id: 1 }], link: undefined });
      },
    };
    const err = await rejection(
      listAll(http, {
        operation: 'test.endless',
        path: 'x',
        fields: ['id'],
        item: z.object({ id: z.number() }),
        pageSize: 1,
      }),
    );
    expect(err).toBeInstanceOf(ConnectWiseUnavailableError);
    expect(asked).toHaveLength(1000);
    expect(asked.at(-1)).toBe(1000);
  });
});
