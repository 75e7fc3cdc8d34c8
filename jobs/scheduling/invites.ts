import { createEvent, type EventAttributes } from 'ics';
import type { Booking } from './ports.js';

export interface InviteParty {
  name: string;
  email?: string | undefined;
}

/**
 * The .ics text for a booking (RFC 5545 via the `ics` package): METHOD:REQUEST with the booking's
 * UID and SEQUENCE, or METHOD:CANCEL / STATUS:CANCELLED for a cancelled one. A moved interview
 * keeps its UID with a higher SEQUENCE, so calendars update the event instead of adding one.
 */
export function inviteIcs(b: Booking, v: { title: string; description: string; organizer: InviteParty; attendee: InviteParty; link?: string | undefined; now: Date }): string {
  const cancelled = b.status === 'cancelled';
  const attributes: EventAttributes = {
    uid: b.uid,
    sequence: b.sequence,
    method: cancelled ? 'CANCEL' : 'REQUEST',
    status: cancelled ? 'CANCELLED' : 'CONFIRMED',
    start: b.start.getTime(),
    startInputType: 'utc',
    startOutputType: 'utc',
    end: b.end.getTime(),
    endInputType: 'utc',
    endOutputType: 'utc',
    title: v.title,
    description: v.link ? `${v.description}\n\nJoin: ${v.link}` : v.description,
    ...(v.link ? { url: v.link, location: v.link } : {}),
    productId: 'parley/scheduling',
    ...(v.organizer.email ? { organizer: { name: v.organizer.name, email: v.organizer.email } } : {}),
    ...(v.attendee.email ? { attendees: [{ name: v.attendee.name, email: v.attendee.email, rsvp: true, role: 'REQ-PARTICIPANT', partstat: 'NEEDS-ACTION' }] } : {}),
  };
  const { error, value } = createEvent(attributes);
  if (error || !value) throw error ?? new Error('ics: no calendar produced');
  return value;
}
