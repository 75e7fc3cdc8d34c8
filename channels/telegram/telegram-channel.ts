import { timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute } from 'node:path';
import express, { type Express, type Request, type Response } from 'express';
import { Api, InputFile } from 'grammy';
import type { InlineKeyboardMarkup } from 'grammy/types';
import {
  InboundMessageSchema,
  ProviderError,
  ValidationError,
  errorMessage,
  type ConversationRef,
  type InboundMessage,
  type InboundMessageInput,
  type MediaRef,
  type OutboundMessage,
} from '../../core/domain/index.js';
import { fitInbound, lowerMessage, retry } from '../../core/engine/index.js';
import type { ChannelAdapter, Clock, FetchedMedia, Logger, SendContext, SendResult } from '../../core/ports/index.js';
import { TELEGRAM_ALLOWED_UPDATES, TELEGRAM_WEBHOOK_PATH, telegramCapabilities } from './definition.js';
import { toTelegramError } from './errors.js';
import { normaliseUpdate } from './normalise.js';
import { TelegramPoller } from './poller.js';
import { TelegramUpdateSchema } from './update-schema.js';

/** Where messages from staff go instead of the engine (HR commands): they never create candidates. */
export interface StaffRoute {
  isStaff(senderId: string): boolean;
  handle(message: InboundMessage): Promise<void>;
}

/** A small persistent set of chat ids. */
export interface BlockedChats {
  has(chatId: string): Promise<boolean>;
  add(chatId: string): Promise<void>;
  delete(chatId: string): Promise<void>;
}

export interface TelegramChannelOptions {
  token: string;
  /** Bot API server root without a trailing slash (a local Bot API server, or a fake in tests). */
  apiRoot: string;
  /** `webhook` when Telegram can reach us at `webhookUrl`; `polling` otherwise. */
  mode: 'webhook' | 'polling';
  webhookUrl?: string;
  /** Telegram echoes it in `X-Telegram-Bot-Api-Secret-Token` on every webhook call. */
  webhookSecret: string;
  pollTimeoutSec?: number;
  /** Persist an inbound message (the engine's `receive`); resolves once it is durable. */
  receive: (inbound: InboundMessageInput) => Promise<unknown>;
  staff?: StaffRoute;
  /**
   * Chats that blocked the bot (403). Later sends fail at once without calling Telegram, so one
   * block costs one failed call; a message from the chat clears it.
   */
  blockedChats?: BlockedChats;
  clock: Clock;
  log: Logger;
}

const RECENT_STAFF_UPDATES = 500;
const OK_BODY = '{"ok":true}';
const OK_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'content-length': String(OK_BODY.length) };
const DIRECT_SEND_ATTEMPTS = 3;

/**
 * The Telegram channel on grammY's Bot API client: webhook (`POST /webhooks/telegram`, secret
 * token checked) or long polling in; `sendMessage` with inline keyboards, `sendChatAction`
 * and `getFile` out. Every update is verified, zod-parsed, normalised and persisted before it
 * is acknowledged; updates Parley does not handle are logged and acknowledged.
 *
 * @example
 * const telegram = new TelegramChannel({ token, apiRoot: 'https://api.telegram.org', mode: 'polling', webhookSecret, receive: (m) => engine.receive(m), clock, log });
 * telegram.attach(app);
 * await telegram.start();
 */
export class TelegramChannel implements ChannelAdapter {
  readonly id = 'telegram' as const;
  readonly capabilities = telegramCapabilities;
  readonly api: Api;
  private readonly poller: TelegramPoller | undefined;
  private readonly recentStaff = new Set<string>();

  constructor(private readonly opts: TelegramChannelOptions) {
    this.api = new Api(opts.token, { apiRoot: opts.apiRoot, timeoutSeconds: (opts.pollTimeoutSec ?? 30) + 30 });
    this.poller = opts.mode === 'polling' ? new TelegramPoller({ api: this.api, handle: (u) => this.handleUpdate(u), log: opts.log, timeoutSec: opts.pollTimeoutSec ?? 30 }) : undefined;
  }

