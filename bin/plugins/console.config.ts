import { z } from 'zod';

/**
 * Env settings for the operator console, merged into the app config. Documented in
 * .env.example. Every one has a default (or is optional), so `npm start` works with no keys.
 */
export const consoleConfigShape = {
  /** Signs console tokens. Unset: generated on first start and kept in <PARLEY_DATA_DIR>/console-jwt.secret (mode 0600). */
  CONSOLE_JWT_SECRET: z.string().min(32, 'expected at least 32 characters (e.g. the output of: openssl rand -base64 48)').optional(),
  CONSOLE_TOKEN_TTL_SEC: z.coerce.number({ error: 'expected a number of seconds' }).int().min(60).max(30 * 24 * 3600).default(12 * 3600),
  /** First start only (no operator yet): the first admin's sign-in. Both or neither. */
  PARLEY_ADMIN_EMAIL: z.email({ error: 'expected an email address' }).optional(),
  PARLEY_ADMIN_PASSWORD: z.string().min(8, 'expected at least 8 characters').max(200).optional(),
  CONSOLE_LOGIN_MAX_ATTEMPTS: z.coerce.number({ error: 'expected a number' }).int().min(1).max(1000).default(5),
  CONSOLE_LOGIN_WINDOW_SEC: z.coerce.number({ error: 'expected a number of seconds' }).int().min(1).max(86_400).default(60),
  /** Per-account sign-in back-off (whatever the IP): delays double from 1 s up to this cap; never a lock-out. */
  CONSOLE_LOGIN_MAX_DELAY_SEC: z.coerce.number({ error: 'expected a number of seconds' }).int().min(1).max(3600).default(300),
  /** Open console sockets re-check their operator this often (deactivation or password change from the CLI). */
  CONSOLE_SESSION_RECHECK_SEC: z.coerce.number({ error: 'expected a number of seconds' }).min(0.05).max(3600).default(5),
  /** How long an operator who went offline keeps their conversations before they are flagged unassigned. */
  CONSOLE_TAKEOVER_GRACE_SEC: z.coerce.number({ error: 'expected a number of seconds' }).min(0).max(86_400).default(120),
  /** Risk alerts (CandidateAtRisk) at this level or above flag the conversation "needs human". */
  CONSOLE_ESCALATE_RISK_LEVEL: z.enum(['low', 'medium', 'high'], { error: 'expected low, medium or high' }).default('low'),
  /** How long a shared assessment report link (minted by a recruiter in the console) opens the printable report. */
  CONSOLE_REPORT_LINK_TTL_SEC: z.coerce.number({ error: 'expected a number of seconds' }).int().min(30).max(7 * 24 * 3600).default(600),
} satisfies z.ZodRawShape;
