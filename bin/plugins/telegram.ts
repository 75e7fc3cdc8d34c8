import type { PluginModule } from './types.js';

/** Wiring for the telegram feature. Not built yet: the feature is off. */
export const telegramPlugin: PluginModule = {
  name: 'telegram',
  async create() {
    return undefined;
  },
};
