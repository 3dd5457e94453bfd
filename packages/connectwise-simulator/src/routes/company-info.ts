/**
 * `GET /login/companyinfo/{companyId}`, unauthenticated: where clients learn the codebase (`v4_6_release/`) that goes
 * before `/apis/3.0`. `Codebase` is what clients read (one Django integration caches it); the other fields follow
 * public client code and are not confirmed (docs/connectwise.md, Base URL and versions). An unknown company answers
 * `null` with 200, which is what that integration guards against.
 */
import type { Request, Response } from 'express';
import type { ConnectWiseState } from '../store.ts';

export function companyInfoHandler(state: ConnectWiseState, publicOrigin: string | undefined) {
  return (req: Request, res: Response): void => {
    const companyId = typeof req.params.companyId === 'string' ? req.params.companyId : '';
    const origin = publicOrigin?.replace(/\/+$/, '') ?? `${req.protocol}://${req.get('host') ?? 'localhost'}`;
    res.set('Cache-Control', 'no-cache');
    if (companyId.toLowerCase() !== state.credentials.companyId.toLowerCase()) {
      res.type('application/json').send('null');
      return;
    }
    res.json({
      CompanyName: 'Backupchecks Simulator',
      Codebase: `${state.settings.codebase}/`,
      VersionCode: `v${state.settings.apiVersion}`,
      VersionNumber: 'v4.6',
      CompanyID: state.credentials.companyId,
      IsCloud: true,
      SiteUrl: new URL(origin).host,
    });
  };
}
