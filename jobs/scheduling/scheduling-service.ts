import { newId, NotFoundError, scheduleSlice, ValidationError, type Conversation, type OutboundMessage } from '../../core/domain/index.js';
import type { Engine, Middleware, TurnContext } from '../../core/engine/index.js';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import { ENGLISH_DATES, formatLocal, isValidTimeZone, zoneOr, type DateWords } from '../policy/index.js';
import { nextFreeSlots, type Slot, type SlotSettings } from './availability.js';
import { inviteIcs } from './invites.js';
import type { Booking, SchedulingRepository } from './ports.js';
import { schedulingTexts } from './texts.js';

export interface SchedulingSettings extends SlotSettings {
  offerCount: number;
  company: string;
  defaultTimeZone: string;
  /** A video link put in every invite (e.g. a team meeting room). */
  videoLink: string | undefined;
}

/** One invite mail (the email plugin's SMTP transport sends it with the .ics). */
export interface InviteMail {
  to: string;
  subject: string;
  text: string;
  ics: string;
  method: 'REQUEST' | 'CANCEL';
}

export interface SchedulingDeps {
  store: SchedulingRepository;
  core: Store;
  engine: () => Engine;
  clock: Clock;
  log: Logger;
  settings: SchedulingSettings;
  scheduleInterview: () => ((conversationId: string, at: Date, opts: { link?: string; timeZone?: string; actor: string }) => Promise<void>) | undefined;
  /** Undefined when email is not configured: invites are only stored (GET .../invite.ics). */
  mail: ((m: InviteMail) => Promise<void>) | undefined;
}

/** "can we move it?", "I need to reschedule", "could we change the time". */
const MOVE = /\b(reschedule|move (it|the interview|our interview|the call)|change the (time|date|slot)|another (time|slot|day))\b/i;
const NONE = /^(none|neither|no|none of (these|them|those)|ninguno|ninguna|nenhum|nenhuma|aucun|aucune|keiner|keine|keins)(?![\p{L}])/iu;
/** "cancel my interview", "please cancel the call", "I want to cancel the interview". */
const CANCEL = /\bcancel\b.*\b(interview|call|meeting|appointment)\b/i;
/** The durable follow-ups of a booking (kv): written before the turn commits, deleted once done. */
const FOLLOW_UPS = 'scheduling-followups';

interface FollowUp {
  bookingId: string;
  conversationId: string;
  kind: 'new' | 'updated' | 'cancelled';
  /** The conversation's version before the turn that booked (it has committed once the version moved). */
  version: number;
  timeZone: string;
  /** scheduleInterview has run (a resume then only sends the invites). */
  scheduled: boolean;
}


/** A reply naming a zone: an IANA name, or a city that is the last part of one ("Lisbon", "new york"). */
export function resolveTimeZone(text: string): string | undefined {
  const t = text.trim().replace(/[.!]+$/, '');
  if (!t || t.length > 64) return undefined;
  const zones = Intl.supportedValuesOf('timeZone');
  const direct = zones.find((z) => z.toLowerCase() === t.toLowerCase());
  if (direct) return direct;
  if (/^(utc|gmt)$/i.test(t)) return 'UTC';
  const city = t.toLowerCase().replace(/\s+/g, '_');
  const byCity = zones.find((z) => z.toLowerCase().split('/').pop() === city);
  if (byCity) return byCity;
  return t.includes('/') && isValidTimeZone(t) ? t : undefined;
}

/**
 * Scheduling by chat: offers the next free slots of the recruiters' published availability on the
 * candidate's channel, in the candidate's time zone (asked once and kept on the candidate), holds
 * the picked slot atomically (SchedulingRepository), then schedules the interview (the jobs plugin's
 * reminders follow) and sends both sides an .ics invite. Moving keeps the invite's UID with a
 * higher SEQUENCE; cancelling sends METHOD:CANCEL.
 */
export class SchedulingService {
  private readonly tasks = new Set<Promise<void>>();

  constructor(private readonly deps: SchedulingDeps) {}

