/**
 * Microsoft Teams through POST /api/messages with activities signed by a fake Bot Framework on
 * loopback (OpenID metadata + JWKS, token endpoint, connector): botbuilder's CloudAdapter checks
 * every token; replies go out through the stored conversation reference.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { FakeBotFramework } from './fakes/bot-framework.js';

describe('Teams channel: authentication, dedupe, replies', () => {
  let bf: FakeBotFramework;
  let app: TestParley;

  beforeAll(async () => {
    bf = await FakeBotFramework.start();
    app = await startParley(bf.env);
  });
  afterAll(async () => {
    await app?.stop();
    await bf?.stop();
  });

  const conversations = () => app.parley.store.listConversations({ limit: 1000 });
  const references = () => app.parley.store.kvList('teams-conversation-refs');

  it('refuses forged, expired, wrong-audience, wrong-service and missing tokens with 401, storing nothing', async () => {
    const eve = bf.user('Eve Forger');
    const now = Math.floor(Date.now() / 1000);
    const attempts: [string, string | null][] = [
      ['forged with the real key id', bf.token({ forged: true })],
      ['forged with an unknown key id', bf.token({ forged: true, kid: 'someone-elses-key' })],
      ['expired', bf.token({ claims: { exp: now - 3600, nbf: now - 7200 } })],
      ['wrong audience', bf.token({ claims: { aud: 'another-bot' } })],
      ['wrong issuer', bf.token({ claims: { iss: 'https://evil.example' } })],
      ['service URL not the activity\'s', bf.token({ claims: { serviceurl: 'https://evil.example/' } })],
      ['missing', null],
    ];
    for (const [what, token] of attempts) {
      const res = await bf.send(app.url, bf.message(eve, `hi (${what})`), token);
      expect({ what, status: res.status }).toEqual({ what, status: 401 });
    }
    await app.parley.engine.idle();
    expect(await conversations()).toEqual([]);
    expect(await references()).toEqual([]);
    expect(bf.sent).toEqual([]);
  });

  it('accepts a valid token, stores the conversation reference and answers through the connector with the bot token', async () => {
    const ana = bf.user('Ana Lima');
    const res = await bf.send(app.url, bf.message(ana, 'hi'));
    expect(res.status).toBe(200);
    const reply = await bf.waitForMessage(bf.personalChat(ana));
    expect(reply.authorization).toMatch(/^Bearer bot-token-\d+$/);
    expect(bf.tokenRequests[0]?.get('grant_type')).toBe('client_credentials');
    const conv = await app.parley.store.findConversationByRef({ channel: 'teams', externalId: bf.personalChat(ana) });
    expect(conv).toBeDefined();
    expect((await references()).map((r) => r.key)).toContain(bf.personalChat(ana));
    expect(FakeBotFramework.textOf(reply)).toMatch(/Acme/);
  });

  it('answers a redelivered activity once', async () => {
    const bruno = bf.user('Bruno Costa');
    const activity = bf.message(bruno, 'hello there', { id: 'same-activity-id' });
    expect((await bf.send(app.url, activity)).status).toBe(200);
    expect((await bf.send(app.url, activity)).status).toBe(200);
    await app.parley.engine.idle();
    const conv = await app.parley.store.findConversationByRef({ channel: 'teams', externalId: bf.personalChat(bruno) });
    const inbound = (await app.parley.store.listMessages(conv!.id)).filter((m) => m.direction === 'in');
    expect(inbound).toHaveLength(1);
    const outbound = (await app.parley.store.listMessages(conv!.id)).filter((m) => m.direction === 'out');
    await eventually(async () => (await app.parley.store.listMessages(conv!.id)).filter((m) => m.direction === 'out').every((m) => m.status === 'sent'), 'replies sent');
    expect(bf.to(bf.personalChat(bruno))).toHaveLength(outbound.length);
  });
});

describe('Teams settings', () => {
  const create = (env: Record<string, string>) => startParley(env);

  it('refuses to start with only some of the custom Bot Framework endpoints', async () => {
    const endpoints = { TEAMS_OPENID_METADATA_URL: 'http://127.0.0.1:9/openid', TEAMS_TOKEN_ISSUER: 'https://api.botframework.test', TEAMS_TOKEN_ENDPOINT: 'http://127.0.0.1:9/token' };
    const app = { MICROSOFT_APP_ID: 'bot-app-id', MICROSOFT_APP_PASSWORD: 'secret' };
    for (const missing of Object.keys(endpoints)) {
      const partial = Object.fromEntries(Object.entries(endpoints).filter(([k]) => k !== missing));
      await expect(create({ ...app, ...partial })).rejects.toThrow(new RegExp(`${missing} missing`));
    }
    await expect(create({ MICROSOFT_APP_ID: 'bot-app-id' })).rejects.toThrow(/needs MICROSOFT_APP_PASSWORD/);
    await expect(create({ ...app, MICROSOFT_APP_TYPE: 'SingleTenant' })).rejects.toThrow(/needs MICROSOFT_APP_TENANT_ID/);
  });

  it('leaves Teams off (no /api/messages) without MICROSOFT_APP_ID', async () => {
    const off = await create({});
    try {
      expect(off.parley.plugins.map((p) => p.name)).not.toContain('teams');
      const res = await fetch(`${off.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(res.status).toBe(404);
    } finally {
      await off.stop();
    }
  });
});
