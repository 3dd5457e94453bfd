import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BuiltApp } from '../../src/app.ts';
import { addUser, buildTestApp, signIn, type Agent } from '../support/app.ts';
import { resetData, useTestDatabase } from '../support/db.ts';
import { makeCustomerWithRun } from '../support/fixtures.ts';
import { parsePrometheusText, samplesOf, scrape, valueOf } from './prometheus-text.ts';

/**
 * What GET /metrics holds: text Prometheus can parse, the request histogram under route patterns,
 * ticket counts read from the database, the job-queue API (src/metrics/jobs.ts), and a registry
 * per app, with the process's default metrics in each.
 */

const ctx = useTestDatabase();
const TOKEN = '5d2c1b0a99887766554433221100ffeeddccbbaa00112233445566778899aabb';
const HTTP = 'backupchecks_http_request_duration_seconds';

let built: BuiltApp;
let agent: Agent;

beforeAll(async () => {
  built = buildTestApp(ctx.db, { METRICS_TOKEN: TOKEN });
  agent = (await signIn(built.app, (await addUser(ctx.db, 'admin')).email)).agent;
});

afterAll(async () => {
  await built?.close();
});

describe('the exposition', () => {
  it('parses as Prometheus text, with every metric of the app typed', async () => {
    const exp = await scrape(built.app, TOKEN);
    expect(Object.fromEntries([...exp.types].filter(([name]) => name.startsWith('backupchecks_')))).toEqual({
      backupchecks_http_request_duration_seconds: 'histogram',
      backupchecks_autotask_requests_total: 'counter',
      backupchecks_autotask_request_duration_seconds: 'histogram',
      backupchecks_tickets_created: 'gauge',
      backupchecks_tickets_resolved: 'gauge',
      backupchecks_job_failures_total: 'counter',
      backupchecks_jobs_queued: 'gauge',
      backupchecks_jobs_active: 'gauge',
      backupchecks_jobs_failed: 'gauge',
      backupchecks_jobs_retrying: 'gauge',
      backupchecks_metrics_read_failures_total: 'counter',
    });
    // Without a queue on this database yet, every job reports zeros (src/jobs/report.ts).
    expect(valueOf(exp, 'backupchecks_jobs_queued', { queue: 'retention' })).toBe(0);
  });

  it("holds prom-client's default process metrics", async () => {
    const exp = await scrape(built.app, TOKEN);
    expect(exp.types.get('process_cpu_seconds_total')).toBe('counter');
    expect(exp.types.get('nodejs_heap_size_used_bytes')).toBe('gauge');
    expect(valueOf(exp, 'process_start_time_seconds')).toBeGreaterThan(1_600_000_000);
  });

  it('the reader refuses what Prometheus would (a check of the check)', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na 1\n')).not.toThrow();
    expect(() => parsePrometheusText('a 1\n')).toThrow(/without a TYPE/);
    expect(() => parsePrometheusText('# TYPE a counter\na{b="c} 1\n')).toThrow(/bad/);
    expect(() => parsePrometheusText('# TYPE a counter\na one\n')).toThrow(/bad/);
  });
});

