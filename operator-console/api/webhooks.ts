import { createHmac, randomBytes } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { newId, ValidationError, type DomainEvent } from '../../core/domain/index.js';
import { backoffDelay, parseRetryAfter } from '../../core/engine/index.js';
import type { Clock, EventBus, Logger, Store } from '../../core/ports/index.js';
import type { AssessmentViews } from '../views/assessment-view.js';
import type { NewDelivery, WebhookDelivery, WebhookStore, WebhookSubscription } from './ports.js';
import type { WebhookEventType } from './schemas.js';

export type { WebhookDelivery, WebhookSubscription } from './ports.js';


/** `Parley-Signature: t=<unix>,v1=<hex>`: HMAC-SHA256 over `t + "." + body`. */
export function signWebhook(secret: string, body: string, unixSec: number): string {
  return `t=${unixSec},v1=${createHmac('sha256', secret).update(`${unixSec}.${body}`).digest('hex')}`;
}

/** Which webhook event a persisted domain event becomes (undefined: none). */
export function webhookTypeOf(e: DomainEvent): WebhookEventType | undefined {
  switch (e.type) {
    case 'ConversationStarted':
      return 'candidate.created';
    case 'OperatorAction':
      return e.action === 'candidate-created' ? 'candidate.created' : undefined;
    case 'CandidateStateChanged':
      return 'candidate.stage_changed';
    case 'InterviewCompleted':
      return 'interview.completed';
    case 'InterviewScheduled':
      return 'interview.scheduled';
    case 'FeedbackReceived':
      return 'candidate.feedback';
    case 'CandidateAtRisk':
      return 'candidate.at_risk';
    case 'HumanRequested':
    case 'NeedsHumanFlagged':
      return 'conversation.needs_human';
    case 'OperatorTakeover':
      return 'conversation.taken_over';
    case 'OperatorHandback':
      return 'conversation.handed_back';
    default:
      return undefined;
  }
}

/** The core event types the outbox reads (the rest are skipped in SQL). */
const SOURCE_TYPES = ['ConversationStarted', 'OperatorAction', 'CandidateStateChanged', 'InterviewCompleted', 'InterviewScheduled', 'FeedbackReceived', 'CandidateAtRisk', 'HumanRequested', 'NeedsHumanFlagged', 'OperatorTakeover', 'OperatorHandback'];

const PRIVATE = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  PRIVATE.addSubnet(net, prefix, 'ipv6');

/**
 * SSRF guard: refuses a URL whose host is, or resolves to, a private, loopback, link-local or
 * otherwise internal address, unless the host (or that address) is in `allowed`.
 */
export async function assertPublicTarget(url: string, allowed: ReadonlySet<string>): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError('The webhook URL is not a URL');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new ValidationError('Webhook URLs are http or https');
  const host = parsed.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (allowed.has(host)) return;
  const addresses = isIP(host) ? [{ address: host, family: isIP(host) }] : await lookup(host, { all: true }).catch(() => []);
  if (addresses.length === 0) throw new ValidationError(`The webhook host ${host} does not resolve`);
  for (const a of addresses) {
    if (allowed.has(a.address)) continue;
    // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is judged as the IPv4 address it carries.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a.address)?.[1];
    if (mapped ? PRIVATE.check(mapped, 'ipv4') : PRIVATE.check(a.address, a.family === 6 ? 'ipv6' : 'ipv4')) throw new ValidationError(`The webhook target ${host} is a private, loopback or link-local address (${a.address}); allow it with WEBHOOK_ALLOWED_HOSTS`);
  }
}

export interface WebhookSettings {
  allowedHosts: ReadonlySet<string>;
  retryHours: number;
  retryBaseMs: number;
  pollMs: number;
  timeoutMs: number;
}

export interface WebhookDeps {
  webhooks: WebhookStore;
  store: Store;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  assessments: AssessmentViews;
  settings: WebhookSettings;
}

/**
 * Signed outbound webhooks. The core's `events` table is the outbox's source: an event exists
 * only once its change committed (it is written in the same transaction), so nothing is sent for
 * a change that rolled back. The worker reads committed events past its cursor, writes one
 * delivery per matching subscription and moves the cursor in one transaction, then delivers with
 * at-least-once semantics (the event id is stable), exponential backoff for up to
 * WEBHOOK_RETRY_HOURS, then `failed`. A crash at any point re-derives or re-sends on restart.
 */
