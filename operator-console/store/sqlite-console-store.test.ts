import { describe, expect, it } from '@jest/globals';
import { migrateModule, SqliteStore } from '../../core/store/embedded/index.js';
import { CONSOLE_MIGRATIONS } from './migrations.js';
import { SqliteConsoleStore } from './sqlite-console-store.js';

describe('console migration 5', () => {
  it('removes the last-message preview older versions kept in the list marks, and nothing else', async () => {
    const store = SqliteStore.open(':memory:');
    try {
      const db = store.database;
      migrateModule(db, 'console', CONSOLE_MIGRATIONS.filter((m) => m.version < 5));
      const kept = { conversationId: 'c1', unread: 2, needsHuman: true, status: 'snoozed', snoozedUntil: '2026-12-01T12:00:00.000Z' };
      const preview = { id: 'm1', author: 'bot', kind: 'text', text: 'hi', at: '2026-12-01T10:00:00.000Z' };
      const insert = db.prepare('INSERT INTO console_conversation_marks (conversation_id, unread, needs_human, doc) VALUES (?, ?, ?, ?)');
      insert.run('c1', 2, 1, JSON.stringify({ ...kept, lastMessage: preview }));
      insert.run('c2', 0, 0, JSON.stringify({ conversationId: 'c2', unread: 0, needsHuman: false }));
      const workspace = new SqliteConsoleStore(db);
      expect(await workspace.getMarks('c1')).toEqual(kept);
      expect(await workspace.getMarks('c2')).toEqual({ conversationId: 'c2', unread: 0, needsHuman: false });
    } finally {
      await store.close();
    }
  });
});
