/**
 * The WebchatSessionStore contract (web chat sessions by secret hash): every adapter passes it.
 *
 * @example
 * runWebchatSessionsContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import { hashSecret } from '../../../channels/webchat/sessions.js';
import { at, usePorts, type OpenPorts } from './fixture.js';

export function runWebchatSessionsContract(name: string, open: OpenPorts): void {
  describe(`WebchatSessionStore contract: ${name}`, () => {
    const p = usePorts(open);

    it('round-trips a session by its secret hash, dates and the rotate flag included', async () => {
      const sessions = p().ports.webchatSessions;
      const s = { publicId: 'wc_abc', createdAt: at(0), lastSeenAt: at(1), rotate: true };
      await sessions.create(hashSecret('secret-1'), s);
      expect(await sessions.find(hashSecret('secret-1'))).toEqual(s);
      expect(await sessions.find(hashSecret('secret-2'))).toBeUndefined();
    });

    it('refuses a second session under the same secret hash', async () => {
      const sessions = p().ports.webchatSessions;
      await sessions.create(hashSecret('s'), { publicId: 'wc_1', createdAt: at(0), lastSeenAt: at(0), rotate: false });
      await expect(sessions.create(hashSecret('s'), { publicId: 'wc_2', createdAt: at(1), lastSeenAt: at(1), rotate: false })).rejects.toHaveProperty('message'); // a driver error from another test file's realm fails toThrow()
      expect((await sessions.find(hashSecret('s')))?.publicId).toBe('wc_1');
    });

    it('touches, rotates (old secret stops working, rotate cleared) and deletes', async () => {
      const sessions = p().ports.webchatSessions;
      await sessions.create(hashSecret('old'), { publicId: 'wc_1', createdAt: at(0), lastSeenAt: at(0), rotate: true });
      await sessions.touch(hashSecret('old'), at(10));
      expect((await sessions.find(hashSecret('old')))?.lastSeenAt).toEqual(at(10));
      await sessions.rotate(hashSecret('old'), hashSecret('new'), at(20));
      expect(await sessions.find(hashSecret('old'))).toBeUndefined();
      expect(await sessions.find(hashSecret('new'))).toEqual({ publicId: 'wc_1', createdAt: at(0), lastSeenAt: at(20), rotate: false });
      await sessions.delete(hashSecret('new'));
      expect(await sessions.find(hashSecret('new'))).toBeUndefined();
    });

    it('removes sessions idle since a time and counts them', async () => {
      const sessions = p().ports.webchatSessions;
      for (const [i, seen] of [0, 50, 100].entries()) await sessions.create(hashSecret(`s${i}`), { publicId: `wc_${i}`, createdAt: at(0), lastSeenAt: at(seen), rotate: false });
      expect(await sessions.deleteIdleSince(at(60))).toBe(2);
      expect(await sessions.find(hashSecret('s2'))).toBeDefined();
      expect(await sessions.find(hashSecret('s1'))).toBeUndefined();
    });
  });
}
