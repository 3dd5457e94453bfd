import type { Role } from '../../src/db/database.ts';
import type { Harness, Measurement } from './harness.ts';

/** What bench/run.ts hands every bench module, once per data set. */
export interface BenchContext {
  readonly harness: Harness;
  /**
   * `demo`: the small demo set; `large`: demo set plus the large set (500 customers, 2,000 jobs,
   * 20,000 unreviewed runs and 200,000 reviewed ones: src/services/demo/large-data.ts).
   */
  readonly dataset: 'demo' | 'large';
  /** Requests per measurement (50 on the large set). */
  readonly requests: number;
  signIn(role: Role): Promise<string>;
}

/** A bench module: any bench/*.ts file except run.ts exports `title` and `run`. */
export interface BenchModule {
  readonly title: string;
  /** p95 target in ms for its large-set measurements; 150 when not exported, null for none. */
  readonly targetP95Ms?: number | null;
  /** Target in ms for the whole batch of a measurement sent with `Harness.send`, if any. */
  readonly targetTotalMs?: number;
  readonly run: (ctx: BenchContext) => Promise<Measurement[]>;
}
