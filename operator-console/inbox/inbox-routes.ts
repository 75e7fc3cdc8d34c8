import type { RequestHandler, Router } from 'express';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import type { OperatorProfile } from '../contract.js';
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
  collectionRoutes(router, { auth, log, body }, '/labels', 'labels', labels);
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
  collectionRoutes(router, { auth, log, body }, '/saved-filters', 'filters', savedFilters);
}

/** A collection an operator lists, adds to and deletes from (labels, saved filters). */
interface Collection {
  list(operator: OperatorProfile): Promise<unknown[]>;
  create(operator: OperatorProfile, input: unknown): Promise<unknown>;
  remove(operator: OperatorProfile, id: string): Promise<void>;
}

/** `GET path` (`{ [listKey]: [...] }`), `POST path` (201, the created item), `DELETE path/:id` (204). */
function collectionRoutes(router: Router, http: { auth: AuthService; log: Logger; body: RequestHandler }, path: string, listKey: string, items: Collection): void {
  const { auth, log, body } = http;
  router.get(
    path,
    authed(auth, log, async (_req, res, operator) => {
      res.json({ [listKey]: await items.list(operator) });
    }),
  );
  router.post(
    path,
    body,
    authed(auth, log, async (req, res, operator) => {
      res.status(201).json(await items.create(operator, req.body));
    }),
  );
  router.delete(
    `${path}/:id`,
    authed(auth, log, async (req, res, operator) => {
      await items.remove(operator, param(req, 'id'));
      res.status(204).end();
    }),
  );
}
