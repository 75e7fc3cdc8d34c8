import type { Express } from 'express';
import type { Server as SocketServer } from 'socket.io';
import type { CommandHandler } from '../../bots/commands/index.js';
import type { RoleOption } from '../../bots/intake/index.js';
import type { Engine, Middleware, OperatorNotificationKind } from '../../core/engine/index.js';
import type { ChannelId, Conversation, ConversationRef, OutboundMessage } from '../../core/domain/index.js';
import type { RoleBank } from '../../core/interview/index.js';
import type { ChannelAdapter, Clock, EventBus, Logger, Scheduler, Store, Transcriber } from '../../core/ports/index.js';
import type { Config } from '../config.js';
import type { Ports } from '../persistence.js';

/** Where a plugin's middleware runs in the turn chain, in this order. */
export const MIDDLEWARE_SLOTS = ['preprocess', 'beforeGate', 'commands', 'conversation', 'fallback'] as const;
export type MiddlewareSlot = (typeof MIDDLEWARE_SLOTS)[number];

/** What every plugin gets: shared services, and late-bound access to the engine. */
export interface PluginContext {
  config: Config;
  log: Logger;
  clock: Clock;
  /** The core store port (SQLite embedded, MongoDB distributed). */
  store: Store;
  /** Every feature's state, each behind its port (bin/persistence.ts); never a database handle. */
  ports: Ports;
  bus: EventBus;
  io: SocketServer;
  app: Express;
  /** The engine, available once every plugin is created (call it from handlers, not at creation). */
  engine: () => Engine;
  /** Services other plugins provide, registered during creation (e.g. the transcriber). */
  services: PluginServices;
}

/** Cross-plugin services. A plugin sets what it provides; others read it lazily. */
export interface PluginServices {
  transcriber?: Transcriber;
  scheduler?: Scheduler;
  /** Roles candidates can apply for (the interview question banks provide them). */
  roles?: () => readonly RoleOption[];
  /** The interview's question banks by role id (interview plugin); the console names roles and skills from them. */
  questionBanks?: () => ReadonlyMap<string, RoleBank>;
  notifyOperators?: (n: { conversationId: string; kind: OperatorNotificationKind; title: string; body: string }) => Promise<void>;
  /**
   * What the bot should (re-)ask when it resumes a conversation (after handback, or when a
   * candidate returns): the pending interview question, or the current intake question.
   */
  pendingPrompt?: (conversation: Conversation) => OutboundMessage | undefined;
  /** Schedule (or move) a candidate's interview with the team; reminders follow (jobs plugin). */
  scheduleInterview?: (conversationId: string, at: Date, opts: { link?: string; timeZone?: string; actor: string }) => Promise<void>;
  /**
   * Send a message to every HR chat that opted in to alerts (Telegram, Teams). `about` names the
   * candidate an alert is about: desks that can show buttons add Take over / Status / Open in console.
   */
  hrBroadcast?: (text: string, kind: 'alert' | 'digest', about?: { conversationId: string; candidateId: string }) => Promise<void>;
  /**
   * WhatsApp Web (Baileys) pairing state, with the QR code text to scan while pairing (whatsapp
   * plugin); the operator console shows it.
   */
  whatsappWeb?: () => { status: string; qr?: string };
  /** Send a plain-text email to a team member, such as a console invite (email plugin, when on). */
  sendStaffEmail?: (mail: { to: string; subject: string; text: string }) => Promise<void>;
  /** True for a current operator console token (console plugin): it unlocks /health details and /metrics. */
  isOperatorToken?: (token: string) => Promise<boolean>;
  /** What /health details report from the cluster queues and the plugins (set by the app). */
  healthDetails?: () => Record<string, unknown>;
  /** A web chat candidate started or stopped typing (console plugin shows it to operators). */
  candidateTyping?: (conversationId: string, typing: boolean) => void;
  /** Show "typing..." on a conversation's own channel, where it has such an action (set by the app from its adapters). */
  channelTyping?: (ref: ConversationRef) => Promise<void>;
  /** A channel's adapter by id, once every plugin is created (set by the app): the CV reader fetches documents through it. */
  channelAdapter?: (channel: ChannelId) => ChannelAdapter | undefined;
}

/**
 * One feature's wiring: its channel adapters, middleware, candidate commands, HTTP routes and
 * lifecycle. Each lives in `bin/plugins/<name>.ts`, with its own config shape.
 */
export interface Plugin {
  name: string;
  /** One line for the start-up log: what this plugin turned on, and what stays off and why. */
  summary?: string;
  adapters?: ChannelAdapter[];
  middleware?: Partial<Record<MiddlewareSlot, Middleware[]>>;
  candidateCommands?: Record<string, CommandHandler>;
  /** Called after the engine exists and before the server listens. */
  start?(): Promise<void>;
  stop?(): Promise<void>;
  /** Extra fields for GET /health. */
  health?(): Record<string, unknown>;
}

/** A plugin module: its env settings (a zod shape merged into the config) and its factory. */
export interface PluginModule {
  name: string;
  /** Returns undefined when the feature is not configured (e.g. no bot token). */
  create(ctx: PluginContext): Promise<Plugin | undefined>;
  /** Why the feature is off when `create` returns undefined, and how to turn it on (start-up log). */
  offReason?: string;
}
