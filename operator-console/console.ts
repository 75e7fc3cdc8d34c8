import express, { type Express } from 'express';
import type { Server } from 'socket.io';
import type { Conversation, ConversationRef, OutboundMessage } from '../core/domain/index.js';
import type { Engine } from '../core/engine/index.js';
import type { Clock, EventBus, Logger, Store } from '../core/ports/index.js';
import type { RoleBank } from '../core/interview/index.js';
import { analyticsRoutes } from './analytics/analytics-routes.js';
import { AuditTrail } from './audit.js';
import { AuthService } from './auth/auth-service.js';
import { channelRoutes, type WhatsAppWebStatus } from './channels/channel-routes.js';
import { AccountBackoff, LoginRateLimiter } from './auth/rate-limit.js';
import { TokenService } from './auth/tokens.js';
import type { NotificationKind } from './contract.js';
import { Broadcaster, type ConsoleNamespace } from './live/broadcaster.js';
import { LiveFeed } from './live/feed.js';
import { attachConsoleNamespace } from './live/namespace.js';
import { SessionGuard } from './live/session-guard.js';
import { SyncService } from './live/sync.js';
import { TypingRelay } from './live/typing.js';
import { Escalation } from './notifications/escalation.js';
import { NotificationInbox } from './notifications/inbox.js';
import { Notifier } from './notifications/notifier.js';
import { assessmentRoutes } from './rest/assessment-routes.js';
import { authRoutes } from './rest/auth-routes.js';
import { conversationRoutes } from './rest/conversation-routes.js';
import { channelReplyRoutes } from './rest/channel-routes.js';
import type { SearchIndex } from './search/search-index.js';
import { ConversationStatuses } from './views/conversation-status.js';
import { ReportLinks } from './rest/report-links.js';
import { workspaceRoutes } from './rest/workspace-routes.js';
import type { ConsoleStore, OperatorStore } from './store/types.js';
import type { ConsoleInboxStore } from './store/inbox-types.js';
import { Assignments } from './inbox/assignments.js';
import { inboxRoutes } from './inbox/inbox-routes.js';
import { Labels } from './inbox/labels.js';
import { SavedFilters } from './inbox/saved-filters.js';
import { Team, type StaffMailer } from './team/team.js';
import { teamRoutes } from './team/team-routes.js';
import { GraceTimers } from './takeover/grace.js';
import { TakeoverService } from './takeover/takeover-service.js';
import { mountConsoleUi } from './ui.js';
import { AssessmentViews } from './views/assessment-view.js';
import { ConversationViews } from './views/conversation-views.js';
import { riskRank, type RiskLevel } from './views/risk.js';
import { CannedResponses } from './workspace/canned-responses.js';
import { Notes } from './workspace/notes.js';

export interface ConsoleSettings {
  jwtSecret: string;
  tokenTtlSec: number;
  loginMaxAttempts: number;
  loginWindowSec: number;
  /** Cap of the per-account sign-in back-off (delays double from 1 s up to this). */
  loginMaxDelaySec: number;
  /** How often open sockets re-check their operator (catches changes made by the CLI). */
  sessionRecheckSec: number;
  /** How long an offline operator keeps their conversations. */
  takeoverGraceSec: number;
  /** Risk alerts at this level or above flag the conversation for a human. */
  escalateRiskLevel: RiskLevel;
  /** Voice notes are served only from under this folder. */
  dataDir: string;
  /** How long a shared assessment report link opens the report (default 600). */
  reportLinkTtlSec?: number;
  /** Shown on printed reports. */
  companyName?: string;
  /** The console's public address (invite links); default: the address each request came to. */
  consoleUrl?: string;
  /** How long an operator invite link works (default 7 days). */
  inviteTtlSec?: number;
}