describe('backupchecks_http_request_duration_seconds', () => {
  it('labels a request with its route pattern, never the address', async () => {
    const { run } = await makeCustomerWithRun(ctx.db);
    expect((await agent.get(`/runs/${run.id}`)).status).toBe(200);
    expect((await agent.get(`/runs/${run.id}?from=metrics`)).status).toBe(200);
    const exp = await scrape(built.app, TOKEN);
    const labels = { method: 'GET', route: '/runs/:id', status_code: '200' };
    expect(valueOf(exp, `${HTTP}_count`, labels)).toBe(2);
    expect(valueOf(exp, `${HTTP}_bucket`, { ...labels, le: '+Inf' })).toBe(2);
    expect(valueOf(exp, `${HTTP}_sum`, labels)).toBeGreaterThan(0);
    const routes = new Set(samplesOf(exp, `${HTTP}_count`).map((s) => s.labels['route']));
    expect([...routes].filter((r) => r !== 'unmatched' && !r?.startsWith('/'))).toEqual([]);
    expect([...routes].some((r) => r?.includes(String(run.id)))).toBe(false);
  });

  it('labels a missing record with the pattern and its 404, an unknown address `unmatched`', async () => {
    expect((await agent.get('/runs/999999999')).status).toBe(404);
    expect((await agent.get('/no/such/page/4711')).status).toBe(404);
    const exp = await scrape(built.app, TOKEN);
    expect(valueOf(exp, `${HTTP}_count`, { method: 'GET', route: '/runs/:id', status_code: '404' })).toBe(1);
    expect(valueOf(exp, `${HTTP}_count`, { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
  });

  it('times form posts and the scrapes themselves', async () => {
    const before = await scrape(built.app, TOKEN);
    const scrapes = valueOf(before, `${HTTP}_count`, { method: 'GET', route: '/metrics', status_code: '200' }) ?? 0;
    const after = await scrape(built.app, TOKEN);
    expect(valueOf(after, `${HTTP}_count`, { method: 'GET', route: '/metrics', status_code: '200' })).toBe(scrapes + 1);
    expect(samplesOf(after, `${HTTP}_count`, { method: 'POST', route: '/login' })).not.toEqual([]);
  });
});

describe('ticket counts', () => {
  beforeAll(async () => {
    await resetData(ctx.db);
  });

  it('are the database rows at scrape time, the same from every app on the database', async () => {
    const empty = await scrape(built.app, TOKEN);
    expect(valueOf(empty, 'backupchecks_tickets_created')).toBe(0);
    expect(valueOf(empty, 'backupchecks_tickets_resolved')).toBe(0);

    await addTicket('created', null);
    await addTicket('created', new Date());
    await addTicket('created', null, 'linked');
    await addTicket('pending', null);
    await addTicket('failed', null);

    const other = buildTestApp(ctx.db, { METRICS_TOKEN: TOKEN });
    try {
      for (const app of [built.app, other.app]) {
        const exp = await scrape(app, TOKEN);
        expect(valueOf(exp, 'backupchecks_tickets_created')).toBe(3);
        expect(valueOf(exp, 'backupchecks_tickets_resolved')).toBe(1);
      }
    } finally {
      await other.close();
    }
  });
});

async function addTicket(
  state: 'pending' | 'created' | 'failed',
  resolvedAt: Date | null,
  origin: 'created' | 'linked' = 'created',
) {
  const { job, run } = await makeCustomerWithRun(ctx.db, { companyId: null });
  await ctx.db.prisma.ticket.create({
    data: {
      originRunId: run.id,
      jobId: job.id,
      origin,
      runs: { connect: { id: run.id } },
      state,
      reference: `BC-RUN-${run.id}`,
      ...(state === 'created' ? { ticketId: 5000 + run.id, ticketNumber: `T20260101.${run.id}` } : {}),
      resolvedAt,
    },
  });
}

describe('the job queue API', () => {
  it('fills the queue gauges from the source at each scrape, reading it once per scrape', async () => {
    let reads = 0;
    let queued = 2;
    const app = buildTestApp(
      ctx.db,
      { METRICS_TOKEN: TOKEN },
      {
        queueSource: () => {
          reads++;
          return Promise.resolve([
            { queue: 'ticket-status-refresh', queued, active: 1, failed: 0, retrying: 3 },
            { queue: 'missed-run-detection', queued: 0, active: 0, failed: 4, retrying: 0 },
          ]);
        },
      },
    );
    try {
      const first = await scrape(app.app, TOKEN);
      expect(reads).toBe(1);
      const refresh = { queue: 'ticket-status-refresh' };
      expect(valueOf(first, 'backupchecks_jobs_queued', refresh)).toBe(2);
      expect(valueOf(first, 'backupchecks_jobs_active', refresh)).toBe(1);
      expect(valueOf(first, 'backupchecks_jobs_failed', refresh)).toBe(0);
      expect(valueOf(first, 'backupchecks_jobs_retrying', refresh)).toBe(3);
      expect(valueOf(first, 'backupchecks_jobs_failed', { queue: 'missed-run-detection' })).toBe(4);

      queued = 5;
      const second = await scrape(app.app, TOKEN);
      expect(reads).toBe(2);
      expect(valueOf(second, 'backupchecks_jobs_queued', refresh)).toBe(5);
      expect(() => app.context.metrics.observeQueue(() => Promise.resolve([]))).toThrow(/once per app/);
    } finally {
      await app.close();
    }
  });

  it('counts failed attempts by queue', async () => {
    built.context.metrics.jobFailed('company-sync');
    built.context.metrics.jobFailed('company-sync');
    built.context.metrics.jobFailed('retention');
    const exp = await scrape(built.app, TOKEN);
    expect(valueOf(exp, 'backupchecks_job_failures_total', { queue: 'company-sync' })).toBe(2);
    expect(valueOf(exp, 'backupchecks_job_failures_total', { queue: 'retention' })).toBe(1);
  });

  it('a source that fails leaves its gauges without samples, counts the failure, and the scrape still answers', async () => {
    const app = buildTestApp(
      ctx.db,
      { METRICS_TOKEN: TOKEN },
      { queueSource: () => Promise.reject(new Error('queue table unreachable')) },
    );
    try {
      const exp = await scrape(app.app, TOKEN);
      expect(exp.types.get('backupchecks_jobs_queued')).toBe('gauge');
      expect(samplesOf(exp, 'backupchecks_jobs_queued')).toEqual([]);
      expect(valueOf(exp, 'backupchecks_metrics_read_failures_total', { read: 'jobs' })).toBe(1);
      expect(valueOf(exp, 'backupchecks_tickets_created')).toBeTypeOf('number');
    } finally {
      await app.close();
    }
  });
});

describe('a registry per app', () => {
  it("counts only the app's own requests; both hold the process metrics", async () => {
    const other = buildTestApp(ctx.db, { METRICS_TOKEN: TOKEN });
    try {
      const exp = await scrape(other.app, TOKEN);
      // The other app has answered nothing before this scrape (which is counted once it finishes).
      expect(samplesOf(exp, `${HTTP}_count`)).toEqual([]);
      expect(samplesOf(exp, 'backupchecks_job_failures_total')).toEqual([]);
      expect(exp.types.get('process_cpu_seconds_total')).toBe('counter');
      expect(samplesOf(await scrape(built.app, TOKEN), `${HTTP}_count`)).not.toEqual([]);
    } finally {
      await other.close();
    }
  });
});
