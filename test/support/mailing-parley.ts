import type { Clock } from '../../core/ports/index.js';
import { login } from '../../operator-console/testing.js';
import { startParley, type TestParley } from './harness.js';
import { startSmtpCapture, type CapturedMail, type TestSmtp } from './mail-servers.js';

/** The first admin of a mailing Parley. */
export const MAILING_ADMIN = { email: 'admin@acme.test', password: 'correct-horse-battery' } as const;

export interface MailingParley extends MailParley {
  /** The admin's console token. */
  token: string;
}

export interface MailParley {
  app: TestParley;
  /** Every mail Parley sends (from `Acme Jobs <jobs@acme.example>`). */
  smtp: TestSmtp;
  stop(): Promise<void>;
}

/**
 * A Parley that sends its mail (from `Acme Jobs <jobs@acme.example>`) to a real SMTP capture
 * server; `env` adds to (or overrides) that.
 *
 * @example
 * const { app, smtp } = await startMailParley({ MAILGUN_SIGNING_KEY: KEY });
 */
export async function startMailParley(env: Record<string, string>, opts: { clock?: Clock } = {}): Promise<MailParley> {
  const smtp = await startSmtpCapture();
  const app = await startParley({ EMAIL_FROM: 'Acme Jobs <jobs@acme.example>', SMTP_URL: smtp.url, ...env }, opts).catch(async (err: unknown) => {
    await smtp.stop();
    throw err;
  });
  return {
    app,
    smtp,
    async stop() {
      await app.stop();
      await smtp.stop();
    },
  };
}

/**
 * `startMailParley` with jobs every 50 ms and an admin signed in (`token`).
 *
 * @example
 * const { app, smtp, token } = await startMailingParley({ NUDGE_MAX: '1' }, { clock });
 */
export async function startMailingParley(env: Record<string, string>, opts: { clock?: Clock } = {}): Promise<MailingParley> {
  const mail = await startMailParley(
    { PARLEY_ADMIN_EMAIL: MAILING_ADMIN.email, PARLEY_ADMIN_PASSWORD: MAILING_ADMIN.password, JOBS_PROCESS_EVERY_MS: '50', JOBS_LOCK_LIFETIME_MS: '1000', ...env },
    opts,
  );
  const token = (await login(mail.app.url, MAILING_ADMIN.email, MAILING_ADMIN.password)).token;
  return { ...mail, token };
}

/** The calendar invite (.ics, unfolded) a captured mail carries, if any. */
export function calendarOf(m: CapturedMail): string | undefined {
  const part = m.parsed.attachments.find((a) => a.contentType.startsWith('text/calendar') || a.contentType === 'application/ics');
  return part?.content.toString('utf8').replace(/\r\n[ \t]/g, '');
}
