import type { Candidate, Conversation, Message } from '../../core/domain/index.js';
import { NotFoundError } from '../../core/domain/index.js';
import type { Store } from '../../core/ports/index.js';
import { CONVERSATION_FILTERS, type ConversationDetail, type ConversationFilter, type ConversationStatus, type ConversationSummary, type MessagePreview, type RiskSummary } from '../contract.js';
import type { ConsoleStore, ConversationMarks, MarksChange, OperatorStore } from '../store/types.js';
import { toCandidateProfile, toConsoleMessage, toPreview, toWireEvent, toWireNote } from '../wire.js';
import type { AssessmentViews } from './assessment-view.js';
import { isRiskEvent, riskFromEvent } from './risk.js';
import { compareByUrgency, matchesFilter, urgencyOf } from './urgency.js';

export interface ViewDeps {
  store: Store;
  consoleStore: ConsoleStore;
  operators: OperatorStore;
  /** The interview panel's view model; without it the detail carries the raw snapshot only. */
  assessments?: Pick<AssessmentViews, 'forConversation'>;
  /** For snoozes running out (default: the system clock). */
  now?: () => Date;
}

const TRANSCRIPT_LIMIT = 500;
const TIMELINE_LIMIT = 1000;
/** How long the needs-human flag a marks write returned is trusted without reading the marks again. */
const FLAG_SEEN_MS = 2000;

/**
 * What operators see of conversations: list rows (unread counts, risk and team status kept as
 * marks; the last message read with them, one indexed look-up, so the list never reads every
 * transcript and a reply writes nothing), the conversation view and transcripts. Mark changes run
 * one at a time, so concurrent updates never lose a count.
 */
export class ConversationViews {
  private serial: Promise<unknown> = Promise.resolve();
  /** The needs-human flag each conversation's marks held when a write here last returned them, and when (wall clock, ms: other processes share the marks in real time, whatever the domain clock). */
  private readonly flagSeen = new Map<string, { value: boolean; at: number }>();

  constructor(private readonly deps: ViewDeps) {}

  /** Worth listing: a candidate has written, or something happened on it (not an empty chat page). As `ConversationQuery.engaged`. */
  static listed(c: Conversation): boolean {
    return c.lastCandidateMessageAt !== undefined || c.version > 0;
  }

  async operatorName(id: string | undefined): Promise<string | undefined> {
    return ConversationViews.operatorNameIn(this.deps.operators, id);
  }

  /** An operator's display name (their id when the account is gone). */
  static async operatorNameIn(operators: Pick<OperatorStore, 'findById'>, id: string | undefined): Promise<string | undefined> {
    if (!id) return undefined;
    return (await operators.findById(id))?.name ?? id;
  }

  /** A new inbound message: one more unread; a resolved, pending or snoozed conversation reopens. */
  onInbound(m: Message): Promise<ConversationMarks | undefined> {
    // Fresh marks are computed from the store, this message already counted among the unread.
    return this.changeMarks(m.conversationId, { unreadBy: 1, reopen: true }, (marks) => ({ ...marks, status: 'open' }));
  }

  /** Set the team status (`snoozedUntil` with `snoozed` only); returns the marks as stored. */
  setStatus(conversationId: string, status: ConversationStatus, snoozedUntil?: Date): Promise<ConversationMarks | undefined> {
    return this.updateMarks(conversationId, (marks) => {
      const { snoozedUntil: _previous, ...rest } = marks;
      return status === 'snoozed' && snoozedUntil ? { ...rest, status, snoozedUntil: snoozedUntil.toISOString() } : { ...rest, status };
    });
  }

  /** The status as it reads now: a snooze that has run out is open again. */
  private effectiveStatus(marks: ConversationMarks): { status: ConversationStatus; snoozedUntil?: string } {
    const status = marks.status ?? 'open';
    if (status !== 'snoozed') return { status };
    if (!marks.snoozedUntil || Date.parse(marks.snoozedUntil) <= (this.deps.now?.() ?? new Date()).getTime()) return { status: 'open' };
    return { status, snoozedUntil: marks.snoozedUntil };
  }

