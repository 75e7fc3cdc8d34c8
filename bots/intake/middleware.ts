import type { Middleware } from '../../core/engine/index.js';
import { intakeTransition, type RoleOption } from './intake.js';
import { intakeSlice } from './state.js';
import { languageOf } from '../i18n/index.js';
import { intakeTexts } from './texts.js';

export interface IntakeOptions {
  companyName: string;
  /** The roles candidates can apply for (from the question banks). */
  roles: () => readonly RoleOption[];
}

/**
 * Runs intake while the candidate is `new` or in `intake`; on completion moves them to
 * `screening` and passes the turn on (so an interview handler can start right away).
 */
export function intakeMiddleware(opts: IntakeOptions): Middleware {
  return async (ctx, next) => {
    const { candidate, conversation } = ctx;
    if (candidate.stage !== 'new' && candidate.stage !== 'intake') return next();
    // A stored intake that does not parse reads as absent: intake starts over instead of failing the turn.
    const outcome = intakeTransition(intakeSlice.read(conversation), {
      text: ctx.message.text,
      candidate,
      roles: opts.roles(),
      companyName: opts.companyName,
      lang: languageOf(conversation),
    });
    conversation.state = intakeSlice.write(conversation.state, outcome.state);
    Object.assign(candidate, outcome.candidate);
    if (outcome.consented === true) candidate.consentAt = ctx.now;
    candidate.stage = outcome.completed ? 'screening' : 'intake';
    outcome.replies.forEach((r) => ctx.reply(r));
    if (outcome.completed) await next();
  };
}

/** Fallback at the end of the chain while no interview is wired: say what happens next. */
export const screeningFallback: Middleware = async (ctx, next) => {
  if (ctx.candidate.stage === 'screening' && ctx.effects.every((e) => e.type !== 'send')) {
    ctx.reply(intakeTexts(languageOf(ctx.conversation)).waitingForInterview);
    return;
  }
  await next();
};
