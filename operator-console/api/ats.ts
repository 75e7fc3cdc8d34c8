import express, { type Express, type Request, type Response } from 'express';
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { type Candidate, type ChannelId, type Conversation, type ConversationRef, type NewDomainEvent, type OutboundMessage, type Stage } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { RoleBank } from '../../core/interview/index.js';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import { ApiError, sendProblem } from './problem.js';
import type { AtsStore } from './ports.js';

/** The events an ATS sends Parley (generic format; Greenhouse's are mapped onto them). */
export const ATS_EVENTS = ['candidate.applied', 'candidate.shortlisted', 'interview.scheduled', 'candidate.feedback', 'offer.extended', 'candidate.rejected'] as const;
export type AtsEventType = (typeof ATS_EVENTS)[number];

const AtsCandidateSchema = z.object({
  id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  name: z.string().trim().max(200).optional(),
  email: z.email().optional(),
  phone: z.string().max(40).optional(),
  role: z.string().max(200).optional(),
});
type AtsCandidate = z.infer<typeof AtsCandidateSchema>;

/** The generic inbound event: `{ id, type, createdAt?, data: { candidate, scheduledAt?, link?, text? } }`. */
export const AtsEventSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(ATS_EVENTS),
  createdAt: z.string().optional(),
  data: z.object({
    candidate: AtsCandidateSchema,
    scheduledAt: z.string().datetime({ offset: true }).optional(),
    link: z.string().max(500).optional(),
    text: z.string().max(4000).optional(),
  }),
});
export type AtsEvent = z.infer<typeof AtsEventSchema>;

/** Where each event moves the candidate (feedback leaves the stage as it is). */
const STAGE_OF: Partial<Record<AtsEventType, Stage>> = {
  'candidate.shortlisted': 'screening',
  'interview.scheduled': 'scheduled',
  'offer.extended': 'hired',
  'candidate.rejected': 'rejected',
};

/** How long a signed timestamp stays acceptable (replays outside it are refused). */
export const REPLAY_WINDOW_SEC = 300;

/**
 * `Parley-Signature: t=<unix>,v1=<hex>[,v1=<hex>...]`: HMAC-SHA256 over `t + "." + raw body`,
 * any `v1` matching any configured secret (several during a rotation), `t` within 5 minutes.
 */
export function verifyParleySignature(header: string | undefined, raw: Buffer, secrets: readonly string[], nowSec: number): 'ok' | 'forged' | 'stale' {
  if (!header || secrets.length === 0) return 'forged';
  const parts = header.split(',').map((p) => p.trim().split('=') as [string, string | undefined]);
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  const sigs = parts.filter(([k, v]) => k === 'v1' && v && /^[0-9a-f]{64}$/i.test(v)).map(([, v]) => Buffer.from(v as string, 'hex'));
  if (!Number.isInteger(t) || sigs.length === 0) return 'forged';
  const valid = secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(`${t}.`).update(raw).digest();
    return sigs.some((s) => s.length === expected.length && timingSafeEqual(s, expected));
  });
  if (!valid) return 'forged';
  return Math.abs(nowSec - t) > REPLAY_WINDOW_SEC ? 'stale' : 'ok';
}

/** Greenhouse: `Signature: sha256 <hex>`, HMAC-SHA256 of the raw body with the web hook's secret key. */
export function verifyGreenhouseSignature(header: string | undefined, raw: Buffer, secrets: readonly string[]): boolean {
  const hex = /^sha256 ([0-9a-f]{64})$/i.exec(header?.trim() ?? '')?.[1];
  if (!hex || secrets.length === 0) return false;
  const got = Buffer.from(hex, 'hex');
  return secrets.some((secret) => timingSafeEqual(got, createHmac('sha256', secret).update(raw).digest()));
}

const GhPhone = z.object({ value: z.string() });
const GhEmail = z.object({ value: z.string() });
/** The parts of Greenhouse's web hook payloads (application events) Parley reads. */
const GreenhouseSchema = z.object({
  action: z.string(),
  payload: z.object({
    application: z.object({
      id: z.union([z.number(), z.string()]),
      candidate: z.object({
        id: z.union([z.number(), z.string()]),
        first_name: z.string().nullish(),
        last_name: z.string().nullish(),
        email_addresses: z.array(GhEmail).nullish(),
        phone_numbers: z.array(GhPhone).nullish(),
      }),
      jobs: z.array(z.object({ name: z.string() })).nullish(),
      current_stage: z.object({ name: z.string() }).nullish(),
    }),
  }),
});

