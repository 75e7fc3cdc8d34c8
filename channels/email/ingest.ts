import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { InboundMessageInput, MediaRef } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import { tokenFromAddress } from './addresses.js';
import { parseMail, type InboundMail, type MailAttachment } from './parse.js';
import type { EmailThreads } from './threads.js';

/** What became of one inbound mail. */
export type IngestOutcome = 'stored' | 'duplicate' | 'auto-reply' | 'bounce' | 'own';

export interface EmailIngestOptions {
  threads: EmailThreads;
  /** Parley's own addresses (sender, reply mailbox): mail from them is never a candidate's (no mail loops). */
  ownAddresses: string[];
  /** Where PDF and Word attachments are kept for the recruiter (the message links them: retention and erasure delete them). */
  attachmentsDir: string;
  /** Where audio attachments wait for the voice pipeline (under `<data>/audio/`, so the retention sweep removes them). */
  voiceDir: string;
  /** The engine's receive: resolves once the message is durable. */
  receive: (inbound: InboundMessageInput) => Promise<{ duplicate: boolean }>;
  /** A hard bounce for a conversation address: mark the candidate unreachable, tell the console. */
  onHardBounce: (externalId: string, detail: { status?: string; messageId: string }) => Promise<void>;
  now: () => Date;
  log: Logger;
}

const KEPT_DOCUMENTS = /^(application\/pdf|application\/msword|application\/vnd\.openxmlformats-officedocument\.wordprocessingml\.document|application\/vnd\.oasis\.opendocument\.text|application\/rtf)$/;

/**
 * One inbound mail, whatever brought it (IMAP or a provider webhook): parsed, classified,
 * routed to its conversation (reply token, then In-Reply-To/References, then the sender) and
 * handed to the engine. Auto-replies and bounces never reach the engine as answers.
 */
export class EmailIngest {
  constructor(private readonly opts: EmailIngestOptions) {}

  async ingest(raw: Buffer | string, envelopeRecipients: string[] = []): Promise<IngestOutcome> {
    const mail = await parseMail(raw, envelopeRecipients);
    if (mail.type === 'auto-reply') {
      this.opts.log.info({ messageId: mail.messageId, from: mail.from, reason: mail.reason }, 'automatic reply ignored (not an answer)');
      return 'auto-reply';
    }
    if (mail.type === 'bounce') {
      await this.bounce(mail);
      return 'bounce';
    }
    if (this.isOwn(mail.from)) {
      this.opts.log.warn({ messageId: mail.messageId, from: mail.from }, 'mail from our own address ignored (no mail loops)');
      return 'own';
    }
    return this.message(mail);
  }

  private isOwn(address: string): boolean {
    const base = address.replace(/\+[^@]*@/, '@');
    return this.opts.ownAddresses.some((own) => own.replace(/\+[^@]*@/, '@') === base);
  }

  private async message(mail: Extract<InboundMail, { type: 'message' }>): Promise<IngestOutcome> {
    const externalId = await this.route(mail);
    const audio = mail.attachments.find((a) => a.mime.startsWith('audio/'));
    const document = mail.attachments.find((a) => KEPT_DOCUMENTS.test(a.mime));
    const kept = audio ?? document;
    const media = kept ? await this.keep(kept) : undefined;
    const kind = audio ? 'voice' : !mail.text && document ? 'media' : 'text';
    // Before the turn can run: the bot's reply must find this mail in the thread (In-Reply-To).
    await this.opts.threads.add(externalId, mail.messageId, mail.subject || undefined);
    const result = await this.opts.receive({
      ref: { channel: 'email', externalId },
      providerMessageId: mail.messageId,
      sender: { id: mail.from, email: mail.from, ...(mail.fromName ? { displayName: mail.fromName } : {}) },
      kind,
      text: audio ? '' : mail.text,
      ...(media ? { media } : {}),
      receivedAt: this.opts.now(),
    });
    return result.duplicate ? 'duplicate' : 'stored';
  }

  /** The conversation: by reply token, then by the thread's Message-IDs, then by the sender. */
  private async route(mail: Extract<InboundMail, { type: 'message' }>): Promise<string> {
    for (const address of mail.recipients) {
      const token = tokenFromAddress(address);
      const byToken = token ? await this.opts.threads.byToken(token) : undefined;
      if (byToken) return byToken;
    }
    for (const id of mail.threadIds) {
      const byThread = await this.opts.threads.byMessageId(id);
      if (byThread) return byThread;
    }
    return mail.from;
  }

  private async bounce(mail: Extract<InboundMail, { type: 'bounce' }>): Promise<void> {
    let externalId: string | undefined;
    for (const id of mail.originalMessageIds) externalId ??= await this.opts.threads.byMessageId(id);
    externalId ??= mail.recipient;
    this.opts.log.warn({ messageId: mail.messageId, hard: mail.hard, status: mail.status, to: externalId }, 'delivery status notification');
    if (mail.hard && externalId) await this.opts.onHardBounce(externalId, { ...(mail.status ? { status: mail.status } : {}), messageId: mail.messageId });
  }

  /** Keep an attachment under its SHA-256 (the recruiter's copy; voice notes are fetched from it). */
  private async keep(a: MailAttachment): Promise<MediaRef> {
    const sha256 = createHash('sha256').update(a.data).digest('hex');
    const dir = a.mime.startsWith('audio/') ? this.opts.voiceDir : this.opts.attachmentsDir;
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const path = join(dir, sha256);
    await writeFile(path, a.data, { mode: 0o600 });
    return { providerRef: `email-attachment:${sha256}`, mime: a.mime, size: a.data.length, sha256, ...(a.mime.startsWith('audio/') ? {} : { storedPath: path }) };
  }
}
