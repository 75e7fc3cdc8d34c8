import type { Express, Request, Response, Router } from 'express';
import type { Clock, Logger } from '../../core/ports/index.js';
import type { AuditTrail } from '../audit.js';
import type { AuthService } from '../auth/auth-service.js';
import { RECOMMENDATIONS, type AssessmentView, type Recommendation, type ReportLink } from '../contract.js';
import { ConsoleError, toFailure } from '../errors.js';
import { requireActing } from '../takeover/permissions.js';
import { escapeHtml, renderAssessmentReport } from '../views/assessment-report.js';
import { OVERRIDE_ACTION, type AssessmentViews } from '../views/assessment-view.js';
import { authed, jsonBody, param } from './http.js';
import type { ReportLinks } from './report-links.js';

export interface AssessmentRouteDeps {
  auth: AuthService;
  assessments: AssessmentViews;
  audit: AuditTrail;
  links: ReportLinks;
  clock: Clock;
  log: Logger;
  operatorName: (id: string) => Promise<string | undefined>;
  companyName?: string;
}

export const MAX_OVERRIDE_REASON = 1000;

/** The page's policy: no script at all, styles from the console only. */
const REPORT_CSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * A candidate's assessment: `GET /candidates/:id/assessment` (any operator), `POST
 * /candidates/:id/assessment/override` (recruiters and admins; audited, the computed
 * recommendation kept), `POST /candidates/:id/report-link` (recruiters and admins: a short-lived
 * signed link) and the printable page it opens, `GET /console/report?t=<link token>`.
 */
export function assessmentRoutes(router: Router, app: Express, deps: AssessmentRouteDeps): void {
  const { auth, log, assessments } = deps;
  router.get(
    '/candidates/:id/assessment',
    authed(auth, log, async (req, res) => {
      res.set('Cache-Control', 'no-store').json(await assessments.forCandidate(param(req, 'id')));
    }),
  );
  router.post(
    '/candidates/:id/assessment/override',
    jsonBody(log),
    authed(auth, log, async (req, res, operator) => {
      requireActing(operator, 'override a recommendation');
      const { recommendation, reason } = parseOverride(req.body);
      const view = await assessments.forCandidate(param(req, 'id'));
      if (!view.recommendation) throw new ConsoleError('CONFLICT', 'The interview is not finished: there is no recommendation to override yet.');
      await deps.audit.record(operator.id, OVERRIDE_ACTION, { from: view.recommendation.value, computed: view.recommendation.computed, to: recommendation, reason, conversationId: view.conversationId }, { candidateId: view.candidateId, conversationId: view.conversationId });
      res.status(201).json(await assessments.forCandidate(view.candidateId));
    }),
  );
  router.post(
    '/candidates/:id/report-link',
    authed(auth, log, async (req, res, operator) => {
      requireActing(operator, 'share assessment reports');
      const view: AssessmentView = await assessments.forCandidate(param(req, 'id'));
      const { token, expiresAt } = deps.links.mint(operator, view.candidateId);
      const link: ReportLink = { url: `/console/report?t=${encodeURIComponent(token)}`, expiresAt: expiresAt.toISOString() };
      res.status(201).json(link);
    }),
  );
  // Mounted before the console's static files, under /console so its stylesheet is same-origin.
  app.get('/console/report', (req, res) => {
    void reportPage(req, res, deps).catch((err: unknown) => {
      log.error({ err }, 'console: report page failed');
      if (!res.headersSent) res.status(500).type('text/plain').send('Something went wrong on the server.');
    });
  });
}

async function reportPage(req: Request, res: Response, deps: AssessmentRouteDeps): Promise<void> {
  // The link token is in the URL: never sent on as a referrer, never cached, never indexed.
  res.set({ 'Content-Security-Policy': REPORT_CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex' });
  try {
    const { candidateId, operatorId } = await deps.links.verify(req.query.t);
    const view = await deps.assessments.forCandidate(candidateId);
    const by = (await deps.operatorName(operatorId)) ?? operatorId;
    res.type('html').send(renderAssessmentReport(view, { generatedAt: deps.clock.now(), generatedBy: by, ...(deps.companyName ? { companyName: deps.companyName } : {}) }));
  } catch (err) {
    const failure = toFailure(err);
    if (failure.code === 'INTERNAL') throw err;
    res.status(failure.status).type('html').send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Report unavailable</title><link rel="stylesheet" href="/console/report.css"></head><body><main class="report"><h1>Report unavailable</h1><p id="report-error">${escapeHtml(failure.error)}</p></main></body></html>`);
  }
}

function parseOverride(body: unknown): { recommendation: Recommendation; reason: string } {
  const b = (body ?? {}) as { recommendation?: unknown; reason?: unknown };
  if (!RECOMMENDATIONS.includes(b.recommendation as Recommendation)) throw new ConsoleError('VALIDATION', `recommendation must be one of: ${RECOMMENDATIONS.join(', ')}`);
  const reason = typeof b.reason === 'string' ? b.reason.trim() : '';
  if (reason.length < 3) throw new ConsoleError('VALIDATION', 'Say why you override the recommendation (a reason of at least 3 characters).');
  if (reason.length > MAX_OVERRIDE_REASON) throw new ConsoleError('VALIDATION', `The reason is too long (at most ${MAX_OVERRIDE_REASON} characters).`);
  return { recommendation: b.recommendation as Recommendation, reason };
}
