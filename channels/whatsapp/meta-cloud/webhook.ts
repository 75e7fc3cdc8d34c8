import express, { type Router } from 'express';
import type { InboundMessageInput } from '../../../core/domain/index.js';
import type { ReceiveResult } from '../../../core/engine/index.js';
import type { Logger } from '../../../core/ports/index.js';
import type { StatusUpdate } from '../shared/provider.js';
import { deliverEach } from '../shared/deliver.js';
import { safeEqual, verifyMetaSignature } from '../shared/signature.js';
import { normaliseMetaWebhook } from './normalise.js';
import { MetaWebhookSchema } from './schema.js';

export const META_WEBHOOK_PATH = '/webhooks/whatsapp';

export interface MetaWebhookDeps {
  verifyToken: string;
  appSecret: string;
  receive: (inbound: InboundMessageInput) => Promise<ReceiveResult>;
  onStatus: (update: StatusUpdate) => Promise<void>;
  markRead?: (providerMessageId: string) => Promise<void>;
  /** Receipt time, for items whose timestamp is not a date. */
  now: () => Date;
  log: Logger;
}

/**
 * `GET /webhooks/whatsapp`: Meta's subscription handshake. `POST`: signature checked on the raw
 * body before anything is parsed (401 otherwise); every message and status of the batch handled
 * on its own, then 200 so Meta stops retrying; malformed, invalid or unhandled items are logged
 * and acknowledged. 500 only when the store failed (Meta retries; stored items are deduplicated).
 */
export function metaWebhookRouter(deps: MetaWebhookDeps): Router {
  const router = express.Router();
  router.get(META_WEBHOOK_PATH, (req, res) => {
    const mode = req.query['hub.mode'];
    const token = req.query['hub.verify_token'];
    const challenge = req.query['hub.challenge'];
    if (mode === 'subscribe' && typeof token === 'string' && safeEqual(token, deps.verifyToken) && typeof challenge === 'string') {
      res.type('text/plain').send(challenge);
      return;
    }
    deps.log.warn('whatsapp (meta): webhook verification with a wrong token refused');
    res.sendStatus(403);
  });
  router.post(META_WEBHOOK_PATH, express.raw({ type: '*/*', limit: '2mb' }), (req, res) => {
    void handlePost(deps, req.body as Buffer, req.get('x-hub-signature-256')).then(
      (status) => res.sendStatus(status),
      (err: unknown) => {
        deps.log.error({ err }, 'whatsapp (meta): webhook delivery failed');
        res.sendStatus(500);
      },
    );
  });
  return router;
}

async function handlePost(deps: MetaWebhookDeps, raw: Buffer, signature: string | undefined): Promise<number> {
  if (!Buffer.isBuffer(raw) || !verifyMetaSignature(raw, signature, deps.appSecret)) {
    deps.log.warn({ hasSignature: Boolean(signature) }, 'whatsapp (meta): webhook signature invalid: rejected');
    return 401;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    deps.log.warn('whatsapp (meta): webhook body is not JSON: acknowledged and dropped');
    return 200;
  }
  const parsed = MetaWebhookSchema.safeParse(json);
  if (!parsed.success) {
    deps.log.warn({ issues: parsed.error.issues.slice(0, 3) }, 'whatsapp (meta): unexpected webhook shape: acknowledged and dropped');
    return 200;
  }
  const { inbound, statuses, ignored } = normaliseMetaWebhook(parsed.data, deps.log, deps.now());
  if (ignored.length) deps.log.info({ ignored }, 'whatsapp (meta): unhandled webhook items acknowledged');
  const messages = await deliverEach(
    inbound,
    async (message) => {
      const result = await deps.receive(message);
      if (!result.duplicate) void deps.markRead?.(message.providerMessageId);
    },
    deps.log,
    'whatsapp (meta) message',
  );
  const updates = await deliverEach(statuses, deps.onStatus, deps.log, 'whatsapp (meta) status');
  // Not all persisted: let Meta retry the delivery.
  return messages.failed + updates.failed > 0 ? 500 : 200;
}
