import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import jwt from 'jsonwebtoken';

/** One activity the bot sent to the fake connector. */
export interface RecordedActivity {
  conversationId: string;
  /** Set when the bot replied to an activity (`POST .../activities/{id}`). */
  replyToId?: string;
  activity: { type: string; text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[]; [k: string]: unknown };
  authorization: string | undefined;
  /** The HTTP status the fake answered with. */
  status: number;
  at: number;
}

export interface TeamsUser {
  /** The channel account id (`29:...`). */
  id: string;
  aadObjectId: string;
  name: string;
  email?: string;
}

const APP_ID = '00000000-0000-4000-8000-00000000b07a';

/**
 * A fake Bot Framework on 127.0.0.1: the OpenID metadata and JWKS Parley validates inbound tokens
 * against (tokens signed here with a local RSA key), a client-credentials token endpoint, and
 * the connector service (the activities' `serviceUrl`) that records what the bot sends and fails
 * on demand (429 with Retry-After, 5xx). `env` is what Parley needs to talk to it.
 *
 * @example
 * const bf = await FakeBotFramework.start();
 * const app = await startParley(bf.env);
 * await bf.send(app.url, bf.message(ana, 'hi'));
 * await bf.waitFor((a) => a.conversationId === bf.personalChat(ana));
 */
export class FakeBotFramework {
  readonly appId = APP_ID;
  readonly appPassword = 'fake-client-secret';
  readonly issuer = 'https://api.botframework.test';
  readonly kid = 'fake-key-1';
  readonly sent: RecordedActivity[] = [];
  readonly tokenRequests: URLSearchParams[] = [];
  readonly fileRequests: { path: string; authorization: string | undefined }[] = [];
  readonly members = new Map<string, TeamsUser>();
  private readonly failures: { status: number; headers: Record<string, string> }[] = [];
  private readonly files = new Map<string, { data: Buffer; mime: string }>();
  private readonly privateKey: KeyObject;
  /** A second key the fake never publishes: tokens signed with it are forgeries. */
  private readonly forgerKey: KeyObject;
  private readonly jwk: { n: string; e: string };
  private readonly listeners = new Set<() => void>();
  private seq = 0;

  private constructor(private readonly server: Server) {
    const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
    this.privateKey = pair.privateKey;
    this.jwk = pair.publicKey.export({ format: 'jwk' }) as { n: string; e: string };
    this.forgerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  }

