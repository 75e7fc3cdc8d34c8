import { z } from 'zod';
import { STAGES, StageSchema, errorMessage, type Choice, type Conversation, type DomainEvent, type InboundMessage, type OutboundMessage } from '../../core/domain/index.js';
import type { Clock, Logger, Store } from '../../core/ports/index.js';
import { parseCommand, type ParsedCommand } from '../commands/index.js';
import { atRiskCandidates, findCandidate, latestRisk, type CandidateRecord } from './lookup.js';
import { handBack, label, relayText, relayToCandidate, remind, takeOver, type OperatorDeps } from './operator.js';
import { candidateLine, candidateReport, pipelineReport, riskText, statsReport } from './reports.js';
import { canAct, canOverride, type HrRole } from './roles.js';
import type { TakeoverActor } from '../../core/takeover/index.js';
import { parseScheduleArgs } from './schedule-args.js';
import { collectStats } from './stats.js';
import { hrTexts as t } from './texts.js';

export type ScheduleInterview = (conversationId: string, at: Date, opts: { link?: string; timeZone?: string; actor: string }) => Promise<void>;

export interface HrDeskDeps extends OperatorDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** The allowlist: user id -> role. */
  users: ReadonlyMap<string, HrRole>;
  /** The chat app HR uses; operator ids are `<channel>:<userId>`. */
  channel: string;
  /** Send to an HR chat; `link` is a URL button, for chat apps that can show one. */
  send: (chatId: string, message: OutboundMessage, link?: { title: string; url: string }) => Promise<void>;
  /**
   * Alerts about a candidate carry command buttons (Take over, Status) and, with `consoleUrl`, an
   * "Open in console" link. Only for chat apps whose buttons send back the command (Teams cards).
   */
  alertActions?: { consoleUrl?: string };
  /**
   * False for chats several people read (a Teams channel): relayed candidate messages never go
   * there, only to the HR user's own chat. Default: every chat is private (Telegram's are).
   */
  isPrivateChat?: (chatId: string) => boolean;
  scheduleInterview: () => ScheduleInterview | undefined;
  /** The engine's error sink (`TurnErrorSink.report`): a failed command is reported there, and the HR user is told. */
  reportError?: (report: { source: 'staff-command'; err: unknown; what: string; outcome: 'told-user' }) => void;
}

/** One HR message being handled. */
interface HrRequest {
  userId: string;
  role: HrRole;
  chatId: string;
  operatorId: string;
  /** How this HR user acts on conversations (the candidate is told their display name). */
  actor: TakeoverActor;
}

interface HrCommand {
  /** Recruiters and admins only. */
  acts: boolean;
  run(req: HrRequest, cmd: ParsedCommand): Promise<void>;
}

const KV = 'hr-desk';
const PendingChoiceSchema = z.object({ template: z.string(), options: z.array(z.object({ id: z.string(), label: z.string() })) });
const AlertsSchema = z.object({ on: z.boolean(), chatId: z.string() });

/**
 * HR commands from a chat app (Telegram now, Teams later): pipeline and candidate status, at-risk
 * list, takeover and handback with live relay, reminders, scheduling, stats, alert opt-in. Only
 * allowlisted users reach it; viewers read, recruiters and admins act. Messages from HR never
 * create candidates: the channel routes them here before the engine.
 *
 * @example
 * const desk = new HrDesk({ store, engine: () => engine, clock, log, users, channel: 'telegram', send, pendingPrompt, scheduleInterview });
 * bus.subscribe((e) => void desk.onEvent(e));
 */
export class HrDesk {
  private readonly commands: Record<string, HrCommand>;
  private readonly chats = new Map<string, string>();

