import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type Attachment, type ParsedMail } from 'mailparser';
import { messageIds, normaliseAddress } from './addresses.js';
import { newText } from './quotes.js';

export interface MailAttachment {
  filename?: string;
  mime: string;
  data: Buffer;
}

/** An inbound mail as the email channel needs it, provider format aside. */
export type InboundMail =
  | {
      type: 'message';
      messageId: string;
      from: string;
      fromName?: string;
      /** Every address it was sent to (To, Cc, Delivered-To, X-Original-To, the envelope). */
      recipients: string[];
      /** In-Reply-To first, then References newest first. */
      threadIds: string[];
      subject: string;
      /** The new text only (quoted history and signature cut); HTML-only mails converted. */
      text: string;
      attachments: MailAttachment[];
      date?: Date;
    }
  | { type: 'auto-reply'; messageId: string; from?: string; reason: string }
  | { type: 'bounce'; messageId: string; hard: boolean; status?: string; recipient?: string; originalMessageIds: string[] };

/**
 * Parse a raw RFC 5322 message and say what it is: a message from a person, an automatic reply
 * (out-of-office and friends: never an answer) or a delivery status notification (bounce).
 */
export async function parseMail(raw: Buffer | string, envelopeRecipients: string[] = []): Promise<InboundMail> {
  const mail = await simpleParser(raw, { skipImageLinks: true });
  const messageId = messageIds(mail.messageId)[0] ?? mail.messageId?.replace(/[<>]/g, '') ?? `sha256-${createHash('sha256').update(raw).digest('hex')}@parley.invalid`;
  const from = normaliseAddress(firstAddress(mail.from));
  const bounce = asBounce(mail, from);
  if (bounce) return { type: 'bounce', messageId, ...bounce };
  const auto = autoReplyReason(mail);
  if (auto) return { type: 'auto-reply', messageId, ...(from ? { from } : {}), reason: auto };
  if (!from) return { type: 'auto-reply', messageId, reason: 'no sender address' };
  const body = mail.text ?? '';
  const recipients = [...addresses(mail.to), ...addresses(mail.cc), ...headerAddresses(mail, 'delivered-to'), ...headerAddresses(mail, 'x-original-to'), ...envelopeRecipients]
    .map((a) => normaliseAddress(a))
    .filter((a): a is string => Boolean(a));
  const name = mail.from?.value[0]?.name;
  return {
    type: 'message',
    messageId,
    from,
    ...(name ? { fromName: name } : {}),
    recipients: [...new Set(recipients)],
    threadIds: [...new Set([...messageIds(mail.inReplyTo), ...messageIds(mail.references).reverse()])],
    subject: mail.subject ?? '',
    text: newText(body),
    attachments: mail.attachments.filter((a) => !a.related).map(toAttachment),
    ...(mail.date ? { date: mail.date } : {}),
  };
}

/** Why a mail is an automatic reply (RFC 3834 Auto-Submitted, X-Autoreply, Precedence), or undefined. */
function autoReplyReason(mail: ParsedMail): string | undefined {
  const h = (name: string) => headerText(mail, name)?.toLowerCase();
  const autoSubmitted = h('auto-submitted');
  if (autoSubmitted && autoSubmitted !== 'no') return `Auto-Submitted: ${autoSubmitted}`;
  for (const name of ['x-autoreply', 'x-autorespond', 'x-auto-reply']) if (h(name)) return `${name}: ${h(name)}`;
  const precedence = h('precedence');
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply', 'auto-reply'].includes(precedence)) return `Precedence: ${precedence}`;
  if (h('x-auto-response-suppress') && /^(automatic reply|auto(matic)?[- ]reply|out of (the )?office)/i.test(mail.subject ?? '')) return 'Outlook automatic reply';
  return undefined;
}

/** A delivery status notification (RFC 3464 multipart/report, or a mailer-daemon's mail). */
function asBounce(mail: ParsedMail, from: string | undefined): { hard: boolean; status?: string; recipient?: string; originalMessageIds: string[] } | undefined {
  const type = mail.headers.get('content-type') as { value?: string; params?: Record<string, string> } | undefined;
  const isReport = type?.value === 'multipart/report' && type.params?.['report-type']?.toLowerCase() === 'delivery-status';
  const fromDaemon = /^(mailer-daemon|postmaster)@/i.test(from ?? '');
  if (!isReport && !fromDaemon) return undefined;
  const parts = mail.attachments.map((a) => ({ type: a.contentType.toLowerCase(), text: a.content.toString('utf8') }));
  const dsn = parts.find((p) => p.type === 'message/delivery-status')?.text ?? (mail.text ?? '');
  const original = parts.find((p) => p.type === 'message/rfc822' || p.type === 'text/rfc822-headers')?.text ?? (mail.text ?? '');
  const status = /^Status:\s*([245]\.\d{1,3}\.\d{1,3})/im.exec(dsn)?.[1];
  const recipient = normaliseAddress(/^(?:Final|Original)-Recipient:\s*rfc822;\s*(\S+)/im.exec(dsn)?.[1]);
  const action = /^Action:\s*(\w+)/im.exec(dsn)?.[1]?.toLowerCase();
  const hard = status ? status.startsWith('5') : action === 'failed';
  const originalMessageIds = messageIds(/^Message-ID:\s*(<[^>]+>)/im.exec(original)?.[1]);
  return { hard, ...(status ? { status } : {}), ...(recipient ? { recipient } : {}), originalMessageIds };
}

function toAttachment(a: Attachment): MailAttachment {
  return { ...(a.filename ? { filename: a.filename } : {}), mime: a.contentType.toLowerCase(), data: a.content };
}

function firstAddress(value: AddressObject | AddressObject[] | undefined): string | undefined {
  return addresses(value)[0];
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(value) ? value : value ? [value] : [];
  return list.flatMap((o) => o.value.map((v) => v.address ?? '')).filter(Boolean);
}

function headerText(mail: ParsedMail, name: string): string | undefined {
  const v = mail.headers.get(name);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'object' && v && 'value' in v && typeof v.value === 'string') return v.value.trim();
  return String(v);
}

function headerAddresses(mail: ParsedMail, name: string): string[] {
  const v = mail.headers.get(name);
  if (!v) return [];
  if (typeof v === 'string') return [v];
  if (typeof v === 'object' && 'value' in v && Array.isArray(v.value)) return (v as AddressObject).value.map((x) => x.address ?? '');
  return [];
}
