import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerOptions } from 'node:http';
import express, { type Express, type Request } from 'express';
import type { Registry } from 'prom-client';
import type { Store } from '../core/ports/index.js';

export interface HttpDeps {
  store: Store;
  registry: Registry;
  mode: 'embedded' | 'distributed' | 'cluster';
  version: string;
  startedAt: number;
  webchatPublicDir: string;
  /** Express `trust proxy` (the TRUST_PROXY setting): false ignores X-Forwarded-For. */
  trustProxy: boolean | number | string;
  /** METRICS_TOKEN: a bearer token that unlocks /metrics and the /health details. */
  metricsToken?: string | undefined;
  /** True for a current operator console token (it unlocks the same). */
  isOperatorToken: (token: string) => Promise<boolean>;
  /** Extra details for /health (channels, jobs...). */
  details: () => Record<string, unknown>;
}

/**
 * The Express app: operations endpoints and the web chat's static files. Channels add webhooks.
 * `/health` answers only `{ status }` to anyone; its details (version, channels, counts, jobs,
 * console figures) and `/metrics` need `Authorization: Bearer <METRICS_TOKEN or operator token>`.
 */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy);
  const allowed = operationsAccess(deps);

  app.get('/health', async (req, res) => {
    res.set('Cache-Control', 'no-store');
    if (!(await allowed(req))) return void res.json({ status: 'ok' });
    res.json({ status: 'ok', mode: deps.mode, version: deps.version, uptimeSec: Math.round((Date.now() - deps.startedAt) / 1000), ...deps.details() });
  });
  app.get('/ready', async (_req, res) => {
    res.set('Cache-Control', 'no-store');
    try {
      await deps.store.ping();
      res.json({ ready: true });
    } catch {
      res.status(503).json({ ready: false });
    }
  });
  app.get('/metrics', async (req, res) => {
    if (!(await allowed(req))) {
      res.set('WWW-Authenticate', 'Bearer realm="parley-metrics"');
      return void res.status(401).type('text/plain').send('Send Authorization: Bearer <METRICS_TOKEN> (or a console operator token).\n');
    }
    res.type(deps.registry.contentType).send(await deps.registry.metrics());
  });

  app.get('/chat', (_req, res) => res.sendFile('chat.html', { root: deps.webchatPublicDir }));
  app.get('/widget.js', (_req, res) => {
    // Careers pages on other origins embed this script.
    res.set('Access-Control-Allow-Origin', '*');
    res.type('application/javascript').sendFile('widget.js', { root: deps.webchatPublicDir });
  });
  app.use('/webchat', express.static(deps.webchatPublicDir, { index: false, maxAge: '1h' }));
  app.get('/', (_req, res) => res.redirect('/chat'));
  return app;
}

/** Whether a request may see operations details: METRICS_TOKEN or a current operator token. */
function operationsAccess(deps: Pick<HttpDeps, 'metricsToken' | 'isOperatorToken'>): (req: Request) => Promise<boolean> {
  const digest = (s: string) => createHash('sha256').update(s).digest();
  const expected = deps.metricsToken === undefined ? undefined : digest(deps.metricsToken);
  return async (req) => {
    const token = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    if (!token) return false;
    if (expected && timingSafeEqual(digest(token), expected)) return true;
    return deps.isOperatorToken(token).catch(() => false);
  };
}

/**
 * Node's HTTP server limits: a client must send a whole request (headers and body) within
 * `requestTimeoutSec` (else 408 and the connection is closed), so a slow body cannot hold a
 * webhook for minutes. Checked every second or so.
 */
export function httpServerOptions(requestTimeoutSec: number): ServerOptions {
  const requestTimeout = Math.round(requestTimeoutSec * 1000);
  return {
    requestTimeout,
    headersTimeout: Math.min(requestTimeout, 20_000),
    connectionsCheckingInterval: Math.min(1000, Math.max(100, Math.round(requestTimeout / 4))),
  };
}

/**
 * The client address of a raw request (a Socket.IO handshake), resolved like Express's `req.ip`
 * under the app's `trust proxy` setting: X-Forwarded-For counts only through trusted proxies.
 */
export function clientAddressOf(app: Express): (req: IncomingMessage) => string {
  const trust = app.get('trust proxy fn') as (addr: string, i: number) => boolean;
  return (req) => {
    const header = req.headers['x-forwarded-for'];
    const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((a) => a.trim()).filter(Boolean).reverse();
    const chain = [req.socket.remoteAddress ?? 'unknown', ...forwarded];
    let i = 0;
    while (i < chain.length - 1 && trust(chain[i] as string, i)) i++;
    return chain[i] as string;
  };
}
