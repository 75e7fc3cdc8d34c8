import type { Candidate, Conversation, DomainEvent, Message } from '../../core/domain/index.js';
import { NotFoundError } from '../../core/domain/index.js';
import { answerScore, assessmentSlice, interviewSlice, type Assessment, type InterviewSession, type RoleBank } from '../../core/interview/index.js';
import type { Store } from '../../core/ports/index.js';
import type { AssessmentView, EvidenceView, IntegrityFlagView, Recommendation, RecommendationOverride, SkillView } from '../contract.js';
import { RECOMMENDATIONS } from '../contract.js';
import { mediaUrl } from '../wire.js';

/** The audit action of a recommendation override (an `OperatorAction` event). */
export const OVERRIDE_ACTION = 'assessment-override';

export const RECOMMENDATION_LABELS: Record<Recommendation, string> = { 'strong-yes': 'Strong yes', yes: 'Yes', maybe: 'Maybe', no: 'No' };

const FLAG_LABELS: Record<string, string> = {
  'too-fast': 'Answered faster than a person types',
  'paste-burst': 'Long answer pasted at once',
  'copied-question': 'Answer repeats the question',
  contradiction: 'Contradicts an earlier answer',
};

export interface AssessmentViewDeps {
  store: Pick<Store, 'getCandidate' | 'listConversations' | 'listMessages' | 'listEvents'>;
  /** The question banks by role id (interview plugin), for role, skill and question names. */
  banks: () => ReadonlyMap<string, RoleBank> | undefined;
  operatorName: (id: string) => Promise<string | undefined>;
}

/**
 * The interview and its assessment as recruiters read them: exactly the assessment's numbers
 * (while the interview runs, the same score definition over the answers so far), role, skill and
 * question names from the bank instead of ids, voice-note times for quotes that were spoken, and
 * recruiters' overrides of the recommendation (read back from the audit trail, the original kept).
 */
export class AssessmentViews {
  constructor(private readonly deps: AssessmentViewDeps) {}

  /** The candidate's assessment (their latest interview). Throws `NotFoundError`. */
  async forCandidate(candidateId: string): Promise<AssessmentView> {
    const candidate = await this.deps.store.getCandidate(candidateId);
    if (!candidate) throw new NotFoundError('Candidate', candidateId);
    const conversations = await this.deps.store.listConversations({ candidateId, limit: 100 });
    const withInterview = conversations
      .filter((c) => c.state.assessment !== undefined || c.state.interview !== undefined)
      .sort((a, b) => Number(b.state.assessment !== undefined) - Number(a.state.assessment !== undefined) || b.updatedAt.getTime() - a.updatedAt.getTime());
    for (const c of withInterview) {
      const view = await this.forConversation(c, candidate);
      if (view) return view;
    }
    throw new NotFoundError('Assessment', candidateId);
  }

  /** The view of one conversation's interview, or undefined when it has none (yet). */
  async forConversation(conversation: Conversation, candidate: Candidate): Promise<AssessmentView | undefined> {
    const session = interviewSlice.read(conversation);
    const assessment = assessmentSlice.read(conversation);
    if (!session && !assessment) return undefined;
    const roleId = assessment?.role ?? session?.role ?? '';
    const bank = this.deps.banks()?.get(roleId);
    const names = namer(bank);
    const base = {
      candidateId: candidate.id,
      conversationId: conversation.id,
      ...(candidate.name ? { candidateName: candidate.name } : {}),
      role: { id: roleId, title: bank?.title ?? roleId },
      status: assessment ? ('completed' as const) : session?.status ?? 'in-progress',
      skills: skillViews(session, assessment, bank, names.skill),
      answers: (session?.answers ?? []).map((a) => ({ questionId: a.questionId, skill: a.skill, skillName: names.skill(a.skill), level: a.level, quality: a.quality, score: answerScore([a]), unparseable: a.unparseable })),
      ...(session?.pending && !assessment ? { pending: { skill: session.pending.skill, skillName: names.skill(session.pending.skill), level: session.pending.level } } : {}),
    };
    if (!assessment) {
      const core = session?.coreSkills.length ? session.coreSkills : (session?.skills ?? []);
      const answers = (session?.answers ?? []).filter((a) => core.includes(a.skill));
      return { ...base, questionsAsked: session?.answers.length ?? 0, ...(answers.length ? { overallScore: answerScore(answers) } : {}), strengths: [], weaknesses: [], nextSteps: [] };
    }
    const voice = await this.voiceNotes(conversation.id);
    const history = await this.overrides(candidate.id, conversation.id);
    const override = history.at(-1);
    return {
      ...base,
      questionsAsked: assessment.questionsAsked,
      overallScore: assessment.overallScore,
      strengths: assessment.strengths.map((e) => evidenceView(e, names.skill, voice)),
      weaknesses: assessment.weaknesses.map((e) => evidenceView(e, names.skill, voice)),
      integrity: { score: assessment.integrityScore, flags: assessment.integrityFlags.map((f) => flagView(f, bank)) },
      recommendation: {
        value: override?.recommendation ?? assessment.recommendation,
        computed: assessment.recommendation,
        reasons: assessment.recommendationReasons,
        ...(override ? { override } : {}),
        history,
      },
      nextSteps: assessment.nextSteps.map((s) => names.inText(s)),
      durationMin: assessment.durationMin,
      ...(assessment.completionReason ? { completionReason: assessment.completionReason } : {}),
      ...(session?.completedAt !== undefined ? { completedAt: new Date(session.completedAt).toISOString() } : {}),
    };
  }

