import { interviewCommand, systemMessagesRecordOnly } from '../../bots/commands/index.js';
import type { PluginModule } from './types.js';

/**
 * What every candidate conversation has, whatever the channel (always on): channel system
 * messages (edits) recorded without a reply, and `/interview` answered with the pending question
 * (`services.pendingPrompt`, which the interview plugin provides).
 */
export const conversationPlugin: PluginModule = {
  name: 'conversation',
  async create(ctx) {
    return {
      name: 'conversation',
      summary: 'on (edits recorded without a reply, /interview)',
      middleware: { preprocess: [systemMessagesRecordOnly] },
      candidateCommands: { interview: interviewCommand(() => ctx.services.pendingPrompt) },
    };
  },
};