  /** Resolves once every invite / scheduling task started so far has finished. */
  async idle(): Promise<void> {
    while (this.tasks.size > 0) await Promise.allSettled([...this.tasks]);
  }

  async freeSlots(count = this.deps.settings.offerCount): Promise<Slot[]> {
    return nextFreeSlots(await this.deps.store.recruiters(), this.deps.clock.now(), await this.deps.store.heldSlots(), this.deps.settings, count);
  }

  /** Upcoming interviews (one recruiter's or all) with the candidate's name, for the console. */
  async upcoming(recruiterId?: string): Promise<(Booking & { candidateName: string | undefined })[]> {
    const bookings = await this.deps.store.upcoming(this.deps.clock.now(), recruiterId);
    return Promise.all(
      bookings.map(async (b) => {
        const conversation = await this.deps.core.getConversation(b.conversationId);
        const candidate = conversation && (await this.deps.core.getCandidate(conversation.candidateId));
        return { ...b, candidateName: candidate?.name };
      }),
    );
  }

  /** Offer slots outside a turn (a recruiter's call, or after a recommended screening). */
  async offer(conversationId: string): Promise<'asked-zone' | 'offered' | 'no-slots'> {
    const conversation = await this.deps.core.getConversation(conversationId);
    const candidate = conversation && (await this.deps.core.getCandidate(conversation.candidateId));
    if (!conversation || !candidate) throw new NotFoundError('Conversation', conversationId);
    if (candidate.optedOut) throw new ValidationError('The candidate has opted out');
    const now = this.deps.clock.now();
    if (!candidate.timeZone || !isValidTimeZone(candidate.timeZone)) {
      await this.deps.store.putOffer({ conversationId, awaiting: 'zone', slots: [] }, now);
      await this.deps.engine().send(conversationId, { text: schedulingTexts(conversation).askZone() }, 'bot');
      return 'asked-zone';
    }
    const intro = schedulingTexts(conversation).offer({ company: this.deps.settings.company, zone: candidate.timeZone });
    const { message, offered } = await this.offerMessage(conversation, candidate.timeZone, intro);
    await this.deps.engine().send(conversationId, message, 'bot');
    return offered ? 'offered' : 'no-slots';
  }

  /** Stores the offer (or drops it when nothing is free) and returns what to say. */
  private async offerMessage(conversation: Pick<Conversation, 'id' | 'state'>, timeZone: string, intro: string): Promise<{ message: OutboundMessage; offered: boolean }> {
    const conversationId = conversation.id;
    const texts = schedulingTexts(conversation);
    const slots = await this.freeSlots();
    if (slots.length === 0) {
      await this.deps.store.dropOffer(conversationId);
      return { message: { text: texts.noSlots({ company: this.deps.settings.company }) }, offered: false };
    }
    await this.deps.store.putOffer({ conversationId, awaiting: 'pick', slots }, this.deps.clock.now());
    const labels = slots.map((s) => slotLabel(s, timeZone, texts.dates));
    return { message: { text: `${intro}\n${labels.map((l, i) => `${i + 1}. ${l}`).join('\n')}`, choices: labels.map((label, i) => ({ id: `slot-${i + 1}`, label })) }, offered: true };
  }

  private zoneOf(ctx: TurnContext): string {
    return zoneOr(ctx.candidate.timeZone, this.deps.settings.defaultTimeZone);
  }

  /**
   * `/reschedule`: offers new slots when the interview was booked here, or is scheduled (HR
   * `/schedule`) and recruiters have free slots. False: not ours (the built-in request for
   * preferred times answers).
   */
  async tryMove(ctx: TurnContext): Promise<boolean> {
    if (!(await this.canMove(ctx))) return false;
    await this.startMove(ctx);
    return true;
  }

  private async canMove(ctx: TurnContext): Promise<boolean> {
    return Boolean(await this.deps.store.activeBooking(ctx.conversation.id)) || (ctx.candidate.stage === 'scheduled' && (await this.freeSlots(1)).length > 0);
  }

