import type { PluginModule } from './types.js';

/** Wiring for the console feature. Not built yet: the feature is off. */
export const consolePlugin: PluginModule = {
  name: 'console',
  async create() {
    return undefined;
  },
};
