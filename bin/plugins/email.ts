import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ImapWatcher } from '../../channels/email/imap-watcher.js';
import type { EmailTemplates } from '../../channels/email/index.js';
import { ValidationError } from '../../core/domain/index.js';
import { ConfigError, type Config } from '../config.js';
import { registerVoiceChannel } from './voice.js';
import type { PluginContext, PluginModule } from './types.js';

/**
 * Email: a full channel. Out through SMTP (nodemailer); in from an IMAP folder (imapflow) and/or
 * Mailgun routes. On when EMAIL_FROM and SMTP_URL/SMTP_HOST are set; see docs/email.md.
 */
export const emailPlugin: PluginModule = {
  name: 'email',
  offReason: 'EMAIL_FROM and SMTP_URL (or SMTP_HOST) are not set; see docs/email.md',
  async create(ctx) {
    const c = ctx.config;
    if (!c.EMAIL_FROM && !c.SMTP_URL && !c.SMTP_HOST && !c.IMAP_URL && !c.IMAP_HOST && !c.MAILGUN_SIGNING_KEY) return undefined;
    // nodemailer, mailparser and Handlebars are loaded only when email is configured (start-up time).
    const { default: nodemailer } = await import('nodemailer');
    const { EmailChannel, EmailIngest, EmailThreads, PipelineMailer, mailgunRouter, normaliseAddress, unsubscribeRouter } = await import('../../channels/email/index.js');
    const from = normaliseAddress(c.EMAIL_FROM);
    if (!from) throw new ConfigError(['EMAIL_FROM: required to enable email (an address such as "Acme Jobs <jobs@acme.example>")']);
    if (!c.SMTP_URL && !c.SMTP_HOST) throw new ConfigError(['SMTP_URL: required to enable email (or SMTP_HOST with SMTP_PORT, SMTP_USER, SMTP_PASS)']);
    const log = ctx.log.child({ channel: 'email' });
    const threads = new EmailThreads(ctx.store);
    const attachmentsDir = join(c.dataDir, 'email-attachments');
    // Under audio/: the retention job's sweep of old audio files covers the voice pipeline's inbox too.
    const voiceDir = join(c.dataDir, 'audio', 'email-inbound');
    const templates = await emailTemplates(c);
    const transport = nodemailer.createTransport(smtpOptions(c));
    // Staff mail (console invites) goes out from the same address, outside any candidate thread.
    ctx.services.sendStaffEmail = async (mail) => {
      await transport.sendMail({ from: c.EMAIL_FROM as string, to: mail.to, subject: mail.subject, text: mail.text });
    };
    // HR alerts and digests by email: the same broadcast the HR chats get (chained, like Teams').
    if (c.EMAIL_HR_ALERTS.length > 0) {
      const previous = ctx.services.hrBroadcast;
      ctx.services.hrBroadcast = async (text, kind, about) => {
        const mail = hrAlertMail(text, kind, about, `${c.publicUrl}/console`);
        await Promise.all([previous?.(text, kind, about), transport.sendMail({ from: c.EMAIL_FROM as string, to: c.EMAIL_HR_ALERTS, ...mail })]);
      };
    }
    const channel = new EmailChannel({
      transport,
      from: c.EMAIL_FROM as string,
      replyAddress: c.EMAIL_REPLY_TO?.toLowerCase() ?? from,
      secret: await tokenSecret(ctx),
      publicUrl: c.publicUrl,
      templates,
      threads,
      voiceDir,
      log,
    });
    registerVoiceChannel(ctx, channel);
    const emailRef = (externalId: string) => ({ channel: 'email' as const, externalId });
    const replyAddress = c.EMAIL_REPLY_TO?.toLowerCase() ?? from;
    const ingest = new EmailIngest({
      threads,
      ownAddresses: [from, replyAddress],
      attachmentsDir,
      voiceDir,
      receive: (inbound) => ctx.engine().receive(inbound),
      onHardBounce: async (externalId, detail) => {
        const conversation = await ctx.store.findConversationByRef(emailRef(externalId));
        if (!conversation) return;
        await ctx.engine().mutate(conversation.id, ({ conversation: conv, candidate }) => (candidate.unreachable ? undefined : { conversation: conv, candidate: { ...candidate, unreachable: true } }));
        await ctx.services.notifyOperators?.({
          conversationId: conversation.id,
          kind: 'delivery-failed',
          title: 'Email bounced',
          body: `Mail to ${externalId} bounced${detail.status ? ` (${detail.status})` : ''}: the candidate is marked unreachable by email.`,
        });
      },
      now: () => ctx.clock.now(),
      log,
    });
    // A mail the core refuses as invalid is acknowledged (flagged) and logged: it would be refused again.
    const store = async (raw: Buffer | string, recipients: string[] = []) => {
      try {
        return await ingest.ingest(raw, recipients);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        log.warn({ error: err.message, issues: err.issues.slice(0, 5) }, 'invalid mail acknowledged and dropped');
        return 'invalid';
      }
    };
    ctx.app.use(
      unsubscribeRouter({
        companyName: c.PARLEY_COMPANY_NAME,
        log,
        unsubscribe: async (token) => {
          const externalId = await threads.byToken(token);
          const conversation = externalId && (await ctx.store.findConversationByRef(emailRef(externalId)));
          if (!externalId || !conversation) return false;
          const now = ctx.clock.now();
          // The same path as a candidate writing /stop: one opt-out rule, with its confirmation.
          await ctx.engine().receive({ ref: emailRef(externalId), providerMessageId: `list-unsubscribe:${token}:${now.getTime()}`, sender: { id: externalId, email: externalId }, kind: 'command', text: '/stop', receivedAt: now });
          return true;
        },
      }),
    );
    if (c.MAILGUN_SIGNING_KEY) ctx.app.use(mailgunRouter({ signingKey: c.MAILGUN_SIGNING_KEY, ingest: (raw, recipients) => store(raw, recipients), now: () => ctx.clock.now(), log }));
    const imap = await imapWatcher(c, (raw) => store(raw), log);
    // Pipeline emails that follow the workflow's events (application received, stage changes).
    const pipeline = new PipelineMailer({ store: ctx.store, send: (id, m) => ctx.engine().send(id, m, 'bot'), clock: ctx.clock, company: c.PARLEY_COMPANY_NAME, log });
    let unsubscribe: (() => void) | undefined;
    const inbound = [imap ? `IMAP ${c.IMAP_FOLDER}` : undefined, c.MAILGUN_SIGNING_KEY ? 'Mailgun routes' : undefined].filter(Boolean).join(', ') || 'none (set IMAP_URL or MAILGUN_SIGNING_KEY)';
    return {
      name: 'email',
      summary: `on (from ${from}; inbound: ${inbound}${c.EMAIL_HR_ALERTS.length ? `; HR alerts to ${c.EMAIL_HR_ALERTS.length} address(es)` : ''})`,
      adapters: [channel],
      async start() {
        await channel.start();
        unsubscribe = ctx.bus.subscribe((e) => pipeline.onEvent(e).catch((err: unknown) => log.error({ err, event: e.type, conversationId: e.conversationId }, 'pipeline email failed')));
        await imap?.start();
      },
      async stop() {
        unsubscribe?.();
        await imap?.stop();
        await channel.stop();
      },
      health: () => ({ email: { imap: imap ? { processed: imap.processed, ...(imap.lastError ? { error: imap.lastError } : {}) } : 'off', mailgun: Boolean(c.MAILGUN_SIGNING_KEY) } }),
    };
  },
};

