/** How a simulator is set up: credentials, seed, clock, and the rules it enforces. */
import type { Clock, ConnectWiseCredentials } from './types.ts';

export type SeedName = 'demo' | 'empty';

export interface ConnectWiseSettings {
  /** The path segment before `/apis/3.0`; ConnectWise Cloud answers `v4_6_release` (login/companyinfo `Codebase`). */
  codebase: string;
  /** Sent as the `api-current-version` response header, as ConnectWise does. */
  apiVersion: string;
  /**
   * ConnectWise's schema marks `board` optional on a new ticket (the system default board is used). The simulator
   * requires it by default, because a ticket on whatever board happens to be the default is never what Backupchecks
   * wants; switch off to behave like the schema (docs/connectwise.md, Service tickets).
   */
  boardRequired: boolean;
  /** 25 when `pageSize` is absent (docs/connectwise.md, Paging and counts; not confirmed by a ConnectWise page). */
  defaultPageSize: number;
  /** ConnectWise's hard limit of 1,000 records a page; larger values are lowered to it, not refused (assumed). */
  maxPageSize: number;
  /**
   * The Inquire level of the API member's security role on "Time & Expense / Time Entry" (docs/connectwise.md, Time
   * entries): `All` sees every entry; `My` only the member's own (an API member has none, so lists and counts come
   * back empty without an error); `None` is refused with 403 (assumed: ConnectWise may filter silently instead).
   * `GET system/mySecurity` reports it.
   */
  timeEntryInquireLevel: 'All' | 'My' | 'None';
  /** Path prefixes (`time/entries`) the API member's security role does not allow: answered 403. */
  forbiddenResources: string[];
  /** The request log keeps at most this many entries (oldest dropped first). */
  requestLogLimit: number;
}

export const DEFAULT_SETTINGS: ConnectWiseSettings = {
  codebase: 'v4_6_release',
  apiVersion: '2025.1',
  boardRequired: true,
  defaultPageSize: 25,
  maxPageSize: 1000,
  timeEntryInquireLevel: 'All',
  forbiddenResources: [],
  requestLogLimit: 10_000,
};

export const DEFAULT_CREDENTIALS: ConnectWiseCredentials = {
  companyId: 'backupchecks',
  publicKey: 'SimPublicKey0001',
  privateKey: 'SimPrivateKey0001',
  clientId: '6a2b1e58-0c1f-4d2e-9a55-3c1f0b7d9e10',
};

export interface StateOptions {
  seed?: SeedName;
  credentials?: Partial<ConnectWiseCredentials>;
  clock?: Clock;
  settings?: Partial<ConnectWiseSettings>;
}
