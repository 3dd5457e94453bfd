import type { PsaLogger } from './logger.ts';

/**
 * The API call log of a PSA client: one entry per HTTP request (each retry is its own entry), handed
 * to an injected recorder. Entries hold no headers, no query string and no request or response
 * body, and every text is scrubbed of the credentials before it leaves the client. `Kind` is the
 * client's own error kinds (`AutotaskErrorKind`, `ConnectWiseErrorKind`).
 */

/** What to write to the API call log: nothing, failed calls only, or every call. */
export type ApiLogLevel = 'off' | 'errors' | 'all';

export interface ApiCallEntry<Kind extends string = string> {
  readonly at: Date;
  /** Client operation, e.g. `tickets.create`. */
  readonly operation: string;
  readonly method: string;
  /** URL path without host and query string. */
  readonly path: string;
  /** HTTP status; null when no answer came. */
  readonly status: number | null;
  readonly ok: boolean;
  readonly durationMs: number;
  /** The error and the PSA's own words, when the call failed. */
  readonly error: string | null;
  /** Which way the call failed (the error's `kind`); null when it succeeded. Few values: fit for a metric label. */
  readonly errorKind: Kind | null;
}

export interface ApiCallRecorder<Kind extends string = string> {
  record(entry: ApiCallEntry<Kind>): Promise<void> | void;
}

/** Keeps entries in an array; for tests and the simulator-backed demo. */
export class InMemoryApiCallRecorder<Kind extends string = string> implements ApiCallRecorder<Kind> {
  readonly entries: ApiCallEntry<Kind>[] = [];
  record(entry: ApiCallEntry<Kind>): void {
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

export interface ApiLog<Kind extends string = string> {
  write(entry: ApiCallEntry<Kind>): Promise<void>;
}

/**
 * Applies the level and the redaction, and keeps the call alive when the recorder fails: a broken
 * log must not turn a ticket that the PSA created into an error. `label` starts the warning
 * (`autotask`, `connectwise`).
 */
export function createApiLog<Kind extends string>(options: {
  recorder: ApiCallRecorder<Kind> | undefined;
  level: ApiLogLevel;
  redact: (text: string) => string;
  logger: PsaLogger | undefined;
  label: string;
}): ApiLog<Kind> {
  const { recorder, level, redact, logger, label } = options;
  return {
    async write(entry) {
      if (!recorder || !isLogged(level, entry)) return;
      const clean: ApiCallEntry<Kind> = {
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
          `${label}: writing the API call log failed`,
        );
      }
    },
  };
}
