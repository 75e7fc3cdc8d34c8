import type { Router } from 'express';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { authed, jsonBody, param } from '../rest/http.js';
import type { Assignments } from './assignments.js';
import type { Labels } from './labels.js';
import type { SavedFilters } from './saved-filters.js';

export interface InboxRouteDeps {
  auth: AuthService;
  assignments: Assignments;
  labels: Labels;
  savedFilters: SavedFilters;
  log: Logger;
}

/**
 * Assignment (`POST /conversations/:id/assign`), labels (team list; on a conversation) and the
 * operator's saved filters. The list's `?label=` filter is in `conversationRoutes`.
 */
export function inboxRoutes(router: Router, deps: InboxRouteDeps): void {
  const { auth, log, labels, savedFilters } = deps;
  const body = jsonBody(log);
  router.post(
    '/conversations/:id/assign',
    body,
    authed(auth, log, async (req, res, operator) => {
      res.json(await deps.assignments.assign(operator, param(req, 'id'), req.body));
    }),
  );
  router.get(
    '/labels',
    authed(auth, log, async (_req, res) => {
      res.json({ labels: await labels.list() });
    }),
  );
  router.post(
    '/labels',
    body,
    authed(auth, log, async (req, res, operator) => {
      res.status(201).json(await labels.create(operator, req.body));
    }),
  );
  router.delete(
    '/labels/:id',
    authed(auth, log, async (req, res, operator) => {
      await labels.remove(operator, param(req, 'id'));
      res.status(204).end();
    }),
  );
  router.post(
    '/conversations/:id/labels',
    body,
    authed(auth, log, async (req, res, operator) => {
      res.json(await labels.apply(operator, param(req, 'id'), (req.body as { labelId?: unknown } | undefined)?.labelId));
    }),
  );
  router.delete(
    '/conversations/:id/labels/:labelId',
    authed(auth, log, async (req, res, operator) => {
      res.json(await labels.unapply(operator, param(req, 'id'), param(req, 'labelId')));
    }),
  );
  router.get(
    '/saved-filters',
    authed(auth, log, async (_req, res, operator) => {
      res.json({ filters: await savedFilters.list(operator) });
    }),
  );
  router.post(
    '/saved-filters',
    body,
    authed(auth, log, async (req, res, operator) => {
      res.status(201).json(await savedFilters.create(operator, req.body));
    }),
  );
  router.delete(
    '/saved-filters/:id',
    authed(auth, log, async (req, res, operator) => {
      await savedFilters.remove(operator, param(req, 'id'));
      res.status(204).end();
    }),
  );
}
