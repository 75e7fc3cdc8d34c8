import type { TurnContext } from '../../core/engine/index.js';
import { scoreFeedbackSentiment } from './sentiment.js';
import { readCommandsState, writeCommandsState } from './state.js';
import { languageOf } from '../i18n/index.js';
import { commandTextsFor, type CommandTexts } from './texts.js';

/**
 * What candidate commands do to a turn. Each changes the working copies and queues events and
 * replies; the engine commits them atomically. Shared by the slash commands, the natural
 * phrasing and the opt-out gate, so every path behaves the same.
 */

/** Opt out: no further messages except this confirmation. Idempotent. */
export function optOut(ctx: TurnContext): void {
  if (ctx.candidate.optedOut) return;
  if (ctx.candidate.stage !== 'withdrawn') writeCommandsState(ctx.conversation, { stageBeforeOptOut: ctx.candidate.stage, pending: undefined });
  ctx.candidate.optedOut = true;
  ctx.candidate.stage = 'withdrawn';
  ctx.emit({ type: 'CandidateOptedOut', actor: 'candidate' });
  // The one message the outbound policy lets through to an opted-out candidate.
  ctx.reply({ text: tx(ctx).optedOut, purpose: 'opt-out-confirmation' });
}

/** Opt back in (`/start` after STOP): the application resumes at the stage it was at. */
export function optIn(ctx: TurnContext): void {
  if (!ctx.candidate.optedOut) return;
  const state = readCommandsState(ctx.conversation);
  ctx.candidate.optedOut = false;
  ctx.candidate.stage = state.stageBeforeOptOut ?? 'new';
  writeCommandsState(ctx.conversation, { stageBeforeOptOut: undefined });
  ctx.emit({ type: 'CandidateOptedIn', actor: 'candidate' });
  ctx.reply(tx(ctx).optedIn);
}

/** Flag the conversation for a recruiter and tell the operators. */
export function requestHuman(ctx: TurnContext, reason: string): void {
  if (ctx.conversation.needsHuman) {
    ctx.reply(tx(ctx).humanAlreadyRequested);
    return;
  }
  ctx.conversation.needsHuman = true;
  ctx.emit({ type: 'HumanRequested', reason, actor: 'candidate' });
  ctx.effects.push({ type: 'notifyOperators', kind: 'needs-human', title: `${who(ctx)} asked for a recruiter`, body: reason });
  ctx.reply(tx(ctx).humanRequested);
}

/** Store feedback (`FeedbackReceived`) with its sentiment score, and thank the candidate. */
export function recordFeedback(ctx: TurnContext, text: string): void {
  const sentiment = scoreFeedbackSentiment(text);
  ctx.emit({ type: 'FeedbackReceived', text, sentiment, actor: 'candidate' });
  ctx.reply(tx(ctx).feedbackThanks);
}

/** Store preferred times (`RescheduleRequested`, and in the snapshot) and tell the operators. */
export function recordReschedule(ctx: TurnContext, preferredTimes: string): void {
  writeCommandsState(ctx.conversation, { rescheduleRequest: { text: preferredTimes, at: ctx.now.toISOString() } });
  ctx.emit({ type: 'RescheduleRequested', preferredTimes, actor: 'candidate' });
  ctx.effects.push({ type: 'notifyOperators', kind: 'needs-human', title: `${who(ctx)} asked to reschedule`, body: `Preferred times: ${preferredTimes}` });
  ctx.reply(tx(ctx).rescheduleThanks);
}

/** Erasure is recorded here and carried out by the retention job; messaging stops now. */
export function requestErasure(ctx: TurnContext): void {
  ctx.emit({ type: 'ErasureRequested', actor: 'candidate' });
  if (!ctx.candidate.optedOut) {
    ctx.candidate.optedOut = true;
    ctx.candidate.stage = 'withdrawn';
    ctx.emit({ type: 'CandidateOptedOut', actor: 'candidate' });
  }
  ctx.reply({ text: tx(ctx).deleteDone, purpose: 'opt-out-confirmation' });
}

function who(ctx: TurnContext): string {
  return ctx.candidate.name ?? `Candidate ${ctx.candidate.id}`;
}

/** The command texts in the candidate's language. */
function tx(ctx: Partial<Pick<TurnContext, 'conversation'>>): CommandTexts {
  return commandTextsFor(ctx.conversation ? languageOf(ctx.conversation) : 'en');
}
