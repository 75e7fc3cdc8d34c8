import { HrDesk, parseTeamsHrUsers } from '../../bots/hr-commands/index.js';
import type { Plugin, PluginContext, PluginModule } from './types.js';
import { registerVoiceChannel } from './voice.js';

const REFERENCES = 'teams-conversation-refs';

/**
 * Microsoft Teams (when `MICROSOFT_APP_ID` is set): candidates in personal chats, HR commands,
 * alerts and takeover relay for allowlisted Teams users (the HR desk Telegram uses). botbuilder
 * is loaded only when Teams is configured.
 */
export const teamsPlugin: PluginModule = {
  name: 'teams',
  offReason: 'MICROSOFT_APP_ID is not set',
  async create(ctx) {
    if (!ctx.config.MICROSOFT_APP_ID) return undefined;
    const teams = await createTeams(ctx);
    registerVoiceChannel(ctx, teams.channel);
    let unsubscribe: (() => void) | undefined;
    const plugin: Plugin = {
      name: 'teams',
      summary: `on (${ctx.config.MICROSOFT_APP_TYPE}${teams.custom ? ', custom Bot Framework endpoints' : ''}, ${teams.hrUsers} HR user${teams.hrUsers === 1 ? '' : 's'})`,
      adapters: [teams.channel],
      start() {
        const desk = teams.desk;
        if (desk) unsubscribe = ctx.bus.subscribe((event) => void desk.onEvent(event));
        return Promise.resolve();
      },
      stop() {
        unsubscribe?.();
        return Promise.resolve();
      },
      health: () => ({ teams: { appType: ctx.config.MICROSOFT_APP_TYPE, hrUsers: teams.hrUsers } }),
    };
    return plugin;
  },
};

async function createTeams(ctx: PluginContext) {
  const { config } = ctx;
  // botbuilder is loaded only when a Microsoft App ID asks for it (start-up time).
  const { TeamsChannel, validateTeamsAuth } = await import('../../channels/teams/index.js');
  const auth = validateTeamsAuth({
    appId: config.MICROSOFT_APP_ID,
    appPassword: config.MICROSOFT_APP_PASSWORD,
    tenantId: config.MICROSOFT_APP_TENANT_ID,
    appType: config.MICROSOFT_APP_TYPE,
    openIdMetadataUrl: config.TEAMS_OPENID_METADATA_URL,
    tokenIssuer: config.TEAMS_TOKEN_ISSUER,
    tokenEndpoint: config.TEAMS_TOKEN_ENDPOINT,
  });
  const users = parseTeamsHrUsers(config.TEAMS_HR_USERS);
  let desk: HrDesk | undefined;
  const channel = new TeamsChannel({
    auth,
    receive: (inbound) => ctx.engine().receive(inbound),
    references: {
      get: async (id) => (await ctx.store.kvGet(REFERENCES, id)) as object | undefined,
      set: (id, reference) => ctx.store.kvSet(REFERENCES, id, reference),
    },
    staff: { isStaff: (id) => users.has(id), byEmail: [...users.keys()].some((k) => k.includes('@')), handle: (m) => desk?.handle(m) ?? Promise.resolve() },
    greeting: `Hi! I'm ${config.PARLEY_COMPANY_NAME}'s recruiting assistant. Say hi to get started.`,
    clock: ctx.clock,
    log: ctx.log.child({ channel: 'teams' }),
  });
  channel.attach(ctx.app);
  if (users.size > 0) {
    desk = new HrDesk({
      store: ctx.store,
      engine: () => ctx.engine(),
      clock: ctx.clock,
      log: ctx.log.child({ module: 'hr-desk', channel: 'teams' }),
      users,
      channel: 'teams',
      send: (chatId, message, link) => channel.notify(chatId, message, link),
      alertActions: { consoleUrl: `${config.publicUrl}/console` },
      // Channel and group chat ids start with 19:; personal chats with a:.
      isPrivateChat: (chatId) => !chatId.startsWith('19:'),
      pendingPrompt: () => ctx.services.pendingPrompt,
      scheduleInterview: () => ctx.services.scheduleInterview,
      reportError: (report) => ctx.engine().errors.report(report),
    });
    const hr = desk;
    // Alerts and digests reach every HR desk (Telegram's too, when both are on).
    const previous = ctx.services.hrBroadcast;
    ctx.services.hrBroadcast = async (text, kind, about) => {
      await Promise.all([previous?.(text, kind, about), hr.broadcast(text, kind, about)]);
    };
  }
  return { channel, desk, hrUsers: users.size, custom: auth.endpoints !== undefined };
}