  private async startMove(ctx: TurnContext): Promise<void> {
    if (!ctx.candidate.timeZone) {
      await this.deps.store.putOffer({ conversationId: ctx.conversation.id, awaiting: 'zone', slots: [] }, ctx.now);
      return ctx.reply(schedulingTexts(ctx.conversation).askZone());
    }
    const intro = schedulingTexts(ctx.conversation).moveOffer({ company: this.deps.settings.company, zone: this.zoneOf(ctx) });
    ctx.reply((await this.offerMessage(ctx.conversation, this.zoneOf(ctx), intro)).message);
  }

  /** The turn middleware: time zone answers, picks, and "can we move it?" (after the commands). */
  middleware(): Middleware {
    return async (ctx, next) => {
      if (ctx.conversation.mode === 'human' || ctx.message.kind !== 'text' || ctx.candidate.optedOut) return next();
      const text = ctx.message.text.trim();
      const T = schedulingTexts(ctx.conversation);
      const offer = await this.deps.store.offer(ctx.conversation.id);
      if (CANCEL.test(text) && !MOVE.test(text) && (await this.deps.store.activeBooking(ctx.conversation.id))) return this.cancelInTurn(ctx);
      if (!offer) {
        if (MOVE.test(text) && (await this.canMove(ctx))) return this.startMove(ctx);
        return next();
      }
      if (offer.awaiting === 'zone') {
        const zone = resolveTimeZone(text);
        if (!zone) return ctx.reply(T.unknownZone({ text: text.slice(0, 60) }));
        ctx.candidate.timeZone = zone;
        const intro = (await this.deps.store.activeBooking(ctx.conversation.id)) ? T.moveOffer : T.offer;
        return ctx.reply((await this.offerMessage(ctx.conversation, zone, intro({ company: this.deps.settings.company, zone }))).message);
      }
      if (NONE.test(text)) {
        await this.deps.store.dropOffer(ctx.conversation.id);
        ctx.effects.push({ type: 'notifyOperators', kind: 'needs-human', title: 'No interview time suits the candidate', body: 'They declined every offered slot: propose other times.' });
        return ctx.reply(T.none({ company: this.deps.settings.company }));
      }
      const index = pickIndex(text, offer.slots.length, offer.slots, this.zoneOf(ctx), T.dates);
      if (index === undefined) return ctx.reply(T.pickPrompt({ n: String(offer.slots.length) }));
      await this.hold(ctx, offer.slots[index]!);
    };
  }

  private async hold(ctx: TurnContext, slot: Slot): Promise<void> {
    const active = await this.deps.store.activeBooking(ctx.conversation.id);
    // The same pick again (a turn re-run after a crash before its commit): the slot is already ours.
    const again = active && active.recruiterId === slot.recruiterId && active.start.getTime() === slot.start.getTime() ? active : undefined;
    const replacing = again ? undefined : active;
    const booking = again ?? (await this.deps.store.hold(newId('intv'), slot, ctx.conversation.id, ctx.now, replacing));
    const zone = this.zoneOf(ctx);
    const T = schedulingTexts(ctx.conversation);
    if (!booking) {
      const { message } = await this.offerMessage(ctx.conversation, zone, T.taken({ zone }));
      return ctx.reply(message);
    }
    await this.deps.store.dropOffer(ctx.conversation.id);
    const when = formatLocal(slot.start, zone, T.dates);
    const link = this.deps.settings.videoLink;
    ctx.reply(`${(replacing ? T.moved : T.booked)({ when })}${link ? `\n${T.join({ link })}` : ''}`);
    await this.followUp({ bookingId: booking.id, conversationId: ctx.conversation.id, kind: replacing || booking.sequence > 0 ? 'updated' : 'new', version: ctx.conversation.version, timeZone: zone, scheduled: false });
  }

