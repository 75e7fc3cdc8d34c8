import { ConcurrencyError, type Conversation, type Message, type NewDomainEvent, type OutboundMessage } from '../../core/domain/index.js';
import { COMMIT_RETRY, createTurnContext, retry, type Engine, type OperatorNotificationKind, type TurnContext } from '../../core/engine/index.js';
import { interviewSlice } from '../../core/interview/index.js';
import type { ChannelCapabilities, Clock, Logger, Store } from '../../core/ports/index.js';
import { expireHold, settleDraft, type InterviewMiddlewareOptions } from './interview-middleware.js';

export interface InterviewTimersDeps {
  store: Pick<Store, 'getConversation' | 'getCandidate' | 'listConversations'>;
  engine: () => Pick<Engine, 'mutate'>;
  clock: Clock;
  log: Logger;
  interview: () => InterviewMiddlewareOptions;
  notifyOperators: () => ((n: { conversationId: string; kind: OperatorNotificationKind; title: string; body: string }) => Promise<void>) | undefined;
  /** How often due times are checked (real ms). */
  pollMs?: number;
}

const NO_CAPABILITIES: ChannelCapabilities = { maxTextLength: 4096, buttons: false, maxButtons: 0, lists: false, maxListItems: 0, templates: false, voice: false, typing: false, maxSendsPerSecond: 30 };

/**
 * What comes due in an interview without the candidate writing: the end of an answer's quiet
 * period (the collected messages are graded as one answer) and the end of a recruiter wait.
 * The due times live in the stored session, so nothing is lost in a restart: `start()` re-arms
 * every interview that has one. Time is the `Clock` port's, so tests move it by hand.
 *
 * Each run is a turn without an inbound message: it works on a copy of the conversation, then
 * commits through `engine.mutate` only if the conversation has not changed meanwhile (else it
 * runs again on the new state), so a message arriving at the same moment is never lost.
 */
export class InterviewTimers {
  private readonly due = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(private readonly deps: InterviewTimersDeps) {}

  /** Check `conversationId` at `dueAt` (epoch ms on the clock port); the earliest time wins. */
  arm(conversationId: string, dueAt: number): void {
    const current = this.due.get(conversationId);
    this.due.set(conversationId, current === undefined ? dueAt : Math.min(current, dueAt));
  }

  async start(): Promise<void> {
    for (const c of await this.deps.store.listConversations({ stage: 'interviewing' })) {
      const dueAt = dueTime(c);
      if (dueAt !== undefined) this.arm(c.id, dueAt);
    }
    this.timer = setInterval(() => void this.tick(), this.deps.pollMs ?? 100);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Run what is due now. Resolves when done (tests and shutdown wait on it). */
  tick(): Promise<void> {
    this.running ??= this.runDue().finally(() => (this.running = undefined));
    return this.running;
  }

  /** Conversations with something armed (for health and tests). */
  armed(): number {
    return this.due.size;
  }

  private async runDue(): Promise<void> {
    const now = this.deps.clock.now().getTime();
    for (const [id, at] of [...this.due]) {
      if (at > now) continue;
      this.due.delete(id);
      try {
        await this.run(id);
      } catch (err) {
        this.deps.log.error({ err, conversationId: id }, 'interview timer failed; retrying shortly');
        this.arm(id, this.deps.clock.now().getTime() + 1000);
      }
    }
  }

  private async run(conversationId: string): Promise<void> {
    try {
      // The one retry rule: a commit that lost a race re-reads and runs again, a few times.
      await retry(() => this.runOnce(conversationId), { policy: COMMIT_RETRY, retryable: (err) => err instanceof ConcurrencyError });
    } catch (err) {
      if (!(err instanceof ConcurrencyError)) throw err;
      this.arm(conversationId, this.deps.clock.now().getTime());
    }
  }

  private async runOnce(conversationId: string): Promise<void> {
    const conversation = await this.deps.store.getConversation(conversationId);
    const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
    if (!conversation || !candidate || conversation.mode !== 'bot' || candidate.optedOut) return;
    const ctx = turnFor(conversation, candidate, this.deps.clock.now(), this.deps.log);
    const acted = (await settleDraft(ctx, this.deps.interview())) || expireHold(ctx);
    if (!acted) {
      const later = dueTime(conversation);
      if (later !== undefined && later > ctx.now.getTime()) this.arm(conversationId, later);
      return;
    }
    if (!(await this.commit(ctx, conversation, candidate.stage))) throw new ConcurrencyError('Conversation', conversationId, conversation.version);
  }

  /** Commit the run's changes if the conversation is still the one it read. False on a conflict. */
  private async commit(ctx: TurnContext, before: Conversation, stageBefore: Conversation['stage']): Promise<boolean> {
    const replies: OutboundMessage[] = [];
    const events: NewDomainEvent[] = [];
    const notices: { kind: OperatorNotificationKind; title: string; body: string }[] = [];
    for (const e of ctx.effects) {
      if (e.type === 'send') replies.push(e.message);
      if (e.type === 'emit') events.push(e.event);
      if (e.type === 'notifyOperators') notices.push({ kind: e.kind, title: e.title, body: e.body });
    }
    if (ctx.candidate.stage !== stageBefore) {
      ctx.conversation.stage = ctx.candidate.stage;
      events.unshift({ type: 'CandidateStateChanged', from: stageBefore, to: ctx.candidate.stage, actor: 'bot' });
    }
    let applied = false;
    await this.deps.engine().mutate(before.id, ({ conversation }) => {
      if (conversation.version !== before.version) return undefined;
      applied = true;
      return { conversation: ctx.conversation, candidate: ctx.candidate, events, replies, actor: 'bot' };
    });
    if (!applied) return false;
    const notify = this.deps.notifyOperators();
    for (const n of notices) await notify?.({ conversationId: before.id, ...n }).catch((err: unknown) => this.deps.log.error({ err }, 'interview timer: notifying operators failed'));
    const next = dueTime(ctx.conversation);
    if (next !== undefined) this.arm(before.id, next);
    return true;
  }
}

/** The next due time stored in a conversation's interview: a draft's quiet period, a recruiter wait. */
export function dueTime(conversation: Pick<Conversation, 'state'> & { id?: string }): number | undefined {
  const session = interviewSlice.read(conversation);
  if (!session || session.status !== 'in-progress') return undefined;
  const { draft, hold } = session;
  const times = [draft?.dueAt, hold && hold.expiredNoticeAt === undefined ? hold.until : undefined].filter((t): t is number => t !== undefined);
  return times.length ? Math.min(...times) : undefined;
}

function turnFor(conversation: Conversation, candidate: Parameters<typeof createTurnContext>[0]['candidate'], now: Date, log: Logger): TurnContext {
  const message: Message = {
    id: `timer_${conversation.id}`,
    conversationId: conversation.id,
    channel: conversation.ref.channel,
    direction: 'in',
    author: 'system',
    kind: 'system',
    text: '',
    status: 'processed',
    attempts: 0,
    createdAt: now,
    updatedAt: now,
  };
  return createTurnContext({
    correlationId: `timer_${conversation.id}_${now.getTime()}`,
    now,
    log: log.child({ conversationId: conversation.id, feature: 'interview-timers' }),
    message,
    capabilities: NO_CAPABILITIES,
    conversation: structuredClone(conversation),
    candidate: structuredClone(candidate),
  });
}
