import { STAGES, STAGE_LABELS, type Candidate, type Conversation, type Stage } from '../../core/domain/index.js';
import { interviewSlice } from '../../core/interview/index.js';
import type { RiskAssessment } from './lookup.js';

// Pure formatting of what HR commands report. Time comes in as `now`.

/** `/status`: candidates per stage, total, and how many are at high risk. */
export function pipelineReport(counts: Partial<Record<Stage, number>>, atRisk: number): string {
  const total = Object.values(counts).reduce((a, b) => a + (b ?? 0), 0);
  const lines = STAGES.filter((s) => counts[s]).map((s) => `  ${s}: ${counts[s]}`);
  return ['Pipeline', ...(lines.length ? lines : ['  (no candidates yet)']), `Total: ${total}`, `At risk (high): ${atRisk}`].join('\n');
}

/** One line per candidate in lists. */
export function candidateLine(c: Candidate, extra?: string): string {
  return `• ${c.name ?? '(no name yet)'} · ${c.role ?? 'no role'} · ${c.stage}${extra ? ` · ${extra}` : ''} · ${c.id}`;
}

export interface CandidateReportInput {
  candidate: Candidate;
  conversation: Conversation | undefined;
  risk: RiskAssessment | undefined;
  now: Date;
}

/** `/status <candidate>`: stage, risk, last activity, interview progress, flags. */
export function candidateReport({ candidate: c, conversation, risk, now }: CandidateReportInput): string {
  const lines = [
    `${c.name ?? '(no name yet)'} (${c.id})`,
    `Role: ${c.role ?? 'not chosen yet'}${conversation ? ` · Channel: ${conversation.ref.channel}` : ''}`,
    `Stage: ${c.stage} (${STAGE_LABELS[c.stage]})`,
    `Risk: ${risk ? riskText(risk) : 'not assessed yet'}`,
    `Last activity: ${conversation ? `${ago(conversation.lastActivityAt, now)} (${conversation.lastActivityAt.toISOString()})` : 'none'}`,
  ];
  const interview = conversation && interviewProgress(conversation);
  if (interview) lines.push(`Interview: ${interview}`);
  if (conversation?.mode === 'human') lines.push(`Handled by: ${conversation.assignedOperatorId ?? 'an operator'}`);
  if (conversation?.needsHuman) lines.push('Needs a human: yes');
  if (c.optedOut) lines.push('Opted out: yes');
  if (c.unreachable) lines.push('Unreachable on their channel: yes');
  return lines.join('\n');
}

/** "high (0.82): factor (0.40), …" with the top three factors. */
export function riskText(risk: RiskAssessment): string {
  const top = [...risk.factors].sort((a, b) => b.contribution - a.contribution).slice(0, 3);
  const factors = top.map((f) => `${f.name} (${f.contribution.toFixed(2)})`).join(', ');
  return `${risk.level} (${risk.score.toFixed(2)})${factors ? `: ${factors}` : ''}`;
}

/** "in-progress, level intermediate, 4 questions asked" from the conversation's interview, if readable. */
export function interviewProgress(conversation: Pick<Conversation, 'id' | 'state'>): string | undefined {
  const s = interviewSlice.read(conversation);
  if (!s) return undefined;
  return [s.status, `level ${s.level}`, `${s.askedQuestionIds.length} question${s.askedQuestionIds.length === 1 ? '' : 's'} asked`].join(', ');
}

export interface Stats {
  candidates: number;
  newLast7Days: number;
  byChannel: Record<string, number>;
  humanMode: number;
  needsHuman: number;
  optedOut: number;
  unreachable: number;
  inbound: number;
  outbound: Partial<Record<string, number>>;
  interviewsCompleted: number;
  feedback: { count: number; averageSentiment: number | undefined };
}

/** `/stats`. */
export function statsReport(s: Stats): string {
  const channels = Object.entries(s.byChannel).map(([ch, n]) => `${ch} ${n}`).join(', ') || 'none';
  const out = Object.entries(s.outbound).map(([status, n]) => `${status} ${n}`).join(', ') || 'none';
  const sentiment = s.feedback.averageSentiment === undefined ? '' : `, average sentiment ${s.feedback.averageSentiment.toFixed(2)}`;
  return [
    'Stats',
    `Candidates: ${s.candidates} (${s.newLast7Days} new in the last 7 days)`,
    `Conversations by channel: ${channels}`,
    `With a human: ${s.humanMode} · Needing a human: ${s.needsHuman}`,
    `Opted out: ${s.optedOut} · Unreachable: ${s.unreachable}`,
    `Messages: ${s.inbound} received; sent ${out}`,
    `Interviews completed: ${s.interviewsCompleted}`,
    `Feedback: ${s.feedback.count}${sentiment}`,
  ].join('\n');
}

/** "just now", "5 min ago", "3 h ago", "2 days ago". */
export function ago(at: Date, now: Date): string {
  const sec = Math.max(0, Math.round((now.getTime() - at.getTime()) / 1000));
  if (sec < 60) return 'just now';
  if (sec < 3600) return `${Math.round(sec / 60)} min ago`;
  if (sec < 86_400) return `${Math.round(sec / 3600)} h ago`;
  const days = Math.round(sec / 86_400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}