export interface ConsoleDeps {
  store: Store;
  operators: OperatorStore;
  consoleStore: ConsoleStore;
  /** Labels, saved filters, operator invites. */
  inboxStore: ConsoleInboxStore;
  /** Sends invite emails when the email channel is on; read per invite. */
  mailer?: () => StaffMailer | undefined;
  /** Full-text search of the inbox (`GET /api/v1/search`); without it the route answers 501. */
  search?: SearchIndex;
  bus: EventBus;
  io: Server;
  app: Express;
  clock: Clock;
  log: Logger;
  engine: () => Pick<Engine, 'mutate' | 'send'>;
  /** What the bot re-asks after a handback; read at handback time. */
  pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined;
  /** WhatsApp Web pairing state (QR code), when that provider is enabled; read per request. */
  whatsappWeb?: () => (() => WhatsAppWebStatus) | undefined;
  /** The interview's question banks by role (role, skill and question names in assessments); read per request. */
  banks?: () => ReadonlyMap<string, RoleBank> | undefined;
  /** The candidate channel's typing action (web chat, Telegram, WhatsApp), shown while the holding operator types; read per call. */
  channelTyping?: () => ((ref: ConversationRef) => Promise<void>) | undefined;
  settings: ConsoleSettings;
}

export interface OperatorConsole {
  /** Persist a notification for every operator and push it live (the engine's notifyOperators). */
  notifyOperators(n: { conversationId: string; kind: NotificationKind; title: string; body: string }): Promise<void>;
  /** Start the live feed; conversations held by operators who are offline get their grace timer. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Resolves when the live feed has handled every event published so far. */
  idle(): Promise<void>;
  health(): Record<string, unknown>;
  /** True when `token` is a current operator token (for /health details). */
  isOperatorToken(token: string): Promise<boolean>;
  /** A web chat candidate started or stopped typing: consoles watching the conversation show it (rate-limited). */
  candidateTyping(conversationId: string, typing: boolean): void;
}

/**
 * The operator console: REST under /api/v1, the `/console` Socket.IO namespace, live pushes from
 * the event bus, takeover/handback, notifications, notes, canned responses and the funnel, and
 * the web UI at /console.
 *
 * @example
 * const console = createConsole({ store, operators, consoleStore, bus, io, app, clock, log, engine: () => engine, pendingPrompt: () => undefined, settings });
 * await console.start();
 */
