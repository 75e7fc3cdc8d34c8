import type { PluginModule } from './types.js';

/** Wiring for the jobs feature. Not built yet: the feature is off. */
export const jobsPlugin: PluginModule = {
  name: 'jobs',
  async create() {
    return undefined;
  },
};