const GREENHOUSE_ACTIONS: Record<string, AtsEventType> = {
  new_candidate_application: 'candidate.applied',
  candidate_stage_change: 'candidate.shortlisted',
  offer_created: 'offer.extended',
  hire_candidate: 'offer.extended',
  reject_candidate: 'candidate.rejected',
};

/** A Greenhouse web hook as the generic event; undefined for actions Parley does not act on. */
export function fromGreenhouse(body: unknown, eventId: string): AtsEvent | undefined {
  const gh = GreenhouseSchema.parse(body);
  const type = GREENHOUSE_ACTIONS[gh.action];
  if (!type) return undefined;
  const app = gh.payload.application;
  const c = app.candidate;
  const name = [c.first_name, c.last_name].filter(Boolean).join(' ').trim();
  const email = c.email_addresses?.[0]?.value;
  const phone = c.phone_numbers?.[0]?.value;
  const role = app.jobs?.[0]?.name;
  return AtsEventSchema.parse({
    id: eventId,
    type: type === 'candidate.shortlisted' && /interview/i.test(app.current_stage?.name ?? '') ? 'interview.scheduled' : type,
    data: { candidate: { id: String(c.id), ...(name ? { name } : {}), ...(email ? { email } : {}), ...(phone ? { phone } : {}), ...(role ? { role } : {}) } },
  });
}

export interface AtsSettings {
  /** Secrets for the generic format; several during a rotation. Empty: the endpoint answers 404. */
  secrets: readonly string[];
  /** Greenhouse web hook secret keys. Empty: the Greenhouse endpoint answers 404. */
  greenhouseSecrets: readonly string[];
  companyName?: string;
}

export interface AtsDeps {
  ats: AtsStore;
  store: Store;
  engine: () => Pick<Engine, 'mutate'>;
  /** Channels Parley can reach a candidate on, best first (a channel whose plugin is on). */
  channels: () => readonly ChannelId[];
  banks: () => ReadonlyMap<string, RoleBank> | undefined;
  pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined;
  /** The jobs plugin's scheduling (state, stage, event and reminders), when it is on. */
  scheduleInterview: () => ((conversationId: string, at: Date, opts: { link?: string; timeZone?: string; actor: string }) => Promise<void>) | undefined;
  clock: Clock;
  log: Logger;
  settings: AtsSettings;
}

function digitsPhone(raw: string | undefined): string | undefined {
  const digits = raw?.replace(/[\s().-]/g, '').replace(/^\+/, '').replace(/^00/, '');
  return digits && /^[1-9]\d{6,14}$/.test(digits) ? digits : undefined;
}

/**
 * ATS webhooks in: `POST /webhooks/ats` (generic, Parley-Signature) and
 * `POST /webhooks/ats/greenhouse` (Greenhouse's own payloads and `Signature` header). Forged or
 * stale requests get 401 and nothing is stored; a repeated event id is acknowledged once; a
 * malformed event is acknowledged (202) and logged. `candidate.applied` creates or updates the
 * candidate and starts the conversation on their best channel (WhatsApp, then email); the other
 * events move the stage and send the matching message.
 */
export class AtsInbound {
  constructor(private readonly deps: AtsDeps) {}

  mount(app: Express): void {
    const raw = express.raw({ type: () => true, limit: '1mb' });
    app.post('/webhooks/ats', raw, (req, res) => void this.receive('generic', req, res));
    app.post('/webhooks/ats/greenhouse', raw, (req, res) => void this.receive('greenhouse', req, res));
  }

