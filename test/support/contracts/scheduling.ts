/**
 * The SchedulingRepository contract (availability, bookings, offers): every adapter passes it.
 * The booking rules are the store's: one `booked` row per recruiter slot and per conversation.
 *
 * @example
 * runSchedulingContract('sqlite', () => openSqlitePersistence({ sqlitePath: ':memory:', now: new Date() }));
 */
import { describe, expect, it } from '@jest/globals';
import type { Slot } from '../../../jobs/scheduling/availability.js';
import { at, usePorts, type OpenPorts } from './fixture.js';

const rita = { name: 'Rita Recruiter', email: 'rita@acme.test', timeZone: 'Europe/Lisbon', weekly: { mon: [['09:00', '12:00'] as [string, string]] }, exceptions: [{ date: '2026-03-02', hours: [] }] };
const slot = (startSec: number, recruiterId = 'rita'): Slot => ({ recruiterId, start: at(startSec), end: at(startSec + 1800) });

export function runSchedulingContract(name: string, open: OpenPorts): void {
  describe(`SchedulingRepository contract: ${name}`, () => {
    const p = usePorts(open);

    it('round-trips recruiters (validated; replaced on a second put) in id order', async () => {
      const s = p().ports.scheduling;
      expect(await s.putRecruiter('rita', rita, at(0))).toEqual({ id: 'rita', ...rita });
      await s.putRecruiter('abe', { name: 'Abe', timeZone: 'UTC', weekly: {}, exceptions: [] }, at(0));
      await s.putRecruiter('rita', { ...rita, name: 'Rita R.' }, at(1));
      expect(await s.recruiter('rita')).toEqual({ id: 'rita', ...rita, name: 'Rita R.' });
      expect((await s.recruiters()).map((r) => r.id)).toEqual(['abe', 'rita']);
      await expect(s.putRecruiter('bad', { ...rita, timeZone: 'Mars/Olympus' }, at(0))).rejects.toThrow();
      expect(await s.deleteRecruiter('abe')).toBe(true);
      expect(await s.deleteRecruiter('abe')).toBe(false);
    });

    it('holds a slot once: a second conversation gets undefined for the same recruiter and start', async () => {
      const s = p().ports.scheduling;
      const held = await s.hold('intv_1', slot(3600), 'conv_a', at(0));
      expect(held).toMatchObject({ id: 'intv_1', recruiterId: 'rita', conversationId: 'conv_a', status: 'booked', sequence: 0 });
      expect(held?.start).toEqual(at(3600));
      expect(await s.hold('intv_2', slot(3600), 'conv_b', at(1))).toBeUndefined();
      expect(await s.hold('intv_3', slot(3600, 'abe'), 'conv_b', at(1))).toMatchObject({ status: 'booked' });
      expect(await s.heldSlots()).toEqual(new Set([`rita@${at(3600).getTime()}`, `abe@${at(3600).getTime()}`]));
    });

    it('keeps one booking per conversation; replacing moves it (same UID, next SEQUENCE) and frees the old slot', async () => {
      const s = p().ports.scheduling;
      const first = await s.hold('intv_1', slot(3600), 'conv_a', at(0));
      expect(await s.hold('intv_x', slot(7200), 'conv_a', at(1))).toBeUndefined();
      const moved = await s.hold('intv_2', slot(7200), 'conv_a', at(2), first);
      expect(moved).toMatchObject({ id: 'intv_2', uid: first?.uid, sequence: 1, status: 'booked' });
      expect(await s.booking('intv_1')).toMatchObject({ status: 'moved' });
      expect(await s.activeBooking('conv_a')).toMatchObject({ id: 'intv_2', start: at(7200), end: at(9000) });
      expect(await s.hold('intv_3', slot(3600), 'conv_b', at(3))).toMatchObject({ status: 'booked' });
    });

    it('cancels (next SEQUENCE, slot free again), stores the invite, and lists upcoming earliest first', async () => {
      const s = p().ports.scheduling;
      await s.hold('intv_late', slot(9000), 'conv_a', at(0));
      await s.hold('intv_early', slot(3600), 'conv_b', at(0));
      await s.hold('intv_abe', slot(5400, 'abe'), 'conv_c', at(0));
      await s.hold('intv_past', slot(-7200), 'conv_d', at(0));
      await s.setIcs('intv_early', 'BEGIN:VCALENDAR');
      expect((await s.booking('intv_early'))?.ics).toBe('BEGIN:VCALENDAR');
      expect((await s.upcoming(at(0))).map((b) => b.id)).toEqual(['intv_early', 'intv_abe', 'intv_late']);
      expect((await s.upcoming(at(0), 'rita')).map((b) => b.id)).toEqual(['intv_early', 'intv_late']);
      const cancelled = await s.cancel('conv_a');
      expect(cancelled).toMatchObject({ id: 'intv_late', status: 'cancelled', sequence: 1 });
      expect(await s.activeBooking('conv_a')).toBeUndefined();
      expect(await s.cancel('conv_a')).toBeUndefined();
      expect(await s.hold('intv_again', slot(9000), 'conv_e', at(1))).toMatchObject({ status: 'booked' });
    });

    it('round-trips offers with their slot dates, replaces and drops them', async () => {
      const s = p().ports.scheduling;
      await s.putOffer({ conversationId: 'conv_a', awaiting: 'zone', slots: [] }, at(0));
      expect(await s.offer('conv_a')).toEqual({ conversationId: 'conv_a', awaiting: 'zone', slots: [] });
      await s.putOffer({ conversationId: 'conv_a', awaiting: 'pick', slots: [slot(3600), slot(7200, 'abe')] }, at(1));
      const offer = await s.offer('conv_a');
      expect(offer).toEqual({ conversationId: 'conv_a', awaiting: 'pick', slots: [slot(3600), slot(7200, 'abe')] });
      expect(offer?.slots[0]?.start).toBeInstanceOf(Date);
      await s.dropOffer('conv_a');
      expect(await s.offer('conv_a')).toBeUndefined();
    });
  });
}