export class Webhooks {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private again = false;
  private stopped = true;
  private unsubscribe: (() => void) | undefined;
  private counts: Record<string, number> = {};

  constructor(private readonly deps: WebhookDeps) {}

  // ---- subscriptions -------------------------------------------------------------------

  async createSubscription(input: { url: string; events: WebhookEventType[]; description?: string; active: boolean }): Promise<WebhookSubscription> {
    await assertPublicTarget(input.url, this.deps.settings.allowedHosts);
    const now = this.deps.clock.now();
    const sub: WebhookSubscription = {
      id: newId('whs'),
      url: input.url,
      events: [...new Set(input.events)],
      secret: `whsec_${randomBytes(32).toString('base64url')}`,
      active: input.active,
      ...(input.description !== undefined ? { description: input.description } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await this.deps.webhooks.insertSubscription(sub);
    return sub;
  }

  async updateSubscription(id: string, patch: { url?: string; events?: WebhookEventType[]; description?: string; active?: boolean }): Promise<WebhookSubscription | undefined> {
    const current = await this.getSubscription(id);
    if (!current) return undefined;
    if (patch.url) await assertPublicTarget(patch.url, this.deps.settings.allowedHosts);
    const next = { ...current, ...patch, updatedAt: this.deps.clock.now() };
    if (!(await this.deps.webhooks.updateSubscription(next))) return undefined;
    return this.getSubscription(id);
  }

  deleteSubscription(id: string): Promise<boolean> {
    return this.deps.webhooks.deleteSubscription(id);
  }

  getSubscription(id: string): Promise<WebhookSubscription | undefined> {
    return this.deps.webhooks.getSubscription(id);
  }

  listSubscriptions(): Promise<WebhookSubscription[]> {
    return this.deps.webhooks.listSubscriptions();
  }

  listDeliveries(subscriptionId: string, limit = 100): Promise<WebhookDelivery[]> {
    return this.deps.webhooks.listDeliveries(subscriptionId, limit);
  }

  getDelivery(id: string): Promise<WebhookDelivery | undefined> {
    return this.deps.webhooks.getDelivery(id);
  }

  /** Send a delivery again (same event id and body), now. */
  async resend(id: string): Promise<WebhookDelivery | undefined> {
    if (!(await this.deps.webhooks.resendDelivery(id, this.deps.clock.now()))) return undefined;
    this.kick();
    return this.getDelivery(id);
  }

  // ---- worker --------------------------------------------------------------------------

  start(): void {
    this.stopped = false;
    this.unsubscribe = this.deps.bus.subscribe((e) => {
      if (webhookTypeOf(e)) this.kick();
    });
    this.kick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    await this.running;
  }

  /** Resolves once every committed event is turned into deliveries and no due delivery is left to try now. */
  async idle(): Promise<void> {
    for (;;) {
      await this.running;
      if (!this.running && !this.again) return;
    }
  }

  /** Deliveries per status, as of the last pass (for /health, which is synchronous). */
  health(): Record<string, unknown> {
    return { ...this.counts };
  }

  /** Run a pass now (or right after the current one). */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = this.pass()
      .catch((err: unknown) => this.deps.log.error({ err }, 'webhooks: pass failed'))
      .finally(() => {
        this.running = undefined;
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.kick();
        } else this.timer = setTimeout(() => this.kick(), this.deps.settings.pollMs);
      });
  }

  private async pass(): Promise<void> {
    while (!this.stopped && (await this.collect())) {
      /* until the cursor reaches the last committed event */
    }
    await this.deliverDue();
  }

