import { interviewCommand, languageCommand, systemMessagesRecordOnly } from '../../bots/commands/index.js';
import { languageMiddleware, languageOf, t } from '../../bots/i18n/index.js';
import { intakeSlice } from '../../bots/intake/index.js';
import { onLocalise } from '../../core/domain/index.js';
import type { TurnContext } from '../../core/engine/index.js';
import type { PluginModule } from './types.js';

/**
 * What every candidate conversation has, whatever the channel (always on): channel system
 * messages (edits) recorded without a reply, `/interview` answered with the pending question
 * (`services.pendingPrompt`, which the interview plugin provides), and the candidate's language
 * (detected from their first messages after voice notes are transcribed, `/language` to switch).
 */
export const conversationPlugin: PluginModule = {
  name: 'conversation',
  async create(ctx) {
    // The core's own candidate texts (takeover notices, the apology) from the same catalogues.
    onLocalise((conversation, key, vars) => t(languageOf(conversation), key, vars));
    return {
      name: 'conversation',
      summary: 'on (edits recorded without a reply, /interview, /language)',
      middleware: { preprocess: [systemMessagesRecordOnly], beforeGate: [languageMiddleware({ pendingPrompt: () => ctx.services.pendingPrompt, telling: saysLanguage })] },
      candidateCommands: {
        interview: interviewCommand(() => ctx.services.pendingPrompt),
        language: languageCommand(() => ctx.services.pendingPrompt),
      },
    };
  },
};

/** A name or a role title (the intake's answers) says nothing of the candidate's language. */
const saysLanguage = (turn: TurnContext): boolean => !['name', 'role'].includes(intakeSlice.read(turn.conversation)?.step ?? '');
