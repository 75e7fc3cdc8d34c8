import { BufferJSON, DisconnectReason, downloadMediaMessage, type AuthenticationState, type WAMessage } from '@whiskeysockets/baileys';
import { ProviderError, ValidationError, type InboundMessageInput, type MediaRef, type OutboundMessage } from '../../../core/domain/index.js';
import { backoffDelay, retry, type ReceiveResult, type TurnErrorReport } from '../../../core/engine/index.js';
import type { Clock, FetchedMedia, Logger, SendContext, SendResult } from '../../../core/ports/index.js';
import type { WhatsAppProvider } from '../shared/provider.js';
import { useStoreAuthState, type AuthKv } from './auth-state.js';
import { normaliseWAMessage, skipReason } from './normalise.js';

/** The part of a Baileys socket Parley uses; tests pass a fake. */
export interface BaileysSocket {
  ev: { on(event: string, listener: (arg: never) => void): void };
  sendMessage(jid: string, content: { text: string } | { audio: Buffer; mimetype: string; ptt: boolean }): Promise<WAMessage | undefined>;
  sendPresenceUpdate(type: 'composing' | 'paused' | 'available', jid?: string): Promise<void>;
  end(error: Error | undefined): void;
}

export type SocketFactory = (opts: { auth: AuthenticationState }) => BaileysSocket;

export type WebStatus = 'starting' | 'waiting-for-qr-scan' | 'connected' | 'reconnecting' | 'logged-out' | 'stopped';

export interface BaileysDeps {
  socketFactory: SocketFactory;
  kv: AuthKv;
  receive: (inbound: InboundMessageInput) => Promise<ReceiveResult>;
  clock: Clock;
  log: Logger;
  /** Minimum gap between sends: WhatsApp bans numbers that blast messages. */
  minSendIntervalMs?: number;
  download?: (m: WAMessage) => Promise<Buffer>;
  sleep?: (ms: number) => Promise<void>;
  /** Shows a new pairing QR code to whoever started Parley (the terminal); best effort. */
  showQr?: (qr: string) => Promise<void>;
  /** The engine's error sink: a message that could not be stored even after retries. */
  reportError?: (report: TurnErrorReport) => void;
}

const MEDIA_NAMESPACE = 'whatsapp-web-media';
/**
 * Baileys acknowledges a message to WhatsApp as it hands it over, and WhatsApp does not deliver
 * it again: a failed write is retried here (about a minute in all) before the next one is taken.
 */
const PERSIST_RETRY = { maxAttempts: 8, baseMs: 250, maxMs: 15_000 };
const RECONNECT = { maxAttempts: Infinity, baseMs: 1000, maxMs: 30_000 };
const realSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * WhatsApp Web through Baileys, for teams without a Business API account. Paired by QR code
 * (logged, and shown in the console via `status()`); auth state lives in Parley's store;
 * reconnects on close unless WhatsApp logged the session out (then re-pairing is needed).
 */
export class BaileysProvider implements WhatsAppProvider {
  readonly name = 'baileys' as const;
  private sock: BaileysSocket | undefined;
  private state: WebStatus = 'starting';
  private qr: string | undefined;
  private stopping = false;
  private lastSend = 0;
  private reconnects = 0;

  constructor(private readonly deps: BaileysDeps) {}

  /** Pairing and connection state, with the QR code to scan while pairing. */
  status(): { status: WebStatus; qr?: string } {
    return { status: this.state, ...(this.qr ? { qr: this.qr } : {}) };
  }

  async start(): Promise<void> {
    this.stopping = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.state = 'stopped';
    this.sock?.end(undefined);
  }

  private async connect(): Promise<void> {
    const auth = await useStoreAuthState(this.deps.kv);
    const sock = this.deps.socketFactory({ auth: auth.state });
    this.sock = sock;
    sock.ev.on('creds.update', (() => void auth.saveCreds()) as (arg: never) => void);
    sock.ev.on('connection.update', ((u: ConnectionUpdate) => void this.onConnection(u, auth.clear)) as (arg: never) => void);
    sock.ev.on('messages.upsert', ((u: { messages: WAMessage[]; type: string }) => void this.onUpsert(u)) as (arg: never) => void);
  }