  /** Register the webhook route. Raw body first: the secret is checked before anything is parsed. */
  attach(app: Express): void {
    app.post(TELEGRAM_WEBHOOK_PATH, express.raw({ type: () => true, limit: '2mb' }), (req, res) => void this.onWebhook(req, res));
  }

  async start(): Promise<void> {
    if (this.poller) {
      this.poller.start();
      return;
    }
    if (!this.opts.webhookUrl) return;
    try {
      await this.api.setWebhook(this.opts.webhookUrl, { secret_token: this.opts.webhookSecret, allowed_updates: [...TELEGRAM_ALLOWED_UPDATES] });
      this.opts.log.info({ url: this.opts.webhookUrl }, 'telegram: webhook set');
    } catch (err) {
      // Start anyway: the webhook may already be set, and the rest of Parley should run.
      this.opts.log.error({ err: toTelegramError(err).message }, 'telegram: could not set the webhook');
    }
  }

  async stop(): Promise<void> {
    await this.poller?.stop();
  }

  async send(ref: ConversationRef, message: OutboundMessage, _ctx: SendContext): Promise<SendResult> {
    const blocked = this.opts.blockedChats;
    if (await blocked?.has(ref.externalId)) throw new ProviderError('telegram', 'the user has blocked the bot; not sent', { status: 403, unreachable: true });
    try {
      return { providerMessageId: `${ref.externalId}:${await this.sendOne(ref.externalId, message)}` };
    } catch (err) {
      if (err instanceof ProviderError && err.unreachable) await blocked?.add(ref.externalId);
      throw err;
    }
  }

  /** A voice note (Ogg/Opus) with `sendVoice`: voice replies send each question as one, after its text. */
  async sendVoice(ref: ConversationRef, audio: { data: Buffer; durationSec?: number }): Promise<void> {
    if (await this.opts.blockedChats?.has(ref.externalId)) return;
    try {
      await this.api.sendVoice(ref.externalId, new InputFile(audio.data, 'question.ogg'), audio.durationSec !== undefined ? { duration: Math.max(1, Math.round(audio.durationSec)) } : {});
    } catch (err) {
      throw toTelegramError(err);
    }
  }

  async typing(ref: ConversationRef): Promise<void> {
    await this.api.sendChatAction(ref.externalId, 'typing').catch((err: unknown) => {
      this.opts.log.debug({ err: toTelegramError(err).message }, 'telegram: typing indicator failed');
    });
  }