  constructor(private readonly deps: HrDeskDeps) {
    this.commands = {
      help: { acts: false, run: (req) => this.reply(req, t.help(canAct(req.role))) },
      start: { acts: false, run: (req) => this.reply(req, `${t.hello(req.role)}\n\n${t.help(canAct(req.role))}`) },
      status: { acts: false, run: (req, cmd) => (cmd.rest ? this.candidateStatus(req, cmd.rest) : this.pipeline(req)) },
      atrisk: { acts: false, run: (req) => this.atRisk(req) },
      candidates: { acts: false, run: (req, cmd) => this.candidatesIn(req, cmd.rest) },
      stats: { acts: false, run: async (req) => this.reply(req, statsReport(await collectStats(this.deps.store, this.deps.clock.now()))) },
      alerts: { acts: false, run: (req, cmd) => this.alerts(req, cmd.rest) },
      takeover: { acts: true, run: (req, cmd) => this.withCandidate(req, cmd, async (r) => (await takeOver(this.deps, r, req.actor)).text) },
      handback: { acts: true, run: (req, cmd) => this.handback(req, cmd.rest) },
      remind: { acts: true, run: (req, cmd) => this.withCandidate(req, cmd, async (r) => (await remind(this.deps, r, req.operatorId)).text) },
      schedule: { acts: true, run: (req, cmd) => this.schedule(req, cmd) },
    };
  }

  isStaff(userId: string): boolean {
    return this.deps.users.has(userId);
  }

  /** Handle one message from an HR user (sender id must be on the allowlist). */
  async handle(message: InboundMessage): Promise<void> {
    const role = this.deps.users.get(message.sender.id);
    if (!role) return;
    const operatorId = `${this.deps.channel}:${message.sender.id}`;
    const actor: TakeoverActor = { id: operatorId, name: message.sender.displayName ?? 'A recruiter', role };
    const req: HrRequest = { userId: message.sender.id, role, chatId: message.ref.externalId, operatorId, actor };
    try {
      await this.rememberChat(req);
      const cmd = parseCommand(message.text);
      if (cmd) return await this.dispatch(req, cmd);
      if (await this.answerChoice(req, message.text)) return;
      if (message.kind === 'voice' || message.kind === 'media') return await this.reply(req, t.typePlease);
      await this.freeText(req, message.text);
    } catch (err) {
      const what = `HR ${parseCommand(message.text)?.name ?? 'message'} from ${req.operatorId}`;
      if (this.deps.reportError) this.deps.reportError({ source: 'staff-command', err, what, outcome: 'told-user' });
      else this.deps.log.error({ err: errorMessage(err), userId: req.userId }, 'HR command failed');
      await this.reply(req, t.failed);
    }
  }

  /** Send to every HR chat that opted in with `/alerts on`. */
  async broadcast(text: string, kind: 'alert' | 'digest', about?: { conversationId: string; candidateId: string }): Promise<void> {
    const actions = this.deps.alertActions;
    const buttons = actions && about ? alertButtons(about.candidateId) : undefined;
    const link = actions?.consoleUrl && about ? { title: 'Open in console', url: `${actions.consoleUrl}#/conversations/${encodeURIComponent(about.conversationId)}` } : undefined;
    const subscribers = await this.deps.store.kvList(KV);
    for (const { key, value } of subscribers) {
      const userId = key.startsWith('alerts:') ? key.slice('alerts:'.length) : undefined;
      const alerts = AlertsSchema.safeParse(value);
      if (!userId || !this.deps.users.has(userId) || !alerts.success || !alerts.data.on) continue;
      await this.deps.send(alerts.data.chatId, { text: `${kind === 'alert' ? '⚠️' : '📊'} ${text}`, ...(buttons ? { choices: buttons } : {}) }, link).catch((err: unknown) => {
        this.deps.log.warn({ err: errorMessage(err), userId }, 'HR alert not delivered');
      });
    }
  }

  /** Relay a candidate's message to the HR chat holding their conversation. */
  async onEvent(event: DomainEvent): Promise<void> {
    if (event.type !== 'MessageReceived' || !event.conversationId) return;
    const prefix = `${this.deps.channel}:`;
    const conversation = await this.deps.store.getConversation(event.conversationId);
    const operator = conversation?.mode === 'human' ? conversation.assignedOperatorId : undefined;
    if (!conversation || !operator?.startsWith(prefix) || !this.deps.users.has(operator.slice(prefix.length))) return;
    const [message, candidate] = await Promise.all([this.deps.store.getMessage(event.messageId), this.deps.store.getCandidate(conversation.candidateId)]);
    if (!message) return;
    const userId = operator.slice(prefix.length);
    await this.deps.send(await this.chatOf(userId), { text: relayText(candidate, message) }).catch((err: unknown) => {
      this.deps.log.warn({ err: errorMessage(err), conversationId: conversation.id }, 'could not relay a candidate message to HR');
    });
  }

