import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import pg from 'pg';
import { startSimulator, type Simulator } from '@backupchecks/autotask-simulator';
import { boot, type Running } from '../src/boot.ts';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';

/**
 * What every end-to-end journey needs: the app on a scratch database, the Autotask simulator
 * in-process (so a journey can rename a company or add a time entry the way an Autotask user
 * would), Debian's Chromium, a screenshot per step, and a watch on console errors and failed
 * requests — any of which fails the suite.
 */

export const outputDir = path.resolve(import.meta.dirname, 'output');
export const docsDir = path.resolve(import.meta.dirname, '..', 'docs');

const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const adminCredentials = { email: 'admin@e2e.example', password: 'e2e admin password 123' };

export interface Harness {
  readonly app: Running;
  readonly sim: Simulator;
  readonly browser: Browser;
  readonly problems: string[];
  /** A fresh browser context (its own cookies) for one person. */
  person(name: string, options?: { bypassCSP?: boolean }): Promise<Page>;
  close(): Promise<void>;
}

async function scratchDatabase(): Promise<{ env: Record<string, string>; drop(): Promise<void> }> {
  const server = process.env.TEST_DATABASE_URL;
  if (!server) {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-e2e-'));
    return { env: { DATA_DIR: dataDir }, drop: () => fs.promises.rm(dataDir, { recursive: true, force: true }) };
  }
  const name = `bc_e2e_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${name}`;
  // Generated secrets still go to DATA_DIR with an external database: it is removed with the database.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bc-e2e-'));
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    async drop() {
      const c = new pg.Client({ connectionString: server });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await fs.promises.rm(dataDir, { recursive: true, force: true });
    },
  };
}

export async function startHarness(): Promise<Harness> {
  fs.rmSync(outputDir, { recursive: true, force: true });
  fs.mkdirSync(outputDir, { recursive: true });
  const sim = await startSimulator();
  const db = await scratchDatabase();
  const config = loadConfig({
    NODE_ENV: 'development',
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    BCRYPT_COST: '4',
    ADMIN_EMAIL: adminCredentials.email,
    ADMIN_PASSWORD: adminCredentials.password,
    DEMO_DATA: 'true',
    AUTOTASK_ZONE_LOOKUP_URL: sim.zoneLookupUrl,
    AUTOTASK_TIMEOUT_MS: '3000',
    ...db.env,
  });
  const app = await boot(config, createLogger(config.logLevel));
  const browser = await chromium
    .launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs })
    .catch(async (e) => {
      // No browser (not installed yet, say): nothing of this run is left behind.
      await app.close();
      await sim.close();
      await db.drop();
      throw e;
    });
  const problems: string[] = [];
  const contexts: BrowserContext[] = [];

  return {
    app,
    sim,
    browser,
    problems,
    async person(name, options = {}) {
      const context = await browser.newContext({
        baseURL: app.url ?? undefined,
        viewport: { width: 1280, height: 900 },
        bypassCSP: options.bypassCSP ?? false,
      });
      contexts.push(context);
      const page = await context.newPage();
      page.on('console', (msg) => {
        if (msg.type() !== 'error') return;
        // Chromium logs a form re-rendered with 401/409/422 as a failed resource. Only a step that
        // expects exactly that answer (step(..., { allowStatus })) may see it; anything else fails.
        const status = /status of (\d{3})/.exec(msg.text())?.[1];
        if (status && allowedStatus.has(Number(status))) return;
        problems.push(`[${name}] console error: ${msg.text()}`);
      });
      page.on('pageerror', (err) => problems.push(`[${name}] page error: ${err.message}`));
      page.on('requestfailed', (req) => {
        // A navigation that replaces a pending one is not a failure of the app.
        if (req.failure()?.errorText === 'net::ERR_ABORTED') return;
        problems.push(`[${name}] request failed: ${req.method()} ${req.url()} ${req.failure()?.errorText ?? ''}`);
      });
      page.on('response', (res) => {
        if (res.status() >= 500)
          problems.push(`[${name}] HTTP ${res.status()} for ${res.request().method()} ${res.url()}`);
      });
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await app.close();
      await sim.close();
      await db.drop();
    },
  };
}

let stepNumber = 0;
const allowedStatus = new Set<number>();

/** Runs one named step and saves a full-page screenshot after it, numbered in order. */
export async function step(
  page: Page,
  name: string,
  body: () => Promise<void>,
  options: { allowStatus?: number[] } = {},
): Promise<void> {
  stepNumber += 1;
  for (const s of options.allowStatus ?? []) allowedStatus.add(s);
  const label = `${String(stepNumber).padStart(2, '0')}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`;
  const started = Date.now();
  try {
    await body();
  } finally {
    allowedStatus.clear();
    await page.screenshot({ path: path.join(outputDir, `${label}.png`), fullPage: true }).catch(() => undefined);
  }
  process.stdout.write(`  ✓ ${name} (${Date.now() - started} ms)\n`);
}

/** Signs in through the login form by its visible labels. */
export async function signIn(page: Page, email: string, password: string): Promise<void> {
  await page.goto('/login');
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => !url.pathname.startsWith('/login'));
}

const axeSource = fs.readFileSync(path.resolve(import.meta.dirname, '../node_modules/axe-core/axe.min.js'), 'utf8');

/** axe-core in the page; returns the serious and critical violations. */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (ctx: Document) => Promise<AxeResult> } }).axe;
    return axe.run(document);
  });
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact}: ${v.id} — ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

interface AxeResult {
  violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[];
}