  /** Turn the next committed events into deliveries; true when there may be more. */
  private async collect(): Promise<boolean> {
    const { webhooks } = this.deps;
    const from = await webhooks.cursor();
    // Nobody subscribed: the cursor moves past what is committed without reading one event (issue
    // 13: every event was read and parsed, then dropped). The mark is taken before the
    // subscriptions are listed: an event after it is read by a later pass, so a subscription made
    // meanwhile gets it; one before it is older than any such subscription, which would not get it.
    if (webhooks.lastCursor) {
      const mark = await webhooks.lastCursor(from);
      if (!(await this.listSubscriptions()).some((s) => s.active)) {
        if (mark !== from) await webhooks.advance(from, mark, []);
        return false;
      }
    }
    const rows = await webhooks.eventsAfter(from, SOURCE_TYPES, 200);
    if (rows.length === 0) return false;
    // Listed after the read: a subscription made before one of these events was committed is here.
    const subs = (await this.listSubscriptions()).filter((s) => s.active);
    const now = this.deps.clock.now();
    const planned: NewDelivery[] = [];
    for (const { event } of rows) {
      const type = webhookTypeOf(event);
      if (!type) continue;
      const targets = subs.filter((s) => s.events.includes(type) && s.createdAt.getTime() <= event.at.getTime());
      if (targets.length === 0) continue;
      const body = JSON.stringify({ id: event.id, type, createdAt: event.at.toISOString(), data: await this.payload(event) });
      for (const sub of targets) planned.push({ id: newId('whd'), subscriptionId: sub.id, eventId: event.id, eventType: type, body, createdAt: now });
    }
    // False: another pass (another process) moved the cursor first; its deliveries stand.
    await webhooks.advance(from, rows[rows.length - 1]!.cursor, planned);
    return rows.length === 200;
  }

  private async payload(e: DomainEvent): Promise<Record<string, unknown>> {
    const { id: _id, type: _type, at: _at, ...fields } = e as DomainEvent & Record<string, unknown>;
    const data: Record<string, unknown> = { ...fields };
    if (e.type === 'FeedbackReceived') data['reward'] = Math.max(-1, Math.min(1, e.sentiment));
    if (e.type === 'InterviewCompleted' && e.candidateId) {
      data['assessment'] = await this.deps.assessments.forCandidate(e.candidateId).catch(() => undefined);
    }
    if ((e.type === 'ConversationStarted' || e.type === 'OperatorAction') && e.candidateId) {
      const c = await this.deps.store.getCandidate(e.candidateId);
      if (c) data['candidate'] = { id: c.id, name: c.name, email: c.email, phone: c.phone, role: c.role, stage: c.stage, createdAt: c.createdAt.toISOString() };
      if (e.type === 'OperatorAction') delete data['details'];
    }
    return data;
  }

  private async deliverDue(): Promise<void> {
    const due = await this.deps.webhooks.dueDeliveries(this.deps.clock.now(), 50);
    await Promise.all(due.map((d) => this.attempt(d)));
    this.counts = await this.deps.webhooks.deliveryCounts();
  }

  private async attempt(d: WebhookDelivery): Promise<void> {
    const sub = await this.getSubscription(d.subscriptionId);
    const { webhooks, clock, settings } = this.deps;
    if (!sub) return;
    let code: number | undefined;
    let error: string | undefined;
    let retryAfter: number | undefined;
    try {
      await assertPublicTarget(sub.url, settings.allowedHosts);
      const t = Math.floor(clock.now().getTime() / 1000);
      const res = await fetch(sub.url, {
        method: 'POST',
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Parley-Webhooks/1',
          'parley-signature': signWebhook(sub.secret, d.body, t),
          'parley-event-id': d.eventId,
          'parley-event-type': d.eventType,
          'parley-delivery-id': d.id,
        },
        body: d.body,
      });
      code = res.status;
      await res.body?.cancel().catch(() => undefined);
      if (code < 200 || code >= 300) error = `HTTP ${code}`;
      if (error) retryAfter = parseRetryAfter(res.headers, clock.now().getTime());
    } catch (err) {
      error = err instanceof Error ? err.message : String(err);
    }
    const now = clock.now().getTime();
    const attempts = d.attempts + 1;
    if (!error) {
      await webhooks.recordAttempt(d.id, { status: 'delivered', attempts, ...(code !== undefined ? { lastStatusCode: code } : {}), deliveredAt: new Date(now) });
    } else {
      // The one backoff formula; a receiver's Retry-After wins when it is longer.
      const next = now + backoffDelay(attempts, { maxAttempts: Infinity, baseMs: settings.retryBaseMs, maxMs: 3_600_000 }, Math.random(), retryAfter);
      const expired = next - d.createdAt.getTime() > settings.retryHours * 3_600_000;
      await webhooks.recordAttempt(d.id, { status: expired ? 'failed' : 'pending', attempts, ...(code !== undefined ? { lastStatusCode: code } : {}), lastError: error.slice(0, 500), nextAttemptAt: new Date(Math.round(next)) });
    }
    if (error) this.deps.log.warn({ deliveryId: d.id, subscriptionId: sub.id, attempts, error }, 'webhooks: delivery attempt failed');
  }
}
