/**
 * Pieces of the `/__sim/` HTML pages both simulators show: the notice after a form post, the fault forms, the request
 * log. Plain forms, no script, every value escaped (html.ts); the endpoints they post to are in control.ts and
 * control-faults.ts.
 */
import type { Request } from 'express';
import { latencyKey, type FaultsSnapshot, type QueuedRule } from './faults.ts';
import { html, table, type HtmlValue, type SafeHtml } from './html.ts';
import type { LoggedRequest } from './request-log.ts';

/** The notice or error a form post redirected back with. */
export function notices(req: Request): SafeHtml {
  const notice = typeof req.query.notice === 'string' ? req.query.notice : null;
  const error = typeof req.query.error === 'string' ? req.query.error : null;
  return html`${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
  ${error ? html`<p class="error" role="alert">${error}</p>` : ''}`;
}

/** A labelled select named `name`; '' stands for any. */
export function anySelect(name: string, options: readonly string[], selected = ''): SafeHtml {
  return html`<label
    >${name}
    <select name="${name}">
      ${options.map(
        (o) => html`<option value="${o}" ${o === selected ? html` selected` : ''}>${o === '' ? 'any' : o}</option>`,
      )}
    </select></label
  >`;
}

/** How a simulator's fault forms differ. */
export interface FaultForms<K extends string> {
  /** The scope field, `entity` or `resource`, and the scopes to pick from ('' first, for any). */
  key: K;
  scopes: readonly string[];
  methods: readonly string[];
  /** The fail form's fields for the PSA's failure bodies (body kind, message …). */
  failFields: SafeHtml;
  /** What losing the answer is called: the hang/drop legend and the drop button. */
  dropLegend: string;
  dropButton: string;
  /** The scope the drop form starts on (the ticket create). */
  dropScope: string;
}

/** What is set now, then the latency, fail, hang/drop and rate-limit forms. */
export function faultsSection<K extends string>(
  snapshot: FaultsSnapshot<K, QueuedRule<K>>,
  forms: FaultForms<K>,
): SafeHtml {
  const methodSelect = (selected?: string) => anySelect('method', forms.methods, selected);
  const scopeSelect = (selected?: string) => anySelect(forms.key, forms.scopes, selected);
  return html`<h2>Faults</h2>
    <p>${faultSummary(snapshot, forms.key)}</p>
    <fieldset>
      <legend>Latency</legend>
      <form class="inline" method="post" action="/__sim/faults/latency">
        <label>ms <input type="number" name="ms" min="0" value="2000" required /></label>
        ${scopeSelect()}
        <button type="submit">Set latency</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Fail the next calls</legend>
      <form class="inline" method="post" action="/__sim/faults/fail">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label>status <input type="number" name="status" min="100" max="599" value="500" /></label>
        ${forms.failFields} ${methodSelect()} ${scopeSelect()}
        <button type="submit">Fail next</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>${forms.dropLegend}</legend>
      <form class="inline" method="post" action="/__sim/faults/hang">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label><input type="checkbox" name="afterApply" value="true" /> apply first</label>
        ${methodSelect()} ${scopeSelect()}
        <button type="submit">Hang next</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/drop">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        ${methodSelect('POST')} ${scopeSelect(forms.dropScope)}
        <button type="submit">${forms.dropButton}</button>
      </form>
    </fieldset>
    <fieldset>
      <legend>Rate limiting (429 + Retry-After)</legend>
      <form class="inline" method="post" action="/__sim/faults/rate-limit">
        <label>count <input type="number" name="count" min="1" value="1" /></label>
        <label>Retry-After s <input type="number" name="retryAfterSeconds" min="0" value="30" /></label>
        ${methodSelect()} ${scopeSelect()}
        <button type="submit">Rate-limit next</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/rate-limit-mode">
        <input type="hidden" name="on" value="true" /><button type="submit">Rate-limit everything</button>
      </form>
      <form class="inline" method="post" action="/__sim/faults/rate-limit-mode">
        <input type="hidden" name="on" value="false" /><button type="submit">Stop rate limiting</button>
      </form>
    </fieldset>`;
}

function faultSummary<K extends string>(snapshot: FaultsSnapshot<K, QueuedRule<K>>, key: K): string {
  // The key is `byEntity` or `byResource`, which TypeScript cannot follow through the generic.
  const byScope = (snapshot.latency as Record<string, unknown>)[latencyKey(key)] as Record<string, number>;
  const latency = Object.entries(byScope)
    .map(([scope, ms]) => `; ${ms} ms on ${scope}`)
    .join('');
  const pending = snapshot.pending
    .map((p) => {
      const scope = (p.match as Record<string, string | null>)[key];
      return `${p.kind} ×${p.remaining}${p.match.method ? ` ${p.match.method}` : ''}${scope ? ` on ${scope}` : ''}`;
    })
    .join(', ');
  const rateLimited = snapshot.rateLimited;
  return (
    `Latency: ${snapshot.latency.allMs} ms on all calls${latency}. ` +
    `Rate limiting: ${rateLimited ? `on (Retry-After ${rateLimited.retryAfterSeconds} s)` : 'off'}. ` +
    `Pending one-shot faults: ${pending === '' ? 'none' : pending}. Hung requests: ${snapshot.hungRequests}.`
  );
}

/** The buttons that end the faults, and everything else, at once. */
export function clearAndReset(): SafeHtml {
  return html`<form class="inline" method="post" action="/__sim/faults/clear">
      <button type="submit">Clear all faults</button>
    </form>
    <form class="inline" method="post" action="/__sim/reset">
      <button type="submit">Reset simulator to its seed</button>
    </form>`;
}

/** The 30 newest API requests, newest first; `column` is the simulator's own (the entity, the query). */
export function requestsSection<Entry extends LoggedRequest>(
  log: readonly Entry[],
  column: { heading: string; cell(entry: Entry): HtmlValue },
): SafeHtml {
  return html`<h2>Recent API requests (${log.length} logged)</h2>
    <form class="inline" method="post" action="/__sim/requests/clear"><button type="submit">Clear log</button></form>
    ${table(
      ['#', 'At', 'Method', 'Path', column.heading, 'Status', 'Outcome'],
      log
        .slice(-30)
        .reverse()
        .map(
          (r) =>
            html`<tr>
              <td>${r.seq}</td>
              <td>${r.at}</td>
              <td>${r.method}</td>
              <td>${r.path}</td>
              <td>${column.cell(r)}</td>
              <td>${r.status ?? ''}</td>
              <td>${r.outcome}</td>
            </tr>`,
        ),
    )}`;
}
