/**
 * Driving the WhatsApp providers' real entry points from tests, as the providers do: a Meta Cloud
 * API webhook delivery signed with the app secret (`x-hub-signature-256`), a Twilio form post
 * signed with the auth token (`x-twilio-signature`), and fakes (nock) of the APIs Parley sends
 * through (Meta's Graph API, Twilio's Messages API) that record what the candidate's phone would
 * get. Forged signatures and malformed bodies are built by the tests that need them (see
 * test/whatsapp-meta.test.ts, test/fuzz-webhooks.test.ts), with `metaSignature`/`twilioSignature`.
 */
import { afterAll, beforeAll } from '@jest/globals';
import { createHmac } from 'node:crypto';
import nock from 'nock';
import twilio from 'twilio';

export const META_WEBHOOK = '/webhooks/whatsapp';
export const TWILIO_WEBHOOK = '/webhooks/twilio/whatsapp';
/** The phone number id in the recorded Meta deliveries (test/__fixtures__/whatsapp/meta). */
export const META_PHONE_NUMBER_ID = '106540352242922';
/** The Twilio account in the recorded Twilio deliveries (test/__fixtures__/whatsapp/twilio). */
export const TWILIO_ACCOUNT_SID = 'ACd1f8c0b2a3e4f5a6b7c8d9e0f1a2b3c4';

/** The Meta Cloud API number tests configure (`metaEnv()`) and sign for: its app secret, Graph API base and phone number id. */
export const META = { secret: 'meta-app-secret', graphUrl: 'http://graph.test/v21.0', phoneNumberId: META_PHONE_NUMBER_ID } as const;
/** Parley's env for the Meta Cloud API provider of `META`. */
export function metaEnv(): Record<string, string> {
  return { WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token', WHATSAPP_PHONE_NUMBER_ID: META.phoneNumberId, WHATSAPP_APP_SECRET: META.secret, WHATSAPP_VERIFY_TOKEN: 'verify-me', WHATSAPP_GRAPH_URL: META.graphUrl };
}

/** The Twilio WhatsApp sender tests configure (`twilioEnv()`) and sign for: its auth token, PUBLIC_URL and REST API base. */
export const TWILIO = { accountSid: TWILIO_ACCOUNT_SID, token: 'twilio-auth-token', publicUrl: 'https://parley.example.com', api: 'http://twilio.test' } as const;
/** Parley's env for the Twilio provider of `TWILIO` (PUBLIC_URL included: Twilio signs the public URL). */
export function twilioEnv(): Record<string, string> {
  return { PUBLIC_URL: TWILIO.publicUrl, TWILIO_ACCOUNT_SID: TWILIO.accountSid, TWILIO_AUTH_TOKEN: TWILIO.token, TWILIO_WHATSAPP_FROM: '+14155238886', TWILIO_API_BASE_URL: TWILIO.api };
}

/** Only loopback for this test file: no request may reach the internet; the provider APIs are nock's. */
export function nockLoopbackOnly(): void {
  beforeAll(() => {
    nock.disableNetConnect();
    nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  });
  afterAll(() => nock.enableNetConnect());
}

// ---- Meta Cloud API ----

/** What a Meta webhook delivery of messages looks like (the slice tests touch). */
export interface MetaPayload {
  object: 'whatsapp_business_account';
  entry: { id: string; changes: { field: string; value: { messaging_product: string; metadata: Record<string, string>; contacts: { profile: { name: string }; wa_id: string }[]; messages: Record<string, unknown>[] } }[] }[];
}

/**
 * A Meta webhook delivery of one message from `from` (digits, no "+"), shaped like
 * test/__fixtures__/whatsapp/meta/text.json: `message` holds the rest (id, timestamp, type and
 * its content).
 */
export function metaPayload(from: string, message: Record<string, unknown>, opts: { name?: string; phoneNumberId?: string } = {}): MetaPayload {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: {
              messaging_product: 'whatsapp',
              metadata: { display_phone_number: '15550783881', phone_number_id: opts.phoneNumberId ?? META_PHONE_NUMBER_ID },
              contacts: [{ profile: { name: opts.name ?? 'Ana Lima' }, wa_id: from }],
              messages: [{ from, ...message }],
            },
          },
        ],
      },
    ],
  };
}

/** A text message delivery (the recorded fixture's, with its own id, text and, if given, time and sender). */
export function metaText(text: string, id: string, opts: { from?: string; timestamp?: string; name?: string } = {}): MetaPayload {
  return metaPayload(opts.from ?? '4915112345678', { id, timestamp: opts.timestamp ?? '1767261600', text: { body: text }, type: 'text' }, opts.name ? { name: opts.name } : {});
}

