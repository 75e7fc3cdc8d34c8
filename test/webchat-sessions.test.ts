import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../core/ports/index.js';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

const DAY = 86_400_000;
let app: TestParley | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

/** Every row of every table, as text: what a copy of the database file would show. */
function dump(store: SqliteStore): string {
  const db = store.database;
  const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  return tables.map((t) => JSON.stringify(db.prepare(`SELECT * FROM "${t}"`).all())).join('\n');
}

describe('web chat sessions from before public ids', () => {
  it('are moved to a public id on upgrade, resume once with the old secret and get a new one; empty ones are removed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-legacy-'));
    const legacy = 'OldSessionSecret-abc123';
    const old = SqliteStore.open(join(dir, 'parley.db'));
    const at = new Date('2026-11-01T10:00:00Z');
    const written = await old.recordInbound(
      { ref: { channel: 'webchat', externalId: legacy }, providerMessageId: `${legacy}:c1`, sender: { id: legacy }, kind: 'text', text: 'hello from before', receivedAt: at },
      at,
    );
    const empty = await old.ensureConversation({ channel: 'webchat', externalId: 'NeverWroteSecret-xyz789' }, { id: 'NeverWroteSecret-xyz789' }, at);
    await old.close();

    app = await startParley({ PARLEY_DATA_DIR: dir });
    const store = app.parley.store;
    const moved = await store.getConversation(written.conversation.id);
    expect(moved?.ref.externalId).toMatch(/^wc_/);
    const [message] = await store.listMessages(written.conversation.id);
    expect(message).toMatchObject({ text: 'hello from before', authorId: moved?.ref.externalId, providerMessageId: `${moved?.ref.externalId}:c1` });
    expect(await store.getConversation(empty.conversation.id)).toBeUndefined();
    expect(await store.getCandidate(empty.candidate.id)).toBeUndefined();
    expect(dump(app.parley.embedded!)).not.toContain(legacy);

    const resumed = await ChatClient.connect(app.url, legacy);
    expect(resumed.history.map((m) => m.text)).toContain('hello from before');
    expect(resumed.conversationId).toBe(written.conversation.id);
    expect(resumed.sessionId).not.toBe(legacy);
    resumed.close();
    const replay = await ChatClient.connect(app.url, legacy);
    expect(replay.history).toEqual([]);
    replay.close();
    const again = await ChatClient.connect(app.url, resumed.sessionId);
    expect(again.conversationId).toBe(written.conversation.id);
    again.close();
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('web chat session expiry', () => {
  it('slides with use and ends after WEBCHAT_SESSION_TTL_DAYS without a connection', async () => {
    const clock = new ManualClock(new Date('2026-11-01T10:00:00Z'));
    app = await startParley({ WEBCHAT_SESSION_TTL_DAYS: '30' }, { clock });
    const c = await ChatClient.connect(app.url);
    await c.ask('hi', /Do you agree/);
    c.close();

    clock.advance(20 * DAY);
    const later = await ChatClient.connect(app.url, c.sessionId);
    expect(later.conversationId).toBe(c.conversationId);
    later.close();

    clock.advance(25 * DAY); // 45 days after the start, 25 after the last connection
    const still = await ChatClient.connect(app.url, c.sessionId);
    expect(still.conversationId).toBe(c.conversationId);
    still.close();

    clock.advance(31 * DAY);
    const expired = await ChatClient.connect(app.url, c.sessionId);
    expect(expired.history).toEqual([]);
    expect(expired.conversationId).toBe('');
    expect(expired.sessionId).not.toBe(c.sessionId);
    expired.close();
    // The conversation itself stays for recruiters.
    expect(await app.parley.store.getConversation(c.conversationId)).toBeDefined();
  });
});
