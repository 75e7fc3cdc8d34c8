import type { PluginModule } from './types.js';

/** Wiring for the interview feature. Not built yet: the feature is off. */
export const interviewPlugin: PluginModule = {
  name: 'interview',
  async create() {
    return undefined;
  },
};
