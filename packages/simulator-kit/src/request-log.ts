/**
 * What a simulator remembers about each API request, so tests can count calls and read bodies. Each simulator adds
 * its own fields (the entity or resource a request is fault-matched under, who sent it) to `LoggedRequest`.
 */
import type { ServerResponse } from 'node:http';

export type RequestOutcome =
  /** A response was sent. */
  | 'answered'
  /** Still waiting: latency, a hang fault, or a slow handler. */
  | 'pending'
  /** A hang fault: never answered; the socket is closed by the client or at simulator close. */
  | 'hung'
  /** Applied, then the socket was destroyed without an answer (the drop fault: a lost answer). */
  | 'dropped'
  /** The client went away before an answer was sent. */
  | 'aborted';

export interface LoggedRequest {
  /** Sequence number, starting at 1 after each reset. */
  seq: number;
  method: string;
  /** URL path as received, without the query string. */
  path: string;
  /** Raw query string without `?`, or ''. */
  query: string;
  /** Parsed JSON body, or null when there was none. */
  body: unknown;
  /** HTTP status sent, or that would have been sent for a dropped response; null while pending. */
  status: number | null;
  outcome: RequestOutcome;
  /** ISO time of arrival, from the simulator clock. */
  at: string;
}

/** The newest requests, at most `limit` of them, numbered from 1 after each reset. */
export class RequestLog<Entry extends LoggedRequest> {
  /** Changed in place, so a reference held by a test stays valid. */
  readonly entries: Entry[] = [];
  #seq = 0;

  append(entry: Omit<Entry, 'seq'>, limit: number): Entry {
    const logged = { seq: ++this.#seq, ...entry } as Entry;
    this.entries.push(logged);
    const excess = this.entries.length - limit;
    if (excess > 0) this.entries.splice(0, excess);
    return logged;
  }

  /** Empties the log; numbering goes on. */
  clear(): void {
    this.entries.length = 0;
  }

  /** Empties the log and numbers from 1 again. */
  reset(): void {
    this.clear();
    this.#seq = 0;
  }
}

/** Settles a request still pending when its response closes: answered if it was written out, else aborted. */
export function settleOnClose(res: ServerResponse, entry: LoggedRequest): void {
  res.on('close', () => {
    if (entry.outcome === 'pending') entry.outcome = res.writableFinished ? 'answered' : 'aborted';
  });
}
