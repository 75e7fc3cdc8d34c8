import express, { type Request, type Response, type Router } from 'express';
import twilio from 'twilio';
import { z } from 'zod';
import type { InboundMessageInput } from '../../../core/domain/index.js';
import type { ReceiveResult } from '../../../core/engine/index.js';
import type { Logger } from '../../../core/ports/index.js';
import { deliverEach } from '../shared/deliver.js';
import { toE164 } from '../shared/phone.js';
import type { StatusUpdate } from '../shared/provider.js';

export const TWILIO_WEBHOOK_PATH = '/webhooks/twilio/whatsapp';
export const TWILIO_STATUS_PATH = '/webhooks/twilio/whatsapp/status';

export interface TwilioWebhookDeps {
  authToken: string;
  /** The public base URL Twilio calls (PUBLIC_URL): signatures are computed over it. */
  publicUrl: string;
  receive: (inbound: InboundMessageInput) => Promise<ReceiveResult>;
  onStatus: (update: StatusUpdate) => Promise<void>;
  now: () => Date;
  log: Logger;
}

const InboundSchema = z.looseObject({
  MessageSid: z.string().min(1),
  From: z.string().min(1),
  Body: z.string().default(''),
  NumMedia: z.coerce.number().int().default(0),
  MediaUrl0: z.string().optional(),
  MediaContentType0: z.string().optional(),
  ProfileName: z.string().optional(),
  ButtonText: z.string().optional(),
});

const StatusSchema = z.looseObject({
  MessageSid: z.string().min(1),
  MessageStatus: z.string(),
  ErrorCode: z.string().optional(),
  ErrorMessage: z.string().optional(),
});

/**
 * Twilio's WhatsApp webhooks (form-encoded). `X-Twilio-Signature` is checked against the URL
 * Twilio called, i.e. PUBLIC_URL + path: behind a reverse proxy PUBLIC_URL must be the outside
 * https URL, or every request fails validation. Forged or unsigned requests get 403.
 */
export function twilioWebhookRouter(deps: TwilioWebhookDeps): Router {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '1mb' });
  router.post(TWILIO_STATUS_PATH, form, (req, res) => {
    if (!signed(deps, req)) return void res.sendStatus(403);
    void onStatus(deps, req.body).then((code) => res.sendStatus(code), (err: unknown) => failed(deps, err, res));
  });
  router.post(TWILIO_WEBHOOK_PATH, form, (req, res) => {
    if (!signed(deps, req)) return void res.sendStatus(403);
    // A status callback posted to the message URL is handled as one.
    const handler = (req.body as Record<string, unknown>).MessageStatus && !(req.body as Record<string, unknown>).Body ? onStatus : onMessage;
    void handler(deps, req.body).then(
      (code) => res.type('text/xml').status(code).send(code === 200 ? '<Response/>' : ''),
      (err: unknown) => failed(deps, err, res),
    );
  });
  return router;
}

function failed(deps: TwilioWebhookDeps, err: unknown, res: Response): void {
  deps.log.error({ err }, 'whatsapp (twilio): webhook failed');
  res.sendStatus(500);
}

function signed(deps: TwilioWebhookDeps, req: Request): boolean {
  const signature = req.get('x-twilio-signature');
  const url = `${deps.publicUrl}${req.originalUrl}`;
  const ok = typeof signature === 'string' && twilio.validateRequest(deps.authToken, signature, url, (req.body ?? {}) as Record<string, string>);
  if (!ok) deps.log.warn({ url, hasSignature: Boolean(signature) }, 'whatsapp (twilio): invalid signature: rejected (check PUBLIC_URL behind a proxy)');
  return ok;
}

async function onMessage(deps: TwilioWebhookDeps, body: unknown): Promise<number> {
  const parsed = InboundSchema.safeParse(body);
  const phone = parsed.success ? toE164(parsed.data.From) : undefined;
  if (!parsed.success || !phone) {
    deps.log.warn('whatsapp (twilio): malformed message acknowledged and dropped');
    return 200;
  }
  const m = parsed.data;
  const audio = m.NumMedia > 0 && m.MediaUrl0 && (m.MediaContentType0 ?? '').startsWith('audio/');
  const media = m.NumMedia > 0 && m.MediaUrl0 ? { providerRef: m.MediaUrl0, ...(m.MediaContentType0 ? { mime: m.MediaContentType0 } : {}) } : undefined;
  const inbound: InboundMessageInput = {
    ref: { channel: 'whatsapp', externalId: phone, provider: 'twilio' },
    providerMessageId: m.MessageSid,
    sender: { id: phone, phone, ...(m.ProfileName ? { displayName: m.ProfileName } : {}) },
    kind: audio ? 'voice' : media ? 'media' : 'text',
    text: m.ButtonText ?? m.Body,
    ...(media ? { media } : {}),
    receivedAt: deps.now(),
    raw: m,
  };
  // Invalid content is acknowledged (Twilio would retry it in vain); 500 only if the store failed.
  const { failed } = await deliverEach([inbound], async (i) => void (await deps.receive(i)), deps.log, 'whatsapp (twilio) message');
  return failed ? 500 : 200;
}

const STATUS_MAP: Record<string, StatusUpdate['status'] | undefined> = { sent: 'sent', delivered: 'delivered', read: 'read', failed: 'failed', undelivered: 'failed' };

async function onStatus(deps: TwilioWebhookDeps, body: unknown): Promise<number> {
  const parsed = StatusSchema.safeParse(body);
  const status = parsed.success ? STATUS_MAP[parsed.data.MessageStatus] : undefined;
  if (!parsed.success || !status) return 200; // queued/accepted/sending: nothing to record
  const s = parsed.data;
  const error = status === 'failed' ? `${s.MessageStatus}${s.ErrorCode ? ` ${s.ErrorCode}` : ''}${s.ErrorMessage ? `: ${s.ErrorMessage}` : ''}` : undefined;
  const update: StatusUpdate = { providerMessageId: s.MessageSid, status, at: deps.now(), ...(error ? { error } : {}) };
  const { failed } = await deliverEach([update], deps.onStatus, deps.log, 'whatsapp (twilio) status');
  return failed ? 500 : 200;
}
