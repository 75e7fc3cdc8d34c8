import type { PluginModule } from './types.js';

/** Wiring for the whatsapp feature. Not built yet: the feature is off. */
export const whatsappPlugin: PluginModule = {
  name: 'whatsapp',
  async create() {
    return undefined;
  },
};
