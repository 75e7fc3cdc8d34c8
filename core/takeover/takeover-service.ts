import { localise, type Conversation, type Message, type OutboundMessage, type SuppressionReason } from '../domain/index.js';
import { decideOutbound, type Engine } from '../engine/index.js';
import { decideHandback, decideLapse, decideTakeover, mayReply, type Refusal, type TakeoverActor } from './rules.js';
import { takeoverTexts } from './texts.js';

export interface TakeoverServiceDeps {
  engine: () => Pick<Engine, 'mutate' | 'send'>;
  /** What the bot re-asks after a handback (the interview feature provides it), read at handback time. */
  pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined;
}

export type TakeoverResult =
  | { ok: true; conversation: Conversation; changed: boolean; previous?: string }
  | ({ ok: false; conversation: Conversation } & Refusal)
  | undefined;

export type HandbackResult =
  | {
      ok: true;
      conversation: Conversation;
      /** The pending question the bot re-asked (undefined when there was none). */
      resumedWith?: string;
      /** Set when the outbound policy keeps the bot's messages from the candidate (e.g. opted out). */
      suppressed?: SuppressionReason;
    }
  | ({ ok: false; conversation: Conversation } & Refusal)
  | undefined;

export type ReplyResult = { ok: true; message: Message } | { ok: false; refusal: Refusal } | { ok: false; suppressed: SuppressionReason } | undefined;

/**
 * Takeover and handback for every desk (operator console, Telegram HR desk, future desks): the
 * rules in `rules.ts`, applied inside `engine.mutate` on the state as it is at commit, and the
 * candidate told who joined and who left. Every message goes through the engine's outbound
 * path, so the outbound policy decides what reaches the candidate (an opted-out candidate gets
 * nothing: the rows are stored `suppressed`). Results are data; each desk words refusals itself.
 * Undefined: no such conversation.
 *
 * @example
 * const takeovers = new TakeoverService({ engine: () => engine, pendingPrompt: () => services.pendingPrompt });
 * await takeovers.takeover({ id: 'telegram:42', name: 'Rui', role: 'recruiter' }, conversationId);
 */
export class TakeoverService {
  constructor(private readonly deps: TakeoverServiceDeps) {}

  /** Hold the conversation (see `decideTakeover`); the candidate is told who joined. */
  async takeover(actor: TakeoverActor, conversationId: string, opts: { force?: boolean } = {}): Promise<TakeoverResult> {
    let outcome: ReturnType<typeof decideTakeover> | undefined;
    const saved = await this.deps.engine().mutate(conversationId, ({ conversation }) => {
      outcome = decideTakeover(conversation, actor, opts.force ?? false);
      if (outcome.kind !== 'taken') return undefined;
      return { conversation: outcome.conversation, events: outcome.events, actor: `operator:${actor.id}` };
    });
    if (!saved || !outcome) return undefined;
    if (outcome.kind === 'refused') {
      const { kind: _kind, ...refusal } = outcome;
      return { ok: false, conversation: saved, ...refusal };
    }
    if (outcome.kind === 'unchanged') return { ok: true, conversation: saved, changed: false };
    // Authored by the operator: in human mode the outbound policy lets only their messages through.
    const joined = localise(saved, 'notices.takeoverJoined', { name: actor.name }, takeoverTexts.joined(actor.name));
    await this.deps.engine().send(conversationId, { text: joined, purpose: 'takeover-joined' }, 'operator', actor.id);
    return { ok: true, conversation: saved, changed: true, ...(outcome.previous ? { previous: outcome.previous } : {}) };
  }

  /**
   * Give the conversation back to the bot (see `decideHandback`). In the same commit the candidate
   * is told who left and the bot re-asks its pending question, computed from the released state.
   */
  async handback(actor: TakeoverActor, conversationId: string, summary?: string): Promise<HandbackResult> {
    const note = summary?.trim() || undefined;
    let outcome: ReturnType<typeof decideHandback> | undefined;
    let resumedWith: string | undefined;
    let suppressed: SuppressionReason | undefined;
    const saved = await this.deps.engine().mutate(conversationId, ({ conversation, candidate }) => {
      outcome = decideHandback(conversation, actor, note);
      if (outcome.kind !== 'released') return undefined;
      const back = outcome.conversation;
      const prompt = this.deps.pendingPrompt()?.(back);
      resumedWith = prompt?.text;
      // Reported to the operator only; the dispatcher applies the same rule when it sends.
      const policy = decideOutbound({ message: { author: 'bot' }, conversation: back, candidate });
      suppressed = policy.send ? undefined : policy.reason;
      return {
        conversation: back,
        events: outcome.events,
        replies: [{ text: localise(back, 'notices.takeoverLeft', { name: outcome.leaving }, takeoverTexts.left(outcome.leaving)), purpose: 'takeover-left' }, ...(prompt ? [prompt] : [])],
        actor: `operator:${actor.id}`,
      };
    });
    if (!saved || !outcome) return undefined;
    if (outcome.kind === 'refused') {
      const { kind: _kind, ...refusal } = outcome;
      return { ok: false, conversation: saved, ...refusal };
    }
    return { ok: true, conversation: saved, ...(resumedWith ? { resumedWith } : {}), ...(suppressed ? { suppressed } : {}) };
  }

  /**
   * The holder's message to the candidate, through the engine's outbound path. Refused when the
   * actor does not hold the conversation, or when the outbound policy would stop it (nothing stored).
   */
  async reply(actor: TakeoverActor, conversation: Conversation, candidate: Parameters<typeof decideOutbound>[0]['candidate'], text: string): Promise<ReplyResult> {
    const refusal = mayReply(conversation, actor);
    if (refusal) return { ok: false, refusal };
    const policy = decideOutbound({ message: { author: 'operator' }, conversation, candidate });
    if (!policy.send) return { ok: false, suppressed: policy.reason };
    return { ok: true, message: await this.deps.engine().send(conversation.id, { text }, 'operator', actor.id) };
  }

  /** Release a hold that lapsed (see `decideLapse`). False when it was no longer theirs. */
  async lapse(operatorId: string, conversationId: string, reason: string): Promise<boolean> {
    let released = false;
    await this.deps.engine().mutate(conversationId, ({ conversation }) => {
      const change = decideLapse(conversation, operatorId, reason);
      released = change !== undefined;
      return change && { ...change, actor: 'system' };
    });
    return released;
  }
}
