/**
 * Reading the Run Checks page (views/runs/run-checks.ejs) in tests: its rows (one per job) and the
 * runs of its opened rows.
 */

/** The job ids of the rows, in page order. */
export const rowsOnPage = (html: string): number[] =>
  [...html.matchAll(/<tbody id="job-(\d+)" class="job-row/g)].map((m) => Number(m[1]));

/** The ids of the runs shown in opened rows, in page order. */
export const openedRunIds = (html: string): number[] =>
  [...html.matchAll(/<section class="run run-[a-z]+[^"]*" aria-labelledby="run-(\d+)-title"/g)].map((m) =>
    Number(m[1]),
  );

/** The markup of one job's row, summary and (when opened) its runs. */
export function rowHtml(html: string, jobId: number): string {
  const start = html.indexOf(`<tbody id="job-${jobId}" class="job-row`);
  if (start === -1) throw new Error(`no row for job ${jobId} on the page`);
  const next = html.indexOf('<tbody id="job-', start + 1);
  return html.slice(start, next === -1 ? html.indexOf('</table>\n</div>', start) : next);
}

/**
 * Run Checks with the rows of these runs' jobs opened: a run's ticket cell is shown in its job's
 * opened row only. `query` keeps other filters (`status=error`).
 */
export function runChecksOpening(runs: ReadonlyArray<{ readonly jobId: number }>, query = ''): string {
  const open = [...new Set(runs.map((r) => r.jobId))].map((id) => `open=${id}`);
  return `/run-checks?${[...(query ? [query] : []), ...open].join('&')}`;
}
