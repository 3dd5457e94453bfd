import 'express-session';
import type { Role } from '../generated/prisma/enums.ts';

export interface CurrentUser {
  readonly id: number;
  readonly email: string;
  readonly name: string;
  readonly role: Role;
}

export interface FlashMessage {
  readonly type: 'success' | 'error' | 'info' | 'warning';
  readonly text: string;
  /** Upstream (PSA) text shown verbatim under our explanation. */
  readonly detail?: string;
  /** Who said `detail` ("Autotask", "ConnectWise"). */
  readonly source?: string;
}

declare module 'express-session' {
  interface SessionData {
    userId?: number;
    flash?: FlashMessage[];
    /**
     * The password was right and the account has two-factor sign-in on: the user is not signed in
     * until a code (or a recovery code) is entered. `next` is the page to go to afterwards.
     */
    pendingSignIn?: { userId: number; next?: string | undefined; expiresAt: number };
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: CurrentUser;
  }
}
