import { ValidationError } from '../../core/domain/index.js';
import { createConsole, ensureFirstAdmin, resolveJwtSecret } from '../../operator-console/index.js';
import type { PluginModule } from './types.js';

/**
 * The operator console (always on): REST under /api/v1, the `/console` Socket.IO namespace and
 * the web UI at /console. Provides `services.notifyOperators`; reads `services.pendingPrompt`
 * (interview) at handback time. On the first start it creates an admin (see .env.example).
 */
export const consolePlugin: PluginModule = {
  name: 'console',
  async create(ctx) {
    const { config } = ctx;
    if (Boolean(config.PARLEY_ADMIN_EMAIL) !== Boolean(config.PARLEY_ADMIN_PASSWORD)) {
      throw new ValidationError('PARLEY_ADMIN_EMAIL and PARLEY_ADMIN_PASSWORD go together: set both (or neither, to get a generated password in the log)');
    }
    const { operators, workspace: consoleStore } = ctx.ports;
    const jwtSecret = await resolveJwtSecret(config.CONSOLE_JWT_SECRET, config.dataDir, ctx.store);
    const console = createConsole({
      store: ctx.store,
      operators,
      consoleStore,
      inboxStore: ctx.ports.inbox,
      mailer: () => ctx.services.sendStaffEmail,
      search: ctx.ports.search,
      bus: ctx.bus,
      io: ctx.io,
      app: ctx.app,
      clock: ctx.clock,
      log: ctx.log,
      engine: () => ctx.engine(),
      pendingPrompt: () => ctx.services.pendingPrompt,
      whatsappWeb: () => ctx.services.whatsappWeb,
      banks: () => ctx.services.questionBanks?.(),
      channelTyping: () => ctx.services.channelTyping,
      settings: {
        jwtSecret,
        tokenTtlSec: config.CONSOLE_TOKEN_TTL_SEC,
        loginMaxAttempts: config.CONSOLE_LOGIN_MAX_ATTEMPTS,
        loginWindowSec: config.CONSOLE_LOGIN_WINDOW_SEC,
        loginMaxDelaySec: config.CONSOLE_LOGIN_MAX_DELAY_SEC,
        sessionRecheckSec: config.CONSOLE_SESSION_RECHECK_SEC,
        takeoverGraceSec: config.CONSOLE_TAKEOVER_GRACE_SEC,
        escalateRiskLevel: config.CONSOLE_ESCALATE_RISK_LEVEL,
        dataDir: config.dataDir,
        reportLinkTtlSec: config.CONSOLE_REPORT_LINK_TTL_SEC,
        // Invite links: the configured address; without PUBLIC_URL, the one the admin's request came to.
        ...(config.PUBLIC_URL ? { consoleUrl: `${config.publicUrl}/console` } : {}),
      },
    });
    ctx.services.notifyOperators = (n) => console.notifyOperators(n);
    ctx.services.isOperatorToken = (token) => console.isOperatorToken(token);
    ctx.services.candidateTyping = (conversationId, typing) => console.candidateTyping(conversationId, typing);
    await ensureFirstAdmin(operators, {
      email: config.PARLEY_ADMIN_EMAIL,
      password: config.PARLEY_ADMIN_PASSWORD,
      consoleUrl: `${config.publicUrl}/console`,
      now: ctx.clock.now(),
      log: ctx.log,
    });
    return {
      name: 'console',
      summary: `on at ${config.publicUrl}/console`,
      start: () => console.start(),
      stop: () => console.stop(),
      health: () => ({ console: console.health() }),
    };
  },
};
