import { optOutGate } from '../../bots/commands/index.js';
import type { PluginModule } from './types.js';

/**
 * STOP and START on every channel (always on): after STOP the candidate's messages are recorded
 * and only START is answered; the outbound policy keeps everything but the confirmation from them.
 */
export const optOutPlugin: PluginModule = {
  name: 'opt-out',
  async create() {
    return { name: 'opt-out', summary: 'on (STOP and START on every channel)', middleware: { beforeGate: [optOutGate()] } };
  },
};
