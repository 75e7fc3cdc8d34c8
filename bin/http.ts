import express, { type Express } from 'express';
import type { Registry } from 'prom-client';
import type { Store } from '../core/ports/index.js';

export interface HttpDeps {
  store: Store;
  registry: Registry;
  mode: 'embedded' | 'distributed';
  version: string;
  startedAt: number;
  webchatPublicDir: string;
  /** Extra details for /health (channels, jobs...). */
  details: () => Record<string, unknown>;
}

/** The Express app: operations endpoints and the web chat's static files. Channels add webhooks. */
export function createHttpApp(deps: HttpDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', mode: deps.mode, version: deps.version, uptimeSec: Math.round((Date.now() - deps.startedAt) / 1000), ...deps.details() });
  });
  app.get('/ready', async (_req, res) => {
    try {
      await deps.store.ping();
      res.json({ ready: true });
    } catch (err) {
      res.status(503).json({ ready: false, error: err instanceof Error ? err.message : String(err) });
    }
  });
  app.get('/metrics', async (_req, res) => {
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
