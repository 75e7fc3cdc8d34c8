import { createPublicApi, resolveJwtSecret } from '../../operator-console/index.js';
import type { PluginModule } from './types.js';

/**
 * The public REST API v1 (/api/public/v1, spec at /api/v1/openapi.json, docs at /api/docs) with
 * API keys and signed outbound webhooks. Always on; nothing is reachable without a key or token.
 */
export const apiPlugin: PluginModule = {
  name: 'api',
  async create(ctx) {
    const { config } = ctx;
    const whatsappOn = Boolean((config.WHATSAPP_ACCESS_TOKEN && config.WHATSAPP_PHONE_NUMBER_ID) || (config.TWILIO_ACCOUNT_SID && config.TWILIO_AUTH_TOKEN) || config.WHATSAPP_WEB_ENABLED);
    const list = (v: string) => v.split(',').map((x) => x.trim()).filter(Boolean);
    const api = createPublicApi({
      store: ctx.store,
      persistence: ctx.ports.publicApi,
      operators: ctx.ports.operators,
      bus: ctx.bus,
      app: ctx.app,
      clock: ctx.clock,
      log: ctx.log,
      engine: () => ctx.engine(),
      pendingPrompt: () => ctx.services.pendingPrompt,
      banks: () => ctx.services.questionBanks?.(),
      scheduleInterview: () => ctx.services.scheduleInterview,
      // Where a candidate from the ATS can be reached, best first: the channels whose plugin is on.
      channels: () => [
        ...(whatsappOn ? (['whatsapp'] as const) : []),
        ...(config.EMAIL_FROM && (config.SMTP_URL || config.SMTP_HOST) ? (['email'] as const) : []),
      ],
      settings: {
        jwtSecret: await resolveJwtSecret(config.CONSOLE_JWT_SECRET, config.dataDir, ctx.store),
        dataDir: config.dataDir,
        rateLimitPerMin: config.API_RATE_LIMIT_PER_MIN,
        webhooks: {
          allowedHosts: new Set(list(config.WEBHOOK_ALLOWED_HOSTS).map((h) => h.toLowerCase())),
          retryHours: config.WEBHOOK_RETRY_HOURS,
          retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
          pollMs: config.WEBHOOK_POLL_MS,
          timeoutMs: config.WEBHOOK_TIMEOUT_MS,
        },
        ats: { secrets: list(config.ATS_WEBHOOK_SECRETS), greenhouseSecrets: list(config.ATS_GREENHOUSE_SECRETS), ...(config.PARLEY_COMPANY_NAME !== 'our team' ? { companyName: config.PARLEY_COMPANY_NAME } : {}) },
      },
    });
    return {
      name: 'api',
      summary: `on at ${config.publicUrl}/api/public/v1 (docs at /api/docs)`,
      start: () => api.start(),
      stop: () => api.stop(),
      health: () => ({ webhooks: api.health() }),
    };
  },
};
