import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { Router } from 'express';
import { ValidationError, errorMessage } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import { MAILGUN_WEBHOOK_PATH, UNSUBSCRIBE_PATH } from './definition.js';

/** Mailgun's signature: hex HMAC-SHA256 of timestamp + token with the webhook signing key. */
export function verifyMailgunSignature(key: string, timestamp: string, token: string, signature: string): boolean {
  const expected = Buffer.from(createHmac('sha256', key).update(timestamp + token).digest('hex'));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** How old a signed Mailgun post may be (replays of an old capture are refused). */
const MAILGUN_MAX_AGE_SEC = 15 * 60;

/**
 * Mailgun routes ("forward" to a URL ending in `mime`): verify the signature, then hand the full
 * MIME message to `ingest`. Forged or stale posts get 401 and nothing is stored; a store failure
 * answers 500 so Mailgun retries (the retry is a duplicate Message-ID for what was stored).
 */
export function mailgunRouter(opts: { signingKey: string; ingest: (raw: string, recipients: string[]) => Promise<unknown>; now: () => Date; log: Logger }): Router {
  const router = Router();
  router.post(MAILGUN_WEBHOOK_PATH, express.raw({ type: () => true, limit: '30mb' }), (req, res) => {
    void (async () => {
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      let form: FormData;
      try {
        form = await new Response(new Uint8Array(body), { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
      } catch {
        res.status(400).send('expected multipart/form-data or a urlencoded form');
        return;
      }
      const field = (name: string) => {
        const v = form.get(name);
        return typeof v === 'string' ? v : '';
      };
      const timestamp = field('timestamp');
      const age = Math.abs(opts.now().getTime() / 1000 - Number(timestamp));
      if (!verifyMailgunSignature(opts.signingKey, timestamp, field('token'), field('signature')) || !(age <= MAILGUN_MAX_AGE_SEC)) {
        opts.log.warn({ path: MAILGUN_WEBHOOK_PATH }, 'Mailgun post refused: bad or stale signature');
        res.status(401).send('bad signature');
        return;
      }
      const mime = field('body-mime');
      if (!mime) {
        res.status(406).send('route URL must end in "mime" (body-mime missing)');
        return;
      }
      try {
        await opts.ingest(mime, field('recipient') ? [field('recipient')] : []);
        res.status(200).send('ok');
      } catch (err) {
        if (err instanceof ValidationError) {
          opts.log.warn({ error: err.message }, 'Mailgun mail acknowledged and dropped (invalid)');
          res.status(200).send('ignored');
          return;
        }
        opts.log.error({ err: errorMessage(err) }, 'Mailgun mail could not be stored; Mailgun will retry');
        res.status(500).send('retry');
      }
    })();
  });
  return router;
}

/**
 * One-click unsubscribe (RFC 8058): mail clients POST `List-Unsubscribe=One-Click` to the link;
 * a person following the link with GET gets a confirm button (GET never unsubscribes: link
 * scanners open links). `unsubscribe` opts the conversation out like STOP.
 */
export function unsubscribeRouter(opts: { unsubscribe: (token: string) => Promise<boolean>; companyName: string; log: Logger }): Router {
  const router = Router();
  router.get(`${UNSUBSCRIBE_PATH}/:token`, (req, res) => {
    const token = encodeURIComponent(req.params.token);
    res
      .type('html')
      .send(`<!doctype html><meta charset="utf-8"><title>Unsubscribe</title><form method="post" action="${UNSUBSCRIBE_PATH}/${token}"><p>Stop emails from ${escapeHtml(opts.companyName)} about your application?</p><button name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>`);
  });
  router.post(`${UNSUBSCRIBE_PATH}/:token`, express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    void opts.unsubscribe(String(req.params.token).toLowerCase()).then(
      (found) => (found ? res.type('text').send('You are unsubscribed. Reply /start to any of our emails to resume.') : res.status(404).type('text').send('Unknown unsubscribe link')),
      (err: unknown) => {
        opts.log.error({ err: errorMessage(err) }, 'unsubscribe failed');
        res.status(500).type('text').send('Please try again in a moment');
      },
    );
  });
  return router;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
