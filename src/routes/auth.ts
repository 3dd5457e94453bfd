import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.ts';
import { actorOf, audit } from '../services/accounts/audit.ts';
import { authenticate } from '../services/accounts/users.ts';
import { parseForm } from '../shared/validation.ts';

const loginSchema = z.object({
  email: z.string().trim().toLowerCase().min(1, 'Enter your e-mail address').max(200),
  password: z.string().min(1, 'Enter your password').max(200),
  next: z.string().optional(),
});

/** Only same-site paths are followed after sign-in, never another host. */
function safeNext(next: string | undefined): string {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : '/run-checks';
}

export function authRoutes({ database, loginLimiter }: AppContext): Router {
  const db = database.prisma;
  const router = Router();

  router.get('/login', (req, res) => {
    if (req.user) return res.redirect('/run-checks');
    res.render('auth/login', { title: 'Sign in', values: { next: req.query.next ?? '' }, errors: {} });
  });

  router.post('/login', async (req, res) => {
    const form = parseForm(loginSchema, req.body);
    const values = { email: req.body?.email ?? '', next: req.body?.next ?? '' };
    if (!form.ok) return res.status(422).render('auth/login', { title: 'Sign in', values, errors: form.errors });
    const { email, password } = form.data;
    const ip = req.ip ?? 'unknown';

    const wait = await loginLimiter.blockedFor(ip, email);
    if (wait > 0) {
      const minutes = Math.ceil(wait / 60);
      res.set('Retry-After', String(wait));
      return res.status(429).render('auth/login', {
        title: 'Sign in',
        values,
        errors: { _: `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.` },
      });
    }

    const result = await authenticate(db, email, password);
    if (!result.ok) {
      await loginLimiter.recordFailure(ip, email);
      const message =
        result.reason === 'inactive'
          ? 'This account has been deactivated. Ask an administrator.'
          : 'E-mail address or password is not correct.';
      return res.status(401).render('auth/login', { title: 'Sign in', values, errors: { _: message } });
    }
    await loginLimiter.recordSuccess(email);
    // A new session id at sign-in prevents session fixation.
    await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
    req.session.userId = result.user.id;
    await new Promise<void>((resolve, reject) => req.session.save((err) => (err ? reject(err) : resolve())));
    await audit(db, actorOf(result.user), { action: 'auth.login', summary: `${result.user.email} signed in` });
    res.redirect(safeNext(form.data.next));
  });

  router.post('/logout', (req, res) => {
    req.session.destroy(() => {
      res.clearCookie('bc.sid');
      res.redirect('/login');
    });
  });

  return router;
}
