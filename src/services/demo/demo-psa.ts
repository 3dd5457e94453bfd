import type { Config } from '../../config.ts';
import type { Db } from '../../db/database.ts';
import type { Logger } from '../../logger.ts';
import { PSA_NAMES, type PsaType } from '../../psa/port.ts';
import { startDemoAutotask } from './autotask-simulator.ts';
import { startDemoConnectWise } from './connectwise-simulator.ts';
import { activateDemoPsa } from './demo-rows.ts';

/**
 * The demo's PSA: with demo data on, `npm start` runs the simulator of the PSA DEMO_PSA names
 * (Autotask by default, ./autotask-simulator.ts; ConnectWise, ./connectwise-simulator.ts) and sets
 * the integration up against it on a settings row nobody has set up. The other PSA is left switched
 * off: one PSA is active at a time (src/psa/switch.ts).
 */

export interface DemoPsa {
  readonly psa: PsaType;
  /** The simulator's control page, printed at start. */
  readonly controlUrl: string;
  /** What the app's context calls instead of the real PSA (src/context.ts, AppDeps). */
  readonly deps: { readonly autotaskZoneLookupUrl?: string; readonly connectwiseSiteOrigin?: string };
  /** Sets the integration up against the simulator unless somebody has already set it up. True when it did. */
  configure(baseUrl: string): Promise<boolean>;
  close(): Promise<void>;
}

export interface DemoPsaOptions {
  readonly config: Config;
  readonly db: Db;
  readonly encryptionKey: string;
  readonly logger: Logger;
}

/** The simulator DEMO_PSA names, started; null without demo data or when the package is missing. */
export async function startDemoPsa(options: DemoPsaOptions): Promise<DemoPsa | null> {
  if (options.config.demoPsa === 'connectwise') {
    const cw = await startDemoConnectWise(options);
    return (
      cw && {
        psa: 'connectwise',
        controlUrl: cw.controlUrl,
        deps: { connectwiseSiteOrigin: cw.siteOrigin },
        configure: () => cw.configure(),
        close: () => cw.close(),
      }
    );
  }
  const autotask = await startDemoAutotask(options);
  return (
    autotask && {
      psa: 'autotask',
      controlUrl: autotask.controlUrl,
      deps: { autotaskZoneLookupUrl: autotask.zoneLookupUrl },
      configure: (baseUrl) => autotask.configure(baseUrl),
      close: () => autotask.close(),
    }
  );
}

/**
 * Once the app listens (ticket links need its address): configures the demo PSA, makes it the
 * active one when only the demo has set PSAs up, and prints which simulator runs. A failure leaves
 * the app usable, just unconfigured.
 */
export async function finishDemoPsa(
  demo: DemoPsa,
  db: Db,
  baseUrl: string,
  logger: Logger,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Promise<void> {
  const name = PSA_NAMES[demo.psa];
  try {
    if (await demo.configure(baseUrl)) logger.info(`demo ${name}: integration configured against the local simulator`);
    else if (await activateDemoPsa(db, demo.psa)) logger.info(`demo ${name}: switched the active PSA to ${name}`);
  } catch (err) {
    logger.warn({ err }, `demo ${name}: configuring the integration against the simulator failed`);
  }
  write(`  ${name} simulator (demo): ${demo.controlUrl}\n`);
}
