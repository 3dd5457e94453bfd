import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveIncludes, viewEngine } from '../../src/shared/view-engine.ts';

let dir: string;
const render = viewEngine();
const renderFile = (file: string, data: Record<string, unknown>, cache: boolean) =>
  new Promise<string>((resolve, reject) => {
    // As Express calls it: the app's settings travel with the data.
    render(path.join(dir, file), { ...data, settings: { views: dir, 'view cache': cache } }, (err, html) =>
      err ? reject(err) : resolve(html ?? ''),
    );
  });
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-views-'));
  write('partials/part.ejs', 'part <%= who %>');
  write('pages/page.ejs', "<%- include('../partials/part', { who }) %>|<%- include(name) %>");
  write('pages/dynamic.ejs', 'dynamic');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('view engine', () => {
  it('turns literal include paths into the files they name, and leaves others as written', () => {
    const file = path.join(dir, 'pages/page.ejs');
    expect(
      resolveIncludes(file, "<%- include('../partials/part') %><%- include( 'missing' ) %><%- include(x) %>"),
    ).toBe(
      `<%- include(${JSON.stringify(path.join(dir, 'partials/part.ejs'))}) %><%- include( 'missing' ) %><%- include(x) %>`,
    );
  });

  it('renders includes as EJS does, literal and from a variable', async () => {
    expect(await renderFile('pages/page.ejs', { who: 'A', name: 'dynamic' }, true)).toBe('part A|dynamic');
  });

  it('reads an edited include again without the view cache (development), and keeps it compiled with it', async () => {
    write('partials/part.ejs', 'part <%= who %>');
    expect(await renderFile('pages/page.ejs', { who: 'B', name: 'dynamic' }, false)).toBe('part B|dynamic');
    write('partials/part.ejs', 'edited <%= who %>');
    expect(await renderFile('pages/page.ejs', { who: 'B', name: 'dynamic' }, false)).toBe('edited B|dynamic');
    // Compiled and cached by the render before (as in production): unchanged until a restart.
    expect(await renderFile('pages/page.ejs', { who: 'B', name: 'dynamic' }, true)).toBe('part B|dynamic');
  });

  it('reports a missing include file as EJS does', async () => {
    write('pages/broken.ejs', "<%- include('../partials/none') %>");
    await expect(renderFile('pages/broken.ejs', {}, false)).rejects.toThrow(/Could not find the include file/);
  });
});
