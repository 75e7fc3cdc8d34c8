import type { Router } from 'express';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { authed } from '../rest/http.js';
import { applyFunnelFilters, funnelCsv, parseFunnelFilters } from './funnel-filters.js';
import { computeFunnel, FUNNEL_EVENT_TYPES } from './funnel.js';
import { INTERVENTION_EVENT_TYPES, interventionSuccess } from './interventions.js';

// Far above any embedded deployment's event count; the funnel reads them in one query.
const EVENT_LIMIT = 5_000_000;
const CANDIDATE_LIMIT = 5_000_000;
const EVENT_TYPES = [...new Set([...FUNNEL_EVENT_TYPES, ...INTERVENTION_EVENT_TYPES])];

/**
 * GET /analytics/funnel: stages, conversion, drop-off, time in stage, risk, operator response and
 * intervention success, for the candidates the filters select (`from`, `to`, `role`, `channel`,
 * `recruiter`); `format=csv` answers the same report as a CSV download.
 */
export function analyticsRoutes(router: Router, deps: { auth: AuthService; store: Store; clock: Clock; log: Logger }): void {
  router.get(
    '/analytics/funnel',
    authed(deps.auth, deps.log, async (req, res) => {
      const filters = parseFunnelFilters(req.query as Record<string, unknown>);
      const [candidates, engaged, events] = await Promise.all([
        deps.store.listCandidates(),
        deps.store.listConversations({ engaged: true, limit: CANDIDATE_LIMIT }),
        deps.store.listEvents({ types: EVENT_TYPES, limit: EVENT_LIMIT }),
      ]);
      // Someone who only opened a chat page is not a candidate in the funnel.
      const inFunnel = new Set(engaged.map((c) => c.candidateId));
      const selected = applyFunnelFilters({ candidates: candidates.filter((c) => inFunnel.has(c.id)), conversations: engaged, events }, filters);
      const now = deps.clock.now();
      // The roles there are to filter on (from every candidate in the funnel, whatever the filters).
      const roles = [...new Set(candidates.filter((c) => inFunnel.has(c.id) && c.role).map((c) => c.role as string))].sort();
      const report = { ...computeFunnel(selected, now), interventions: interventionSuccess(selected.events, now), filters, roles };
      if (req.query.format === 'csv') {
        res.type('text/csv; charset=utf-8').attachment(`parley-funnel-${now.toISOString().slice(0, 10)}.csv`).send(funnelCsv(report, filters));
        return;
      }
      res.json(report);
    }),
  );
}