  /**
   * An outbound message was sent (or failed): nothing to write. The list's preview is the newest
   * listed message, read with the marks (`ConsoleWorkspaceStore.getListMarks`), so a sent or failed
   * message shows there as soon as its row says so, and a suppressed one never does.
   */
  async onOutbound(_m: Message): Promise<undefined> {
    return undefined;
  }

  /** Assign to an operator (undefined: nobody); returns the marks as stored and who had it before. */
  async setAssignee(conversationId: string, assigneeId: string | undefined): Promise<{ marks: ConversationMarks; previous?: string } | undefined> {
    let previous: string | undefined;
    const marks = await this.updateMarks(conversationId, (current) => {
      previous = current.assigneeId;
      const { assigneeId: _old, ...rest } = current;
      return assigneeId ? { ...rest, assigneeId } : rest;
    });
    return marks && { marks, ...(previous ? { previous } : {}) };
  }

  /** Change the labels on a conversation (`change` gets the current ids); returns the marks as stored. */
  changeLabels(conversationId: string, change: (labels: readonly string[]) => string[]): Promise<ConversationMarks | undefined> {
    return this.updateMarks(conversationId, (marks) => ({ ...marks, labels: change(marks.labels ?? []) }));
  }

  markRead(conversationId: string): Promise<ConversationMarks | undefined> {
    return this.updateMarks(conversationId, (marks) => ({ ...marks, unread: 0 }));
  }

  /** The latest assessment (in place: one write); a stored one assessed later stays. */
  setRisk(conversationId: string, risk: RiskSummary): Promise<ConversationMarks | undefined> {
    return this.changeMarks(conversationId, { risk }, (marks) => (marks.risk && marks.risk.at > risk.at ? marks : { ...marks, risk }));
  }

  /**
   * Record the conversation's needs-human flag; true when it just turned on. Written only when it
   * differs from the stored one, and then in place (an unread count another process adds meanwhile stays).
   * Not even read when a marks write returned the same flag a moment ago (a turn's inbound message
   * just did): the marks are shared with other processes, so that is trusted for `FLAG_SEEN_MS` only.
   */
  syncNeedsHuman(conversation: Conversation): Promise<boolean> {
    const needsHuman = conversation.needsHuman;
    return this.oneAtATime(async () => {
      const seen = this.flagSeen.get(conversation.id);
      if (seen && seen.value === needsHuman && Date.now() - seen.at < FLAG_SEEN_MS) return false;
      const stored = await this.deps.consoleStore.getMarks(conversation.id);
      if (!stored) {
        await this.readModifyWrite(conversation.id, undefined, (marks) => ({ ...marks, needsHuman }));
        return false;
      }
      if (stored.needsHuman !== needsHuman) this.noteFlag(await this.deps.consoleStore.changeMarks(conversation.id, { needsHuman }));
      else this.noteFlag(stored);
      return needsHuman && !stored.needsHuman;
    });
  }

  /** Remember the needs-human flag of marks just written (or read), for `syncNeedsHuman`. */
  private noteFlag<T extends ConversationMarks | undefined>(marks: T): T {
    if (!marks) return marks;
    // Bounded: entries older than a moment are useless anyway.
    if (this.flagSeen.size >= 10_000) this.flagSeen.clear();
    this.flagSeen.set(marks.conversationId, { value: marks.needsHuman, at: Date.now() });
    return marks;
  }


  async summaryById(id: string): Promise<ConversationSummary | undefined> {
    const conversation = await this.deps.store.getConversation(id);
    return conversation && this.summary(conversation);
  }

