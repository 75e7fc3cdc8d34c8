import type { Conversation, OutboundMessage } from '../../core/domain/index.js';
import { chooseLanguage, LANGUAGE_NAMES, LANGUAGES, languageNamed, languageOf, languageOfTag, t } from '../i18n/index.js';
import type { TurnContext } from '../../core/engine/index.js';

/**
 * `/language` lists the languages (and says which one is in use); `/language fr` (or
 * `/language Français`, `/language pt-BR`) switches to it for good: detection never overrides
 * a choice. The pending question is asked again in the new language.
 *
 * @example
 * candidateCommands({ language: languageCommand(() => services.pendingPrompt) });
 */
export function languageCommand(
  pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined,
): (ctx: TurnContext, args: { rest: string }) => void {
  return (ctx, { rest }) => {
    const current = languageOf(ctx.conversation);
    const list = t(current, 'language.list', { languages: LANGUAGES.map((l) => `${l} (${LANGUAGE_NAMES[l]})`).join(', ') });
    if (!rest) return void ctx.reply(`${t(current, 'language.current')}\n${list}`);
    const lang = languageOfTag(rest) ?? languageNamed(rest);
    if (!lang) return void ctx.reply(`${t(current, 'language.unknown', { code: rest.slice(0, 40) })}\n${list}`);
    chooseLanguage(ctx, lang, pendingPrompt());
  };
}