  private async dispatch(req: HrRequest, cmd: ParsedCommand): Promise<void> {
    await this.deps.store.kvDelete(KV, `pending:${req.userId}`);
    const command = this.commands[cmd.name];
    if (!command) return this.reply(req, t.unknown(cmd.name));
    if (command.acts && !canAct(req.role)) return this.reply(req, t.readOnly(cmd.name));
    await command.run(req, cmd);
  }

  private async pipeline(req: HrRequest): Promise<void> {
    const [counts, risky] = await Promise.all([this.deps.store.countByStage(), atRiskCandidates(this.deps.store, this.deps.clock.now())]);
    await this.reply(req, pipelineReport(counts, risky.length));
  }

  private async candidateStatus(req: HrRequest, query: string): Promise<void> {
    await this.withCandidate(req, { name: 'status', args: query.split(/\s+/), rest: query }, async (record) => {
      const now = this.deps.clock.now();
      return candidateReport({ ...record, risk: await latestRisk(this.deps.store, record.candidate.id, now), now });
    });
  }

  private async atRisk(req: HrRequest): Promise<void> {
    const rows = await atRiskCandidates(this.deps.store, this.deps.clock.now());
    if (rows.length === 0) return this.reply(req, t.noneAtRisk);
    await this.reply(req, [`At risk (${rows.length}):`, ...rows.map((r) => candidateLine(r.candidate, `risk ${riskText(r.risk)}`))].join('\n'));
  }

  private async candidatesIn(req: HrRequest, stageText: string): Promise<void> {
    const stage = StageSchema.safeParse(stageText.trim().toLowerCase());
    if (!stage.success) return this.reply(req, t.stageUsage(STAGES));
    const conversations = await this.deps.store.listConversations({ stage: stage.data, limit: 50 });
    const ids = [...new Set(conversations.map((c) => c.candidateId))];
    const candidates = (await Promise.all(ids.map((id) => this.deps.store.getCandidate(id)))).filter((c) => c !== undefined);
    if (candidates.length === 0) return this.reply(req, t.noneInStage(stage.data));
    await this.reply(req, [`${stage.data} (${candidates.length}${candidates.length === 50 ? '+' : ''}):`, ...candidates.map((c) => candidateLine(c))].join('\n'));
  }

  private async alerts(req: HrRequest, arg: string): Promise<void> {
    const choice = arg.trim().toLowerCase();
    if (choice !== 'on' && choice !== 'off') {
      const current = AlertsSchema.safeParse(await this.deps.store.kvGet(KV, `alerts:${req.userId}`));
      return this.reply(req, t.alertsUsage(current.success && current.data.on));
    }
    await this.deps.store.kvSet(KV, `alerts:${req.userId}`, { on: choice === 'on', chatId: req.chatId });
    await this.reply(req, choice === 'on' ? t.alertsOn : t.alertsOff);
  }

  /**
   * `/handback [summary]` ends your own takeover. Holding none, an admin may name a candidate
   * (`/handback <candidate>`) to hand back someone else's conversation.
   */
  private async handback(req: HrRequest, rest: string): Promise<void> {
    const held = await this.heldBy(req.operatorId);
    if (held) return this.reply(req, (await handBack(this.deps, req.actor, held.id, rest)).text);
    if (!rest || !canOverride(req.role)) return this.reply(req, t.notHolding);
    await this.withCandidate(req, { name: 'handback', args: rest.split(/\s+/), rest }, async (record) => {
      if (!record.conversation) return `${label(record.candidate)} has no conversation yet.`;
      return (await handBack(this.deps, req.actor, record.conversation.id, '')).text;
    });
  }

  private async schedule(req: HrRequest, cmd: ParsedCommand): Promise<void> {
    const scheduleInterview = this.deps.scheduleInterview();
    if (!scheduleInterview) return this.reply(req, t.schedulingOff);
    const parsed = parseScheduleArgs(cmd.args, this.deps.clock.now());
    if ('error' in parsed) return this.reply(req, parsed.error);
    const rest = cmd.args.slice(cmd.args.findIndex((a) => /^\d{4}-\d{2}-\d{2}/.test(a))).join(' ');
    await this.withCandidate(req, { name: 'schedule', args: parsed.query.split(' '), rest: parsed.query }, async (record) => {
      if (!record.conversation) return `${label(record.candidate)} has no conversation yet.`;
      await scheduleInterview(record.conversation.id, parsed.at, { ...(parsed.link ? { link: parsed.link } : {}), ...(record.candidate.timeZone ? { timeZone: record.candidate.timeZone } : {}), actor: `operator:${req.operatorId}` });
      return t.scheduled(label(record.candidate), parsed.at, parsed.link);
    }, `/schedule {candidate} ${rest}`);
  }

