import { z } from 'zod';

const count = (what: string) => z.coerce.number({ error: `expected a number of ${what}` }).int('expected a whole number');

/**
 * A `frame-ancestors` source: `'self'`, `*`, or an origin such as `https://careers.example.com`,
 * `https://*.example.com` or `example.com:8443` (no path, no quotes other than 'self').
 */
const FRAME_SOURCE = /^(?:'self'|\*|(?:https?:\/\/)?(?:\*\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*(?::(?:\d{1,5}|\*))?)$/;

/**
 * Env settings of the web chat, merged into the app config (bin/config.ts) and documented in
 * .env.example. Every one has a default.
 */
export const webchatConfigShape = {
  /** Messages one chat session may send per 10 seconds, however many tabs or sockets it uses. */
  WEBCHAT_RATE_LIMIT: count('messages').min(1).max(10_000).default(20),
  /** Messages all web chats from one client address may send per 10 seconds together. */
  WEBCHAT_IP_RATE_LIMIT: count('messages').min(1).max(100_000).default(60),
  /** New chats (a first message from a browser without a session) one client address may start per hour. */
  WEBCHAT_NEW_SESSIONS_PER_IP: count('sessions').min(1).max(1_000_000).default(30),
  /** A chat session expires after this many days without a connection or message (sliding). */
  WEBCHAT_SESSION_TTL_DAYS: z.coerce.number({ error: 'expected a number of days' }).positive('expected more than 0 days').max(3650).default(30),
  /**
   * Sites allowed to show the chat in a frame (the widget's iframe), space- or comma-separated:
   * `https://careers.example.com https://*.example.com`. The chat's own origin is always allowed.
   */
  WEBCHAT_FRAME_ANCESTORS: z
    .string()
    .default('')
    .transform((value) => value.split(/[\s,]+/).filter(Boolean))
    .refine((sources) => sources.every((s) => FRAME_SOURCE.test(s)), {
      error: "expected origins such as https://careers.example.com or https://*.example.com, separated by spaces ('self' and * allowed)",
    }),
  /** The chat's name in its header and greeting; empty: PARLEY_COMPANY_NAME. */
  WEBCHAT_COMPANY_NAME: z.string().max(80).default(''),
  /** Logo or avatar shown in the chat header and on the bot's messages (an https URL or a path on this server); empty: initials. */
  WEBCHAT_LOGO_URL: z
    .string()
    .default('')
    .refine((v) => v === '' || /^https:\/\/[^\s"'<>]+$/.test(v) || /^\/[^\s"'<>]*$/.test(v), { error: 'expected an https:// URL or a path such as /webchat/logo.png' }),
  /** Accent colour of the launcher, header and candidate bubbles (#rgb or #rrggbb); white text must stay readable on it. */
  WEBCHAT_ACCENT_COLOR: z
    .string()
    .default('#2f4ae0')
    .refine((v) => /^#(?:[0-9a-fA-F]{3}){1,2}$/.test(v), { error: 'expected a colour such as #2f4ae0' }),
  /** First words shown before the candidate writes; empty: a greeting naming the company. */
  WEBCHAT_GREETING: z.string().max(500).default(''),
  /** Availability line under the name in the header, e.g. "Recruiters reply Mon-Fri 9-17". */
  WEBCHAT_AVAILABILITY: z.string().max(120).default('Usually replies in a few minutes'),
} satisfies z.ZodRawShape;

export type WebchatSettings = {
  [K in keyof typeof webchatConfigShape]: z.infer<(typeof webchatConfigShape)[K]>;
};