  private async receive(source: 'generic' | 'greenhouse', req: Request, res: Response): Promise<void> {
    const { log, settings } = this.deps;
    try {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const secrets = source === 'generic' ? settings.secrets : settings.greenhouseSecrets;
      if (secrets.length === 0) throw new ApiError(404, `ATS webhooks (${source}) are not configured`);
      if (source === 'generic') {
        const verdict = verifyParleySignature(req.get('parley-signature'), body, secrets, Math.floor(this.deps.clock.now().getTime() / 1000));
        if (verdict !== 'ok') throw new ApiError(401, verdict === 'stale' ? 'The signature timestamp is outside the 5-minute window' : 'Invalid signature');
      } else if (!verifyGreenhouseSignature(req.get('signature'), body, secrets)) throw new ApiError(401, 'Invalid signature');

      let json: unknown;
      try {
        json = JSON.parse(body.toString('utf8'));
      } catch {
        log.warn({ source }, 'ats: malformed event (not JSON), acknowledged and ignored');
        res.status(202).json({ status: 'ignored', reason: 'not JSON' });
        return;
      }
      const eventId = source === 'greenhouse' ? (req.get('greenhouse-event-id') ?? createHash('sha256').update(body).digest('hex')) : (json as { id?: unknown } | null)?.id;
      let event: AtsEvent | undefined;
      try {
        event = source === 'generic' ? AtsEventSchema.parse(json) : fromGreenhouse(json, String(eventId));
      } catch (err) {
        log.warn({ source, eventId, issues: err instanceof z.ZodError ? err.issues.map((i) => `${i.path.join('.')}: ${i.message}`) : String(err) }, 'ats: malformed event, acknowledged and ignored');
        res.status(202).json({ status: 'ignored', reason: 'malformed' });
        return;
      }
      if (!event) {
        res.status(202).json({ status: 'ignored', reason: 'not an event Parley acts on' });
        return;
      }
      if (!(await this.deps.ats.claimEvent(source, event.id, event.type, this.deps.clock.now()))) {
        res.status(200).json({ status: 'duplicate', id: event.id });
        return;
      }
      try {
        await this.apply(source, event);
      } catch (err) {
        // Not done: let the ATS retry it.
        await this.deps.ats.releaseEvent(source, event.id);
        throw err;
      }
      await this.deps.ats.finishEvent(source, event.id);
      res.status(200).json({ status: 'processed', id: event.id });
    } catch (err) {
      sendProblem(res, err, log);
    }
  }

  private roleOf(title: string | undefined): { id?: string; title?: string } {
    if (!title) return {};
    const t = title.trim().toLowerCase();
    for (const b of this.deps.banks()?.values() ?? []) {
      if (b.role === t || b.title.toLowerCase() === t || t.includes(b.title.toLowerCase())) return { id: b.role, title: b.title };
    }
    return { title };
  }

  private async apply(source: string, event: AtsEvent): Promise<void> {
    const { ats, store } = this.deps;
    const c = event.data.candidate;
    const mapped = await ats.findCandidate(source, c.id);
    if (event.type === 'candidate.applied') {
      if (mapped) {
        const existing = await store.getCandidate(mapped.candidateId);
        if (existing) await store.saveCandidate({ ...existing, ...this.fields(c), updatedAt: this.deps.clock.now() });
        return;
      }
      await this.start(source, c);
      return;
    }
    if (!mapped?.conversationId) throw new ApiError(404, `No candidate from this ATS with id ${c.id}: send candidate.applied first`);
    const text = this.message(event);
    const schedule = this.deps.scheduleInterview();
    if (event.type === 'interview.scheduled' && event.data.scheduledAt && schedule) {
      // Recorded as the console and /schedule do it: stage, event and reminders.
      await schedule(mapped.conversationId, new Date(event.data.scheduledAt), { ...(event.data.link ? { link: event.data.link } : {}), actor: `ats:${source}` });
      await this.deps.engine().mutate(mapped.conversationId, ({ conversation }) => ({ conversation, replies: text ? [{ text }] : [], actor: `ats:${source}` }));
      return;
    }
    const stage = STAGE_OF[event.type];
    await this.deps.engine().mutate(mapped.conversationId, ({ conversation, candidate }) => {
      const events: NewDomainEvent[] = stage && stage !== candidate.stage ? [{ type: 'CandidateStateChanged', from: candidate.stage, to: stage }] : [];
      if (event.type === 'interview.scheduled' && event.data.scheduledAt) {
        events.push({ type: 'InterviewScheduled', scheduledAt: new Date(event.data.scheduledAt), ...(event.data.link ? { link: event.data.link } : {}) });
      }
      return {
        conversation: stage ? { ...conversation, stage } : conversation,
        candidate: stage ? { ...candidate, stage } : candidate,
        events,
        replies: text ? [{ text }] : [],
        actor: `ats:${source}`,
      };
    });
  }