  /** Plain text: during a takeover it goes to the candidate; otherwise a pointer to /help. */
  private async freeText(req: HrRequest, text: string): Promise<void> {
    const held = canAct(req.role) ? await this.heldBy(req.operatorId) : undefined;
    if (!held || !text.trim()) return this.reply(req, t.notACommand);
    const result = await relayToCandidate(this.deps, req.actor, held, text);
    if (!result.ok) await this.reply(req, result.text);
  }

  /**
   * Resolve the candidate named in `cmd.rest`, then run `action` and reply with what it returns.
   * Several matches ask which (buttons); the answer re-runs `template` with the chosen id.
   */
  private async withCandidate(req: HrRequest, cmd: ParsedCommand, action: (r: CandidateRecord) => Promise<string>, template = `/${cmd.name} {candidate}`): Promise<void> {
    if (!cmd.rest) return this.reply(req, t.needsCandidate(cmd.name));
    const found = await findCandidate(this.deps.store, cmd.rest);
    if (found.type === 'none') return this.reply(req, t.noMatch(cmd.rest));
    if (found.type === 'one') return this.reply(req, await action(found.record));
    const options: Choice[] = found.candidates.map((c) => ({ id: c.id, label: `${c.name ?? c.id} · ${c.stage} · ${c.id}`.slice(0, 200) }));
    await this.deps.store.kvSet(KV, `pending:${req.userId}`, { template, options });
    await this.reply(req, { text: t.whichOne(cmd.rest, found.candidates.length), choices: options });
  }

  /** An answer to "which one?": a button label, an id, or a number. */
  private async answerChoice(req: HrRequest, text: string): Promise<boolean> {
    const pending = PendingChoiceSchema.safeParse(await this.deps.store.kvGet(KV, `pending:${req.userId}`));
    if (!pending.success) return false;
    const answer = text.trim();
    const n = Number.parseInt(answer, 10);
    const chosen = pending.data.options.find((o, i) => o.label === answer || o.id === answer || (String(n) === answer && n === i + 1));
    if (!chosen) return false;
    const cmd = parseCommand(pending.data.template.replace('{candidate}', chosen.id));
    if (!cmd) return false;
    await this.dispatch(req, cmd);
    return true;
  }

  /**
   * The private chat an HR user last wrote from: relayed candidate messages go there. (A Telegram private
   * chat's id is the user id; a Teams chat has its own conversation id.)
   */
  private async rememberChat(req: HrRequest): Promise<void> {
    if (this.chats.get(req.userId) === req.chatId || this.deps.isPrivateChat?.(req.chatId) === false) return;
    await this.deps.store.kvSet(KV, `chat:${req.userId}`, { chatId: req.chatId });
    this.chats.set(req.userId, req.chatId);
  }

  private async chatOf(userId: string): Promise<string> {
    const known = this.chats.get(userId);
    if (known) return known;
    const stored = z.object({ chatId: z.string() }).safeParse(await this.deps.store.kvGet(KV, `chat:${userId}`));
    return stored.success ? stored.data.chatId : userId;
  }

  private async heldBy(operatorId: string): Promise<Conversation | undefined> {
    const human = await this.deps.store.listConversations({ mode: 'human', limit: 1000 });
    return human.find((c) => c.assignedOperatorId === operatorId);
  }

  private async reply(req: HrRequest, message: string | OutboundMessage): Promise<void> {
    const msg = typeof message === 'string' ? { text: message } : message;
    if (!msg.text) return;
    await this.deps.send(req.chatId, msg).catch((err: unknown) => this.deps.log.warn({ err: errorMessage(err), userId: req.userId }, 'HR reply not delivered'));
  }
}

/** An alert's command buttons: pressing one runs the command (the button's id is its text). */
function alertButtons(candidateId: string): Choice[] {
  return [
    { id: `/takeover ${candidateId}`, label: 'Take over' },
    { id: `/remind ${candidateId}`, label: 'Nudge' },
    { id: `/status ${candidateId}`, label: 'Status' },
  ];
}
