/**
 * How a simulator is set up: the seed, the API users, the clock and the limits it enforces, plus
 * the plain-JSON snapshot of a tenant that the demo saves between runs.
 */
import type {
  BillingCode,
  Clock,
  Company,
  Contact,
  Picklists,
  SimUser,
  Ticket,
  TicketNote,
  TimeEntry,
} from './types.ts';

export type SeedName = 'demo' | 'empty';

export interface SimulatorSettings {
  /** Concurrent requests per (integration code + entity endpoint); Autotask allows 3. */
  threadLimit: number;
  /** Status of a thread-limit rejection. No source gives the real one, so tests can pick 429 or 500. */
  threadLimitStatus: number;
  /** Requests per rolling window before 429 (Autotask: 10,000 per 60 minutes). */
  requestThreshold: number;
  requestThresholdTimeframeMinutes: number;
  /** The request log keeps at most this many entries (oldest dropped first). */
  requestLogLimit: number;
  zoneName: string;
  ci: number;
  /**
   * Ticket fields this tenant requires on create beyond Autotask's own (e.g. `billingCodeID`,
   * `contactID`, `ticketCategory`, `ticketType`), as ticket categories and tenant settings make them.
   */
  requiredTicketFields: string[];
}

export const DEFAULT_SETTINGS: SimulatorSettings = {
  threadLimit: 3,
  threadLimitStatus: 429,
  requestThreshold: 10_000,
  requestThresholdTimeframeMinutes: 60,
  requestLogLimit: 10_000,
  zoneName: 'Simulator',
  ci: 30595,
  requiredTicketFields: [],
};

export interface StateOptions {
  seed?: SeedName;
  /** API users; the first one is the one `Simulator.credentials` reports. Default: the demo user. */
  users?: SimUser[];
  clock?: Clock;
  settings?: Partial<SimulatorSettings>;
}

/** What `SimulatorState.snapshot()` returns and `restore()` takes. */
export interface SimulatorSnapshot {
  version: 1;
  companies: Company[];
  tickets: Ticket[];
  ticketNotes: TicketNote[];
  timeEntries: TimeEntry[];
  /** Absent in snapshots saved before the simulator had them. */
  billingCodes?: BillingCode[];
  contacts?: Contact[];
  picklists: Picklists;
}
