import pino from 'pino';
import type { Logger } from '../core/ports/index.js';

/** Fields that carry personal data: message text, phone numbers, emails, raw payloads. */
const PERSONAL = ['text', 'phone', 'email', 'raw', 'sender', 'name', 'body'];
const REDACT_PATHS = PERSONAL.flatMap((k) => [k, `*.${k}`]);

/**
 * pino: JSON in production, pretty on a terminal. Personal data is redacted unless the level is
 * debug or trace (where developers explicitly ask to see it).
 */
export function createLogger(opts: { level: string; format: 'auto' | 'json' | 'pretty'; destination?: pino.DestinationStream }): Logger {
  const verbose = opts.level === 'debug' || opts.level === 'trace';
  const pretty = opts.format === 'pretty' || (opts.format === 'auto' && process.stdout.isTTY && !opts.destination);
  const options: pino.LoggerOptions = {
    level: opts.level,
    base: { service: 'parley' },
    ...(verbose ? {} : { redact: { paths: REDACT_PATHS, censor: '[redacted]' } }),
    ...(pretty ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname,service', translateTime: 'SYS:HH:MM:ss' } } } : {}),
  };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}