  async summary(conversation: Conversation, candidate?: Candidate, names = new Map<string, string | undefined>()): Promise<ConversationSummary> {
    const who = candidate ?? (await this.deps.store.getCandidate(conversation.candidateId));
    const listed = await this.deps.consoleStore.getListMarks(conversation.id);
    const marks = listed.marks ?? (await this.initialMarks(conversation));
    const lastMessage = listed.lastMessage && (await this.preview(listed.lastMessage, names));
    const operatorId = conversation.assignedOperatorId;
    if (operatorId && !names.has(operatorId)) names.set(operatorId, await this.operatorName(operatorId));
    // A holder from another desk (Telegram HR) is not a console account: the name recorded at takeover.
    const known = operatorId ? names.get(operatorId) : undefined;
    const assignedOperatorName = known && known !== operatorId ? known : (conversation.assignedOperatorName ?? known);
    const base = {
      id: conversation.id,
      candidateId: conversation.candidateId,
      ...(who?.name ? { candidateName: who.name } : {}),
      ...(who?.role ? { role: who.role } : {}),
      channel: conversation.ref.channel,
      ...languageOf(conversation.state),
      stage: who?.stage ?? conversation.stage,
      mode: conversation.mode,
      needsHuman: conversation.needsHuman,
      ...(operatorId ? { assignedOperatorId: operatorId } : {}),
      ...(assignedOperatorName ? { assignedOperatorName } : {}),
      ...(marks.risk ? { risk: marks.risk } : {}),
      unread: marks.unread,
      ...(lastMessage ? { lastMessage } : {}),
      ...this.effectiveStatus(marks),
      ...(await this.assignee(marks.assigneeId, names)),
      ...(marks.labels?.length ? { labels: marks.labels } : {}),
      lastActivityAt: conversation.lastActivityAt.toISOString(),
      createdAt: conversation.createdAt.toISOString(),
      updatedAt: conversation.updatedAt.toISOString(),
    };
    return { ...base, urgency: urgencyOf(base) };
  }

  /** A message's list preview; an operator's with their display name. */
  private async preview(m: Message, names: Map<string, string | undefined>): Promise<MessagePreview> {
    if (m.author !== 'operator' || !m.authorId) return toPreview(m);
    if (!names.has(m.authorId)) names.set(m.authorId, await this.operatorName(m.authorId));
    return toPreview(m, names.get(m.authorId));
  }

  private async assignee(id: string | undefined, names: Map<string, string | undefined>): Promise<{ assigneeId?: string; assigneeName?: string }> {
    if (!id) return {};
    if (!names.has(id)) names.set(id, await this.operatorName(id));
    const name = names.get(id);
    return { assigneeId: id, ...(name ? { assigneeName: name } : {}) };
  }

  /**
   * The list, most urgent first. Reads the `limit` most recently active conversations plus every
   * flagged one, so someone waiting for a human is never cut off by the limit. Empty chats are
   * filtered in the query, so they can never push real conversations past the limit.
   */
  async list(filter: ConversationFilter, operatorId: string, limit = 500): Promise<ConversationSummary[]> {
    const recent = await this.deps.store.listConversations({ engaged: true, limit });
    const flagged = await this.deps.store.listConversations({ engaged: true, needsHuman: true, limit: 1000 });
    const human = await this.deps.store.listConversations({ engaged: true, mode: 'human', limit: 1000 });
    const byId = new Map([...recent, ...flagged, ...human].map((c) => [c.id, c]));
    const names = new Map<string, string | undefined>();
    const rows: ConversationSummary[] = [];
    for (const c of byId.values()) rows.push(await this.summary(c, undefined, names));
    return rows.filter((s) => matchesFilter(s, filter, operatorId)).sort(compareByUrgency);
  }

  /** Everything the conversation view shows. Throws `NotFoundError`. */
  async detail(id: string): Promise<ConversationDetail> {
    const conversation = await this.deps.store.getConversation(id);
    const candidate = conversation && (await this.deps.store.getCandidate(conversation.candidateId));
    if (!conversation || !candidate) throw new NotFoundError('Conversation', id);
    const events = new Map((await this.deps.store.listEvents({ conversationId: id, limit: TIMELINE_LIMIT })).map((e) => [e.id, e]));
    // Candidate-level events (risk assessments) may carry no conversation id.
    for (const e of await this.deps.store.listEvents({ candidateId: candidate.id, limit: TIMELINE_LIMIT })) events.set(e.id, e);
    const notes = await this.deps.consoleStore.listNotes(id);
    const state = conversation.state;
    const assessment = await this.deps.assessments?.forConversation(conversation, candidate);
    return {
      summary: await this.summary(conversation, candidate),
      candidate: toCandidateProfile(candidate),
      ref: { channel: conversation.ref.channel, externalId: conversation.ref.externalId },
      state: { interview: state.interview, assessment: state.assessment, intake: state.intake },
      ...(assessment ? { assessment } : {}),
      messages: await this.messages(id),
      events: [...events.values()].sort((a, b) => a.at.getTime() - b.at.getTime()).map(toWireEvent),
      notes: await Promise.all(notes.map(async (n) => toWireNote(n, (await this.operatorName(n.operatorId)) ?? n.operatorId))),
    };
  }

