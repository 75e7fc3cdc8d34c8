import { CardFactory, CloudAdapter, TeamsInfo, TurnContext, type Activity, type ConversationReference } from 'botbuilder';
import express, { type Express, type Request, type Response } from 'express';
import {
  InboundMessageSchema,
  ProviderError,
  ValidationError,
  errorMessage,
  type Choice,
  type ConversationRef,
  type InboundMessage,
  type InboundMessageInput,
  type MediaRef,
  type OutboundMessage,
} from '../../core/domain/index.js';
import { fitInbound, lowerMessage, retry } from '../../core/engine/index.js';
import type { ChannelAdapter, Clock, FetchedMedia, Logger, SendContext, SendResult } from '../../core/ports/index.js';
import { createTeamsAuth, type TeamsAuthSettings, type TokenSource } from './auth.js';
import { TEAMS_MESSAGES_PATH, teamsCapabilities } from './definition.js';
import { toTeamsError } from './errors.js';
import { WITH_TOKEN, normaliseActivity } from './normalise.js';

/** Where HR users' messages go instead of the engine: they never create candidates. */
export interface TeamsStaffRoute {
  /** By Azure AD object id, or by email when `byEmail` (looked up once per user from the chat's roster). */
  isStaff(senderId: string): boolean;
  byEmail?: boolean;
  handle(message: InboundMessage): Promise<void>;
}

/** Stored conversation references, by conversation id (proactive sends need them). */
export interface ConversationReferences {
  get(conversationId: string): Promise<Partial<ConversationReference> | undefined>;
  set(conversationId: string, reference: Partial<ConversationReference>): Promise<void>;
}

export interface TeamsChannelOptions {
  auth: TeamsAuthSettings;
  /** Persist an inbound message (the engine's `receive`); resolves once it is durable. */
  receive: (inbound: InboundMessageInput) => Promise<unknown>;
  references: ConversationReferences;
  staff?: TeamsStaffRoute;
  /** Said when the bot is added to a personal chat. */
  greeting?: string;
  clock: Clock;
  log: Logger;
}

const RECENT_STAFF = 500;
const DIRECT_SEND_ATTEMPTS = 4;

/**
 * Microsoft Teams through botbuilder's `CloudAdapter`: `POST /api/messages` (every activity's JWT
 * checked by botbuilder before anything is read), activities normalised into `InboundMessage`s
 * and stored before the 200; replies are proactive sends on the stored `ConversationReference`
 * (`continueConversationAsync`), choices as Adaptive Cards. Candidates talk to the bot in
 * personal chats; HR users also in a channel or group chat where they @mention it.
 *
 * @example
 * const teams = new TeamsChannel({ auth, receive: (m) => engine.receive(m), references, clock, log });
 * teams.attach(app);
 */
export class TeamsChannel implements ChannelAdapter {
  readonly id = 'teams' as const;
  readonly capabilities = teamsCapabilities;
  readonly adapter: CloudAdapter;
  private readonly tokens: TokenSource;
  private readonly recentStaff = new Set<string>();
  private readonly knownServiceUrls = new Map<string, string>();
  /** Email (or null: none) of each Azure AD user seen, for email allowlists. */
  private readonly emails = new Map<string, string | null>();

  constructor(private readonly opts: TeamsChannelOptions) {
    const { auth, tokens } = createTeamsAuth(opts.auth);
    this.adapter = new CloudAdapter(auth);
    this.tokens = tokens;
  }

  attach(app: Express): void {
    app.post(TEAMS_MESSAGES_PATH, express.json({ limit: '1mb' }), (req, res) => void this.onRequest(req, res));
  }

  async send(ref: ConversationRef, message: OutboundMessage, _ctx: SendContext): Promise<SendResult> {
    const id = await this.sendActivity(ref.externalId, toActivity(message), 'sendToConversation');
    return id ? { providerMessageId: `${ref.externalId}:${id}` } : {};
  }

  async typing(ref: ConversationRef): Promise<void> {
    await this.sendActivity(ref.externalId, { type: 'typing' }, 'typing').catch((err: unknown) => {
      this.opts.log.debug({ err: errorMessage(err) }, 'teams: typing indicator failed');
    });
  }

  /**
   * Send outside the conversation store (HR chats, alert cards): split to fit, retried honouring
   * Retry-After.
   */
  async notify(conversationId: string, message: OutboundMessage, link?: { title: string; url: string }): Promise<void> {
    const parts = lowerMessage(message, this.capabilities);
    const activities = parts.map((part, i) => toActivity(part, i === parts.length - 1 ? link : undefined));
    for (const activity of activities) {
      await retry(() => this.sendActivity(conversationId, activity, 'notify'), { policy: { maxAttempts: DIRECT_SEND_ATTEMPTS, baseMs: 500, maxMs: 30_000 }, maxRetryAfterMs: 60_000 });
    }
  }

  async fetchMedia(ref: ConversationRef, media: MediaRef): Promise<FetchedMedia> {
    let url = media.providerRef;
    const headers: Record<string, string> = {};
    if (url.startsWith(WITH_TOKEN)) {
      url = url.slice(WITH_TOKEN.length);
      // The bot's token only ever goes to the conversation's own connector.
      const reference = await this.opts.references.get(ref.externalId);
      if (!reference?.serviceUrl || new URL(url).origin !== new URL(reference.serviceUrl).origin) {
        throw new ProviderError('teams', 'attachment is not on the conversation\'s connector; not fetched with the bot token', { method: 'fetchMedia', permanent: true });
      }
      headers.authorization = `Bearer ${await this.tokens.token()}`;
    }
    const res = await fetch(url, { headers }).catch((err: unknown) => {
      throw new ProviderError('teams', `attachment download failed: ${errorMessage(err)}`, { method: 'fetchMedia' });
    });
    if (!res.ok) throw new ProviderError('teams', `attachment download failed: HTTP ${res.status}`, { method: 'fetchMedia', status: res.status });
    return { data: Buffer.from(await res.arrayBuffer()), mime: media.mime ?? res.headers.get('content-type') ?? 'application/octet-stream' };
  }

