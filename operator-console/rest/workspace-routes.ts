import type { Router } from 'express';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { NotificationInbox } from '../notifications/inbox.js';
import type { OperatorStore } from '../store/types.js';
import type { CannedResponses } from '../workspace/canned-responses.js';
import { authed, jsonBody, param } from './http.js';

export interface WorkspaceRouteDeps {
  auth: AuthService;
  inbox: NotificationInbox;
  canned: CannedResponses;
  operators: OperatorStore;
  log: Logger;
}

/** Notifications (`?unread=1`), marking them read, canned responses (CRUD) and the operator list. */
export function workspaceRoutes(router: Router, deps: WorkspaceRouteDeps): void {
  const { auth, log, inbox, canned } = deps;
  router.get(
    '/notifications',
    authed(auth, log, async (req, res, operator) => {
      const unreadOnly = req.query.unread === '1' || req.query.unread === 'true';
      res.json({ notifications: await inbox.list(operator, { unreadOnly }), unread: await inbox.unread(operator) });
    }),
  );
  router.post(
    '/notifications/read',
    jsonBody(deps.log),
    authed(auth, log, async (req, res, operator) => {
      const body = (req.body ?? {}) as { ids?: unknown; all?: unknown };
      const ids = Array.isArray(body.ids) ? body.ids.filter((x): x is string => typeof x === 'string').slice(0, 1000) : [];
      res.json({ unread: await inbox.markRead(operator, body.all === true ? 'all' : ids) });
    }),
  );
  router.get(
    '/canned-responses',
    authed(auth, log, async (_req, res, operator) => {
      res.json({ cannedResponses: await canned.list(operator) });
    }),
  );
  router.post(
    '/canned-responses/:id/fill',
    jsonBody(deps.log),
    authed(auth, log, async (req, res, operator) => {
      res.json(await canned.fill(operator, param(req, 'id'), req.body));
    }),
  );
  router.post(
    '/canned-responses',
    jsonBody(deps.log),
    authed(auth, log, async (req, res, operator) => {
      res.status(201).json(await canned.create(operator, req.body));
    }),
  );
  router.put(
    '/canned-responses/:id',
    jsonBody(deps.log),
    authed(auth, log, async (req, res, operator) => {
      res.json(await canned.update(operator, param(req, 'id'), req.body));
    }),
  );
  router.delete(
    '/canned-responses/:id',
    authed(auth, log, async (req, res, operator) => {
      await canned.remove(operator, param(req, 'id'));
      res.status(204).end();
    }),
  );
  router.get(
    '/operators',
    authed(auth, log, async (_req, res, operator) => {
      const all = await deps.operators.list();
      // Names for everyone; emails and status only for admins.
      res.json({
        operators: all.map((o) => ({ id: o.id, name: o.name, role: o.role, ...(operator.role === 'admin' ? { email: o.email, active: o.active } : {}) })),
      });
    }),
  );
}