  /** The transcript, oldest first, with operator names. */
  async messages(conversationId: string, opts: { since?: Date } = {}) {
    const messages = await this.deps.store.listMessages(conversationId, { limit: TRANSCRIPT_LIMIT });
    const since = opts.since?.getTime() ?? -1;
    const names = new Map<string, string | undefined>();
    const out = [];
    for (const m of messages) {
      if (m.updatedAt.getTime() < since) continue;
      if (m.author === 'operator' && m.authorId && !names.has(m.authorId)) names.set(m.authorId, await this.operatorName(m.authorId));
      out.push(toConsoleMessage(m, m.authorId ? names.get(m.authorId) : undefined));
    }
    return out;
  }

  /** Change a conversation's marks, one change at a time. `fresh`: the marks were just computed from the store. */
  private updateMarks(conversationId: string, change: (marks: ConversationMarks, fresh: boolean) => ConversationMarks): Promise<ConversationMarks | undefined> {
    return this.oneAtATime(async () => this.readModifyWrite(conversationId, await this.deps.consoleStore.getMarks(conversationId), change));
  }

  /**
   * A change made in place by the store (one write, no read). Marks not stored yet are computed
   * from the store, which already holds the message or assessment: `fresh` applies to them instead.
   */
  private changeMarks(conversationId: string, change: MarksChange, fresh: (marks: ConversationMarks) => ConversationMarks): Promise<ConversationMarks | undefined> {
    return this.oneAtATime(async () => this.noteFlag(await this.deps.consoleStore.changeMarks(conversationId, change)) ?? this.readModifyWrite(conversationId, undefined, fresh));
  }

  private async readModifyWrite(conversationId: string, stored: ConversationMarks | undefined, change: (marks: ConversationMarks, fresh: boolean) => ConversationMarks): Promise<ConversationMarks | undefined> {
    const conversation = stored ? undefined : await this.deps.store.getConversation(conversationId);
    if (!stored && !conversation) return undefined;
    const marks = change(stored ?? (await this.initialMarks(conversation as Conversation)), !stored);
    await this.deps.consoleStore.saveMarks(marks);
    return this.noteFlag(marks);
  }

  private oneAtATime<T>(run: () => Promise<T>): Promise<T> {
    const next = this.serial.then(run, run);
    this.serial = next.catch(() => undefined);
    return next;
  }

  /**
   * Marks for a conversation the console has not tracked yet (created before the console was on):
   * the candidate's messages since an operator last wrote as unread, the latest risk.
   */
  private async initialMarks(conversation: Conversation): Promise<ConversationMarks> {
    const recent = await this.deps.store.listMessages(conversation.id, { limit: 50 });
    const lastOperator = recent.findLastIndex((m) => m.author === 'operator');
    const unread = recent.slice(lastOperator + 1).filter((m) => m.direction === 'in').length;
    const risks = (await this.deps.store.listEvents({ candidateId: conversation.candidateId, types: ['RiskAssessed', 'CandidateAtRisk'], limit: 100_000 })).filter(isRiskEvent);
    const risk = risks.at(-1);
    return {
      conversationId: conversation.id,
      unread,
      needsHuman: conversation.needsHuman,
      ...(risk ? { risk: riskFromEvent(risk) } : {}),
    };
  }
}

/** The `filter` query parameter, `all` when missing or unknown. */
export function listFilter(value: unknown): ConversationFilter {
  return (CONVERSATION_FILTERS as readonly unknown[]).includes(value) ? (value as ConversationFilter) : 'all';
}

/**
 * The bot's language for the candidate (`state.language.code`, owned by bots/i18n), read as plain
 * data: the console does not import the bots.
 */
function languageOf(state: Record<string, unknown>): { language?: string } {
  const code = (state.language as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[a-z]{2}$/.test(code) ? { language: code } : {};
}
