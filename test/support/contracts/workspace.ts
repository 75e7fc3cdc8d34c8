/**
 * The ConsoleWorkspaceStore contract (notifications and read state, notes, canned responses, list
 * marks): every adapter passes it.
 *
 * @example
 * runWorkspaceContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import type { StoredNotification } from '../../../operator-console/store/types.js';
import { at, usePorts, type OpenPorts } from './fixture.js';

const note = (id: string, seconds: number): StoredNotification => ({ id, kind: 'needs-human', title: `t ${id}`, body: `b ${id}`, conversationId: 'conv_1', createdAt: at(seconds) });

export function runWorkspaceContract(name: string, open: OpenPorts): void {
  describe(`ConsoleWorkspaceStore contract: ${name}`, () => {
    const p = usePorts(open);

    it('round-trips notifications (dates, optional fields), newest first, with per-operator read state', async () => {
      const { workspace } = p().ports;
      await workspace.addNotification(note('n1', 0));
      await workspace.addNotification({ id: 'n2', kind: 'new-candidate', title: 'New', body: 'Lena', createdAt: at(10) });
      await workspace.addNotification({ ...note('n3', 20), operatorId: 'op_bo' });
      const ana = await workspace.listNotifications('op_ana');
      expect(ana).toEqual([
        { id: 'n2', kind: 'new-candidate', title: 'New', body: 'Lena', createdAt: at(10), read: false },
        { ...note('n1', 0), read: false },
      ]);
      expect(ana[0]?.createdAt).toBeInstanceOf(Date);
      expect((await workspace.listNotifications('op_bo')).map((n) => n.id)).toEqual(['n3', 'n2', 'n1']);
      await workspace.markNotificationsRead('op_ana', ['n1'], at(30));
      expect(await workspace.countUnreadNotifications('op_ana')).toBe(1);
      expect(await workspace.countUnreadNotifications('op_bo')).toBe(3);
      expect((await workspace.listNotifications('op_ana', { unreadOnly: true })).map((n) => n.id)).toEqual(['n2']);
      await workspace.markNotificationsRead('op_bo', 'all', at(31));
      expect(await workspace.countUnreadNotifications('op_bo')).toBe(0);
      expect(await workspace.countUnreadNotifications('op_ana')).toBe(1);
    });

    it('filters notifications by time window and limit', async () => {
      const { workspace } = p().ports;
      for (let i = 0; i < 5; i++) await workspace.addNotification(note(`n${i}`, i * 10));
      expect((await workspace.listNotifications('op', { visibleFrom: at(20) })).map((n) => n.id)).toEqual(['n4', 'n3', 'n2']);
      expect((await workspace.listNotifications('op', { after: at(20) })).map((n) => n.id)).toEqual(['n4', 'n3']);
      expect((await workspace.listNotifications('op', { limit: 2 })).map((n) => n.id)).toEqual(['n4', 'n3']);
      expect(await workspace.countUnreadNotifications('op', at(30))).toBe(2);
    });

    it('deduplicates a notification of the same kind and conversation since a time', async () => {
      const { workspace } = p().ports;
      expect(await workspace.addNotification(note('n1', 0), at(-60))).toBe(true);
      expect(await workspace.addNotification(note('n2', 5), at(-60))).toBe(false);
      expect(await workspace.addNotification({ ...note('n3', 6), kind: 'at-risk' }, at(-60))).toBe(true);
      expect(await workspace.addNotification(note('n4', 100), at(50))).toBe(true);
      expect((await workspace.listNotifications('op')).map((n) => n.id)).toEqual(['n4', 'n3', 'n1']);
    });

    it('keeps notes per conversation, oldest first', async () => {
      const { workspace } = p().ports;
      await workspace.addNote({ id: 'note_2', conversationId: 'c1', operatorId: 'op_ana', text: 'second', createdAt: at(2) });
      await workspace.addNote({ id: 'note_1', conversationId: 'c1', operatorId: 'op_bo', text: 'first', createdAt: at(1) });
      await workspace.addNote({ id: 'note_3', conversationId: 'c2', operatorId: 'op_ana', text: 'other', createdAt: at(0) });
      const notes = await workspace.listNotes('c1');
      expect(notes).toEqual([
        { id: 'note_1', conversationId: 'c1', operatorId: 'op_bo', text: 'first', createdAt: at(1) },
        { id: 'note_2', conversationId: 'c1', operatorId: 'op_ana', text: 'second', createdAt: at(2) },
      ]);
    });

    it('saves, lists (by title, any case), updates and deletes canned responses', async () => {
      const { workspace } = p().ports;
      await workspace.saveCannedResponse({ id: 'cr_2', title: 'welcome', text: 'Hi!', createdBy: 'op_ana', createdAt: at(0), updatedAt: at(0) });
      await workspace.saveCannedResponse({ id: 'cr_1', title: 'Availability', text: 'When?', createdBy: 'op_bo', createdAt: at(1), updatedAt: at(1) });
      expect((await workspace.listCannedResponses()).map((c) => c.id)).toEqual(['cr_1', 'cr_2']);
      await workspace.saveCannedResponse({ id: 'cr_2', title: 'Welcome', text: 'Hello!', createdBy: 'op_ana', createdAt: at(0), updatedAt: at(9) });
      expect(await workspace.getCannedResponse('cr_2')).toEqual({ id: 'cr_2', title: 'Welcome', text: 'Hello!', createdBy: 'op_ana', createdAt: at(0), updatedAt: at(9) });
      expect(await workspace.deleteCannedResponse('cr_2')).toBe(true);
      expect(await workspace.deleteCannedResponse('cr_2')).toBe(false);
      expect(await workspace.getCannedResponse('cr_2')).toBeUndefined();
    });

    it('round-trips list marks (risk, preview, status) and replaces them', async () => {
      const { workspace } = p().ports;
      const marks = {
        conversationId: 'c1',
        unread: 3,
        needsHuman: true,
        lastMessage: { id: 'msg_1', text: 'hello', author: 'candidate' as const, kind: 'text' as const, at: at(1).toISOString() },
        risk: { level: 'high' as const, score: 0.9, at: at(2).toISOString(), atRisk: true },
        status: 'snoozed' as const,
        snoozedUntil: at(3600).toISOString(),
      };
      await workspace.saveMarks(marks);
      expect(await workspace.getMarks('c1')).toEqual(marks);
      await workspace.saveMarks({ conversationId: 'c1', unread: 0, needsHuman: false });
      expect(await workspace.getMarks('c1')).toEqual({ conversationId: 'c1', unread: 0, needsHuman: false });
      expect(await workspace.getMarks('c2')).toBeUndefined();
    });

    it('changes marks in place: counts, reopens, keeps the newer preview, writes nothing when none are stored', async () => {
      const { workspace } = p().ports;
      const preview = (id: string, seconds: number, text = id) => ({ id, text, author: 'candidate' as const, kind: 'text' as const, at: at(seconds).toISOString() });
      const risk = { level: 'high' as const, score: 0.9, at: at(2).toISOString(), atRisk: true };
      await workspace.saveMarks({ conversationId: 'c1', unread: 2, needsHuman: true, risk, labels: ['l1'], assigneeId: 'op_ana', status: 'snoozed', snoozedUntil: at(3600).toISOString() });
      const reopened = { conversationId: 'c1', unread: 3, needsHuman: true, risk, labels: ['l1'], assigneeId: 'op_ana', status: 'open', lastMessage: preview('m2', 20) };
      expect(await workspace.changeMarks('c1', { unreadBy: 1, reopen: true, lastMessage: preview('m2', 20) })).toEqual(reopened);
      expect(await workspace.getMarks('c1')).toEqual(reopened);
      // An older message's preview (handled late) leaves the newer one; the same message's replaces it.
      expect((await workspace.changeMarks('c1', { unreadBy: 1, lastMessage: preview('m1', 10) }))?.lastMessage).toEqual(preview('m2', 20));
      expect((await workspace.changeMarks('c1', { lastMessage: { ...preview('m2', 20, 'edited'), authorName: 'Ana' } }))?.lastMessage).toEqual({ ...preview('m2', 20, 'edited'), authorName: 'Ana' });
      // Text that looks like an expression is stored as written.
      expect(await workspace.changeMarks('c1', { lastMessage: preview('m3', 20, '$unread json(1)') })).toEqual({ ...reopened, unread: 4, lastMessage: preview('m3', 20, '$unread json(1)') });
      // Not reopening leaves the status; no preview leaves the stored one.
      await workspace.saveMarks({ conversationId: 'c1', unread: 0, needsHuman: false, status: 'resolved' });
      expect(await workspace.changeMarks('c1', { lastMessage: preview('m4', 30) })).toEqual({ conversationId: 'c1', unread: 0, needsHuman: false, status: 'resolved', lastMessage: preview('m4', 30) });
      expect(await workspace.changeMarks('c1', { unreadBy: 2 })).toEqual({ conversationId: 'c1', unread: 2, needsHuman: false, status: 'resolved', lastMessage: preview('m4', 30) });
      expect(await workspace.changeMarks('c2', { unreadBy: 1, reopen: true, lastMessage: preview('m9', 40) })).toBeUndefined();
      expect(await workspace.getMarks('c2')).toBeUndefined();
    });

    it('counts every in-place change made at once', async () => {
      const { workspace } = p().ports;
      await workspace.saveMarks({ conversationId: 'c1', unread: 0, needsHuman: false });
      await Promise.all(Array.from({ length: 20 }, (_, i) => workspace.changeMarks('c1', { unreadBy: 1, lastMessage: { id: `m${i}`, text: 't', author: 'candidate', kind: 'text', at: at(i).toISOString() } })));
      const marks = await workspace.getMarks('c1');
      expect(marks?.unread).toBe(20);
      expect(marks?.lastMessage?.id).toBe('m19');
    });
  });
}
