/**
 * The operator console's Socket.IO contract (namespace `/console`) and the shapes its REST API
 * returns. One typed file shared by the server, the tests and (as documented shapes) the web UI
 * in `public/js`. Dates travel as ISO strings.
 *
 * @example
 * const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}/console`, { auth: { token } });
 * socket.emit('takeover', { conversationId }, (r) => r.ok ? show(r.data) : alert(r.error));
 */
import type { ChannelId, ConversationMode, InboundKind, MessageAuthor, MessageStatus, Stage } from '../core/domain/index.js';

export const CONSOLE_NAMESPACE = '/console';

/** Variables a canned response may hold, filled from the conversation and the operator inserting it. */
export const CANNED_VARIABLES = ['candidate.name', 'role', 'recruiter.name', 'nextInterview'] as const;

export const OPERATOR_ROLES = ['admin', 'recruiter', 'viewer'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Roles that may take over, hand back, reply, write notes and edit canned responses. */
export const ACTING_ROLES: readonly OperatorRole[] = ['admin', 'recruiter'];

export interface OperatorProfile {
  id: string;
  email: string;
  name: string;
  role: OperatorRole;
}

export const CONVERSATION_FILTERS = ['all', 'needs-human', 'at-risk', 'mine', 'unassigned'] as const;
export type ConversationFilter = (typeof CONVERSATION_FILTERS)[number];

export interface RiskSummary {
  /** low | medium | high (as the risk job reports it). */
  level: string;
  score: number;
  at: string;
  /** The latest assessment is a `CandidateAtRisk` alert, or its level is high. */
  atRisk: boolean;
  recommendedAction?: string;
}

export interface MessagePreview {
  id: string;
  author: MessageAuthor;
  kind: InboundKind;
  /** First 140 characters. */
  text: string;
  at: string;
  /** An operator's display name (operator messages), shown instead of "Recruiter". */
  authorName?: string;
}

/** One row of the conversation list, pushed again whenever anything about it changes. */
/**
 * Where a conversation stands for the team: `open` (to handle), `pending` (waiting on the
 * candidate or someone else), `resolved` (done), `snoozed` (hidden until `snoozedUntil`).
 * A new candidate message reopens it; a snooze that has run out reads as `open`.
 */
export type ConversationStatus = 'open' | 'pending' | 'resolved' | 'snoozed';

export interface ConversationSummary {
  id: string;
  candidateId: string;
  candidateName?: string;
  role?: string;
  channel: ChannelId;
  /** The language the bot writes to the candidate in (`en`, `es`, `pt`, `fr`, `de`), once the bot has settled one. */
  language?: string;
  stage: Stage;
  mode: ConversationMode;
  needsHuman: boolean;
  assignedOperatorId?: string;
  assignedOperatorName?: string;
  risk?: RiskSummary;
  /** Candidate messages no operator has opened yet. */
  unread: number;
  lastMessage?: MessagePreview;
  /** Higher is more urgent; the list sorts by it, then by last activity. */
  urgency: number;
  /** Set by the console's views (absent from older producers: read as `open`). */
  status?: ConversationStatus;
  /** With `status: 'snoozed'`: when it comes back. */
  snoozedUntil?: string;
  /** The operator this conversation is assigned to (who should handle it; not who holds a takeover). */
  assigneeId?: string;
  assigneeName?: string;
  /** Ids of the labels on it (names and colours: `GET /labels`, the `labels` push). */
  labels?: string[];
  lastActivityAt: string;
  createdAt: string;
  updatedAt: string;
}

export interface ConsoleMedia {
  mime?: string;
  durationSec?: number;
  /** Authenticated URL of the stored audio (send the bearer token); set when the audio is kept. */
  audioUrl?: string;
  transcript?: { text: string; language?: string; confidence?: number };
}

export interface ConsoleMessage {
  id: string;
  conversationId: string;
  direction: 'in' | 'out';
  author: MessageAuthor;
  authorId?: string;
  authorName?: string;
  kind: InboundKind;
  text: string;
  choices?: { id: string; label: string }[];
  media?: ConsoleMedia;
  status: MessageStatus;
  error?: string;
  createdAt: string;
  updatedAt: string;
}

/** A domain event as it travels: `type`, `at`, `actor` and the event's own fields. */
export interface WireEvent {
  id: string;
  type: string;
  at: string;
  actor: string;
  conversationId?: string;
  candidateId?: string;
  [field: string]: unknown;
}

export const NOTIFICATION_KINDS = ['needs-human', 'at-risk', 'interview-completed', 'new-candidate', 'delivery-failed', 'assigned'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface ConsoleNotification {
  id: string;
  kind: NotificationKind;
  title: string;
  body: string;
  conversationId?: string;
  createdAt: string;
  read: boolean;
}

export interface ConversationNote {
  id: string;
  conversationId: string;
  operatorId: string;
  operatorName: string;
  text: string;
  createdAt: string;
}

/**
 * A saved reply. `personal` ones are seen only by their author; `shared` ones by everyone, edited
 * by their author or an admin. The text may hold variables (`CANNED_VARIABLES`), filled per
 * conversation by `POST /canned-responses/:id/fill`.
 */
export interface CannedResponse {
  id: string;
  title: string;
  text: string;
  scope: 'personal' | 'shared';
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface CandidateProfile {
  id: string;
  name?: string;
  role?: string;
  phone?: string;
  email?: string;
  timeZone?: string;
  stage: Stage;
  consentAt?: string;
  optedOut: boolean;
  unreachable: boolean;
  createdAt: string;
}

/** Everything the conversation view shows. `state` is the bot's snapshot, passed through as is. */
export interface ConversationDetail {
  summary: ConversationSummary;
  candidate: CandidateProfile;
  ref: { channel: ChannelId; externalId: string };
  state: { interview?: unknown; assessment?: unknown; intake?: unknown };
  /** The interview and its assessment as recruiters read them (names, not ids); absent before the interview. */
  assessment?: AssessmentView;
  messages: ConsoleMessage[];
  events: WireEvent[];
  notes: ConversationNote[];
}

export interface SyncResult {
  /** Pass it as `since` next time. */
  serverTime: string;
  /** False when more changed than one sync carries: reload everything over REST. */
  complete: boolean;
  conversations: ConversationSummary[];
  messages: ConsoleMessage[];
  notifications: ConsoleNotification[];
  unreadNotifications: number;
}

export type ConsoleErrorCode = 'UNAUTHORIZED' | 'FORBIDDEN' | 'RATE_LIMITED' | 'VALIDATION' | 'NOT_FOUND' | 'CONFLICT' | 'INTERNAL';

/** Every acknowledgement: the data, or a readable error with a code. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: string; code: ConsoleErrorCode };

export interface TakeoverNotice {
  conversationId: string;
  operatorId: string;
  operatorName: string;
  /** Set when an admin took the conversation from another operator. */
  previousOperatorId?: string;
  at: string;
}

export interface HandbackNotice {
  conversationId: string;
  operatorId: string;
  operatorName: string;
  summary?: string;
  at: string;
}

export interface AtRiskAlert {
  conversationId: string;
  candidateId: string;
  candidateName?: string;
  score: number;
  level: string;
  factors: { name: string; contribution: number }[];
  recommendedAction: string;
  at: string;
}

export interface ServerToClientEvents {
  /** Sent once the connection is authenticated. */
  hello: (p: { operator: OperatorProfile; serverTime: string; unreadNotifications: number; graceSec: number }) => void;
  /** A conversation was created or changed (stage, mode, risk, unread, last message...). */
  'conversation:upsert': (s: ConversationSummary) => void;
  /** A message in any conversation, either direction (and again when its status changes). */
  message: (m: ConsoleMessage) => void;
  takeover: (p: TakeoverNotice) => void;
  handback: (p: HandbackNotice) => void;
  /** Another operator is typing in a conversation you watch. */
  typing: (p: { conversationId: string; operatorId: string; operatorName: string }) => void;
  /** The candidate of a conversation you watch started (true) or stopped (false) typing (web chat). */
  'candidate:typing': (p: { conversationId: string; typing: boolean }) => void;
  'alert:at-risk': (p: AtRiskAlert) => void;
  notification: (n: ConsoleNotification) => void;
  note: (n: ConversationNote) => void;
  /** Timeline entries for conversations you watch. */
  event: (e: WireEvent) => void;
  /** The session ended (token expired, signed out, password changed, deactivated): sign in again. The server disconnects right after. */
  'session:expired': (p: { reason: string }) => void;
  /** The team's labels changed (created, deleted): the whole list. */
  labels: (p: { labels: Label[] }) => void;
  /** Your saved filters changed (from any of your consoles): the whole list. */
  'saved-filters': (p: { filters: SavedFilter[] }) => void;
  /**
   * Only to sockets that connected with `auth: { token, batch: 1 }`: the pushes of one server
   * tick, `[[event, payload], ...]` in the order they were emitted, each as the event of the same
   * name would carry it. Such a socket gets the broadcast pushes only this way; `hello`,
   * `session:expired` and `typing` still come as their own events.
   */
  batch: (items: BatchItem[]) => void;
}

/** A push as one item of a `batch`: the event's name and its payload. */
export type BatchItem = { [E in Exclude<keyof ServerToClientEvents, 'batch'>]: [E, Parameters<ServerToClientEvents[E]>[0]] }[Exclude<keyof ServerToClientEvents, 'batch'>];

export interface ClientToServerEvents {
  /** Everything since `since` (a `serverTime` or event time you saw), to catch up after a reconnect. */
  sync: (p: { since?: string }, ack: (r: Ack<SyncResult>) => void) => void;
  /** Open a conversation: its detail, and its timeline and typing events from now on. */
  'conversation:watch': (p: { conversationId: string }, ack: (r: Ack<ConversationDetail>) => void) => void;
  'conversation:unwatch': (p: { conversationId: string }) => void;
  /** Mark the candidate's messages as read. */
  'conversation:read': (p: { conversationId: string }, ack: (r: Ack<ConversationSummary>) => void) => void;
  /** Take the conversation over (human mode). `force` (admins only) takes it from another operator. */
  takeover: (p: { conversationId: string; force?: boolean }, ack: (r: Ack<ConversationSummary>) => void) => void;
  /** Return to the bot, which re-asks its pending question (`resumedWith`). */
  handback: (p: { conversationId: string; summary?: string }, ack: (r: Ack<{ summary: ConversationSummary; resumedWith?: string }>) => void) => void;
  /** Reply to the candidate on their own channel (you must hold the conversation). */
  'message:send': (p: { conversationId: string; text: string }, ack: (r: Ack<ConsoleMessage>) => void) => void;
  typing: (p: { conversationId: string }) => void;
  /** An internal note, never sent to the candidate. */
  'note:add': (p: { conversationId: string; text: string }, ack: (r: Ack<ConversationNote>) => void) => void;
  'notifications:read': (p: { ids?: string[]; all?: boolean }, ack: (r: Ack<{ unread: number }>) => void) => void;
}

export interface SocketData {
  operator: OperatorProfile;
  /** Epoch ms when the token expires; the socket is closed then. */
  tokenExpiresAt: number;
  /** The operator's token version the socket signed in with; a bump closes the socket. */
  tokenVersion: number;
  /** Connected with `auth.batch: 1`: broadcast pushes come as `batch` events (see `ServerToClientEvents.batch`). */
  batch?: boolean;
}

/** REST: POST /api/v1/auth/login */
export interface LoginResponse {
  token: string;
  expiresAt: string;
  operator: OperatorProfile;
}

export const MAX_OPERATOR_TEXT = 4000;

export const RECOMMENDATIONS = ['strong-yes', 'yes', 'maybe', 'no'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

/** One skill of the role: its score (the assessment's one definition), level reached and boundary. */
export interface SkillView {
  id: string;
  name: string;
  core: boolean;
  /** 0..100, level-weighted mean of the skill's answers; absent before its first answer. */
  score?: number;
  levelReached?: string;
  /** Where the candidate's knowledge of this skill ran out. */
  boundary?: string;
  answers: number;
  /** The skill the interview is probing now. */
  current: boolean;
}

/** A strength or weakness with the candidate's own words. */
export interface EvidenceView {
  skill: string;
  skillName: string;
  summary: string;
  quote: string;
  concepts: string[];
  /** Set when the quoted words came from a voice note (its transcript). */
  voice?: { messageId: string; at: string; durationSec?: number; audioUrl?: string };
}

export interface IntegrityFlagView {
  type: string;
  label: string;
  severity: 'low' | 'medium' | 'high';
  evidence: string;
  confidence: number;
  questionId: string;
  /** The question the flagged answer replied to. */
  question?: string;
}

/** A recruiter's decision replacing the computed recommendation (the original is kept). */
export interface RecommendationOverride {
  recommendation: Recommendation;
  reason: string;
  operatorId: string;
  operatorName: string;
  at: string;
}

/** REST: GET /api/v1/candidates/:id/assessment (and `ConversationDetail.assessment`). */
export interface AssessmentView {
  candidateId: string;
  conversationId: string;
  candidateName?: string;
  role: { id: string; title: string };
  status: 'in-progress' | 'completed' | 'abandoned';
  questionsAsked: number;
  /** 0..100: the assessment's overall score (while in progress: the same definition over the answers so far). */
  overallScore?: number;
  skills: SkillView[];
  /** One line per answer so far; `score` is the answer's 0..100 score. */
  answers: { questionId: string; skill: string; skillName: string; level: string; quality: string; score: number; unparseable: boolean }[];
  pending?: { skill: string; skillName: string; level: string };
  strengths: EvidenceView[];
  weaknesses: EvidenceView[];
  integrity?: { score: number; flags: IntegrityFlagView[] };
  /** Present once the interview is complete. `value` is the override when there is one, else `computed`. */
  recommendation?: { value: Recommendation; computed: Recommendation; reasons: string[]; override?: RecommendationOverride; history: RecommendationOverride[] };
  nextSteps: string[];
  durationMin?: number;
  completionReason?: string;
  completedAt?: string;
}

/** REST: POST /api/v1/candidates/:id/report-link */
export interface ReportLink {
  /** Opens the printable report without a bearer token until `expiresAt`. */
  url: string;
  expiresAt: string;
}

/** A list view: the filter chip, status, label and search words (all optional). */
export interface InboxQuery {
  filter?: ConversationFilter;
  status?: ConversationStatus | 'any';
  label?: string;
  search?: string;
}

/** REST: GET /api/v1/labels */
export interface Label {
  id: string;
  name: string;
  color: string;
  createdBy: string;
  createdAt: string;
}

/** REST: GET /api/v1/saved-filters (the signed-in operator's own). */
export interface SavedFilter {
  id: string;
  name: string;
  query: InboxQuery;
  createdAt: string;
}

/** REST: GET /api/v1/team (admins): an operator account. */
export interface TeamMember {
  id: string;
  email: string;
  name: string;
  role: OperatorRole;
  active: boolean;
  createdAt: string;
  lastLoginAt?: string;
}

/** REST: an open invitation (the link itself is shown once, when it is created). */
export interface TeamInvite {
  id: string;
  email: string;
  role: OperatorRole;
  name?: string;
  invitedBy: string;
  createdAt: string;
  expiresAt: string;
}
