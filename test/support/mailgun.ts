import { createHmac } from 'node:crypto';

/** Where Mailgun routes forward raw MIME ("forward to a URL ending in mime"). */
export const MAILGUN_MIME_PATH = '/webhooks/email/mailgun/mime';
let tokens = 0;

/**
 * The multipart form a Mailgun route posts, signed with `key` as Mailgun signs it (HMAC-SHA256
 * of timestamp + token). `timestamp` (seconds) defaults to now; pass an old one for a replay.
 *
 * @example
 * await fetch(`${app.url}${MAILGUN_MIME_PATH}`, { method: 'POST', body: mailgunForm(raw, KEY) });
 */
export function mailgunForm(raw: string, key: string, opts: { timestamp?: string; sender?: string } = {}): FormData {
  const timestamp = opts.timestamp ?? String(Math.floor(Date.now() / 1000));
  const token = `tok${++tokens}${Math.random().toString(16).slice(2)}`;
  const f = new FormData();
  f.set('recipient', 'jobs@acme.example');
  f.set('sender', opts.sender ?? 'candidate@example.com');
  f.set('timestamp', timestamp);
  f.set('token', token);
  f.set('signature', createHmac('sha256', key).update(timestamp + token).digest('hex'));
  f.set('body-mime', raw);
  return f;
}

/** Posts `raw` to the app's Mailgun route, signed with `key`; the response is the caller's to check. */
export function postMailgun(appUrl: string, raw: string, key: string, opts: { timestamp?: string; sender?: string } = {}): Promise<Response> {
  return fetch(`${appUrl}${MAILGUN_MIME_PATH}`, { method: 'POST', body: mailgunForm(raw, key, opts) });
}

/**
 * A candidate's mail as raw MIME: plain text, or multipart with one base64 attachment
 * (`contentType` is the attachment's whole Content-Type value, parameters included).
 */
export function mimeMail(mail: { from: string; messageId: string; body: string; subject?: string; date?: Date; attachment?: { data: Buffer; contentType: string; filename: string } }): string {
  const head = `From: ${mail.from}\r\nTo: jobs@acme.example\r\nSubject: ${mail.subject ?? 'Application'}\r\nMessage-ID: <${mail.messageId}>\r\nDate: ${(mail.date ?? new Date()).toUTCString()}\r\nMIME-Version: 1.0\r\n`;
  const { attachment } = mail;
  if (!attachment) return `${head}Content-Type: text/plain; charset=utf-8\r\n\r\n${mail.body}\r\n`;
  const b = 'parley-test-boundary-5E1C3F42';
  const base64 = attachment.data.toString('base64').replace(/.{76}/g, '$&\r\n');
  return `${head}Content-Type: multipart/mixed; boundary="${b}"\r\n\r\n--${b}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n${mail.body}\r\n--${b}\r\nContent-Type: ${attachment.contentType}\r\nContent-Disposition: attachment; filename="${attachment.filename}"\r\nContent-Transfer-Encoding: base64\r\n\r\n${base64}\r\n--${b}--\r\n`;
}
