import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createApp, type BuiltApp } from '../../src/app.ts';
import type { Simulator } from '@backupchecks/autotask-simulator';
import type { Database } from '../../src/db/database.ts';
import { redactPaths } from '../../src/logger.ts';
import { SETTINGS_ID } from '../../src/services/integration/settings.ts';
import { cachingViews, testConfig, testSecrets, type Agent } from '../support/app.ts';
import { demoDefaults } from '../support/autotask.ts';

/** Every line the app logs, kept in memory (the production logger's redaction, at the most verbose level). */
export interface CapturedLog {
  readonly lines: string[];
  text(): string;
}

/** The app with a logger that writes to memory, so tests can read every log line. */
export function buildAppWithCapturedLog(
  database: Database,
  env: Record<string, string> = {},
): { built: BuiltApp; log: CapturedLog } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino(
    { name: 'backupchecks', level: 'trace', redact: { paths: redactPaths, censor: '[redacted]' } },
    stream,
  );
  const built = cachingViews(createApp({ config: testConfig(env), database, logger, secrets: testSecrets }));
  return { built, log: { lines, text: () => lines.join('') } };
}

/** A complete settings form as the page would post it, filled for the simulator's demo tenant. */
export function settingsForm(sim: Simulator, csrf: string, overrides: Record<string, string | undefined> = {}) {
  const form: Record<string, string> = {
    _csrf: csrf,
    enabled: 'on',
    environment: 'sandbox',
    apiUsername: sim.credentials.username,
    secret: '',
    integrationCode: sim.credentials.integrationCode,
    baseUrl: 'https://backupchecks.example.com',
    queueId: String(demoDefaults.queueId),
    issueTypeId: String(demoDefaults.issueTypeId),
    subIssueTypeId: String(demoDefaults.subIssueTypeId),
    sourceId: '',
    priorityErrorId: String(demoDefaults.priorityErrorId),
    priorityWarningId: String(demoDefaults.priorityWarningId),
    newStatusId: String(demoDefaults.newStatusId),
    noteTypeId: String(demoDefaults.noteTypeId),
    allowResolve: 'on',
    apiLogLevel: 'all',
    syncIntervalMinutes: '',
  };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete form[k];
    else form[k] = v;
  }
  return form;
}

export const postSettings = (agent: Agent, form: Record<string, string>) =>
  agent.post('/settings/autotask').type('form').send(form);

export const settingsRow = (database: Database) =>
  database.prisma.integrationSettings.findUniqueOrThrow({ where: { id: SETTINGS_ID } });

/** The text of one `<select>` (from its opening tag to `</select>`). */
export function selectHtml(html: string, field: string): string {
  const start = html.indexOf(`id="f-${field}"`);
  if (start === -1) throw new Error(`no select for ${field} on the page`);
  return html.slice(start, html.indexOf('</select>', start));
}

/** Option labels of a select, in order. */
export function optionLabels(html: string, field: string): string[] {
  return [...selectHtml(html, field).matchAll(/<option [^>]*>([^<]*)<\/option>/g)].map((m) => m[1]!.trim());
}

export const decode = (html: string): string =>
  html
    .replaceAll('&amp;', '&')
    .replaceAll('&#34;', '"')
    .replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>');

/**
 * Follows a redirect only after the whole answer has arrived. supertest's `.redirects(1)` follows as
 * soon as the headers are in, which can be before the session (and its flash message) is saved.
 */
export async function afterRedirect(
  agent: Agent,
  request: PromiseLike<{ status: number; headers: Record<string, string> }>,
) {
  const res = await request;
  if (res.status !== 302 && res.status !== 303) throw new Error(`expected a redirect, got ${res.status}`);
  return agent.get(res.headers.location!);
}
