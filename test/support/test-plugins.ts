import type { PluginModule } from '../../bin/plugins/index.js';
import type { AgendaScheduler } from '../../jobs/index.js';

/**
 * A feature whose scheduled job always fails (an export target that is down): `ats-export`
 * throws "ATS unreachable" on every run. Add it after `PLUGINS`.
 *
 * @example
 * await startParley({ JOBS_MAX_RETRIES: '0' }, { plugins: [...PLUGINS, brokenJob] });
 */
export const brokenJob: PluginModule = {
  name: 'broken-job',
  async create(ctx) {
    (ctx.services.scheduler as AgendaScheduler).define('ats-export', {
      async run() {
        throw new Error('ATS unreachable');
      },
    });
    return { name: 'broken-job' };
  },
};