  /** `/cancel` or "cancel my interview" in the chat: the slot is freed and both sides get a cancellation. */
  async cancelInTurn(ctx: TurnContext): Promise<void> {
    const T = schedulingTexts(ctx.conversation);
    const booking = await this.deps.store.cancel(ctx.conversation.id);
    if (!booking) return ctx.reply(T.nothingToCancel());
    await this.deps.store.dropOffer(ctx.conversation.id);
    ctx.conversation.state = scheduleSlice.write(ctx.conversation.state, undefined);
    ctx.effects.push({ type: 'emit', event: { type: 'InterviewCancelled', reason: 'cancelled by the candidate' } });
    ctx.effects.push({ type: 'notifyOperators', kind: 'needs-human', title: 'The candidate cancelled the interview', body: `Cancelled by the candidate in the chat (was ${booking.start.toISOString()}).` });
    ctx.reply(T.cancelledByYou({ when: formatLocal(booking.start, this.zoneOf(ctx), T.dates) }));
    await this.followUp({ bookingId: booking.id, conversationId: ctx.conversation.id, kind: 'cancelled', version: ctx.conversation.version, timeZone: this.zoneOf(ctx), scheduled: true });
  }

  /**
   * After a booking, a move or a cancel: once the turn has committed, schedule the interview (the
   * reminders) and send the invites. Kept in the store first, so a crash or a failed send is
   * resumed by `resume()` on the next start instead of lost.
   */
  private async followUp(f: FollowUp): Promise<void> {
    await this.deps.core.kvSet(FOLLOW_UPS, `${f.bookingId}:${f.kind}`, f);
    this.track(() => this.runFollowUp(f));
  }

  private async runFollowUp(f: FollowUp): Promise<void> {
    await this.committed(f.conversationId, f.version);
    const booking = await this.deps.store.booking(f.bookingId);
    const current = booking && (f.kind === 'cancelled' ? booking.status === 'cancelled' : booking.status === 'booked');
    if (booking && current) {
      if (!f.scheduled) {
        await this.deps.scheduleInterview()?.(f.conversationId, booking.start, { ...(this.deps.settings.videoLink ? { link: this.deps.settings.videoLink } : {}), timeZone: f.timeZone, actor: 'candidate' });
        await this.deps.core.kvSet(FOLLOW_UPS, `${f.bookingId}:${f.kind}`, { ...f, scheduled: true });
      }
      await this.sendInvites(booking, f.kind);
    }
    await this.deps.core.kvDelete(FOLLOW_UPS, `${f.bookingId}:${f.kind}`);
  }

  /** On start: the follow-ups a crash or a failure left (each kept until it succeeds). */
  async resume(): Promise<number> {
    const entries = await this.deps.core.kvList(FOLLOW_UPS);
    for (const { value } of entries) this.track(() => this.runFollowUp(value as FollowUp));
    return entries.length;
  }

  /** Cancel the booked interview: the slot is freed, both sides get a cancellation, the candidate is told. */
  async cancel(conversationId: string, actor: string): Promise<Booking> {
    const booking = await this.deps.store.cancel(conversationId);
    if (!booking) throw new NotFoundError('Interview for conversation', conversationId);
    await this.deps.store.dropOffer(conversationId);
    await this.deps.engine().mutate(conversationId, ({ conversation }) => {
      return { conversation: { ...conversation, state: scheduleSlice.write(conversation.state, undefined) }, events: [{ type: 'InterviewCancelled', reason: `cancelled by ${actor}` }], replies: [{ text: schedulingTexts(conversation).cancelled({ company: this.deps.settings.company }) }], actor };
    });
    await this.sendInvites(booking, 'cancelled');
    return booking;
  }