/** An HR alert or digest as a mail: the first line as the subject, a link to the conversation in the console. */
function hrAlertMail(text: string, kind: 'alert' | 'digest', about: { conversationId: string } | undefined, consoleUrl: string) {
  const first = text.split('\n', 1)[0]!.slice(0, 150);
  const link = about ? `\n\nOpen in the console: ${consoleUrl}#/conversations/${encodeURIComponent(about.conversationId)}` : '';
  return { subject: kind === 'digest' ? `Parley digest: ${first}` : `Parley alert: ${first}`, text: `${text}${link}\n` };
}

/** The templates with the company's name, logo and colours (also used by `parley email preview`). */
export async function emailTemplates(c: Config): Promise<EmailTemplates> {
  const { EmailTemplates } = await import('../../channels/email/index.js');
  return new EmailTemplates(
    { companyName: c.PARLEY_COMPANY_NAME, ...(c.EMAIL_LOGO_URL ? { logoUrl: c.EMAIL_LOGO_URL } : {}), brandColor: c.EMAIL_BRAND_COLOR, textColor: c.EMAIL_TEXT_COLOR },
    c.EMAIL_TEMPLATES_DIR,
  );
}

function smtpOptions(c: Config) {
  const dkim = c.EMAIL_DKIM_DOMAIN && c.EMAIL_DKIM_SELECTOR && c.EMAIL_DKIM_PRIVATE_KEY ? { dkim: { domainName: c.EMAIL_DKIM_DOMAIN, keySelector: c.EMAIL_DKIM_SELECTOR, privateKey: c.EMAIL_DKIM_PRIVATE_KEY.replace(/\\n/g, '\n') } } : {};
  if (c.SMTP_URL) return { url: c.SMTP_URL, ...dkim };
  return { host: c.SMTP_HOST, port: c.SMTP_PORT, secure: c.SMTP_SECURE, ...(c.SMTP_USER ? { auth: { user: c.SMTP_USER, pass: c.SMTP_PASS ?? '' } } : {}), ...dkim };
}

async function tokenSecret(ctx: PluginContext): Promise<string> {
  if (ctx.config.EMAIL_TOKEN_SECRET) return ctx.config.EMAIL_TOKEN_SECRET;
  const stored = await ctx.store.kvGet<string>('email', 'token-secret');
  if (stored) return stored;
  const secret = randomBytes(32).toString('hex');
  await ctx.store.kvSet('email', 'token-secret', secret);
  return secret;
}

async function imapWatcher(c: Config, ingest: (raw: Buffer) => Promise<unknown>, log: PluginContext['log']): Promise<ImapWatcher | undefined> {
  if (!c.IMAP_URL && !c.IMAP_HOST) return undefined;
  const url = c.IMAP_URL ? new URL(c.IMAP_URL) : undefined;
  const secure = url ? url.protocol === 'imaps:' : c.IMAP_TLS;
  const settings = {
    host: url?.hostname ?? (c.IMAP_HOST as string),
    port: url?.port ? Number(url.port) : url ? (secure ? 993 : 143) : c.IMAP_PORT,
    secure,
    user: url ? decodeURIComponent(url.username) : (c.IMAP_USER ?? ''),
    pass: url ? decodeURIComponent(url.password) : (c.IMAP_PASS ?? ''),
  };
  if (!settings.user) throw new ConfigError(['IMAP_USER: required with IMAP_HOST (or put the user in IMAP_URL)']);
  // imapflow is loaded only when a mailbox is configured (start-up time).
  const { ImapWatcher } = await import('../../channels/email/imap-watcher.js');
  return new ImapWatcher({ ...settings, folder: c.IMAP_FOLDER, ...(c.IMAP_PROCESSED_FOLDER ? { processedFolder: c.IMAP_PROCESSED_FOLDER } : {}), pollMs: c.IMAP_POLL_SEC * 1000, ingest, log: log.child({ inbound: 'imap' }) });
}