  /** Every override of this candidate's recommendation, oldest first. */
  private async overrides(candidateId: string, conversationId: string): Promise<RecommendationOverride[]> {
    const events = await this.deps.store.listEvents({ candidateId, types: ['OperatorAction'], limit: 10_000 });
    const out: RecommendationOverride[] = [];
    for (const e of events.filter(isOverride).sort((a, b) => a.at.getTime() - b.at.getTime())) {
      const d = e.details;
      if (d.conversationId !== undefined && d.conversationId !== conversationId) continue;
      if (!RECOMMENDATIONS.includes(d.to as Recommendation) || typeof d.reason !== 'string') continue;
      out.push({ recommendation: d.to as Recommendation, reason: d.reason, operatorId: e.operatorId, operatorName: (await this.deps.operatorName(e.operatorId)) ?? e.operatorId, at: e.at.toISOString() });
    }
    return out;
  }

  /** The candidate's voice notes with their transcripts (what a quote may have come from). */
  private async voiceNotes(conversationId: string): Promise<Message[]> {
    return (await this.deps.store.listMessages(conversationId, { limit: 1000 })).filter((m) => m.direction === 'in' && m.kind === 'voice' && m.text.trim() !== '');
  }
}

type OverrideEvent = Extract<DomainEvent, { type: 'OperatorAction' }>;
function isOverride(e: DomainEvent): e is OverrideEvent {
  return e.type === 'OperatorAction' && e.action === OVERRIDE_ACTION;
}

/** Skill and question names from the bank; ids when the bank is gone. */
function namer(bank: RoleBank | undefined) {
  const skills = new Map((bank?.skills ?? []).map((s) => [s.id, s.name]));
  const skill = (id: string) => skills.get(id) ?? id;
  // Next steps name skills as "<id> (<level>)": show the skill's name instead.
  const inText = (text: string) => text.replace(/([a-z0-9-]+) \((warmup|fundamental|intermediate|advanced|expert)\)/g, (m, id: string, level: string) => (skills.has(id) ? `${skill(id)} (${level})` : m));
  return { skill, inText };
}

function skillViews(session: InterviewSession | undefined, assessment: Assessment | undefined, bank: RoleBank | undefined, name: (id: string) => string): SkillView[] {
  const core = new Set(session?.coreSkills.length ? session.coreSkills : (bank?.skills.filter((s) => s.core).map((s) => s.id) ?? []));
  const ids = [...new Set([...(session?.skills ?? []), ...Object.keys(assessment?.skillScores ?? {})])];
  return ids.map((id) => {
    const answers = (session?.answers ?? []).filter((a) => a.skill === id);
    const score = assessment ? assessment.skillScores[id] : answers.length ? answerScore(answers) : undefined;
    const reached = assessment?.levelReached[id];
    const boundary = assessment?.boundaries[id] ?? session?.boundaries[id]?.level;
    return {
      id,
      name: name(id),
      core: core.size === 0 || core.has(id),
      // A skill never asked scores 0 in the assessment: shown as "not asked", not as a zero.
      ...(score !== undefined && (answers.length > 0 || !session) ? { score } : {}),
      ...(reached ? { levelReached: reached } : {}),
      ...(boundary ? { boundary } : {}),
      answers: answers.length,
      current: !assessment && session?.status === 'in-progress' && session.currentSkill === id,
    };
  });
}

const squash = (t: string) => t.toLowerCase().replace(/…$/, '').replace(/[^\p{L}\p{N}]+/gu, ' ').trim();

function evidenceView(e: Assessment['strengths'][number], skillName: (id: string) => string, voiceNotes: readonly Message[]): EvidenceView {
  const voice = spokenIn(e.quote, voiceNotes);
  const summary = e.summary.startsWith(`${e.skill}:`) ? `${skillName(e.skill)}:${e.summary.slice(e.skill.length + 1)}` : e.summary;
  return {
    skill: e.skill,
    skillName: skillName(e.skill),
    summary,
    quote: e.quote,
    concepts: e.concepts,
    ...(voice
      ? { voice: { messageId: voice.id, at: voice.createdAt.toISOString(), ...(voice.media?.durationSec !== undefined ? { durationSec: voice.media.durationSec } : {}), ...(voice.media?.storedPath ? { audioUrl: mediaUrl(voice.id) } : {}) } }
      : {}),
  };
}

/**
 * The voice note a quote came from: an answer is the candidate's messages joined (split answers
 * are coalesced), so a voice note's transcript is a piece of the quote, or the quote (clipped to
 * an excerpt) is the start of the transcript.
 */
function spokenIn(quote: string, voiceNotes: readonly Message[]): Message | undefined {
  const q = squash(quote);
  if (q.length < 3) return undefined;
  return voiceNotes.find((m) => {
    const t = squash(m.text);
    return t.length >= 3 && (q.includes(t) || t.startsWith(q) || (q.length > 40 && t.includes(q.slice(0, 40))));
  });
}

function flagView(f: Assessment['integrityFlags'][number], bank: RoleBank | undefined): IntegrityFlagView {
  const question = bank?.questions.find((q) => q.id === f.questionId)?.text;
  return { type: f.type, label: FLAG_LABELS[f.type] ?? f.type, severity: f.severity, evidence: f.evidence, confidence: f.confidence, questionId: f.questionId, ...(question ? { question } : {}) };
}
