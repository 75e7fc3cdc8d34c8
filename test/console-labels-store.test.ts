/**
 * The ConsoleInboxStore contract (labels, saved filters, invites) against the SQLite adapter, and
 * the MongoDB one when MONGODB_URI is set (MongoDB cannot be installed on these machines).
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqlitePersistence, type Persistence } from '../bin/persistence.js';
import type { ConsoleInboxStore } from '../operator-console/index.js';
import { INBOX_INDEXES } from '../operator-console/store/mongo-inbox-store.js';

const T = new Date('2026-05-01T08:00:00Z');
const later = (min: number) => new Date(T.getTime() + min * 60_000);

function inboxContract(name: string, open: () => Promise<{ inbox: ConsoleInboxStore; close(): Promise<void> }>): void {
  describe(`ConsoleInboxStore contract: ${name}`, () => {
    it('labels: round-trip with dates, sorted by name without case, names unique without case, rename keeps the id, delete once', async () => {
      const { inbox, close } = await open();
      try {
        await inbox.saveLabel({ id: 'lbl_b', name: 'berlin', color: '#2563eb', createdBy: 'op1', createdAt: T });
        await inbox.saveLabel({ id: 'lbl_a', name: 'Asap', color: '#dc2626', createdBy: 'op2', createdAt: later(1) });
        expect(await inbox.listLabels()).toEqual([
          { id: 'lbl_a', name: 'Asap', color: '#dc2626', createdBy: 'op2', createdAt: later(1) },
          { id: 'lbl_b', name: 'berlin', color: '#2563eb', createdBy: 'op1', createdAt: T },
        ]);
        await expect(inbox.saveLabel({ id: 'lbl_c', name: 'BERLIN', color: '#000000', createdBy: 'op1', createdAt: T })).rejects.toMatchObject({ code: 'CONFLICT' });
        await inbox.saveLabel({ id: 'lbl_b', name: 'Berlin', color: '#16a34a', createdBy: 'op1', createdAt: T });
        expect((await inbox.listLabels()).map((l) => [l.id, l.name, l.color])).toEqual([['lbl_a', 'Asap', '#dc2626'], ['lbl_b', 'Berlin', '#16a34a']]);
        expect(await inbox.deleteLabel('lbl_a')).toBe(true);
        expect(await inbox.deleteLabel('lbl_a')).toBe(false);
      } finally {
        await close();
      }
    });

    it('saved filters: per operator, oldest first, queries round-trip, only the owner deletes', async () => {
      const { inbox, close } = await open();
      try {
        await inbox.saveSavedFilter({ id: 'f2', operatorId: 'op1', name: 'Later', query: { status: 'open' }, createdAt: later(5) });
        await inbox.saveSavedFilter({ id: 'f1', operatorId: 'op1', name: 'Mine', query: { filter: 'mine', label: 'lbl_b', search: 'berlin' }, createdAt: T });
        await inbox.saveSavedFilter({ id: 'f3', operatorId: 'op2', name: 'Theirs', query: {}, createdAt: T });
        expect(await inbox.listSavedFilters('op1')).toEqual([
          { id: 'f1', operatorId: 'op1', name: 'Mine', query: { filter: 'mine', label: 'lbl_b', search: 'berlin' }, createdAt: T },
          { id: 'f2', operatorId: 'op1', name: 'Later', query: { status: 'open' }, createdAt: later(5) },
        ]);
        expect(await inbox.deleteSavedFilter('op2', 'f1')).toBe(false);
        expect(await inbox.deleteSavedFilter('op1', 'f1')).toBe(true);
        expect((await inbox.listSavedFilters('op1')).map((f) => f.id)).toEqual(['f2']);
      } finally {
        await close();
      }
    });

    it('invites: found by token hash, open ones newest first, accepted once', async () => {
      const { inbox, close } = await open();
      try {
        await inbox.addInvite({ id: 'inv1', tokenHash: 'h1', email: 'nia@acme.test', role: 'recruiter', name: 'Nia', invitedBy: 'op1', createdAt: T, expiresAt: later(60) });
        await inbox.addInvite({ id: 'inv2', tokenHash: 'h2', email: 'omar@acme.test', role: 'viewer', invitedBy: 'op1', createdAt: later(1), expiresAt: later(61) });
        expect(await inbox.findInviteByTokenHash('h1')).toEqual({ id: 'inv1', tokenHash: 'h1', email: 'nia@acme.test', role: 'recruiter', name: 'Nia', invitedBy: 'op1', createdAt: T, expiresAt: later(60) });
        expect(await inbox.findInviteByTokenHash('nope')).toBeUndefined();
        expect((await inbox.listOpenInvites()).map((i) => i.id)).toEqual(['inv2', 'inv1']);
        expect(await inbox.acceptInvite('inv1', 'op9', later(2))).toBe(true);
        expect(await inbox.acceptInvite('inv1', 'op10', later(3))).toBe(false);
        expect(await inbox.findInviteByTokenHash('h1')).toEqual(expect.objectContaining({ acceptedAt: later(2), operatorId: 'op9' }));
        expect((await inbox.listOpenInvites()).map((i) => i.id)).toEqual(['inv2']);
        expect(await inbox.deleteInvite('inv2')).toBe(true);
        expect(await inbox.listOpenInvites()).toEqual([]);
      } finally {
        await close();
      }
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

inboxContract('sqlite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'parley-inbox-'));
  dirs.push(dir);
  const p: Persistence = await openSqlitePersistence({ sqlitePath: join(dir, 'parley.db'), now: T });
  return { inbox: p.ports.inbox, close: () => p.close() };
});

describe('MongoDB inbox adapter', () => {
  it('declares unique indexes for label names (without case) and invite token hashes', () => {
    expect(INBOX_INDEXES.filter((i) => i.options?.unique).map((i) => `${i.collection}(${Object.keys(i.keys).join(',')})`)).toEqual(['console_labels(nameKey)', 'console_invites(tokenHash)']);
  });
});

const uri = process.env.MONGODB_URI;
if (uri) {
  let n = 0;
  inboxContract('mongodb', async () => {
    const { openMongoPersistence } = await import('../bin/persistence-mongo.js');
    const p = await openMongoPersistence(uri, { dbName: `parley_inbox_${process.pid}_${++n}` });
    return {
      inbox: p.ports.inbox,
      close: async () => {
        const store = p.store as unknown as { connection: { dropDatabase(): Promise<unknown> } };
        await store.connection.dropDatabase();
        await p.close();
      },
    };
  });
} else {
  it.skip('ConsoleInboxStore contract: mongodb (set MONGODB_URI to run it)', () => undefined);
}
