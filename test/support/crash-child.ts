/**
 * A Parley server for crash-recovery tests: what `parley start` runs, plus a crash hook injected
 * through `ParleyOptions` (never through production configuration) that kills the process with
 * SIGKILL when the engine reaches `CRASH_POINT` (after-persist | after-commit).
 */
import { createParley } from '../../bin/app.js';
import { loadConfig, readEnv } from '../../bin/config.js';
import { createLogger } from '../../bin/logger.js';

const point = process.env.CRASH_POINT;
if (point !== 'after-persist' && point !== 'after-commit') throw new Error(`CRASH_POINT must be after-persist or after-commit, got ${point}`);
const config = loadConfig(readEnv());
const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const parley = await createParley(config, {
  log,
  crashHook: (reached) => {
    if (reached !== point) return;
    log.warn({ point }, 'crash point reached: killing the process');
    process.kill(process.pid, 'SIGKILL');
  },
});
await parley.start();
log.info({ url: parley.url }, `Parley is running: ${parley.url} (crash test: dies at ${point})`);
process.on('SIGTERM', () => void parley.stop().then(() => process.exit(0)));