  static async start(): Promise<FakeBotFramework> {
    const fake = new FakeBotFramework(createServer());
    fake.server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.onRequest(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** The connector's address, as activities carry it. */
  get serviceUrl(): string {
    return `${this.url}/connector/`;
  }

  /** The settings that point Parley at this fake. */
  get env(): Record<string, string> {
    return {
      MICROSOFT_APP_ID: this.appId,
      MICROSOFT_APP_PASSWORD: this.appPassword,
      MICROSOFT_APP_TYPE: 'MultiTenant',
      TEAMS_OPENID_METADATA_URL: `${this.url}/openid`,
      TEAMS_TOKEN_ISSUER: this.issuer,
      TEAMS_TOKEN_ENDPOINT: `${this.url}/token`,
    };
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next message activities sent to the connector fail with this status and headers (typing goes through). */
  failNext(status: number, headers: Record<string, string> = {}, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push({ status, headers });
  }

  /** Serve a file at `/files/<name>` (an attachment's content URL). */
  serveFile(name: string, data: Buffer, mime: string): string {
    this.files.set(name, { data, mime });
    return `${this.url}/files/${name}`;
  }

  /**
   * A Bot Framework token for Parley, signed with the published key unless `forged`. Claims can be
   * overridden (a wrong `aud`, an `exp` in the past).
   */
  token(opts: { claims?: Record<string, unknown>; forged?: boolean; kid?: string } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: this.issuer, aud: this.appId, serviceurl: this.serviceUrl, nbf: now - 60, exp: now + 3600, ...opts.claims };
    return jwt.sign(claims, opts.forged ? this.forgerKey : this.privateKey, { algorithm: 'RS256', keyid: opts.kid ?? this.kid });
  }

  user(name: string, email?: string): TeamsUser {
    const user = { id: `29:${randomUUID()}`, aadObjectId: randomUUID(), name, ...(email ? { email } : {}) };
    this.members.set(user.id, user);
    return user;
  }

  /** The personal chat between the bot and `user`. */
  personalChat(user: TeamsUser): string {
    return `a:personal-${user.aadObjectId}`;
  }

  /** A message activity from `user` in their personal chat (or in `conversation`). */
  message(user: TeamsUser, text: string, opts: { conversation?: { id: string; conversationType: string }; mention?: boolean; attachments?: unknown[]; value?: unknown; replyToId?: string; id?: string } = {}): Record<string, unknown> {
    const botMention = `<at>Parley</at>`;
    return {
      ...this.base(user, opts.conversation ?? { id: this.personalChat(user), conversationType: 'personal' }, opts.id),
      type: 'message',
      text: opts.mention ? `${botMention} ${text}` : text,
      ...(opts.mention ? { entities: [{ type: 'mention', text: botMention, mentioned: { id: `28:${this.appId}`, name: 'Parley' } }] } : {}),
      ...(opts.attachments ? { attachments: opts.attachments } : {}),
      ...(opts.value !== undefined ? { value: opts.value } : {}),
      ...(opts.replyToId ? { replyToId: opts.replyToId } : {}),
    };
  }

  /** The bot was added to `user`'s personal chat. */
  botAdded(user: TeamsUser): Record<string, unknown> {
    return { ...this.base(user, { id: this.personalChat(user), conversationType: 'personal' }), type: 'conversationUpdate', membersAdded: [{ id: `28:${this.appId}` }] };
  }

  /** A card's Action.Submit: what Teams posts when a button of `card` (a recorded activity) is pressed. */
  cardSubmit(user: TeamsUser, card: RecordedActivity, title: string): Record<string, unknown> {
    const actions = (card.activity.attachments?.[0]?.content.actions ?? []) as { title: string; data: unknown }[];
    const action = actions.find((a) => a.title === title);
    if (!action) throw new Error(`no button "${title}" on the card (have: ${actions.map((a) => a.title).join(', ')})`);
    return this.message(user, '', { conversation: { id: card.conversationId, conversationType: card.conversationId.startsWith('a:personal') ? 'personal' : 'channel' }, value: action.data, replyToId: String(card.activity.id ?? 'card') });
  }

  /** POST an activity to Parley's /api/messages with a valid token (or `token`, or none with `null`). */
  async send(parleyUrl: string, activity: Record<string, unknown>, token: string | null = this.token()): Promise<Response> {
    return fetch(`${parleyUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token !== null ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(activity),
    });
  }

  /** Activities sent to a conversation (successful ones). */
  to(conversationId: string): RecordedActivity[] {
    return this.sent.filter((s) => s.conversationId === conversationId && s.status < 300 && s.activity.type === 'message');
  }

  /** Text of a message activity: its text, or its card's text. */
  static textOf(a: RecordedActivity): string {
    const card = a.activity.attachments?.[0]?.content as { body?: { text?: string }[] } | undefined;
    return a.activity.text ?? card?.body?.map((b) => b.text ?? '').join('\n') ?? '';
  }

  /** Wait until a recorded activity matches. */
  async waitFor(match: (a: RecordedActivity) => boolean, timeoutMs = 30_000): Promise<RecordedActivity> {
    const found = () => this.sent.find((a) => a.status < 300 && match(a));
    return this.waitUntil(found, timeoutMs, 'an activity');
  }

  /** Wait for a message to `conversationId` whose text (or card text) matches. */
  async waitForMessage(conversationId: string, pattern: RegExp = /[\s\S]*/, timeoutMs = 30_000): Promise<RecordedActivity> {
    return this.waitFor((a) => a.conversationId === conversationId && a.activity.type === 'message' && pattern.test(FakeBotFramework.textOf(a)), timeoutMs);
  }

  /** Wait until `count` matching activities were recorded. */
  async waitForCount(match: (a: RecordedActivity) => boolean, count: number, timeoutMs = 30_000): Promise<RecordedActivity[]> {
    return this.waitUntil(() => {
      const all = this.sent.filter((a) => a.status < 300 && match(a));
      return all.length >= count ? all : undefined;
    }, timeoutMs, `${count} activities`);
  }

  private async waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const now = check();
    if (now !== undefined) return now;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`timed out waiting for ${what}; sent: ${JSON.stringify(this.sent.map((s) => [s.conversationId, s.status, s.activity.type, FakeBotFramework.textOf(s).slice(0, 80)]))}`));
      }, timeoutMs);
      const listener = () => {
        const v = check();
        if (v === undefined) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(v);
      };
      this.listeners.add(listener);
    });
  }

  private base(user: TeamsUser, conversation: { id: string; conversationType: string }, id?: string) {
    return {
      id: id ?? `act-in-${++this.seq}-${randomUUID().slice(0, 8)}`,
      timestamp: new Date().toISOString(),
      channelId: 'msteams',
      serviceUrl: this.serviceUrl,
      from: { id: user.id, name: user.name, aadObjectId: user.aadObjectId },
      recipient: { id: `28:${this.appId}`, name: 'Parley' },
      conversation: { ...conversation, tenantId: 'tenant-1' },
      channelData: { tenant: { id: 'tenant-1' } },
      locale: 'en-US',
    };
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString('utf8');
    const json = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(value));
    };
    if (url.pathname === '/openid') return json(200, { issuer: this.issuer, jwks_uri: `${this.url}/keys`, id_token_signing_alg_values_supported: ['RS256'] });
    if (url.pathname === '/keys') return json(200, { keys: [{ kty: 'RSA', use: 'sig', kid: this.kid, n: this.jwk.n, e: this.jwk.e, endorsements: ['msteams'] }] });
    if (url.pathname === '/token' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      this.tokenRequests.push(form);
      if (form.get('client_id') !== this.appId || form.get('client_secret') !== this.appPassword) return json(401, { error: 'invalid_client' });
      return json(200, { token_type: 'Bearer', expires_in: 3600, access_token: `bot-token-${this.tokenRequests.length}` });
    }
    const filePath = url.pathname.replace(/^\/connector\//, '/');
    if (filePath.startsWith('/files/')) {
      this.fileRequests.push({ path: url.pathname, authorization: req.headers.authorization });
      const file = this.files.get(decodeURIComponent(filePath.slice('/files/'.length)));
      if (!file) return json(404, { error: 'not found' });
      res.writeHead(200, { 'content-type': file.mime });
      res.end(file.data);
      return;
    }
    const member = /^\/connector\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(url.pathname);
    if (member && req.method === 'GET') {
      const user = this.members.get(decodeURIComponent(member[2] ?? ''));
      if (!user) return json(404, { error: { code: 'MemberNotFoundInConversation' } });
      return json(200, { id: user.id, name: user.name, aadObjectId: user.aadObjectId, email: user.email, userPrincipalName: user.email });
    }
    const activities = /^\/connector\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(url.pathname);
    if (activities && req.method === 'POST') {
      const activity = JSON.parse(body || '{}') as RecordedActivity['activity'];
      const failure = activity.type === 'message' ? this.failures.shift() : undefined;
      const status = failure?.status ?? 200;
      const id = `act-out-${++this.seq}`;
      if (status < 300) activity.id = id;
      this.sent.push({ conversationId: decodeURIComponent(activities[1] ?? ''), ...(activities[2] ? { replyToId: decodeURIComponent(activities[2]) } : {}), activity, authorization: req.headers.authorization, status, at: Date.now() });
      for (const l of [...this.listeners]) l();
      if (failure) return json(failure.status, { error: { code: failure.status === 429 ? 'Throttled' : 'ServiceError', message: 'scripted failure' } }, failure.headers);
      return json(200, { id });
    }
    json(404, { error: `fake bot framework: no route ${req.method} ${url.pathname}` });
  }
}
