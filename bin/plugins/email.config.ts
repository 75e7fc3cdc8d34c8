import { z } from 'zod';

const optionalUrl = (example: string) => z.url({ error: `expected a URL such as ${example}` }).optional();
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

/**
 * Env settings of the email channel, merged into the app config; documented in .env.example.
 * The channel is on when EMAIL_FROM and an SMTP server (SMTP_URL or SMTP_HOST) are set.
 */
export const emailConfigShape = {
  /** Sender of every mail, e.g. `Acme Jobs <jobs@acme.example>`; with SMTP, turns the channel on. */
  EMAIL_FROM: z.string().min(3).optional(),
  /** Where replies go (plus-addressed per conversation); default: EMAIL_FROM's address. */
  EMAIL_REPLY_TO: z.email({ error: 'expected an address such as jobs@acme.example' }).optional(),
  /** Signs reply tokens and unsubscribe links; default: generated once and kept in the store. */
  EMAIL_TOKEN_SECRET: z.string().min(16, 'expected at least 16 characters').optional(),
  SMTP_URL: optionalUrl('smtps://user:pass@smtp.example.com:465'),
  SMTP_HOST: z.string().min(1).optional(),
  SMTP_PORT: z.coerce.number().int().min(1).max(65535).default(587),
  SMTP_USER: z.string().optional(),
  SMTP_PASS: z.string().optional(),
  /** true: TLS from the start (port 465); false: STARTTLS when the server offers it. */
  SMTP_SECURE: bool.default(false),
  /** DKIM signing (optional): domain, selector and the private key (PEM, \n for newlines). */
  EMAIL_DKIM_DOMAIN: z.string().optional(),
  EMAIL_DKIM_SELECTOR: z.string().optional(),
  EMAIL_DKIM_PRIVATE_KEY: z.string().optional(),
  IMAP_URL: optionalUrl('imaps://user:pass@imap.example.com:993'),
  IMAP_HOST: z.string().min(1).optional(),
  IMAP_PORT: z.coerce.number().int().min(1).max(65535).default(993),
  IMAP_USER: z.string().optional(),
  IMAP_PASS: z.string().optional(),
  IMAP_TLS: bool.default(true),
  IMAP_FOLDER: z.string().min(1).default('INBOX'),
  /** Move processed mail to this folder; unset: it stays, flagged $ParleyProcessed. */
  IMAP_PROCESSED_FOLDER: z.string().min(1).optional(),
  IMAP_POLL_SEC: z.coerce.number().min(0.2).max(3600).default(60),
  /** Mailgun's HTTP webhook signing key: turns on POST /webhooks/email/mailgun/mime. */
  MAILGUN_SIGNING_KEY: z.string().min(8).optional(),
  /** A folder of .hbs templates that replace the shipped ones of the same name. */
  EMAIL_TEMPLATES_DIR: z.string().min(1).optional(),
  EMAIL_LOGO_URL: optionalUrl('https://acme.example/logo.png'),
  EMAIL_BRAND_COLOR: z.string().regex(/^#[0-9a-fA-F]{3,8}$/, 'expected a colour like #0b5fff').default('#0b5fff'),
  EMAIL_TEXT_COLOR: z.string().regex(/^#[0-9a-fA-F]{3,8}$/, 'expected a colour like #1f2937').default('#1f2937'),
  /** HR alerts and digests by email (the hrBroadcast the HR chats get): comma-separated addresses. */
  EMAIL_HR_ALERTS: z
    .string()
    .optional()
    .transform((v) => (v ? v.split(',').map((a) => a.trim()).filter(Boolean) : []))
    .pipe(z.array(z.email({ error: 'expected comma-separated email addresses such as hr@acme.example,lead@acme.example' }))),
} satisfies z.ZodRawShape;
