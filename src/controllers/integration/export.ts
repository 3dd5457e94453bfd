import path from 'node:path';
import ejs from 'ejs';
import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { currentUser } from '../../middleware/auth.ts';
import { cell, exportModel, type ExportModel } from '../../services/integration/export.ts';
import { loadOverview } from '../../services/integration/overview.ts';
import { getIntegrationSettings } from '../../services/integration/settings.ts';
import { formatDateTime } from '../../shared/time.ts';

const TEMPLATE = 'integration/export.md.ejs';

/**
 * The Markdown document from its template. Rendered with ejs directly rather than `res.render`,
 * because Markdown needs its own escaping (table cells) instead of the pages' HTML escaping.
 */
export function renderMarkdown(viewsDir: string, model: ExportModel, cache = false): Promise<string> {
  return ejs.renderFile(path.join(viewsDir, TEMPLATE), model, { escape: cell, cache });
}

/** "Download as Markdown": the integration's documentation as a file. */
export async function get(req: Request, res: Response): Promise<void> {
  const { database, config } = contextOf(req);
  const fmt = (d: Date) => formatDateTime(d, config.timezone);
  const settings = await getIntegrationSettings(database.prisma);
  const overview = await loadOverview(database.prisma, settings, fmt);
  const now = new Date();
  const model = exportModel(overview, {
    fmt,
    generatedAt: now,
    generatedBy: currentUser(req).email,
    timezone: config.timezone,
  });
  const markdown = await renderMarkdown(req.app.get('views') as string, model, req.app.enabled('view cache'));
  res
    .type('text/markdown; charset=utf-8')
    .attachment(`backupchecks-autotask-integration-${now.toISOString().slice(0, 10)}.md`)
    .send(markdown);
}