  private fields(c: AtsCandidate): Partial<Candidate> {
    const role = this.roleOf(c.role);
    const phone = digitsPhone(c.phone);
    return { ...(c.name ? { name: c.name } : {}), ...(c.email ? { email: c.email.toLowerCase() } : {}), ...(phone ? { phone: `+${phone}` } : {}), ...(role.id ? { role: role.id } : {}) };
  }

  /** Create the candidate and open the conversation on their best channel with a first message. */
  private async start(source: string, c: AtsCandidate): Promise<void> {
    const { store, ats } = this.deps;
    const now = this.deps.clock.now();
    const phone = digitsPhone(c.phone);
    const channels = this.deps.channels();
    const ref: ConversationRef | undefined =
      phone && channels.includes('whatsapp')
        ? { channel: 'whatsapp', externalId: `+${phone}` }
        : c.email && channels.includes('email')
          ? { channel: 'email', externalId: c.email.toLowerCase() }
          : undefined;
    if (!ref) {
      // No channel to reach them on: the candidate is kept for the team, no message goes out.
      const id = `cand_ats_${createHash('sha256').update(`${source}:${c.id}`).digest('hex').slice(0, 20)}`;
      await store.saveCandidate({ id, stage: 'new', optedOut: false, unreachable: true, createdAt: now, updatedAt: now, ...this.fields(c) });
      await ats.linkCandidate(source, c.id, { candidateId: id });
      this.deps.log.warn({ source, atsId: c.id }, 'ats: candidate has no reachable channel (WhatsApp or email): stored, nothing sent');
      return;
    }
    const sender = { id: ref.externalId, ...(c.name ? { displayName: c.name } : {}), ...(ref.channel === 'whatsapp' ? { phone: ref.externalId } : { email: ref.externalId }) };
    const { conversation } = await store.ensureConversation(ref, sender, now);
    const role = this.roleOf(c.role);
    const first = c.name?.split(/\s+/)[0];
    const company = this.deps.settings.companyName ? ` at ${this.deps.settings.companyName}` : '';
    const hello = `Hi${first ? ` ${first}` : ''}, thanks for applying${role.title ? ` for ${role.title}` : ''}${company}! I'm the recruiting assistant: a few quick questions, then a short technical interview, at your own pace.`;
    await this.deps.engine().mutate(conversation.id, ({ conversation: conv, candidate }) => {
      const prompt = this.deps.pendingPrompt()?.(conv);
      return { conversation: conv, candidate: { ...candidate, ...this.fields(c) }, replies: [{ text: hello }, ...(prompt ? [prompt] : [])], actor: `ats:${source}` };
    });
    await ats.linkCandidate(source, c.id, { candidateId: conversation.candidateId, conversationId: conversation.id });
  }

  private message(event: AtsEvent): string | undefined {
    const first = event.data.candidate.name?.split(/\s+/)[0];
    const hi = first ? `${first}, ` : '';
    switch (event.type) {
      case 'candidate.shortlisted':
        return `Good news, ${hi}you have been shortlisted. The team will be in touch about the next step.`;
      case 'interview.scheduled':
        return `${first ? `${first}, y` : 'Y'}our interview with the team is scheduled${event.data.scheduledAt ? ` for ${new Date(event.data.scheduledAt).toUTCString()}` : ''}.${event.data.link ? ` Join here: ${event.data.link}` : ''}`;
      case 'candidate.feedback':
        return event.data.text ? `Feedback from the team: ${event.data.text}` : undefined;
      case 'offer.extended':
        return `Congratulations ${first ?? ''}! The team is making you an offer; they will send you the details.`.replace(' !', '!');
      case 'candidate.rejected':
        return `Thank you for your time${first ? `, ${first}` : ''}. The team has decided not to move forward this time. We wish you the best.`;
      default:
        return undefined;
    }
  }
}
