import type { Candidate, Conversation, Message, OutboundMessage } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { Store } from '../../core/ports/index.js';
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

/**
 * Take a conversation over: human mode, assigned to this operator, `OperatorTakeover` recorded.
 * Another operator's conversation is refused unless `override` (admins).
 */
export async function takeOver(deps: OperatorDeps, record: CandidateRecord, operatorId: string, override: boolean): Promise<ActionResult> {
  const { conversation, candidate } = record;
  if (!conversation) return { ok: false, text: `${label(candidate)} has no conversation yet.` };
  let heldBy: string | undefined;
  await deps.engine().mutate(conversation.id, ({ conversation: c }) => {
    if (c.mode === 'human' && c.assignedOperatorId === operatorId) return undefined;
    if (c.mode === 'human' && c.assignedOperatorId && !override) {
      heldBy = c.assignedOperatorId;
      return undefined;
    }
    return {
      conversation: { ...c, mode: 'human', assignedOperatorId: operatorId, needsHuman: false },
      events: [{ type: 'OperatorTakeover', operatorId }],
      actor: `operator:${operatorId}`,
    };
  });
  if (heldBy) return { ok: false, text: `${label(candidate)} is already being handled by ${heldBy}. An admin can take it over.` };
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

/** Hand back to the bot with an optional summary; the bot re-asks its pending question. */
export async function handBack(deps: OperatorDeps, conversation: Conversation, operatorId: string, summary: string): Promise<ActionResult> {
  const prompt = deps.pendingPrompt()?.(conversation);
  await deps.engine().mutate(conversation.id, ({ conversation: c }) => {
    if (c.mode !== 'human' || c.assignedOperatorId !== operatorId) return undefined;
    const { assignedOperatorId: _released, ...rest } = c;
    return {
      conversation: { ...rest, mode: 'bot' },
      events: [{ type: 'OperatorHandback', operatorId, ...(summary ? { summary } : {}) }],
      replies: prompt ? [prompt] : [],
      actor: `operator:${operatorId}`,
    };
  });
  return { ok: true, text: `Handed back to the bot${prompt ? '; it has asked its pending question again' : ''}.` };
}

/** An operator message to the candidate, through the normal outbound path. */
export async function relayToCandidate(deps: OperatorDeps, conversation: Conversation, operatorId: string, text: string): Promise<ActionResult> {
  const candidate = await deps.store.getCandidate(conversation.candidateId);
  if (candidate?.optedOut) return { ok: false, text: `${label(candidate)} has opted out: the message was not sent.` };
  await deps.engine().send(conversation.id, { text }, 'operator', operatorId);
  return { ok: true, text: '' };
}

/** A manual nudge from the bot, recorded as `ReminderSent`. */
export async function remind(deps: OperatorDeps, record: CandidateRecord, operatorId: string): Promise<ActionResult> {
  const { candidate, conversation } = record;
  if (!conversation) return { ok: false, text: `${label(candidate)} has no conversation yet.` };
  if (candidate.optedOut) return { ok: false, text: `${label(candidate)} has opted out: no reminder sent.` };
  if (candidate.unreachable) return { ok: false, text: `${label(candidate)} cannot be reached on ${conversation.ref.channel}: no reminder sent.` };
  if (CLOSED.has(candidate.stage)) return { ok: false, text: `${label(candidate)} is ${candidate.stage}: no reminder sent.` };
  if (conversation.mode === 'human') return { ok: false, text: `${label(candidate)} is being handled by ${conversation.assignedOperatorId ?? 'an operator'}: no bot reminder sent.` };
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
