import { OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import express, { type Express } from 'express';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ChannelId, Conversation, OutboundMessage } from '../../core/domain/index.js';
import type { Engine } from '../../core/engine/index.js';
import type { RoleBank } from '../../core/interview/index.js';
import type { Clock, EventBus, Logger, Store } from '../../core/ports/index.js';
import { AuditTrail } from '../audit.js';
import { AuthService } from '../auth/auth-service.js';
import { AccountBackoff, LoginRateLimiter } from '../auth/rate-limit.js';
import { TokenService } from '../auth/tokens.js';
import type { OperatorStore } from '../store/types.js';
import { TakeoverService } from '../takeover/takeover-service.js';
import { AssessmentViews } from '../views/assessment-view.js';
import { ConversationViews } from '../views/conversation-views.js';
import { AtsInbound, type AtsSettings } from './ats.js';
import { ApiKeys } from './api-keys.js';
import type { PublicApiStore } from './ports.js';
import { registerResources } from './resources.js';
import { ApiRouter, KeyRateLimiter } from './router.js';
import { registerWebhookRoutes } from './webhook-routes.js';
import { Webhooks, type WebhookSettings } from './webhooks.js';

export { ATS_EVENTS, verifyGreenhouseSignature, verifyParleySignature } from './ats.js';
export { signWebhook, assertPublicTarget, Webhooks, type WebhookSettings } from './webhooks.js';
export { ApiKeys } from './api-keys.js';
export { API_SCOPES, hashKey, scopeCovers, type ApiKey, type ApiScope } from './keys.js';
export type * from './ports.js';
export { sqlitePublicApiStore, SqliteApiKeyRepository } from './sqlite-api-store.js';

/** Where the public API's resources live (the console's private REST surface keeps /api/v1). */
export const PUBLIC_API_BASE = '/api/public/v1';

export interface PublicApiSettings {
  /** The console's token secret: operator tokens work here too. */
  jwtSecret: string;
  /** Audio files are exported only from under this folder. */
  dataDir: string;
  /** Requests per minute per API key (and per operator). */
  rateLimitPerMin: number;
  webhooks: WebhookSettings;
  ats: AtsSettings;
}

export interface PublicApiDeps {
  store: Store;
  /** The public API's own state (keys, idempotency, webhooks, ATS, list queries). */
  persistence: PublicApiStore;
  operators: OperatorStore;
  bus: EventBus;
  app: Express;
  clock: Clock;
  log: Logger;
  engine: () => Pick<Engine, 'mutate' | 'send'>;
  pendingPrompt: () => ((c: Conversation) => OutboundMessage | undefined) | undefined;
  banks: () => ReadonlyMap<string, RoleBank> | undefined;
  scheduleInterview: () => ((conversationId: string, at: Date, opts: { link?: string; timeZone?: string; actor: string }) => Promise<void>) | undefined;
  /** Channels an ATS candidate can be reached on, best first. */
  channels: () => readonly ChannelId[];
  settings: PublicApiSettings;
}

export interface PublicApi {
  keys: ApiKeys;
  webhooks: Webhooks;
  /** The generated OpenAPI 3.1 document. */
  spec(): Record<string, unknown>;
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): Record<string, unknown>;
}

/**
 * The public REST API v1 at /api/public/v1 (API keys or operator tokens, problem details,
 * Idempotency-Key, ETags), its OpenAPI 3.1 document generated from the routes' zod schemas at
 * /api/v1/openapi.json, and interactive docs (Swagger UI, served locally) at /api/docs.
 */
export function createPublicApi(deps: PublicApiDeps): PublicApi {
  const { store, clock } = deps;
  const log = deps.log.child({ module: 'api' });
  const keys = new ApiKeys(deps.persistence.keys);
  const audit = new AuditTrail({ store, bus: deps.bus, clock });
  const auth = new AuthService({
    operators: deps.operators,
    tokens: new TokenService(deps.settings.jwtSecret, 3600, clock),
    audit,
    clock,
    log,
    // Sign-in is the console's; these are never used here.
    limiter: new LoginRateLimiter(1, 1000),
    ipLimiter: new LoginRateLimiter(1, 1000),
    accountBackoff: new AccountBackoff(1, 1000),
  });
  const operatorName = (id: string): Promise<string | undefined> => ConversationViews.operatorNameIn(deps.operators, id);
  const assessments = new AssessmentViews({ store, banks: deps.banks, operatorName });
  const takeovers = new TakeoverService({ store, engine: deps.engine, audit, pendingPrompt: deps.pendingPrompt, operatorName });
  const api = new ApiRouter({ keys, auth, idempotency: deps.persistence.idempotency, limiter: new KeyRateLimiter(deps.settings.rateLimitPerMin), clock, log });
  registerResources(api, { store, queries: deps.persistence.queries, keys, operators: deps.operators, audit, bus: deps.bus, clock, takeovers, assessments, banks: deps.banks, dataDir: deps.settings.dataDir });
  const webhooks = new Webhooks({ webhooks: deps.persistence.webhooks, store, bus: deps.bus, clock, log, assessments, settings: deps.settings.webhooks });
  registerWebhookRoutes(api, webhooks);
  new AtsInbound({ ats: deps.persistence.ats, store, engine: deps.engine, channels: deps.channels, banks: deps.banks, pendingPrompt: deps.pendingPrompt, scheduleInterview: deps.scheduleInterview, clock, log, settings: deps.settings.ats }).mount(deps.app);

  let doc: Record<string, unknown> | undefined;
  const spec = (): Record<string, unknown> =>
    (doc ??= new OpenApiGeneratorV31(api.registry.definitions).generateDocument({
      openapi: '3.1.0',
      info: { title: 'Parley API', version: '1.0.0', description: 'Candidates, conversations, assessments, webhooks and API keys. Errors are RFC 9457 problem details.' },
      servers: [{ url: PUBLIC_API_BASE }],
    }) as unknown as Record<string, unknown>);

  deps.app.get(['/api/v1/openapi.json', `${PUBLIC_API_BASE}/openapi.json`], (_req, res) => {
    res.json(spec());
  });
  mountDocs(deps.app);
  deps.app.use(PUBLIC_API_BASE, api.router);
  return {
    keys,
    webhooks,
    spec,
    start: async () => webhooks.start(),
    stop: () => webhooks.stop(),
    health: () => webhooks.health(),
  };
}

const DOCS_HTML = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Parley API</title>
<link rel="stylesheet" href="/api/docs/assets/swagger-ui.css"></head>
<body><div id="docs"></div>
<script src="/api/docs/assets/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;
const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/v1/openapi.json', dom_id: '#docs', deepLinking: true, persistAuthorization: false });`;

/** Swagger UI from the installed swagger-ui-dist (no CDN) at /api/docs. */
function mountDocs(app: Express): void {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('swagger-ui-dist/package.json'));
  const headers = { 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer', 'Content-Security-Policy': "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'" };
  app.get('/api/docs', (_req, res) => res.set(headers).type('html').send(DOCS_HTML));
  app.get('/api/docs/init.js', (_req, res) => res.set(headers).type('application/javascript').send(DOCS_INIT));
  app.use('/api/docs/assets', express.static(join(dist), { index: false, fallthrough: false }));
}
