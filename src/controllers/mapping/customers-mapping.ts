import type { Request, Response } from 'express';
import { contextOf } from '../../context.ts';
import { lastCompanySync, refreshAfterPageView } from '../../services/mapping/background-sync.ts';
import { deferAfterResponse } from '../../shared/deferred-work.ts';
import { requestProfile } from '../integration/request-settings.ts';

/** What the mapping toolbar and column of the Customers list need (views/mapping/mapping-*.ejs). */
export interface CustomersMappingView {
  /** This page with its filters: where the mapping actions return to. */
  readonly customersUrl: string;
  /** The last finished company sync, or null: "company names last checked …". */
  readonly lastCompanySync: Awaited<ReturnType<typeof lastCompanySync>>;
  /** The active PSA's name: the mappings shown are its companies. */
  readonly psaName: string;
}

/**
 * The mapping part of the Customers list. Once the page has been sent, mappings synced over an
 * hour ago are refreshed, so company names stay current without anyone asking and the page never
 * waits for the PSA; the next view shows the result.
 */
export async function customersMappingFor(req: Request, res: Response): Promise<CustomersMappingView> {
  const { database, psa, logger: appLogger } = contextOf(req);
  const db = database.prisma;
  const logger = appLogger.child({ component: 'company-sync' });
  deferAfterResponse(
    res,
    () => (res.statusCode === 200 ? refreshAfterPageView({ db, psa, logger }) : undefined),
    (err) => logger.error({ err }, 'company sync after page view failed'),
  );
  const [sync, profile] = await Promise.all([lastCompanySync(db), requestProfile(req)]);
  return { customersUrl: req.originalUrl, lastCompanySync: sync, psaName: profile.name };
}
