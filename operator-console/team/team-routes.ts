import type { Request, Router } from 'express';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { authed, jsonBody, param, sendError } from '../rest/http.js';
import type { Team } from './team.js';

/**
 * Team management (admins): `GET /team`, `POST /team/invites`, `DELETE /team/invites/:id`,
 * `PATCH /team/operators/:id`; and, without a session, `POST /team/invites/preview` and
 * `POST /team/invites/accept` for the invite page.
 */
export function teamRoutes(router: Router, deps: { auth: AuthService; team: Team; log: Logger; consoleUrl?: string }): void {
  const { auth, team, log } = deps;
  const body = jsonBody(log);
  const consoleUrl = (req: Request) => deps.consoleUrl ?? `${req.protocol}://${req.get('host') ?? 'localhost'}/console`;
  router.get(
    '/team',
    authed(auth, log, async (_req, res, operator) => {
      res.json(await team.list(operator));
    }),
  );
  router.post(
    '/team/invites',
    body,
    authed(auth, log, async (req, res, operator) => {
      res.status(201).json(await team.invite(operator, req.body, consoleUrl(req)));
    }),
  );
  router.delete(
    '/team/invites/:id',
    authed(auth, log, async (req, res, operator) => {
      await team.revokeInvite(operator, param(req, 'id'));
      res.status(204).end();
    }),
  );
  router.patch(
    '/team/operators/:id',
    body,
    authed(auth, log, async (req, res, operator) => {
      res.json(await team.update(operator, param(req, 'id'), req.body));
    }),
  );
  // The invite link is the credential for these two (no bearer token yet).
  router.post('/team/invites/preview', body, (req, res) => {
    team.preview((req.body as { token?: unknown } | undefined)?.token).then((invite) => res.json({ invite }), (err: unknown) => sendError(res, err, log));
  });
  router.post('/team/invites/accept', body, (req, res) => {
    team.accept(req.body).then((operator) => res.status(201).json({ operator }), (err: unknown) => sendError(res, err, log));
  });
}
