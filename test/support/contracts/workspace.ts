/**
 * The ConsoleWorkspaceStore contract (notifications and read state, notes, canned responses, list
 * marks): every adapter passes it.
 *
 * @example
 * runWorkspaceContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import type { Message, MessageStatus } from '../../../core/domain/index.js';
import type { StoredNotification } from '../../../operator-console/store/types.js';
import { at, usePorts, type OpenPorts } from './fixture.js';

const note = (id: string, seconds: number): StoredNotification => ({ id, kind: 'needs-human', title: `t ${id}`, body: `b ${id}`, conversationId: 'conv_1', createdAt: at(seconds) });

/** A stored message of conversation `c1` (in: the candidate's; out: the bot's). */
const message = (id: string, direction: 'in' | 'out', status: MessageStatus, seconds: number): Message => ({
  id,
  conversationId: 'c1',
  channel: 'webchat',
  direction,
  author: direction === 'in' ? 'candidate' : 'bot',
  kind: 'text',
  text: `text ${id}`,
  status,
  attempts: 0,
  createdAt: at(seconds),
  updatedAt: at(seconds),
});

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

    it('changes marks in place: counts, reopens, keeps the later risk, sets needs-human, writes nothing when none are stored', async () => {
      const { workspace } = p().ports;
      const risk = (seconds: number, level = 'high') => ({ level, score: 0.9, at: at(seconds).toISOString(), atRisk: level === 'high' });
      await workspace.saveMarks({ conversationId: 'c1', unread: 2, needsHuman: true, risk: risk(2), labels: ['l1'], assigneeId: 'op_ana', status: 'snoozed', snoozedUntil: at(3600).toISOString() });
      const reopened = { conversationId: 'c1', unread: 3, needsHuman: true, risk: risk(2), labels: ['l1'], assigneeId: 'op_ana', status: 'open' };
      expect(await workspace.changeMarks('c1', { unreadBy: 1, reopen: true })).toEqual(reopened);
      expect(await workspace.getMarks('c1')).toEqual(reopened);
      // An older assessment (handled late) leaves the later one; a later one (or the same time) replaces it.
      expect((await workspace.changeMarks('c1', { risk: risk(1, 'low') }))?.risk).toEqual(risk(2));
      expect((await workspace.changeMarks('c1', { risk: { ...risk(2, 'medium'), recommendedAction: '$unread json(1)' } }))?.risk).toEqual({ ...risk(2, 'medium'), recommendedAction: '$unread json(1)' });
      expect((await workspace.changeMarks('c1', { risk: risk(5, 'low') }))?.risk).toEqual(risk(5, 'low'));
      expect(await workspace.changeMarks('c1', { needsHuman: false })).toEqual({ ...reopened, risk: risk(5, 'low'), needsHuman: false });
      expect((await workspace.changeMarks('c1', { needsHuman: true }))?.needsHuman).toBe(true);
      // Not reopening leaves the status; no risk or flag leaves the stored ones.
      await workspace.saveMarks({ conversationId: 'c1', unread: 0, needsHuman: false, status: 'resolved' });
      expect(await workspace.changeMarks('c1', { risk: risk(30) })).toEqual({ conversationId: 'c1', unread: 0, needsHuman: false, status: 'resolved', risk: risk(30) });
      expect(await workspace.changeMarks('c1', { unreadBy: 2 })).toEqual({ conversationId: 'c1', unread: 2, needsHuman: false, status: 'resolved', risk: risk(30) });
      expect(await workspace.getMarks('c1')).toEqual({ conversationId: 'c1', unread: 2, needsHuman: false, status: 'resolved', risk: risk(30) });
      expect(await workspace.changeMarks('c2', { unreadBy: 1, reopen: true, risk: risk(40), needsHuman: true })).toBeUndefined();
      expect(await workspace.getMarks('c2')).toBeUndefined();
    });

    it('counts every in-place change made at once', async () => {
      const { workspace } = p().ports;
      await workspace.saveMarks({ conversationId: 'c1', unread: 0, needsHuman: false });
      await Promise.all(Array.from({ length: 20 }, (_, i) => workspace.changeMarks('c1', { unreadBy: 1, risk: { level: 'low', score: i / 100, at: at(i).toISOString(), atRisk: false } })));
      const marks = await workspace.getMarks('c1');
      expect(marks?.unread).toBe(20);
      expect(marks?.risk?.score).toBe(0.19);
    });

    it('reads the marks with the newest listed message: processed inbound, sent, delivered, read or failed outbound', async () => {
      const { workspace } = p().ports;
      const store = p().store;
      expect(await workspace.getListMarks('c1')).toEqual({});
      await store.insertMessage(message('m1', 'in', 'processed', 1));
      expect(await workspace.getListMarks('c1')).toEqual({ lastMessage: message('m1', 'in', 'processed', 1) });
      const marks = { conversationId: 'c1', unread: 1, needsHuman: false };
      await workspace.saveMarks(marks);
      // Newer rows the list does not show yet (or ever): the processed inbound stays the last one.
      await store.insertMessage(message('m2', 'out', 'queued', 2));
      await store.insertMessage(message('m3', 'out', 'suppressed', 3));
      await store.insertMessage(message('m4', 'in', 'pending', 4));
      await store.insertMessage(message('m5', 'in', 'failed', 5));
      await store.insertMessage(message('m6', 'out', 'sending', 6));
      expect(await workspace.getListMarks('c1')).toEqual({ marks, lastMessage: message('m1', 'in', 'processed', 1) });
      await store.insertMessage(message('mx', 'out', 'sent', 7));
      await store.insertMessage({ ...message('my', 'out', 'sent', 8), conversationId: 'c2' });
      expect(await workspace.getListMarks('c1')).toEqual({ marks, lastMessage: message('mx', 'out', 'sent', 7) });
      for (const status of ['delivered', 'read', 'failed'] as const) {
        await store.updateMessage('mx', { status }, at(9));
        expect((await workspace.getListMarks('c1')).lastMessage).toMatchObject({ id: 'mx', status });
      }
      // Insertion order decides, not the creation time: a row written later with an earlier time is the last one.
      await store.insertMessage(message('m0', 'out', 'sent', 0));
      expect((await workspace.getListMarks('c1')).lastMessage?.id).toBe('m0');
      expect((await workspace.getListMarks('c2')).lastMessage?.id).toBe('my');
    });
  });
}
