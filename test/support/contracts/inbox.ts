/**
 * The ConsoleInboxStore contract (labels, saved filters, invites): every adapter passes it.
 *
 * @example
 * runInboxContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import { usePorts, type OpenPorts } from './fixture.js';

const T = new Date('2026-05-01T08:00:00Z');
const later = (min: number) => new Date(T.getTime() + min * 60_000);

export function runInboxContract(name: string, open: OpenPorts): void {
  describe(`ConsoleInboxStore contract: ${name}`, () => {
    const p = usePorts(open);

    it('labels: round-trip with dates, sorted by name without case, names unique without case, rename keeps the id, delete once', async () => {
      const { inbox } = p().ports;
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
    });

    it('saved filters: per operator, oldest first, queries round-trip, only the owner deletes', async () => {
      const { inbox } = p().ports;
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
    });

    it('invites: found by token hash, open ones newest first, accepted once', async () => {
      const { inbox } = p().ports;
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
    });
  });
}
