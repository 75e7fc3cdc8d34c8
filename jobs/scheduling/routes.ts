import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { NotFoundError, ValidationError } from '../../core/domain/index.js';
import type { Clock, Logger } from '../../core/ports/index.js';
import type { SchedulingService } from './scheduling-service.js';
import type { SchedulingRepository } from './ports.js';

export interface SchedulingRouteDeps {
  store: SchedulingRepository;
  service: SchedulingService;
  clock: Clock;
  log: Logger;
  /** A current operator console token (console plugin); undefined when the console is off. */
  isOperatorToken: () => ((token: string) => Promise<boolean>) | undefined;
}

const ID = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * The recruiters' availability and the booked interviews, for the console and the API (operator
 * bearer token), mounted at /api/v1/scheduling:
 * GET/PUT/DELETE /recruiters[/:id], GET /slots, GET /interviews, POST /conversations/:id/offer,
 * DELETE /conversations/:id/interview, GET /conversations/:id/invite.ics.
 */
export function schedulingRouter(deps: SchedulingRouteDeps): Router {
  const router = express.Router();
  const route = (handler: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response) => {
    try {
      const header = req.headers.authorization ?? '';
      const token = /^Bearer\s+(.+)$/i.exec(header)?.[1];
      const check = deps.isOperatorToken();
      if (!token || !check || !(await check(token))) {
        res.status(401).json({ error: { code: 'UNAUTHORIZED', message: 'an operator bearer token is required' } });
        return;
      }
      await handler(req, res);
    } catch (err) {
      // The console's error shape ({ error: { code, message } }), so its toast says what is wrong.
      if (err instanceof z.ZodError) {
        const issues = err.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
        res.status(400).json({ error: { code: 'INVALID', message: issues.join('; ') }, issues });
      } else if (err instanceof ValidationError) res.status(400).json({ error: { code: 'INVALID', message: err.message } });
      else if (err instanceof NotFoundError) res.status(404).json({ error: { code: 'NOT_FOUND', message: err.message } });
      else {
        deps.log.error({ err }, 'scheduling: request failed');
        res.status(500).json({ error: { code: 'INTERNAL', message: 'Something went wrong' } });
      }
    }
  };
  const id = (req: Request, name: string) => {
    const v = req.params[name];
    if (typeof v !== 'string' || !ID.test(v)) throw new ValidationError(`${name}: expected letters, digits, _ . - (at most 64)`);
    return v;
  };
  router.use(express.json({ limit: '256kb' }));
  router.get('/recruiters', route(async (_req, res) => void res.json({ recruiters: await deps.store.recruiters() })));
  router.put('/recruiters/:id', route(async (req, res) => void res.json(await deps.store.putRecruiter(id(req, 'id'), req.body, deps.clock.now()))));
  router.delete(
    '/recruiters/:id',
    route(async (req, res) => {
      if (!(await deps.store.deleteRecruiter(id(req, 'id')))) throw new NotFoundError('Recruiter', id(req, 'id'));
      res.status(204).end();
    }),
  );
  router.get(
    '/slots',
    route(async (req, res) => {
      const count = Math.min(50, Math.max(1, Number(req.query.count) || 10));
      res.json({ slots: (await deps.service.freeSlots(count)).map((s) => ({ recruiterId: s.recruiterId, start: s.start.toISOString(), end: s.end.toISOString() })) });
    }),
  );
  router.get(
    '/interviews',
    route(async (req, res) => {
      const recruiterId = typeof req.query.recruiterId === 'string' ? req.query.recruiterId : undefined;
      const interviews = await deps.service.upcoming(recruiterId);
      res.json({ interviews: interviews.map((b) => ({ id: b.id, uid: b.uid, sequence: b.sequence, recruiterId: b.recruiterId, conversationId: b.conversationId, ...(b.candidateName ? { candidateName: b.candidateName } : {}), start: b.start.toISOString(), end: b.end.toISOString() })) });
    }),
  );
  router.post('/conversations/:id/offer', route(async (req, res) => void res.json({ result: await deps.service.offer(id(req, 'id')) })));
  router.delete(
    '/conversations/:id/interview',
    route(async (req, res) => {
      await deps.service.cancel(id(req, 'id'), 'operator');
      res.status(204).end();
    }),
  );
  router.get(
    '/conversations/:id/invite.ics',
    route(async (req, res) => {
      const booking = await deps.store.activeBooking(id(req, 'id'));
      if (!booking?.ics) throw new NotFoundError('Invite for conversation', id(req, 'id'));
      res.type('text/calendar').setHeader('content-disposition', 'attachment; filename="interview.ics"').send(booking.ics);
    }),
  );
  return router;
}
