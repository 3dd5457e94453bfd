import type { RequestHandler } from 'express';
import type { AppContext } from '../context.ts';
import type { Role } from '../db/database.ts';
import { paths } from '../paths.ts';
import { formatDateTime } from '../shared/time.ts';

interface NavItem {
  readonly href: string;
  readonly label: string;
  readonly roles: readonly Role[];
}

const everyone: readonly Role[] = ['admin', 'operator', 'reporter'];

/** Navigation by role: what a user cannot use is not shown (the server still checks every route). */
export const navigation: readonly NavItem[] = [
  { href: paths.runChecks.index, label: 'Run Checks', roles: everyone },
  { href: paths.customers.index, label: 'Customers', roles: everyone },
  { href: paths.settings.index, label: 'Settings', roles: ['admin'] },
  { href: paths.audit, label: 'Audit log', roles: ['admin'] },
  { href: paths.users.index, label: 'Users', roles: ['admin'] },
  { href: paths.account.index, label: 'Account', roles: everyone },
];

export function exposeViewHelpers(context: AppContext): RequestHandler {
  const timezone = context.config.timezone;
  return (req, res, next) => {
    const role = req.user?.role;
    res.locals.nav = role ? navigation.filter((n) => n.roles.includes(role)) : [];
    res.locals.paths = paths;
    res.locals.currentPath = req.path;
    res.locals.timezone = timezone;
    res.locals.fmt = (d: Date | string | null | undefined) => formatDateTime(d, timezone);
    res.locals.canAct = role === 'admin' || role === 'operator';
    res.locals.isAdmin = role === 'admin';
    next();
  };
}
