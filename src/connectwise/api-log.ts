import type { ConnectWiseErrorKind } from './errors.ts';
import type { ApiLogLevel, ConnectWiseLogger } from './types.ts';

/**
 * The API call log: one entry per HTTP request to ConnectWise (each retry is its own entry), handed
 * to an injected recorder. Entries hold no headers, no query string (conditions carry references)
 * and no request or response body, and every text is scrubbed of the credentials before it leaves
 * the client.
 */

export interface ApiCallEntry {
  readonly at: Date;
  /** Client operation, e.g. `tickets.create`. */
  readonly operation: string;
  readonly method: string;
  /** URL path without host and query string, e.g. `/v4_6_release/apis/3.0/service/tickets`. */
  readonly path: string;
  /** HTTP status; null when no answer came. */
  readonly status: number | null;
  readonly ok: boolean;
  readonly durationMs: number;
  /** The error and ConnectWise's own words, when the call failed. */
  readonly error: string | null;
  /** Which way the call failed (`ConnectWiseError.kind`); null when it succeeded. Few values: fit for a metric label. */
  readonly errorKind: ConnectWiseErrorKind | null;
}

export interface ApiCallRecorder {
  record(entry: ApiCallEntry): Promise<void> | void;
}

/** Keeps entries in an array; for tests. */
export class InMemoryApiCallRecorder implements ApiCallRecorder {
  readonly entries: ApiCallEntry[] = [];
  record(entry: ApiCallEntry): void {
    this.entries.push(entry);
  }
}

/** Whether the API call log keeps a call at this level: `errors` keeps the failed ones only. */
export function isLogged(level: ApiLogLevel, entry: Pick<ApiCallEntry, 'ok'>): boolean {
  return level === 'all' || (level === 'errors' && !entry.ok);
}

/** Replaces every occurrence of the given secrets in a text. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  // Short values would blank out ordinary words; credentials are never that short.
  const needles = [...new Set(secrets.filter((s) => s.length >= 4))].sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const n of needles) out = out.split(n).join('[redacted]');
    return out;
  };
}

export interface ApiLog {
  write(entry: ApiCallEntry): Promise<void>;
}

/**
 * Applies the level and the redaction, and keeps the call alive when the recorder fails: a broken
 * log must not turn a ticket that ConnectWise created into an error.
 */
export function createApiLog(options: {
  recorder: ApiCallRecorder | undefined;
  level: ApiLogLevel;
  redact: (text: string) => string;
  logger: ConnectWiseLogger | undefined;
}): ApiLog {
  const { recorder, level, redact, logger } = options;
  return {
    async write(entry) {
      if (!recorder || !isLogged(level, entry)) return;
      const clean: ApiCallEntry = {
        ...entry,
        operation: redact(entry.operation),
        path: redact(entry.path),
        error: entry.error === null ? null : redact(entry.error),
      };
      try {
        await recorder.record(clean);
      } catch (e) {
        logger?.warn(
          { operation: clean.operation, err: redact(e instanceof Error ? e.message : String(e)) },
          'connectwise: writing the API call log failed',
        );
      }
    },
  };
}
