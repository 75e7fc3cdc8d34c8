import { describe, expect, it } from '@jest/globals';
import { SqliteStore } from '../../core/store/embedded/sqlite-store.js';
import { EmailThreads } from './threads.js';

describe('email threads', () => {
  it("keeps every Message-ID when the candidate's mail and a bot mail are added at the same time", async () => {
    const store = SqliteStore.open(':memory:');
    const threads = new EmailThreads(store);
    await threads.add('ada@example.com', 'root@candidate.example', 'Application');
    // A bot mail's send finishing while the candidate's answer is ingested.
    await Promise.all([threads.add('ada@example.com', 'bot-1@parley.example'), threads.add('ada@example.com', 'cand-2@candidate.example')]);
    const thread = await threads.get('ada@example.com');
    expect(thread.ids).toEqual(['root@candidate.example', 'bot-1@parley.example', 'cand-2@candidate.example']);
    expect(thread.subject).toBe('Application');
    expect(await threads.byMessageId('CAND-2@candidate.example')).toBe('ada@example.com');
    await store.close();
  });
});
