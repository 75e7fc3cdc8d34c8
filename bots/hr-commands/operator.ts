import type { Candidate, Conversation, Message, OutboundMessage, SuppressionReason } from '../../core/domain/index.js';
import { decideOutbound, type Engine } from '../../core/engine/index.js';
import type { Store } from '../../core/ports/index.js';
import { canOverride, TakeoverService, type Refusal, type TakeoverActor } from '../../core/takeover/index.js';
import { NEXT_STEP } from '../commands/index.js';
import type { CandidateRecord } from './lookup.js';

/** What operator actions need from the rest of Parley. */
export interface OperatorDeps {
  store: Store;
  engine: () => Pick<Engine, 'mutate' | 'send'>;
  /** The question to re-ask after a handback (the interview feature provides it). */
  pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined;
}

export type ActionResult = { ok: true; text: string } | { ok: false; text: string };

const CLOSED = new Set(['hired', 'rejected', 'withdrawn']);

function takeovers(deps: OperatorDeps): TakeoverService {
  return new TakeoverService({ engine: deps.engine, pendingPrompt: deps.pendingPrompt });
}

function holderName(refusal: Refusal): string {
  return refusal.refused === 'held' ? (refusal.heldByName ?? refusal.heldBy) : 'another operator';
}

/**
 * Take a conversation over (`core/takeover`): human mode, held by this HR user, the candidate
 * told who joined. Admins take it from another operator (audited); others are refused.
 */
export async function takeOver(deps: OperatorDeps, record: CandidateRecord, actor: TakeoverActor): Promise<ActionResult> {
  const { conversation, candidate } = record;
  if (!conversation) return { ok: false, text: `${label(candidate)} has no conversation yet.` };
  const result = await takeovers(deps).takeover(actor, conversation.id, { force: canOverride(actor.role) });
  if (!result) return { ok: false, text: `${label(candidate)} has no conversation yet.` };
  if (!result.ok) return { ok: false, text: `${label(candidate)} is already being handled by ${holderName(result)}. An admin can take it over.` };
  const recent = (await deps.store.listMessages(conversation.id, { limit: 5 })).map(transcriptLine(candidate)).join('\n');
  return {
    ok: true,
    text: [
      `You are now talking to ${label(candidate)} on ${conversation.ref.channel}. The bot is silent.`,
      'Their messages appear here; what you type is sent to them. /handback [summary] when you are done.',
      ...(recent ? ['', 'Recent messages:', recent] : []),
    ].join('\n'),
  };
}

/**
 * Hand a conversation back to the bot (`core/takeover`): the holder, or an admin for anyone's.
 * The candidate is told who left and the bot re-asks its pending question, unless the outbound
 * policy keeps messages from them (opted out), which the reply says.
 */
export async function handBack(deps: OperatorDeps, actor: TakeoverActor, conversationId: string, summary: string): Promise<ActionResult> {
  const result = await takeovers(deps).handback(actor, conversationId, summary);
  if (!result) return { ok: false, text: 'That conversation no longer exists.' };
  if (!result.ok) return { ok: false, text: result.refused === 'held' ? `${holderName(result)} is handling that conversation; only they or an admin can hand it back.` : 'Nobody is handling that conversation.' };
  if (result.suppressed) return { ok: true, text: `Handed back to the bot. Nothing was sent to the candidate (${SUPPRESSED[result.suppressed]}).` };
  return { ok: true, text: `Handed back to the bot${result.resumedWith ? '; it has asked its pending question again' : ''}.` };
}

const SUPPRESSED: Record<SuppressionReason, string> = { 'opted-out': 'they opted out', 'human-mode': 'still in human mode', unreachable: 'they cannot be reached' };

/** The holder's message to the candidate, through the normal outbound path. */
export async function relayToCandidate(deps: OperatorDeps, actor: TakeoverActor, conversation: Conversation, text: string): Promise<ActionResult> {
  const candidate = await deps.store.getCandidate(conversation.candidateId);
  if (!candidate) return { ok: false, text: 'That conversation no longer exists.' };
  const result = await takeovers(deps).reply(actor, conversation, candidate, text);
  if (!result) return { ok: false, text: 'That conversation no longer exists.' };
  if (result.ok) return { ok: true, text: '' };
  if ('suppressed' in result) return { ok: false, text: `${label(candidate)} ${result.suppressed === 'opted-out' ? 'has opted out' : 'cannot be reached'}: the message was not sent.` };
  return { ok: false, text: `${holderName(result.refusal)} is handling that conversation: the message was not sent.` };
}

/** A manual nudge from the bot, recorded as `ReminderSent`. */
export async function remind(deps: OperatorDeps, record: CandidateRecord, operatorId: string): Promise<ActionResult> {
  const { candidate, conversation } = record;
  if (!conversation) return { ok: false, text: `${label(candidate)} has no conversation yet.` };
  // The outbound policy's own rule, asked up front so HR hears why nothing would reach the candidate.
  const policy = decideOutbound({ message: { author: 'bot' }, conversation, candidate });
  if (!policy.send) {
    const why: Record<SuppressionReason, string> = {
      'opted-out': 'has opted out',
      unreachable: `cannot be reached on ${conversation.ref.channel}`,
      'human-mode': `is being handled by ${conversation.assignedOperatorName ?? conversation.assignedOperatorId ?? 'an operator'}`,
    };
    return { ok: false, text: `${label(candidate)} ${why[policy.reason]}: no reminder sent.` };
  }
  if (CLOSED.has(candidate.stage)) return { ok: false, text: `${label(candidate)} is ${candidate.stage}: no reminder sent.` };
  const prompt = deps.pendingPrompt()?.(conversation);
  const hello = `Hi${candidate.name ? ` ${candidate.name}` : ''}! Just a friendly reminder about your application.`;
  const reminder: OutboundMessage = prompt ? { ...prompt, text: `${hello}\n\n${prompt.text}` } : { text: `${hello} Next step: ${NEXT_STEP[candidate.stage]}` };
  await deps.engine().mutate(conversation.id, ({ conversation: c }) => ({
    conversation: c,
    events: [{ type: 'ReminderSent', kind: 'manual' }],
    replies: [reminder],
    actor: `operator:${operatorId}`,
  }));
  return { ok: true, text: `Reminder sent to ${label(candidate)}.` };
}

/** How a candidate's message reads in the HR chat. */
export function relayText(candidate: Candidate | undefined, message: Message): string {
  const who = candidate ? label(candidate) : 'Candidate';
  if (message.kind === 'voice') {
    const transcript = message.media?.transcript?.text;
    return transcript ? `🎤 ${who} (voice note): ${transcript}` : `🎤 ${who} sent a voice note (not transcribed; it is saved in the console).`;
  }
  return `💬 ${who}: ${message.text}`;
}

/** "Ana Lima (cand_…)", or the id alone before intake has a name. */
export function label(c: Candidate): string {
  return c.name ? `${c.name} (${c.id})` : c.id;
}

function transcriptLine(candidate: Candidate): (m: Message) => string {
  return (m) => `${m.direction === 'in' ? candidate.name ?? 'Candidate' : m.author === 'operator' ? 'Operator' : 'Bot'}: ${m.text.slice(0, 300)}`;
}