  private async onConnection(u: ConnectionUpdate, clearAuth: () => Promise<void>): Promise<void> {
    if (u.qr) {
      this.qr = u.qr;
      this.state = 'waiting-for-qr-scan';
      this.deps.log.warn({ qr: u.qr }, 'WhatsApp Web: scan this QR code with WhatsApp > Linked devices (also shown in the operator console)');
      await this.deps.showQr?.(u.qr).catch((err: unknown) => this.deps.log.debug({ err }, 'WhatsApp Web: could not draw the QR code'));
    }
    if (u.connection === 'open') {
      this.state = 'connected';
      this.qr = undefined;
      this.reconnects = 0;
      this.deps.log.info('WhatsApp Web: connected');
    }
    if (u.connection !== 'close' || this.stopping) return;
    const code = (u.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
    if (code === DisconnectReason.loggedOut) {
      this.state = 'logged-out';
      await clearAuth();
      this.deps.log.error('WhatsApp Web: logged out from the phone; re-pairing with a new QR code is needed (restart the channel)');
      return;
    }
    this.state = 'reconnecting';
    // The one backoff formula, at its upper bound (one socket, nothing to spread out): 1 s doubling to 30 s.
    const delay = backoffDelay(++this.reconnects, RECONNECT, 1);
    this.deps.log.warn({ code, delay }, 'WhatsApp Web: connection closed, reconnecting');
    await (this.deps.sleep ?? realSleep)(delay);
    if (!this.stopping) await this.connect();
  }

  private async onUpsert(u: { messages: WAMessage[]; type: string }): Promise<void> {
    if (u.type !== 'notify') return;
    for (const m of u.messages) {
      const skip = skipReason(m);
      const inbound = skip ? undefined : normaliseWAMessage(m, this.deps.clock.now());
      if (!inbound) {
        this.deps.log.debug({ id: m.key.id, reason: skip ?? 'unsupported content' }, 'WhatsApp Web: message ignored');
        continue;
      }
      try {
        await retry(
          async () => {
            // Media can only be downloaded with the original message: keep it until the turn ran.
            if (inbound.media) await this.deps.kv.kvSet(MEDIA_NAMESPACE, inbound.providerMessageId, JSON.stringify(m, BufferJSON.replacer));
            await this.deps.receive(inbound);
          },
          {
            policy: PERSIST_RETRY,
            // Invalid stays invalid; a store that is briefly busy or down is worth waiting for.
            retryable: (err) => !(err instanceof ValidationError),
            sleep: this.deps.sleep ?? realSleep,
            onRetry: ({ attempt, delayMs, err }) => this.deps.log.warn({ err, id: m.key.id, attempt, delayMs }, 'WhatsApp Web: could not persist message, retrying'),
          },
        );
      } catch (err) {
        const report: TurnErrorReport = { source: 'adapter-persist', err, what: `WhatsApp Web message ${m.key.id ?? ''}`, outcome: 'dropped' };
        if (this.deps.reportError) this.deps.reportError(report);
        else this.deps.log.error({ err, id: m.key.id }, 'WhatsApp Web: could not persist message');
      }
    }
  }

  async send(to: string, message: OutboundMessage, _ctx: SendContext): Promise<SendResult> {
    const sock = this.connected();
    await this.throttle();
    const jid = `${to.replace(/^\+/, '')}@s.whatsapp.net`;
    try {
      // Choices arrive as numbered text: the core lowered them (this provider has no buttons).
      const sent = await sock.sendMessage(jid, { text: message.text });
      await sock.sendPresenceUpdate('paused', jid).catch(() => undefined);
      return sent?.key.id ? { providerMessageId: sent.key.id } : {};
    } catch (cause) {
      throw new ProviderError('baileys', `send failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }

  /** A push-to-talk voice note (Ogg/Opus), as WhatsApp's own recorder sends. */
  async sendVoice(to: string, audio: { data: Buffer; mime: string }): Promise<void> {
    const sock = this.connected();
    await this.throttle();
    try {
      await sock.sendMessage(`${to.replace(/^\+/, '')}@s.whatsapp.net`, { audio: audio.data, mimetype: 'audio/ogg; codecs=opus', ptt: true });
    } catch (cause) {
      throw new ProviderError('baileys', `voice note failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  }

  async typing(to: string): Promise<void> {
    await this.sock?.sendPresenceUpdate('composing', `${to.replace(/^\+/, '')}@s.whatsapp.net`).catch(() => undefined);
  }

  async fetchMedia(media: MediaRef): Promise<FetchedMedia> {
    const raw = await this.deps.kv.kvGet<string>(MEDIA_NAMESPACE, media.providerRef);
    if (!raw) throw new ProviderError('baileys', `media ${media.providerRef} is no longer available`, { permanent: true });
    const m = JSON.parse(raw, BufferJSON.reviver) as WAMessage;
    const download = this.deps.download ?? ((msg: WAMessage) => downloadMediaMessage(msg, 'buffer', {}));
    const data = await download(m);
    await this.deps.kv.kvDelete(MEDIA_NAMESPACE, media.providerRef);
    return { data, mime: media.mime ?? 'audio/ogg' };
  }

  private connected(): BaileysSocket {
    if (!this.sock || this.state !== 'connected') {
      // Retryable: the outbound queue waits and tries again once reconnected.
      throw new ProviderError('baileys', `not connected (${this.state})`, { status: 503, permanent: this.state === 'logged-out' });
    }
    return this.sock;
  }

  private async throttle(): Promise<void> {
    const gap = this.deps.minSendIntervalMs ?? 1000;
    const wait = this.lastSend + gap - Date.now();
    if (wait > 0) await (this.deps.sleep ?? realSleep)(wait);
    this.lastSend = Date.now();
  }
}

interface ConnectionUpdate {
  connection?: 'open' | 'connecting' | 'close';
  qr?: string;
  lastDisconnect?: { error?: Error };
}
