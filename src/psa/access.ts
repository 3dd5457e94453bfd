import type { Db, IntegrationSettings } from '../db/database.ts';
import type { AutotaskAccess } from '../services/integration/autotask-access.ts';
import { getIntegrationSettings } from '../services/integration/settings.ts';
import { autotaskProfile } from './autotask/profile.ts';
import type { PsaProfile, PsaType } from './port.ts';

/**
 * The services' way to a PSA: the active one's profile (settings and client), or a given one's
 * (a ticket of the PSA that was active when it was created). One PSA is active at a time: the one
 * whose settings row is enabled (src/psa/switch.ts keeps it to one). With none enabled, Autotask's
 * profile answers, switched off, so every page says where to switch it on. Should both be enabled
 * (the switch keeps it to one), Autotask is the active one.
 */
export interface PsaAccess {
  /**
   * `autotaskRow`: Autotask's settings row when the caller has just read it (a request's
   * `requestSettings`), so that it is not read a second time to find the active PSA.
   */
  active(db: Db, autotaskRow?: IntegrationSettings): Promise<PsaProfile>;
  profile(db: Db, psa: PsaType): Promise<PsaProfile>;
}

export interface PsaAccessOptions {
  readonly autotask: AutotaskAccess;
  /** ConnectWise's profile, or null when its row is missing or switched off and `onlyEnabled`. */
  readonly connectwise: (db: Db, onlyEnabled: boolean) => Promise<PsaProfile | null>;
}

export function createPsaAccess(options: PsaAccessOptions): PsaAccess {
  const autotask = async (db: Db, row?: IntegrationSettings) =>
    autotaskProfile(row ?? (await getIntegrationSettings(db)), options.autotask, db);
  return {
    async active(db, autotaskRow) {
      // Autotask first, as `activePsaType` (src/psa/switch.ts) decides should both be enabled.
      const atProfile = await autotask(db, autotaskRow);
      if (atProfile.enabled) return atProfile;
      return (await options.connectwise(db, true)) ?? atProfile;
    },
    async profile(db, psa) {
      if (psa === 'autotask') return autotask(db);
      const profile = await options.connectwise(db, false);
      if (!profile) throw new Error('ConnectWise settings row missing');
      return profile;
    },
  };
}