  private async onRequest(req: Request, res: Response): Promise<void> {
    // CloudAdapter validates the JWT (401 on any failure), runs the turn and answers: 200 once the
    // activity is stored, 500 when it could not be (the Bot Framework delivers it again).
    await this.adapter.process(req, res, (ctx) => this.onTurn(ctx)).catch((err: unknown) => {
      this.opts.log.error({ err: errorMessage(err) }, 'teams: request failed');
      if (!res.headersSent) res.status(500).end();
    });
  }

  private async onTurn(ctx: TurnContext): Promise<void> {
    const activity = ctx.activity;
    const result = normaliseActivity(activity, this.opts.clock.now());
    if (result.type === 'ignored') {
      this.opts.log.info({ activityId: activity.id, type: activity.type, reason: result.reason }, 'teams: activity acknowledged, not handled');
      return;
    }
    await this.remember(activity);
    if (result.type === 'bot-added') {
      this.opts.log.info({ conversationType: activity.conversation.conversationType }, 'teams: bot added to a conversation');
      if (this.opts.greeting && (activity.conversation.conversationType ?? 'personal') === 'personal') await ctx.sendActivity(this.opts.greeting);
      return;
    }
    if (result.invoke) await ctx.sendActivity({ type: 'invokeResponse', value: { status: 200, body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: 'OK' } } });
    const staffId = await this.staffId(ctx, result.inbound.sender.id);
    if (staffId) {
      if (result.conversationType !== 'personal' && !result.mentioned) return;
      return this.toStaff({ ...result.inbound, sender: { ...result.inbound.sender, id: staffId } });
    }
    if (result.conversationType !== 'personal') {
      this.opts.log.info({ conversationType: result.conversationType }, 'teams: message outside a personal chat from someone not on the HR list; acknowledged');
      return;
    }
    try {
      await this.opts.receive(result.inbound);
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err;
      this.opts.log.warn({ activityId: activity.id, issues: err.issues }, 'teams: invalid message acknowledged');
    }
  }

  /** The allowlist key of an HR user (object id or email, lower-cased), or undefined for everyone else. */
  private async staffId(ctx: TurnContext, senderId: string): Promise<string | undefined> {
    const staff = this.opts.staff;
    if (!staff) return undefined;
    const id = senderId.toLowerCase();
    if (staff.isStaff(id)) return id;
    if (!staff.byEmail) return undefined;
    let email = this.emails.get(id);
    if (email === undefined) {
      try {
        const member = await TeamsInfo.getMember(ctx, ctx.activity.from.id);
        email = (member.email ?? member.userPrincipalName ?? '').toLowerCase() || null;
        this.emails.set(id, email);
      } catch (err) {
        this.opts.log.warn({ err: errorMessage(err) }, 'teams: could not look up the sender\'s email; treated as a candidate');
        return undefined;
      }
    }
    return email && staff.isStaff(email) ? email : undefined;
  }

  /** Store the conversation reference when it is new or its service URL moved. */
  private async remember(activity: Activity): Promise<void> {
    const id = activity.conversation.id;
    if (this.knownServiceUrls.get(id) === activity.serviceUrl) return;
    await this.opts.references.set(id, TurnContext.getConversationReference(activity));
    this.knownServiceUrls.set(id, activity.serviceUrl);
  }

  private async toStaff(inbound: InboundMessageInput): Promise<void> {
    // Staff messages are not stored, so redeliveries are caught here.
    if (this.recentStaff.has(inbound.providerMessageId)) return;
    this.recentStaff.add(inbound.providerMessageId);
    if (this.recentStaff.size > RECENT_STAFF) this.recentStaff.delete(this.recentStaff.values().next().value as string);
    try {
      await this.opts.staff?.handle(InboundMessageSchema.parse(fitInbound(inbound, this.opts.clock.now()).input));
    } catch (err) {
      this.opts.log.error({ err: errorMessage(err) }, 'teams: staff command failed');
    }
  }

  /** One activity to a stored conversation, proactively; returns the connector's activity id. */
  private async sendActivity(conversationId: string, activity: Partial<Activity>, method: string): Promise<string | undefined> {
    const reference = await this.opts.references.get(conversationId);
    if (!reference) throw new ProviderError('teams', 'no conversation reference: the bot was never added to this chat', { method, permanent: true, unreachable: true });
    let id: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.opts.auth.appId, reference, async (ctx) => {
        id = (await ctx.sendActivity(activity))?.id;
      });
    } catch (err) {
      throw toTeamsError(err, method);
    }
    return id;
  }
}

/** A message as an activity: plain text, or an Adaptive Card whose choices are `Action.Submit` buttons. */
export function toActivity(message: OutboundMessage, link?: { title: string; url: string }): Partial<Activity> {
  const text = message.text.trim() || '…';
  if (!message.choices?.length && !link) return { type: 'message', text, textFormat: 'plain' };
  return { type: 'message', attachments: [choiceCard(text, message.choices ?? [], link)] };
}

function choiceCard(text: string, choices: readonly Choice[], link?: { title: string; url: string }) {
  return CardFactory.adaptiveCard({
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body: [{ type: 'TextBlock', text, wrap: true }],
    actions: [
      ...choices.map((c) => ({ type: 'Action.Submit', title: c.label, data: { parleyChoice: c.id, label: c.label } })),
      ...(link ? [{ type: 'Action.OpenUrl', title: link.title, url: link.url }] : []),
    ],
  });
}