export function createConsole(deps: ConsoleDeps): OperatorConsole {
  const { store, operators, consoleStore, clock } = deps;
  const log = deps.log.child({ module: 'console' });
  const s = deps.settings;
  // Bound lazily: the namespace is attached below, once its handlers' services exist.
  const broadcaster = new Broadcaster(() => nsp);
  const audit = new AuditTrail({ store, bus: deps.bus, clock });
  const tokens = new TokenService(s.jwtSecret, s.tokenTtlSec, clock);
  const windowMs = s.loginWindowSec * 1000;
  const auth = new AuthService({
    operators,
    tokens,
    audit,
    clock,
    log,
    limiter: new LoginRateLimiter(s.loginMaxAttempts, windowMs),
    ipLimiter: new LoginRateLimiter(s.loginMaxAttempts * 4, windowMs),
    accountBackoff: new AccountBackoff(s.loginMaxAttempts, s.loginMaxDelaySec * 1000),
  });
  const operatorName = (id: string): Promise<string | undefined> => ConversationViews.operatorNameIn(operators, id);
  const assessments = new AssessmentViews({ store, banks: () => deps.banks?.(), operatorName });
  const views = new ConversationViews({ store, consoleStore, operators, assessments, now: () => clock.now() });
  const notifier = new Notifier({ consoleStore, broadcaster, clock });
  const escalation = new Escalation({ store, engine: deps.engine, notifier, escalateFromRiskRank: riskRank(s.escalateRiskLevel), operatorName });
  const takeovers = new TakeoverService({ store, engine: deps.engine, audit, pendingPrompt: deps.pendingPrompt, operatorName });
  const inbox = new NotificationInbox({ consoleStore, clock });
  const notes = new Notes({ store, consoleStore, audit, broadcaster, clock });
  const canned = new CannedResponses({ consoleStore, store, audit, clock, roleTitle: (id) => deps.banks?.()?.get(id)?.title });
  const feed = new LiveFeed({ store, views, escalation, broadcaster, log });
  const grace = new GraceTimers(s.takeoverGraceSec * 1000, (operatorId) => releaseHeld(operatorId), log);
  const sync = new SyncService({ store, views, inbox, clock });
  const typing = new TypingRelay({ store, broadcaster, clock, log, ...(deps.channelTyping ? { channelTyping: deps.channelTyping } : {}) });

  async function releaseHeld(operatorId: string): Promise<void> {
    const held = (await store.listConversations({ mode: 'human', limit: 10_000 })).filter((c) => c.assignedOperatorId === operatorId);
    for (const c of held) {
      if (await takeovers.unassign(operatorId, c.id, `offline for more than ${s.takeoverGraceSec} seconds`)) log.info({ operatorId, conversationId: c.id }, 'console: offline operator\'s conversation unassigned');
    }
  }

  const nsp: ConsoleNamespace = attachConsoleNamespace(deps.io, { auth, views, takeovers, notes, inbox, sync, broadcaster, typing, grace, graceSec: s.takeoverGraceSec, clock, log });
  const guard = new SessionGuard({ nsp: () => nsp, auth, operators, recheckMs: s.sessionRecheckSec * 1000, log });
  const router = express.Router();
  authRoutes(router, { auth, log });
  const statuses = new ConversationStatuses({ views, audit, broadcaster, clock });
  conversationRoutes(router, { auth, views, notes, store, dataDir: s.dataDir, log, statuses, ...(deps.search ? { search: deps.search } : {}) });
  channelReplyRoutes(router, { auth, store, takeovers, log });
  const links = new ReportLinks(s.jwtSecret, s.reportLinkTtlSec ?? 600, clock, auth);
  assessmentRoutes(router, deps.app, { auth, assessments, audit, links, clock, log, operatorName, ...(s.companyName ? { companyName: s.companyName } : {}) });
  workspaceRoutes(router, { auth, inbox, canned, operators, log });
  const assignments = new Assignments({ views, operators, audit, broadcaster, notifier });
  const labels = new Labels({ inbox: deps.inboxStore, views, audit, broadcaster, clock });
  inboxRoutes(router, { auth, assignments, labels, savedFilters: new SavedFilters({ inbox: deps.inboxStore, audit, broadcaster, clock }), log });
  const team = new Team({ operators, inbox: deps.inboxStore, audit, clock, log, ...(deps.mailer ? { mailer: deps.mailer } : {}), inviteTtlSec: s.inviteTtlSec ?? 7 * 24 * 3600 });
  teamRoutes(router, { auth, team, log, ...(s.consoleUrl ? { consoleUrl: s.consoleUrl } : {}) });
  analyticsRoutes(router, { auth, store, clock, log });
  channelRoutes(router, { auth, log, whatsappWeb: deps.whatsappWeb ?? (() => undefined) });
  deps.app.use('/api/v1', router);
  mountConsoleUi(deps.app);

  return {
    async notifyOperators(n) {
      await notifier.notify(n);
    },
    async start() {
      feed.start(deps.bus);
      guard.start();
      // Nobody is connected yet: operators holding conversations get their grace period now.
      const consoleOperators = new Set((await operators.list()).map((o) => o.id));
      const held = await store.listConversations({ mode: 'human', limit: 10_000 });
      for (const c of held) if (c.assignedOperatorId && consoleOperators.has(c.assignedOperatorId)) grace.start(c.assignedOperatorId);
    },
    async stop() {
      grace.stop();
      guard.stop();
      await feed.stop();
    },
    idle: () => feed.idle(),
    candidateTyping: (conversationId, on) => typing.candidate(conversationId, on),
    health: () => ({ connected: nsp.sockets.size, graceTimers: grace.pending().length }),
    isOperatorToken: (token) => auth.authenticate(token).then(
      () => true,
      () => false,
    ),
  };
}
