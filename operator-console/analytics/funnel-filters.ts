import { CHANNELS, ValidationError, type Candidate, type ChannelId, type Conversation, type DomainEvent } from '../../core/domain/index.js';
import type { FunnelReport } from './funnel.js';
import type { InterventionFigures } from './interventions.js';

/** Which candidates the funnel covers: those who started in [from, to], for a role, on a channel, handled by a recruiter. */
export interface FunnelFilters {
  /** First day (UTC, inclusive). */
  from?: string;
  /** Last day (UTC, inclusive). */
  to?: string;
  role?: string;
  channel?: ChannelId;
  /** An operator id: candidates that operator took over, wrote to, or was assigned. */
  recruiter?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The query string's filters; throws `ValidationError` naming a bad one. */
export function parseFunnelFilters(q: Record<string, unknown>): FunnelFilters {
  const text = (name: string): string | undefined => (typeof q[name] === 'string' && q[name] !== '' ? (q[name] as string) : undefined);
  const out: FunnelFilters = {};
  for (const name of ['from', 'to'] as const) {
    const v = text(name);
    if (v === undefined) continue;
    if (!DAY.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw new ValidationError(`${name} must be a day such as 2026-05-01`);
    out[name] = v;
  }
  if (out.from && out.to && out.from > out.to) throw new ValidationError('from must not be after to');
  const role = text('role');
  if (role) out.role = role.slice(0, 100);
  const channel = text('channel');
  if (channel) {
    if (!(CHANNELS as readonly string[]).includes(channel)) throw new ValidationError(`channel must be one of ${CHANNELS.join(', ')}`);
    out.channel = channel as ChannelId;
  }
  const recruiter = text('recruiter');
  if (recruiter) out.recruiter = recruiter.slice(0, 100);
  return out;
}

/** Operators who handled each conversation: took it over, wrote in it, or were assigned it. */
function handlers(events: readonly DomainEvent[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const add = (conversationId: string | undefined, operatorId: unknown) => {
    if (!conversationId || typeof operatorId !== 'string') return;
    let set = out.get(conversationId);
    if (!set) out.set(conversationId, (set = new Set()));
    set.add(operatorId);
  };
  for (const e of events) {
    if (e.type === 'OperatorTakeover') add(e.conversationId, e.operatorId);
    else if (e.type === 'OperatorAction' && e.action === 'message-sent') add(e.conversationId, e.operatorId);
    else if (e.type === 'OperatorAction' && e.action === 'conversation-assigned') add(e.conversationId, e.details?.assigneeId);
  }
  return out;
}

/**
 * Keep the candidates (and their events) the filters select. Candidates are a cohort by the day
 * they started (`createdAt`); their events count whenever they happened.
 */
export function applyFunnelFilters<C extends Pick<Candidate, 'id' | 'createdAt' | 'role'>>(
  input: { candidates: readonly C[]; conversations: readonly Pick<Conversation, 'id' | 'candidateId' | 'ref'>[]; events: readonly DomainEvent[] },
  f: FunnelFilters,
): { candidates: C[]; events: DomainEvent[] } {
  const from = f.from ? Date.parse(`${f.from}T00:00:00Z`) : -Infinity;
  const to = f.to ? Date.parse(`${f.to}T00:00:00Z`) + 24 * 3600 * 1000 : Infinity;
  const byCandidate = new Map<string, Pick<Conversation, 'id' | 'candidateId' | 'ref'>[]>();
  for (const c of input.conversations) byCandidate.set(c.candidateId, [...(byCandidate.get(c.candidateId) ?? []), c]);
  const handledBy = f.recruiter ? handlers(input.events) : undefined;
  const candidates = input.candidates.filter((c) => {
    const t = c.createdAt.getTime();
    if (t < from || t >= to) return false;
    if (f.role && c.role !== f.role) return false;
    const own = byCandidate.get(c.id) ?? [];
    if (f.channel && !own.some((conv) => conv.ref.channel === f.channel)) return false;
    if (f.recruiter && !own.some((conv) => handledBy?.get(conv.id)?.has(f.recruiter as string))) return false;
    return true;
  });
  const kept = new Set(candidates.map((c) => c.id));
  const keptConversations = new Set(input.conversations.filter((c) => kept.has(c.candidateId)).map((c) => c.id));
  const events = input.events.filter((e) => (e.candidateId ? kept.has(e.candidateId) : e.conversationId !== undefined && keptConversations.has(e.conversationId)));
  return { candidates, events };
}

/** A CSV cell: quoted when needed; a leading = + - @ is defused so a spreadsheet never runs it. */
function cell(v: unknown): string {
  let s = v === null || v === undefined ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The report as CSV in long form (`section,item,metric,value`), filters first. */
export function funnelCsv(report: FunnelReport & { interventions: InterventionFigures[] }, filters: FunnelFilters): string {
  const rows: unknown[][] = [['section', 'item', 'metric', 'value']];
  for (const [k, v] of Object.entries(filters)) rows.push(['filter', k, '', v]);
  rows.push(['summary', 'candidates', 'total', report.totalCandidates], ['summary', 'generated', 'at', report.generatedAt]);
  for (const s of report.stages) {
    rows.push(['stage', s.stage, 'current', s.current], ['stage', s.stage, 'reached', s.reached], ['stage', s.stage, 'dropped_out', s.droppedOut], ['stage', s.stage, 'drop_off_rate', s.dropOffRate], ['stage', s.stage, 'median_time_in_stage_sec', s.medianTimeInStageSec]);
  }
  for (const c of report.conversion) rows.push(['conversion', `${c.from}->${c.to}`, 'rate', c.rate], ['conversion', `${c.from}->${c.to}`, 'reached_to', c.reachedTo]);
  for (const [level, n] of Object.entries(report.risk)) rows.push(['risk', level, 'candidates', n]);
  const r = report.operatorFirstResponse;
  rows.push(['operator_first_response', 'all', 'median_sec', r.medianSec], ['operator_first_response', 'all', 'samples', r.samples], ['operator_first_response', 'all', 'waiting', r.waiting]);
  for (const i of report.interventions) rows.push(['intervention', i.kind, 'attempts', i.attempts], ['intervention', i.kind, 're_engaged_48h', i.reEngaged], ['intervention', i.kind, 'rate', i.rate], ['intervention', i.kind, 'pending', i.pending]);
  return rows.map((row) => row.map(cell).join(',')).join('\r\n') + '\r\n';
}
