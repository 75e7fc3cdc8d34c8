import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { z } from 'zod';
import { ErrorCodes, ParleyError } from '../core/domain/index.js';
import { webchatConfigShape } from '../channels/webchat/config.js';
import { clusterConfigShape } from './cluster.js';
import { PLUGIN_CONFIG_SHAPES } from './plugins/config-shapes.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const port = z.coerce
  .number({ error: 'expected a port number' })
  .int('expected a whole number')
  .min(1, 'expected a port between 1 and 65535')
  .max(65535, 'expected a port between 1 and 65535');

/**
 * Every setting, read once from the environment (and `.env`), validated here. `.env.example`
 * documents each variable; keep the two in step.
 */
export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: z.url({ error: 'expected an absolute URL such as https://parley.example.com' }).optional(),
  PARLEY_DATA_DIR: z.string().min(1).default('./data'),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).default('info'),
  LOG_FORMAT: z.enum(['auto', 'json', 'pretty']).default('auto'),
  PARLEY_COMPANY_NAME: z.string().min(1).default('our team'),
  /** Seconds SIGTERM waits for in-flight turns before closing anyway. */
  SHUTDOWN_TIMEOUT_SEC: z.coerce.number().positive().default(10),
  /**
   * "typing…" on channels that have it, once a turn has taken this long without finishing (ms),
   * then every 4 s until it does; a reply ready sooner shows none (botbuilder's ShowTypingMiddleware).
   */
  TYPING_DELAY_MS: z.coerce.number({ error: 'expected a number of milliseconds' }).int().min(0).max(60_000).default(500),
  /**
   * Which proxies to believe about the client address (X-Forwarded-For), as Express's
   * `trust proxy`: unset/false (default: the header is ignored), true, a hop count, or a
   * comma-separated list of addresses, subnets or loopback / linklocal / uniquelocal.
   */
  TRUST_PROXY: z
    .string()
    .transform((v, ctx): boolean | number | string => {
      const value = v.trim();
      if (/^(false|off|no)$/i.test(value)) return false;
      if (/^(true|on|yes)$/i.test(value)) return true;
      if (/^\d+$/.test(value)) return Number(value);
      const bad = value.split(',').map((p) => p.trim()).filter((p) => !/^(loopback|linklocal|uniquelocal)$/.test(p) && isIP(p.split('/')[0] ?? '') === 0);
      if (bad.length > 0) ctx.addIssue({ code: 'custom', message: `expected true, false, a hop count, or addresses/subnets (not ${bad.join(', ')})` });
      return value;
    })
    .default(false),
  /** Seconds a client has to send a whole HTTP request (headers and body); slower ones get 408. */
  HTTP_REQUEST_TIMEOUT_SEC: z.coerce.number({ error: 'expected a number of seconds' }).min(1).max(600).default(30),
  /** Socket.IO connections one client address may hold before signing in to the console (web chat, idle). */
  SOCKET_MAX_CONNECTIONS_PER_IP: z.coerce.number({ error: 'expected a number' }).int().min(1).max(100_000).default(50),
  /** Bearer token for GET /metrics and the details of GET /health (an operator token also works). */
  METRICS_TOKEN: z.string().min(16, 'expected at least 16 characters (e.g. the output of: openssl rand -hex 24)').optional(),
  /** Set: the store and every port run on MongoDB (distributed mode); unset: the embedded SQLite file. */
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\/\S+$/, 'expected a mongodb:// or mongodb+srv:// URL').optional(),
  ...webchatConfigShape,
  ...PLUGIN_CONFIG_SHAPES,
  ...clusterConfigShape,
});

export type Config = z.infer<typeof ConfigSchema> & { publicUrl: string; dataDir: string };

export class ConfigError extends ParleyError {
  constructor(readonly problems: string[]) {
    super(ErrorCodes.CONFIG_INVALID, `Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Validate settings. Process environment wins over `.env`; empty strings count as unset.
 *
 * @example
 * loadConfig({ PORT: 'abc' }) // throws ConfigError: "PORT: expected a port number (got "abc")"
 */
export function loadConfig(env: Record<string, string | undefined>, cwd = process.cwd()): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const name = issue.path.join('.');
        const got = cleaned[name];
        return `${name}: ${issue.message}${got !== undefined ? ` (got ${JSON.stringify(got)})` : ''}`;
      }),
    );
  }
  const c = parsed.data;
  return { ...c, publicUrl: (c.PUBLIC_URL ?? `http://${c.HOST}:${c.PORT}`).replace(/\/$/, ''), dataDir: resolve(cwd, c.PARLEY_DATA_DIR) };
}

/** The process environment merged over `.env` in the working directory, if there is one. */
export function readEnv(cwd = process.cwd()): Record<string, string | undefined> {
  const file = resolve(cwd, '.env');
  const fromFile = existsSync(file) ? parseEnv(readFileSync(file, 'utf8')) : {};
  return { ...fromFile, ...process.env };
}
