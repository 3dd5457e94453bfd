/**
 * `/__sim/`: controls for tests in other processes and for humans, in the simulator kit's frame
 * (packages/simulator-kit/src/control.ts: loopback only, no cross-site posts, JSON or form).
 */
import {
  blankToUndefined,
  controlRouter as kitControlRouter,
  done,
  faultRoutes,
  optionalString,
} from '@backupchecks/simulator-kit';
import type { Router } from 'express';
import { z } from 'zod';
import { renderControlPage } from './control-page.ts';
import { seedRoutes } from './control-seed.ts';
import type { Faults } from './faults.ts';
import type { ConnectWiseState } from './store.ts';

export interface ControlOptions {
  faults: Faults;
  /** Allow non-loopback clients (e.g. the simulator in a container). Default false. */
  allowRemote?: boolean | undefined;
}

export function controlRouter(state: ConnectWiseState, options: ControlOptions): Router {
  return kitControlRouter({
    allowRemote: options.allowRemote ?? false,
    page: (req, res) => renderControlPage(req, res, state, options.faults),
    routes: (router) => connectWiseRoutes(router, state, options.faults),
    requestLog: { entries: state.requestLog, clear: () => state.clearRequestLog() },
    otherErrorStatus: 409,
  });
}

function connectWiseRoutes(router: Router, state: ConnectWiseState, faults: Faults): void {
  router.get('/state', (_req, res) => {
    res.json({
      companies: state.companies,
      tickets: state.tickets,
      notes: state.notes,
      timeEntries: state.timeEntries,
      settings: state.settings,
    });
  });
  router.get('/credentials', (req, res) => {
    const site = `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    const { companyId, publicKey, privateKey, clientId } = state.credentials;
    res.json({
      siteUrl: site,
      baseUrl: `${site}/${state.settings.codebase}/apis/3.0`,
      companyId,
      publicKey,
      privateKey,
      clientId,
      authorization: `Basic ${Buffer.from(`${companyId}+${publicKey}:${privateKey}`).toString('base64')}`,
    });
  });
  router.post('/reset', (req, res) => {
    faults.clear();
    state.reset();
    done(req, res, 'The simulator was reset to its seed.', { ok: true });
  });

  seedRoutes(router, state, done);
  faultRoutes(router, {
    faults,
    key: 'resource',
    maxCount: 1000,
    maxRetryAfterSeconds: 86_400,
    failFields: {
      body: z.preprocess(blankToUndefined, z.enum(['error', 'json', 'empty', 'text']).optional()),
      code: optionalString,
      json: z.unknown().optional(),
    },
    failNext: (body) => faults.failNext(body),
    dropNotice: 'applied and their answer lost',
  });
}
