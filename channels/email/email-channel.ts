import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Transporter } from 'nodemailer';
import { ProviderError, type ConversationRef, type MediaRef, type OutboundMessage } from '../../core/domain/index.js';
import type { ChannelAdapter, FetchedMedia, Logger, SendContext, SendResult } from '../../core/ports/index.js';
import { domainOf, plusAddress, replyToken } from './addresses.js';
import { UNSUBSCRIBE_PATH, emailCapabilities } from './definition.js';
import type { EmailTemplates } from './templates.js';
import type { EmailThreads } from './threads.js';

export interface EmailChannelOptions {
  transport: Pick<Transporter, 'sendMail' | 'verify' | 'close'>;
  /** `Acme Jobs <jobs@acme.example>` */
  from: string;
  /** Address replies go to; each conversation gets a plus address of it with its token. */
  replyAddress: string;
  secret: string;
  publicUrl: string;
  templates: EmailTemplates;
  threads: EmailThreads;
  /** Where inbound audio attachments are kept until the voice pipeline fetches them. */
  voiceDir: string;
  log: Logger;
}

/**
 * The email channel, outbound: each message is one mail (text and HTML from one template) with a
 * stable Message-ID, In-Reply-To/References to the conversation's thread, a per-conversation
 * Reply-To token and one-click List-Unsubscribe.
 */
export class EmailChannel implements ChannelAdapter {
  readonly id = 'email' as const;
  readonly capabilities = emailCapabilities;
  private readonly domain: string;

  constructor(private readonly opts: EmailChannelOptions) {
    this.domain = domainOf(opts.replyAddress);
  }

  /** The reply token of a conversation address (also the unsubscribe link's key). */
  async tokenFor(externalId: string): Promise<string> {
    const token = replyToken(this.opts.secret, externalId);
    await this.opts.threads.rememberToken(token, externalId);
    return token;
  }

  unsubscribeUrl(token: string): string {
    return `${this.opts.publicUrl}${UNSUBSCRIBE_PATH}/${token}`;
  }

  async send(ref: ConversationRef, message: OutboundMessage, ctx: SendContext): Promise<SendResult> {
    const to = ref.externalId;
    const token = await this.tokenFor(to);
    const thread = await this.opts.threads.get(to);
    const unsubscribeUrl = this.unsubscribeUrl(token);
    // A pipeline email names its template on the stored message; its body (and, when it starts
    // the thread, its subject) comes from that template. In a thread the subject stays the
    // thread's, so mail clients that thread by subject keep one thread.
    const pipeline = ctx.message.emailTemplate;
    const rendered = this.opts.templates.render(pipeline?.name ?? 'message', { ...pipeline?.data, text: message.text }, { unsubscribeUrl });
    const subject = thread.subject ? `Re: ${thread.subject.replace(/^(re:\s*)+/i, '')}` : rendered.subject;
    // Stable per stored message: a resend after a crash carries the same id.
    const messageId = `${ctx.message.id}@${this.domain}`;
    const replyTo = plusAddress(this.opts.replyAddress, token);
    const last = thread.ids.at(-1);
    // Into the thread before the mail goes out, not after: the candidate can answer as soon as the
    // mail is delivered, which may be before sendMail returns, and their answer must come after it
    // in the thread (the next bot mail answers theirs, not this one). The id is stable per stored
    // message, so a retry after a failed send keeps its place (adds are idempotent).
    await this.opts.threads.add(to, messageId, thread.subject ?? rendered.subject);
    try {
      await this.opts.transport.sendMail({
        from: this.opts.from,
        to,
        replyTo,
        subject,
        text: rendered.text,
        html: rendered.html,
        messageId: `<${messageId}>`,
        ...(pipeline?.calendar ? { icalEvent: { method: pipeline.calendar.method, filename: 'interview.ics', content: pipeline.calendar.ics } } : {}),
        ...(last ? { inReplyTo: `<${last}>`, references: thread.ids.map((id) => `<${id}>`) } : {}),
        headers: {
          'List-Unsubscribe': `<${unsubscribeUrl}>, <mailto:${replyTo}?subject=unsubscribe>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
          // Asks Exchange/Outlook not to answer our mails with out-of-office replies.
          'X-Auto-Response-Suppress': 'OOF, AutoReply',
        },
      });
    } catch (err) {
      throw smtpError(err);
    }
    return { providerMessageId: messageId };
  }

  async fetchMedia(_ref: ConversationRef, media: MediaRef): Promise<FetchedMedia> {
    const name = media.providerRef.replace(/^email-attachment:/, '');
    if (!/^[0-9a-f]{64}$/.test(name)) throw new ProviderError('email', `unknown attachment ${media.providerRef}`, { permanent: true });
    return { data: await readFile(join(this.opts.voiceDir, name)), mime: media.mime ?? 'application/octet-stream' };
  }

  async start(): Promise<void> {
    // Say early when SMTP is unreachable or refuses the login; sends still retry later.
    await this.opts.transport.verify().catch((err: unknown) => this.opts.log.warn({ err: String(err) }, 'SMTP server not ready yet (sends will retry)'));
  }

  async stop(): Promise<void> {
    this.opts.transport.close();
  }
}

/** SMTP 5xx for the recipient is permanent (and the address unreachable); 4xx and network errors retry. */
function smtpError(err: unknown): ProviderError {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const status = e.responseCode;
  const permanent = status !== undefined && status >= 500;
  const recipient = e.code === 'EENVELOPE' || (permanent && [550, 551, 553].includes(status));
  return new ProviderError('email', e.message ?? String(err), { ...(status ? { status } : {}), ...(e.code ? { providerCode: e.code } : {}), permanent, unreachable: recipient && permanent, cause: err });
}