  /** Waits until the turn that held a slot has committed (the conversation's version moved on). */
  private async committed(conversationId: string, version: number): Promise<void> {
    const deadline = Date.now() + 30_000;
    for (;;) {
      const c = await this.deps.core.getConversation(conversationId);
      if (!c || c.version > version) return;
      if (Date.now() > deadline) throw new Error(`scheduling: the turn holding a slot for ${conversationId} did not commit`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  private track(task: () => Promise<void>): void {
    const p = task()
      .catch((err: unknown) => this.deps.log.error({ err }, 'scheduling: booking follow-up failed'))
      .finally(() => this.tasks.delete(p));
    this.tasks.add(p);
  }

  /** Builds, stores and (with email configured) mails the .ics to the candidate and the recruiter. */
  async sendInvites(booking: Booking, kind: 'new' | 'updated' | 'cancelled'): Promise<void> {
    const conversation = await this.deps.core.getConversation(booking.conversationId);
    const candidate = conversation && (await this.deps.core.getCandidate(conversation.candidateId));
    const recruiter = await this.deps.store.recruiter(booking.recruiterId);
    if (!candidate || !recruiter) return;
    const company = this.deps.settings.company;
    const candidateName = candidate.name ?? 'Candidate';
    const link = this.deps.settings.videoLink;
    const ics = inviteIcs(booking, {
      title: `Interview: ${candidateName} with ${company}`,
      description: `Interview with ${recruiter.name} (${company}) for ${candidateName}.`,
      organizer: { name: recruiter.name, email: recruiter.email },
      attendee: { name: candidateName, email: candidate.email },
      link,
      now: this.deps.clock.now(),
    });
    await this.deps.store.setIcs(booking.id, ics);
    const mail = this.deps.mail;
    if (!mail) return;
    const prefix = kind === 'cancelled' ? 'Cancelled: ' : kind === 'updated' ? 'Updated: ' : '';
    const method = kind === 'cancelled' ? 'CANCEL' : 'REQUEST';
    const candidateZone = zoneOr(candidate.timeZone, this.deps.settings.defaultTimeZone);
    // A candidate on the email channel gets the invite in their thread: a stored message naming
    // the interview-scheduled template, with the .ics (resent as it was after a crash).
    const inThread = conversation.ref.channel === 'email';
    if (inThread) {
      const T = schedulingTexts(conversation);
      const when = formatLocal(booking.start, candidateZone, T.dates);
      const data = { candidate: { name: candidateName }, ...(candidate.role ? { role: candidate.role } : {}), interview: { when, with: recruiter.name, ...(link ? { link } : {}) } };
      const text = kind === 'cancelled' ? T.mailCancelled({ when }) : T.mailBooked({ when, recruiter: recruiter.name });
      await this.deps.engine().send(conversation.id, { text, emailTemplate: { name: kind === 'cancelled' ? 'message' : 'interview-scheduled', data, calendar: { method, ics } } }, 'bot');
    }
    const to = [
      { email: inThread ? undefined : candidate.email, zone: candidateZone },
      { email: recruiter.email, zone: recruiter.timeZone },
    ];
    for (const r of to) {
      if (!r.email) continue;
      const when = formatLocal(booking.start, r.zone);
      const text = kind === 'cancelled' ? `The interview on ${when} (${candidateName} with ${recruiter.name}, ${company}) is cancelled.` : `Interview: ${candidateName} with ${recruiter.name} (${company}), ${when}.${link ? `\nJoin: ${link}` : ''}\nThe calendar invite is attached.`;
      await mail({ to: r.email, subject: `${prefix}Interview with ${company}: ${when}`, text, ics, method });
    }
  }
}

/** "2", "slot-2", "#2", or the label of a choice (a button press on channels that send labels). */
function pickIndex(text: string, n: number, slots: readonly Slot[], zone: string, words: DateWords): number | undefined {
  const m = /^(?:slot-|#|option\s*)?(\d{1,2})[.)]?$/i.exec(text);
  if (m) {
    const i = Number(m[1]) - 1;
    return i >= 0 && i < n ? i : undefined;
  }
  const lower = text.toLowerCase();
  // The label as offered (the candidate's language), or in English (a label from an older offer).
  const i = slots.findIndex((s) => [words, ENGLISH_DATES].some((w) => slotLabel(s, zone, w).toLowerCase() === lower));
  return i >= 0 ? i : undefined;
}

/** A slot as a choice's label: the date and time in the candidate's zone and language, without the zone. */
function slotLabel(slot: Slot, zone: string, words: DateWords): string {
  return formatLocal(slot.start, zone, words).replace(/ \([^)]*\)$/, '');
}
