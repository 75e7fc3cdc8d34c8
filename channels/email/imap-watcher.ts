import { ImapFlow } from 'imapflow';
import { errorMessage } from '../../core/domain/index.js';
import type { Logger } from '../../core/ports/index.js';
import { PROCESSED_KEYWORD } from './definition.js';

export interface ImapWatcherOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  folder: string;
  /** Move processed mails here (created if missing); unset: they stay, flagged `$ParleyProcessed`. */
  processedFolder?: string;
  /** Polling interval (also the fallback when IDLE is not available or a notification is missed). */
  pollMs: number;
  /** Store one mail; resolves once it is durable (then the mail is flagged or moved). */
  ingest: (raw: Buffer) => Promise<unknown>;
  log: Logger;
}

/**
 * Watches one IMAP folder: IDLE (imapflow's automatic IDLE, `exists` events) plus polling as a
 * fallback. A mail is flagged (or moved) only after it was stored, so a crash or an error
 * leaves it to be read again: never lost, and a re-read is a duplicate Message-ID.
 */
export class ImapWatcher {
  private client: ImapFlow | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private chain: Promise<void> = Promise.resolve();
  private pendingScan = false;
  private connecting: Promise<void> | undefined;
  /** Mails processed since start (for /health and tests). */
  processed = 0;
  lastError: string | undefined;

  constructor(private readonly opts: ImapWatcherOptions) {}

  async start(): Promise<void> {
    this.running = true;
    this.timer = setInterval(() => this.kick(), this.opts.pollMs);
    this.timer.unref();
    this.kick();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearInterval(this.timer);
    await this.chain;
    const client = this.client;
    this.client = undefined;
    await client?.logout().catch(() => client.close());
  }

  /** Resolves when every scan asked for so far has run (tests wait on it instead of sleeping). */
  idle(): Promise<void> {
    return this.chain;
  }

  /** Look for unprocessed mail now (coalesced: at most one scan waiting behind the running one). */
  kick(): void {
    if (!this.running || this.pendingScan) return;
    this.pendingScan = true;
    this.chain = this.chain.then(async () => {
      this.pendingScan = false;
      if (!this.running) return;
      try {
        await this.scan();
        this.lastError = undefined;
      } catch (err) {
        this.lastError = errorMessage(err);
        this.opts.log.warn({ err: this.lastError }, 'IMAP scan failed; retrying at the next poll');
        const client = this.client;
        this.client = undefined;
        client?.close();
      }
    });
  }

  private async connect(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    const client = new ImapFlow({
      host: this.opts.host,
      port: this.opts.port,
      secure: this.opts.secure,
      auth: { user: this.opts.user, pass: this.opts.pass },
      logger: false,
      // Start IDLE soon after each scan, so new mail is announced at once.
      autoIdleDelay: 500,
    });
    client.on('exists', () => this.kick());
    client.on('error', (err: Error) => this.opts.log.warn({ err: err.message }, 'IMAP connection error'));
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
    });
    await client.connect();
    await client.mailboxOpen(this.opts.folder);
    if (this.opts.processedFolder) await client.mailboxCreate(this.opts.processedFolder).catch(() => undefined);
    this.client = client;
    return client;
  }

  private async scan(): Promise<void> {
    const client = await this.connect();
    const uids = (await client.search({ unKeyword: PROCESSED_KEYWORD, deleted: false }, { uid: true })) || [];
    for (const uid of uids) {
      if (!this.running) return;
      const message = await client.fetchOne(String(uid), { source: true }, { uid: true });
      if (!message || !message.source) continue;
      await this.opts.ingest(message.source);
      await client.messageFlagsAdd(String(uid), [PROCESSED_KEYWORD, '\\Seen'], { uid: true });
      if (this.opts.processedFolder) await client.messageMove(String(uid), this.opts.processedFolder, { uid: true });
      this.processed++;
    }
  }
}
