import request from 'supertest';
import type { BuiltApp } from '../../src/app.ts';

/**
 * A strict reader of the Prometheus text format (version 0.0.4): every line must be a `# HELP`, a
 * `# TYPE` or a sample of a family whose TYPE came before it, or the parse throws. What Prometheus
 * itself would refuse fails here too, instead of passing a test that only looks for substrings.
 */

export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** Family name → counter | gauge | histogram | summary | untyped. */
  readonly types: ReadonlyMap<string, string>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, readonly string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count', ''],
};

export function parsePrometheusText(text: string): Exposition {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  text
    .slice(0, -1)
    .split('\n')
    .forEach((line, i) => {
      const where = `line ${i + 1} (${JSON.stringify(line)})`;
      if (line === '') return;
      if (line.startsWith('# HELP ')) {
        if (!NAME.test(line.slice(7).split(' ')[0] ?? '')) throw new Error(`bad HELP at ${where}`);
        return;
      }
      if (line.startsWith('# TYPE ')) {
        const [name = '', type = '', ...rest] = line.slice(7).split(' ');
        if (!NAME.test(name) || !TYPES.has(type) || rest.length > 0) throw new Error(`bad TYPE at ${where}`);
        if (types.has(name)) throw new Error(`second TYPE for ${name} at ${where}`);
        types.set(name, type);
        return;
      }
      if (line.startsWith('#')) return;
      const sample = parseSample(line, where);
      if (!familyOf(sample.name, types)) throw new Error(`sample without a TYPE before it at ${where}`);
      samples.push(sample);
    });
  return { samples, types };
}

function parseSample(line: string, where: string): Sample {
  const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{.*\})? (\S+)( -?\d+)?$/.exec(line);
  if (!match) throw new Error(`bad sample at ${where}`);
  const value = parseValue(match[3]!);
  if (value === null) throw new Error(`bad value at ${where}`);
  return { name: match[1]!, labels: match[2] ? parseLabels(match[2].slice(1, -1), where) : {}, value };
}

/** As Prometheus reads values (Go's ParseFloat): NaN and Inf in any case; prom-client writes `Nan`. */
function parseValue(text: string): number | null {
  if (/^nan$/i.test(text)) return Number.NaN;
  if (/^\+?inf$/i.test(text)) return Number.POSITIVE_INFINITY;
  if (/^-inf$/i.test(text)) return Number.NEGATIVE_INFINITY;
  return /^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text) ? Number(text) : null;
}

/** `a="x",b="y\"z"` → { a: 'x', b: 'y"z' }; escapes are \\, \" and \n. */
function parseLabels(text: string, where: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const m = /^([^=]+)="((?:[^"\\]|\\[\\"n])*)"(,|$)/.exec(rest);
    if (!m || !LABEL_NAME.test(m[1]!)) throw new Error(`bad labels at ${where}`);
    if (m[1]! in labels) throw new Error(`label ${m[1]} twice at ${where}`);
    labels[m[1]!] = m[2]!.replace(/\\(["\\n])/g, (_e, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function familyOf(sampleName: string, types: ReadonlyMap<string, string>): string | null {
  if (types.has(sampleName) && !SUFFIXES[types.get(sampleName)!]?.length) return sampleName;
  for (const [family, type] of types) {
    for (const suffix of SUFFIXES[type] ?? []) if (sampleName === `${family}${suffix}`) return family;
  }
  return null;
}

/** Samples of `name` whose labels include every one given. */
export function samplesOf(exp: Exposition, name: string, labels: Record<string, string> = {}): Sample[] {
  return exp.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
}

/** The value of the one sample of `name` with these labels; undefined when there is none. */
export function valueOf(exp: Exposition, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samplesOf(exp, name, labels).filter((s) => Object.keys(s.labels).length === Object.keys(labels).length);
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} with ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** GET /metrics with the token, checked and parsed. */
export async function scrape(app: BuiltApp['app'], token: string): Promise<Exposition> {
  const res = await request(app).get('/metrics').set('Authorization', `Bearer ${token}`);
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}`);
  if (res.headers['content-type'] !== 'text/plain; version=0.0.4; charset=utf-8') {
    throw new Error(`GET /metrics sent ${String(res.headers['content-type'])}`);
  }
  return parsePrometheusText(res.text);
}
