import type { Router } from 'express';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { authed } from '../rest/http.js';
import { computeFunnel, FUNNEL_EVENT_TYPES } from './funnel.js';

// Far above any embedded deployment's event count; the funnel reads them in one query.
const EVENT_LIMIT = 5_000_000;
const CANDIDATE_LIMIT = 5_000_000;

/** GET /analytics/funnel: stages, conversion, drop-off, time in stage, risk, operator response. */
export function analyticsRoutes(router: Router, deps: { auth: AuthService; store: Store; clock: Clock; log: Logger }): void {
  router.get(
    '/analytics/funnel',
    authed(deps.auth, deps.log, async (_req, res) => {
      const [candidates, engaged, events] = await Promise.all([
        deps.store.listCandidates(),
        deps.store.listConversations({ engaged: true, limit: CANDIDATE_LIMIT }),
        deps.store.listEvents({ types: [...FUNNEL_EVENT_TYPES], limit: EVENT_LIMIT }),
      ]);
      // Someone who only opened a chat page is not a candidate in the funnel.
      const inFunnel = new Set(engaged.map((c) => c.candidateId));
      res.json(computeFunnel({ candidates: candidates.filter((c) => inFunnel.has(c.id)), events }, deps.clock.now()));
    }),
  );
}
