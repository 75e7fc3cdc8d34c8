import type { Router } from 'express';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { authed, bearerToken, jsonBody, sendError } from './http.js';

/**
 * POST /auth/login (email + password -> token; 429 with Retry-After when rate-limited), GET
 * /auth/me, POST /auth/logout (204; every token of that operator stops working, open consoles
 * are closed).
 */
export function authRoutes(router: Router, deps: { auth: AuthService; log: Logger }): void {
  router.post('/auth/login', jsonBody(deps.log), (req, res) => {
    deps.auth.login(req.body, req.ip ?? req.socket.remoteAddress ?? 'unknown').then(
      (session) => void res.json(session),
      (err: unknown) => sendError(res, err, deps.log),
    );
  });
  router.post('/auth/logout', (req, res) => {
    deps.auth.logout(bearerToken(req)).then(
      () => void res.status(204).end(),
      (err: unknown) => sendError(res, err, deps.log),
    );
  });
  router.get(
    '/auth/me',
    authed(deps.auth, deps.log, async (_req, res, operator) => {
      res.json({ id: operator.id, email: operator.email, name: operator.name, role: operator.role });
    }),
  );
}
