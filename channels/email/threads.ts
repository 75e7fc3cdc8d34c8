import type { Store } from '../../core/ports/index.js';

const THREADS = 'email-threads';
const MESSAGE_IDS = 'email-message-ids';
const TOKENS = 'email-reply-tokens';
/** How many Message-IDs a thread keeps for References (the root and the latest ones). */
const MAX_REFERENCES = 20;

export interface EmailThread {
  subject?: string;
  /** Message-IDs of the thread, oldest first (ours and the candidate's), without brackets. */
  ids: string[];
}

/**
 * What threading and routing remember, per conversation address, in the store's key/value
 * documents: the thread's Message-IDs and subject, which Message-ID belongs to which
 * conversation, and which reply token.
 */
export class EmailThreads {
  /** The last pending `add` per address: adds to one thread run one after the other. */
  private readonly adding = new Map<string, Promise<void>>();

  constructor(private readonly store: Pick<Store, 'kvGet' | 'kvSet'>) {}

  async get(externalId: string): Promise<EmailThread> {
    return (await this.store.kvGet<EmailThread>(THREADS, externalId)) ?? { ids: [] };
  }

  /**
   * Add a Message-ID to the conversation's thread (idempotent) and remember whose it is. Adds to
   * one thread are chained: the candidate's mail arriving while a bot mail's send finishes would
   * otherwise read the same thread, and the later write would drop the other's id (the next
   * reply then answered the wrong mail).
   */
  add(externalId: string, messageId: string, subject?: string): Promise<void> {
    const previous = this.adding.get(externalId) ?? Promise.resolve();
    const next = previous.then(() => this.addNow(externalId, messageId, subject));
    const settled = next.catch(() => undefined);
    this.adding.set(externalId, settled);
    void settled.then(() => {
      if (this.adding.get(externalId) === settled) this.adding.delete(externalId);
    });
    return next;
  }

  private async addNow(externalId: string, messageId: string, subject?: string): Promise<void> {
    const thread = await this.get(externalId);
    if (!thread.ids.includes(messageId)) {
      thread.ids.push(messageId);
      // Keep the root: clients thread on it even when the middle is trimmed.
      if (thread.ids.length > MAX_REFERENCES) thread.ids.splice(1, thread.ids.length - MAX_REFERENCES);
    }
    if (!thread.subject && subject) thread.subject = subject;
    await this.store.kvSet(THREADS, externalId, thread);
    await this.store.kvSet(MESSAGE_IDS, messageId.toLowerCase(), externalId);
  }

  /** The conversation a Message-ID (ours or the candidate's) belongs to. */
  async byMessageId(messageId: string): Promise<string | undefined> {
    return this.store.kvGet<string>(MESSAGE_IDS, messageId.toLowerCase());
  }

  async rememberToken(token: string, externalId: string): Promise<void> {
    if ((await this.store.kvGet<string>(TOKENS, token)) !== externalId) await this.store.kvSet(TOKENS, token, externalId);
  }

  async byToken(token: string): Promise<string | undefined> {
    return this.store.kvGet<string>(TOKENS, token.toLowerCase());
  }
}
