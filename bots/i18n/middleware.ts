import type { Conversation, OutboundMessage } from '../../core/domain/index.js';
import type { Middleware, TurnContext } from '../../core/engine/index.js';
import { LANGUAGE_NAMES, LANGUAGES, languageOfTag, t, type Language } from './catalogue.js';
import { detectLanguage } from './detect.js';
import { languageSlice, type LanguageState } from './state.js';

/** Detection looks at the candidate's first few text messages only: later the language is settled. */
export const DETECT_MESSAGES = 3;
/** An unsure guess is asked about only once the candidate has written this many words. */
const ASK_MIN_WORDS = 3;

export interface LanguageInput {
  text: string;
  /** The channel's language tag for the sender (Telegram `language_code`, the browser's language). */
  hint?: string | undefined;
}

export interface LanguageDecision {
  state: LanguageState;
  /** Unsure: ask the candidate to confirm this language. */
  ask?: Language;
}

/**
 * Which language to write in after this message, as a pure function of the stored state and the
 * message. A language the candidate chose is kept; otherwise the channel's hint is the default,
 * text the detector is sure of overrides it, and a guess it is not sure of is asked about once.
 *
 * @example
 * decideLanguage(undefined, { text: 'Hola, quiero trabajar', hint: 'en-US' }).state.code // 'es'
 */
export function decideLanguage(prev: LanguageState | undefined, input: LanguageInput): LanguageDecision {
  const hinted = languageOfTag(input.hint);
  const state: LanguageState = prev ?? { code: hinted ?? 'en', source: hinted ? 'hint' : 'default', sample: '', seen: 0 };
  const text = input.text.trim();
  if (state.source === 'chosen' || state.seen >= DETECT_MESSAGES || !text || text.startsWith('/')) return { state };
  const next: LanguageState = { ...state, sample: `${state.sample} ${text}`.trim().slice(0, 400), seen: state.seen + 1 };
  const detected = detectLanguage(next.sample);
  if (!detected || detected.lang === next.code) return { state: next };
  if (detected.confident) return { state: { ...next, code: detected.lang, source: 'detected' } };
  // Two words ("Sí, continuar", "React Developer") are too few to bother the candidate with a question.
  if (next.offered || next.sample.split(/\s+/).length < ASK_MIN_WORDS) return { state: next };
  return { state: { ...next, offered: { code: detected.lang, instead: next.code } }, ask: detected.lang };
}

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

/** "es", "Español", "espanol", "English" -> the language, for the confirmation's answer. */
export function languageNamed(text: string): Language | undefined {
  const folded = fold(text);
  return LANGUAGES.find((l) => l === folded || fold(LANGUAGE_NAMES[l]) === folded);
}

/** The confirmation question, in the guessed language, with both languages as choices. */
export function confirmQuestion(offered: Language, instead: Language): OutboundMessage {
  return {
    text: t(offered, 'language.confirm', { language: LANGUAGE_NAMES[offered] }),
    choices: [
      { id: offered, label: LANGUAGE_NAMES[offered] },
      { id: instead, label: LANGUAGE_NAMES[instead] },
    ],
  };
}

/**
 * Settle `lang` as the candidate's choice, say so in it and ask the pending question again (now
 * in that language). Shared by the confirmation answer and `/language <code>`.
 */
export function chooseLanguage(ctx: TurnContext, lang: Language, pendingPrompt?: (c: Conversation) => OutboundMessage | undefined): void {
  const prev = languageSlice.read(ctx.conversation);
  const { offered: _answered, ...rest } = prev ?? { sample: '', seen: 0 };
  ctx.conversation.state = languageSlice.write(ctx.conversation.state, { ...rest, code: lang, source: 'chosen' });
  ctx.reply(t(lang, 'language.switched'));
  const prompt = pendingPrompt?.(ctx.conversation);
  if (prompt) ctx.reply(prompt);
}

export interface LanguageOptions {
  /** The question the candidate is waiting on (the interview plugin's `pendingPrompt`). */
  pendingPrompt?: () => ((c: Conversation) => OutboundMessage | undefined) | undefined;
  /**
   * False for messages that say nothing of the language although they are words: a name, a role
   * title picked from a list (the intake's name and role answers). Detection skips them.
   */
  telling?: (ctx: TurnContext) => boolean;
}

/**
 * Keeps `conversation.state.language` up to date from the candidate's first messages, before
 * anything replies, so every text of the turn is in that language. Answers the confirmation
 * ("Español" / "English") itself; asks for it after the rest of the turn has replied.
 */
export function languageMiddleware(opts: LanguageOptions = {}): Middleware {
  return async (ctx, next) => {
    const prev = languageSlice.read(ctx.conversation);
    const picked = prev?.offered && prev.source !== 'chosen' ? languageNamed(ctx.message.text) : undefined;
    if (picked && prev?.offered && (picked === prev.offered.code || picked === prev.offered.instead)) {
      return chooseLanguage(ctx, picked, opts.pendingPrompt?.());
    }
    const telling = ctx.message.kind !== 'command' && (opts.telling?.(ctx) ?? true);
    const decision = decideLanguage(prev, { text: telling ? ctx.message.text : '', hint: ctx.message.locale });
    ctx.conversation.state = languageSlice.write(ctx.conversation.state, decision.state);
    await next();
    if (decision.ask && decision.state.offered) ctx.reply(confirmQuestion(decision.ask, decision.state.offered.instead));
  };
}
