import type { Router } from 'express';
import QRCode from 'qrcode';
import type { Logger } from '../../core/ports/index.js';
import type { AuthService } from '../auth/auth-service.js';
import { authed } from '../rest/http.js';

/** WhatsApp Web (Baileys) pairing state as its plugin reports it. */
export interface WhatsAppWebStatus {
  status: string;
  qr?: string;
}

export interface ChannelRouteDeps {
  auth: AuthService;
  log: Logger;
  /** Read per request: unset when WhatsApp Web is not enabled. */
  whatsappWeb: () => (() => WhatsAppWebStatus) | undefined;
}

/**
 * `GET /api/v1/channels`: channel health the console shows, today WhatsApp Web's pairing (the QR
 * code to scan, as an SVG data URL, while it waits for one; "logged out" when re-pairing is needed).
 *
 * @example
 * // { whatsappWeb: { status: 'waiting-for-qr-scan', qrSvg: 'data:image/svg+xml;base64,...' } }
 */
export function channelRoutes(router: Router, deps: ChannelRouteDeps): void {
  router.get(
    '/channels',
    authed(deps.auth, deps.log, async (_req, res) => {
      const web = deps.whatsappWeb()?.();
      if (!web) {
        res.json({ whatsappWeb: null });
        return;
      }
      const qrSvg = web.qr ? `data:image/svg+xml;base64,${Buffer.from(await QRCode.toString(web.qr, { type: 'svg', margin: 2 })).toString('base64')}` : undefined;
      res.json({ whatsappWeb: { status: web.status, ...(qrSvg ? { qrSvg } : {}) } });
    }),
  );
}
