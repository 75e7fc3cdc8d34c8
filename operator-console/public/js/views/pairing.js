import { request } from '../api.js';
import { h, mount } from '../dom.js';

const POLL_MS = 10_000;
const TEXT = {
  'waiting-for-qr-scan': 'Scan this code with WhatsApp on the recruiting phone: Settings > Linked devices > Link a device.',
  'logged-out': 'WhatsApp Web was logged out from the phone. Restart Parley to get a new QR code and pair again.',
  reconnecting: 'WhatsApp Web lost its connection and is reconnecting.',
};

/**
 * A card that appears while WhatsApp Web (Baileys) needs attention: the pairing QR code, or a
 * logged-out notice. Polls GET /api/v1/channels; hidden when WhatsApp Web is off or connected.
 * Returns a stop function.
 */
export function renderPairing(container) {
  const card = h('aside', { class: 'pairing', id: 'whatsapp-pairing', hidden: true, role: 'status', 'aria-live': 'polite' });
  container.append(card);
  let timer = null;
  let stopped = false;

  async function poll() {
    try {
      const { whatsappWeb } = await request('/channels');
      const text = whatsappWeb && TEXT[whatsappWeb.status];
      card.hidden = !text;
      if (text) {
        mount(
          card,
          h('strong', {}, 'WhatsApp Web'),
          h('p', {}, text),
          whatsappWeb.qrSvg ? h('img', { class: 'pairing__qr', src: whatsappWeb.qrSvg, alt: 'WhatsApp Web pairing QR code', width: 220, height: 220 }) : null,
        );
      }
    } catch {
      // Offline or signed out: the connection status and the login screen say so.
    }
    if (!stopped) timer = setTimeout(poll, POLL_MS);
  }
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
    card.remove();
  };
}