  async fetchMedia(_ref: ConversationRef, media: MediaRef): Promise<FetchedMedia> {
    let path: string | undefined;
    try {
      path = (await this.api.getFile(media.providerRef)).file_path;
    } catch (err) {
      throw toTelegramError(err);
    }
    if (!path) throw new ProviderError('telegram', 'getFile returned no file_path', { permanent: true });
    // A local Bot API server (--local) answers with a path on its own disk.
    if (isAbsolute(path)) return { data: await readFile(path), mime: media.mime ?? 'application/octet-stream' };
    const res = await fetch(`${this.opts.apiRoot}/file/bot${this.opts.token}/${path}`).catch((err: unknown) => {
      throw new ProviderError('telegram', `file download failed: ${errorMessage(err)}`);
    });
    if (!res.ok) throw new ProviderError('telegram', `file download failed: HTTP ${res.status}`, { status: res.status });
    return { data: Buffer.from(await res.arrayBuffer()), mime: media.mime ?? res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  /**
   * Send outside the conversation store (HR chats): split to fit, retried a few times with
   * backoff honouring `retry_after`.
   */
  async notify(chatId: string, message: OutboundMessage): Promise<void> {
    for (const part of lowerMessage(message, this.capabilities)) {
      await retry(
        () => this.sendOne(chatId, part).catch((err: unknown) => Promise.reject(toTelegramError(err))),
        { policy: { maxAttempts: DIRECT_SEND_ATTEMPTS, baseMs: 500, maxMs: 10_000 } },
      );
    }
  }

  /**
   * Verify-free core of both entry points: parse, normalise, route. Resolves once the update is
   * stored (or deliberately ignored); throws only when it could not be stored, so the provider
   * delivers it again.
   */
  async handleUpdate(body: unknown): Promise<void> {
    const parsed = TelegramUpdateSchema.safeParse(body);
    if (!parsed.success) {
      this.opts.log.warn({ issues: parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.')}: ${i.message}`) }, 'telegram: malformed update acknowledged');
      return;
    }
    const result = normaliseUpdate(parsed.data, this.opts.clock.now());
    if (result.callbackQueryId) void this.answerCallback(result.callbackQueryId);
    if (result.type === 'ignored') {
      this.opts.log.info({ updateId: parsed.data.update_id, reason: result.reason }, 'telegram: update acknowledged, not handled');
      return;
    }
    if (this.opts.staff?.isStaff(result.inbound.sender.id)) return this.toStaff(result.inbound);
    // Writing to the bot again means it was unblocked.
    if (await this.opts.blockedChats?.has(result.inbound.ref.externalId)) await this.opts.blockedChats?.delete(result.inbound.ref.externalId);
    try {
      await this.opts.receive(result.inbound);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      this.opts.log.warn({ updateId: parsed.data.update_id, issues: err.issues }, 'telegram: invalid message acknowledged');
    }
  }

  private async onWebhook(req: Request, res: Response): Promise<void> {
    if (!this.secretMatches(req.get('x-telegram-bot-api-secret-token'))) {
      this.opts.log.warn({ ip: req.ip }, 'telegram: webhook call with a missing or wrong secret token rejected');
      res.status(401).json({ ok: false, error: 'invalid secret token' });
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '');
    } catch {
      this.opts.log.warn('telegram: webhook body is not JSON; acknowledged');
      res.json({ ok: true });
      return;
    }
    try {
      await this.handleUpdate(body);
      // Written directly: express's `res.json` would hash an ETag and look up the charset for a constant.
      res.writeHead(200, OK_HEADERS).end(OK_BODY);
    } catch (err) {
      this.opts.log.error({ err: errorMessage(err) }, 'telegram: could not store update; Telegram will retry');
      res.status(500).json({ ok: false });
    }
  }

  private secretMatches(given: string | undefined): boolean {
    const expected = Buffer.from(this.opts.webhookSecret);
    const actual = Buffer.from(given ?? '');
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  }

  private async toStaff(inbound: InboundMessageInput): Promise<void> {
    // Staff messages are not stored, so redeliveries are caught here.
    if (this.recentStaff.has(inbound.providerMessageId)) return;
    this.recentStaff.add(inbound.providerMessageId);
    if (this.recentStaff.size > RECENT_STAFF_UPDATES) this.recentStaff.delete(this.recentStaff.values().next().value as string);
    try {
      await this.opts.staff?.handle(InboundMessageSchema.parse(fitInbound(inbound, this.opts.clock.now()).input));
    } catch (err) {
      this.opts.log.error({ err: errorMessage(err) }, 'telegram: staff command failed');
    }
  }

  private async answerCallback(id: string): Promise<void> {
    await this.api.answerCallbackQuery(id).catch((err: unknown) => {
      this.opts.log.debug({ err: toTelegramError(err).message }, 'telegram: answerCallbackQuery failed');
    });
  }

  /** One `sendMessage`; returns Telegram's message id. */
  private async sendOne(chatId: string, message: OutboundMessage): Promise<number> {
    const markup = keyboard(message);
    try {
      const sent = await this.api.sendMessage(chatId, message.text.trim() || '…', markup ? { reply_markup: markup } : {});
      return sent.message_id;
    } catch (err) {
      throw toTelegramError(err);
    }
  }
}

/** Choices as an inline keyboard, one button per row. `callback_data` is capped at 64 bytes. */
function keyboard(message: OutboundMessage): InlineKeyboardMarkup | undefined {
  if (!message.choices?.length) return undefined;
  return {
    inline_keyboard: message.choices.map((c, i) => [{ text: c.label, callback_data: Buffer.byteLength(c.id) <= 64 ? c.id : `choice-${i + 1}` }]),
  };
}
