/**
 * Parley's command line, run compiled from dist/ by scripts/launch.mjs:
 *   npm start                          run the server
 *   npm run parley -- operators ...    manage console operators (see bin/operators-cli.ts)
 *   npm run parley -- api-keys ...     manage public API keys (see bin/api-keys-cli.ts)
 *   npm run parley -- email preview X  render an email template with sample data (bin/email-cli.ts)
 *   npm run parley -- help             this text
 */
import { ValidationError } from '../core/domain/index.js';
import { createParley } from './app.js';
import { ConfigError, loadConfig, readEnv } from './config.js';
import { createLogger } from './logger.js';

const USAGE = `Usage: npm run parley -- <command>   (npm start runs "start")

Commands:
  start      run Parley (web chat at /chat, operator console at /console, health at /health)
  operators  manage operator console accounts: list, add, deactivate, activate, password
  api-keys   manage public API keys: list, create --name <n> --scope read|write|admin, revoke <id>
  email      preview the email templates: email preview <template|all> [--html]
  help       show this help
`;

async function start(): Promise<void> {
  let config;
  try {
    config = loadConfig(readEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every setting.\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const log = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  let parley;
  try {
    parley = await createParley(config, { log });
  } catch (err) {
    // A plugin's settings are incomplete, or a data file (question bank) is invalid.
    if (err instanceof ConfigError || err instanceof ValidationError) {
      process.stderr.write(`${err.message}\n${err instanceof ValidationError ? err.issues.map((i) => `  - ${i}\n`).join('') : 'See .env.example for every setting.\n'}`);
      process.exit(78);
    }
    throw err;
  }
  try {
    await parley.start();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    log.fatal({ err }, code === 'EADDRINUSE' ? `Port ${config.PORT} is already in use: set PORT to another port` : 'Parley failed to start');
    process.exit(1);
  }
  log.info({ chat: `${parley.url}/chat`, console: `${parley.url}/console`, health: `${parley.url}/health`, dataDir: config.dataDir }, `Parley is running: web chat ${parley.url}/chat, operator console ${parley.url}/console, health ${parley.url}/health`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'shutting down: draining in-flight turns');
    const timer = setTimeout(() => {
      log.warn('shutdown timed out; exiting');
      process.exit(1);
    }, config.SHUTDOWN_TIMEOUT_SEC * 1000);
    parley.stop().then(
      () => {
        clearTimeout(timer);
        log.info('stopped cleanly');
        process.exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

const command = process.argv[2] ?? 'start';
if (command === 'start') {
  await start();
} else if (command === 'operators') {
  const { runOperatorsCli } = await import('./operators-cli.js');
  process.exitCode = await runOperatorsCli(process.argv.slice(3), { env: readEnv(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
} else if (command === 'api-keys') {
  const { runApiKeysCli } = await import('./api-keys-cli.js');
  process.exitCode = await runApiKeysCli(process.argv.slice(3), { env: readEnv(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
} else if (command === 'email') {
  const { runEmailCli } = await import('./email-cli.js');
  process.exitCode = await runEmailCli(process.argv.slice(3), { env: readEnv(), out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) });
} else {
  process.stdout.write(USAGE);
  process.exit(command === 'help' || command === '--help' ? 0 : 64);
}