/** Meta's `x-hub-signature-256`: HMAC-SHA256 of the raw body with the app secret. */
export function metaSignature(body: string | Uint8Array, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/**
 * POSTs `payload` to Parley's Meta webhook at `url`, signed with `secret` as Meta signs it.
 * `opts.body` sends other bytes than the payload's (still signed over the payload: a stale
 * signature); `opts.signature` replaces the signature (`null`: none).
 */
export function postMeta(url: string, payload: unknown, secret: string, opts: { body?: string; signature?: string | null } = {}): Promise<Response> {
  const signed = JSON.stringify(payload);
  const signature = opts.signature === undefined ? metaSignature(signed, secret) : opts.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  return fetch(`${url}${META_WEBHOOK}`, { method: 'POST', headers, body: opts.body ?? signed });
}

type GraphChoice = { id: string; title: string };
/** A message Parley sent through the Graph API (the fields tests read). */
export type GraphSend = Record<string, unknown> & {
  to?: string;
  type?: string;
  text?: { body: string };
  interactive?: { type: string; body: { text: string }; action: { buttons?: { reply: GraphChoice }[]; sections?: { rows: GraphChoice[] }[] } };
  audio?: { id: string };
};

/** The text a phone shows for a sent message (`[type]` for one without text, such as a template). */
export const graphText = (m: GraphSend): string => m.text?.body ?? m.interactive?.body.text ?? `[${m.type}]`;
/** An interactive message's reply buttons or list rows (none for other messages). */
export const graphChoices = (m: GraphSend): GraphChoice[] => {
  const action = m.interactive?.action;
  if (!action) return [];
  return action.buttons ? action.buttons.map((b) => b.reply) : (action.sections ?? []).flatMap((s) => s.rows);
};

/**
 * Meta's Graph API send endpoint under `graphUrl` (WHATSAPP_GRAPH_URL) for `phoneNumberId`,
 * faked: each message Parley sends is pushed on `sent` and answered like Meta, with the id
 * `wamid.out.<sent.length>`; a read receipt is answered `{ success: true }` and its message id
 * pushed on `opts.reads` (not on `sent`). Answers `opts.times` requests (default: every one).
 */
export function fakeGraphSends(graphUrl: string, phoneNumberId: string, sent: GraphSend[], opts: { times?: number; reads?: string[] } = {}): nock.Scope {
  const { origin, pathname } = new URL(graphUrl);
  const scope = nock(origin);
  const route = opts.times === undefined ? scope.persist().post(`${pathname}/${phoneNumberId}/messages`) : scope.post(`${pathname}/${phoneNumberId}/messages`).times(opts.times);
  return route.reply(200, async (req: unknown) => {
    // nock 15 hands the reply function the fetch Request.
    const json = (await (req as Request).json()) as GraphSend & { status?: string; message_id?: string };
    if (json.status === 'read') {
      opts.reads?.push(json.message_id ?? '');
      return { success: true };
    }
    sent.push(json);
    return { messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: json.to }], messages: [{ id: `wamid.out.${sent.length}` }] };
  });
}

// ---- Twilio ----

/**
 * The form Twilio posts for a WhatsApp text from `from` (digits, no "+"), with `sid` as its
 * MessageSid (and SmsSid, SmsMessageSid).
 */
export function twilioText(text: string, sid: string, opts: { from?: string; accountSid?: string } = {}): Record<string, string> {
  const from = opts.from ?? '4915112345678';
  return { MessageSid: sid, SmsMessageSid: sid, SmsSid: sid, AccountSid: opts.accountSid ?? TWILIO_ACCOUNT_SID, From: `whatsapp:+${from}`, To: 'whatsapp:+14155238886', Body: text, NumMedia: '0', ProfileName: 'Ana Lima', WaId: from, MessageType: 'text', ApiVersion: '2010-04-01' };
}

/** Twilio's `x-twilio-signature` for a form posted to `publicUrl` + `path` (PUBLIC_URL is what Parley checks against). */
export function twilioSignature(token: string, publicUrl: string, path: string, params: Record<string, string>): string {
  return twilio.getExpectedTwilioSignature(token, `${publicUrl}${path}`, params);
}

/**
 * POSTs the form `params` to Parley at `url` + `path` (TWILIO_WEBHOOK, or its /status),
 * signed with the auth token as Twilio signs it, or with the given signature (`null`: none).
 */
export function postTwilio(url: string, path: string, params: Record<string, string>, sign: { token: string; publicUrl: string } | { signature: string | null }): Promise<Response> {
  const signature = 'signature' in sign ? sign.signature : twilioSignature(sign.token, sign.publicUrl, path, params);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return fetch(`${url}${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() });
}

/**
 * Twilio's Messages API under `apiBase` (TWILIO_API_BASE_URL) for account `sid`, faked: each
 * message Parley sends is pushed on `sent` (the posted form) and answered like Twilio, with the
 * sid `SMout<sent.length>`. Answers `opts.times` requests (default: every one).
 */
export function fakeTwilioSends(apiBase: string, sid: string, sent: URLSearchParams[], opts: { times?: number } = {}): nock.Scope {
  const scope = nock(apiBase);
  const path = `/2010-04-01/Accounts/${sid}/Messages.json`;
  const route = opts.times === undefined ? scope.persist().post(path) : scope.post(path).times(opts.times);
  return route.reply(201, async (req: unknown) => {
    const form = new URLSearchParams(await (req as Request).text());
    sent.push(form);
    return { sid: `SMout${sent.length}`, status: 'queued', account_sid: sid, to: form.get('To'), from: form.get('From') };
  });
}
