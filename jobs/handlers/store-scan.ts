import type { Conversation } from '../../core/domain/index.js';
import type { ConversationQuery, Store } from '../../core/ports/index.js';

const PAGE = 500;

/** Every conversation matching `query`, a page at a time (sweeps visit them all). */
export async function* allConversations(store: Store, query: Omit<ConversationQuery, 'limit' | 'offset'> = {}): AsyncGenerator<Conversation> {
  for (let offset = 0; ; offset += PAGE) {
    const page = await store.listConversations({ ...query, limit: PAGE, offset });
    yield* page;
    if (page.length < PAGE) return;
  }
}

/** Every message of a conversation, oldest first (the store keeps the newest N by default). */
export function allMessages(store: Store, conversationId: string) {
  return store.listMessages(conversationId, { limit: Number.MAX_SAFE_INTEGER });
}
