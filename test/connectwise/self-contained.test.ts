import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// The ConnectWise client is a self-contained library, like the Autotask one: it imports only its own
// folder, the PSA HTTP kit both clients share (src/psa-http/, itself self-contained:
// test/foundation/architecture.test.ts), zod, axios and Node's built-ins, so it can be read, tested
// and moved on its own.

const dir = path.resolve(import.meta.dirname, '../../src/connectwise');

describe('src/connectwise', () => {
  it('imports nothing of the app but src/psa-http/', () => {
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const outside: string[] = [];
    for (const file of files) {
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const { fileName } of ts.preProcessFile(text, true, true).importedFiles) {
        const ownFolder = fileName.startsWith('./') && !fileName.slice(2).includes('/');
        const kit = /^\.\.\/psa-http\/[^./][^/]*$/.test(fileName);
        if (!ownFolder && !kit && !/^(node:.+|zod|axios)$/.test(fileName)) outside.push(`${file}: ${fileName}`);
      }
    }
    expect(outside).toEqual([]);
  });

  it('keeps every file under 400 lines', () => {
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const lines = fs.readFileSync(path.join(dir, file), 'utf8').split('\n').length;
      expect(lines, file).toBeLessThan(400);
    }
  });
});
