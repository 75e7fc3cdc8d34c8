/**
 * The HR desk in Microsoft Teams: the same commands as Telegram's (one implementation) for users
 * on TEAMS_HR_USERS by Azure AD object id or email, viewers refused the write commands, alerts as
 * Adaptive Cards whose buttons work, and a takeover of a web chat candidate relayed both ways.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { fixture } from './support/fixtures.js';
import { FakeBotFramework, type RecordedActivity, type TeamsUser } from './fakes/bot-framework.js';
import { ChatClient, eventually, startParley, type TestParley } from './support/harness.js';

const GRAPH = 'http://graph.test';
const WA_SECRET = 'meta-app-secret';
const WHATSAPP = { WHATSAPP_ACCESS_TOKEN: 'EAAG-test-token', WHATSAPP_PHONE_NUMBER_ID: '106540352242922', WHATSAPP_APP_SECRET: WA_SECRET, WHATSAPP_VERIFY_TOKEN: 'verify-me', WHATSAPP_GRAPH_URL: `${GRAPH}/v21.0` };

let bf: FakeBotFramework;
let app: TestParley;
let rita: HrUser;
let vera: HrUser;
let adam: HrUser;

/** An HR user writing to the bot in their personal chat (or in a team channel). */
class HrUser {
  constructor(readonly user: TeamsUser) {}
  get chat(): string {
    return bf.personalChat(this.user);
  }
  shown(chat = this.chat): RecordedActivity[] {
    return bf.to(chat);
  }
  async say(text: string, opts: Parameters<FakeBotFramework['message']>[2] = {}): Promise<void> {
    expect((await bf.send(app.url, bf.message(this.user, text, opts))).status).toBe(200);
  }
  /** Send, then wait for the first reply after it that matches. */
  async ask(text: string, pattern: RegExp, opts: Parameters<FakeBotFramework['message']>[2] = {}): Promise<RecordedActivity> {
    const chat = opts.conversation?.id ?? this.chat;
    const mark = this.shown(chat).length;
    await this.say(text, opts);
    return this.next(pattern, mark, chat);
  }
  async next(pattern: RegExp, mark: number, chat = this.chat): Promise<RecordedActivity> {
    const match = () => this.shown(chat).slice(mark).find((a) => pattern.test(FakeBotFramework.textOf(a)));
    await bf.waitFor(() => match() !== undefined);
    return match()!;
  }
}

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  bf = await FakeBotFramework.start();
  const admin = bf.user('Adam Admin');
  const recruiter = bf.user('Rita Recruiter');
  const viewer = bf.user('Vera Viewer', 'Vera@Acme.example');
  app = await startParley({ ...bf.env, TEAMS_HR_USERS: `${admin.aadObjectId}:admin,${recruiter.aadObjectId.toUpperCase()}:recruiter,vera@acme.example:viewer`, PUBLIC_URL: 'https://parley.example.com', ...WHATSAPP });
  [adam, rita, vera] = [new HrUser(admin), new HrUser(recruiter), new HrUser(viewer)];
});
afterAll(async () => {
  await app?.stop();
  await bf?.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

/** Texts Parley sent on WhatsApp (the fake Graph API records them). */
const whatsappSent: string[] = [];
let waSeq = 0;

/** A WhatsApp message from +4915112345678, signed like Meta's webhook. */
async function fromWhatsapp(text: string): Promise<void> {
  const payload = fixture<{ entry: { changes: { value: { messages: { id: string; text: { body: string } }[] } }[] }[] }>('whatsapp/meta/text.json', (j) => {
    const m = j.entry[0]!.changes[0]!.value.messages[0]!;
    m.id = `wamid.in.teams.${++waSeq}`;
    m.text.body = text;
  });
  const body = JSON.stringify(payload);
  const signature = `sha256=${createHmac('sha256', WA_SECRET).update(body).digest('hex')}`;
  const res = await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
  expect(res.status).toBe(200);
}

async function webCandidate(name: string): Promise<ChatClient> {
  const web = await ChatClient.connect(app.url);
  await web.ask('hi', /Do you agree/);
  await web.ask('Yes, continue', /What is your name/);
  await web.ask(name, /Which role/);
  return web;
}

describe('HR desk in Teams', () => {
  it('runs the read commands for every role, refuses viewers the write ones, and never makes HR users candidates', async () => {
    const web = await webCandidate('Bruno Costa');
    await rita.ask('/help', /\/takeover <candidate>/);
    await rita.ask('/status', /Pipeline[\s\S]*Total: 1/);
    await rita.ask('/status Bruno', /Bruno Costa/);
    await rita.ask('/atrisk', /No candidates at high risk/);
    await rita.ask('/stats', /^Stats\nCandidates: 1/);
    await rita.ask('/candidates nonsense', /Usage: \/candidates <stage>/);

    // The viewer is on the list by email (looked up from the chat's roster): reads, never acts.
    const viewerHelp = await vera.ask('/help', /HR commands:/);
    expect(FakeBotFramework.textOf(viewerHelp)).not.toContain('/takeover');
    await vera.ask('/status Bruno', /Bruno Costa/);
    for (const cmd of ['/takeover Bruno', '/handback', '/remind Bruno', '/schedule Bruno 2030-01-01 10:00']) {
      await vera.ask(cmd, /viewers can only read/);
    }
    await adam.ask('/status', /Pipeline/);

    // In a team channel the desk answers only when mentioned (mention stripped from the command).
    const channel = { id: '19:hr-channel@thread.tacv2', conversationType: 'channel' };
    await rita.ask('/status', /Pipeline/, { conversation: channel, mention: true });

    await app.parley.engine.idle();
    const conversations = await app.parley.store.listConversations({ limit: 100 });
    expect(conversations.map((c) => c.ref.channel)).toEqual(['webchat']);
    web.close();
  }, 90_000);

  it("an alert card's Take over takes a web chat candidate over; messages are relayed both ways until /handback", async () => {
    const web = await webCandidate('Carla Dias');
    const conversation = (await app.parley.store.getConversation(web.conversationId))!;
    await rita.ask('/alerts on', /Alerts are on/);
    const mark = rita.shown().length;
    await app.parley.services.hrBroadcast!('Carla Dias needs a human', 'alert', { conversationId: conversation.id, candidateId: conversation.candidateId });
    const card = await rita.next(/Carla Dias needs a human/, mark);
    const actions = (card.activity.attachments?.[0]?.content.actions ?? []) as { type: string; title: string; url?: string }[];
    expect(actions.map((a) => `${a.type}:${a.title}`)).toEqual(['Action.Submit:Take over', 'Action.Submit:Nudge', 'Action.Submit:Status', 'Action.OpenUrl:Open in console']);
    expect(actions[3]?.url).toBe(`https://parley.example.com/console#/conversations/${conversation.id}`);
    // Vera did not turn alerts on: nothing for her.
    expect(vera.shown().filter((a) => /needs a human/.test(FakeBotFramework.textOf(a)))).toEqual([]);

    const before = rita.shown().length;
    expect((await bf.send(app.url, bf.cardSubmit(rita.user, card, 'Take over'))).status).toBe(200);
    await rita.next(/You are now talking to Carla Dias \(cand_\w+\) on webchat. The bot is silent./, before);
    await web.waitForBot(/Rita Recruiter from the recruiting team has joined the chat/);
    expect((await app.parley.store.getConversation(conversation.id))?.assignedOperatorId).toBe(`teams:${rita.user.aadObjectId}`);

    // Rita then writes in a team channel: the candidate's messages still go to her own chat only.
    const channel = { id: '19:hr-channel@thread.tacv2', conversationType: 'channel' };
    await rita.ask('/status', /Pipeline/, { conversation: channel, mention: true });
    const from = rita.shown().length;
    await web.say('Hello? Anyone there?');
    await rita.next(/Carla Dias \(cand_\w+\): Hello\? Anyone there\?/, from);
    expect(rita.shown(channel.id).filter((a) => /Anyone there/.test(FakeBotFramework.textOf(a)))).toEqual([]);
    await rita.say('Hi Carla, I am Rita from the team.');
    await web.waitForBot(/Hi Carla, I am Rita from the team./);
    await rita.ask('/handback', /Handed back/);
    await web.waitForBot(/Rita Recruiter has left the chat|Rita has left the chat/);
    web.close();
  }, 90_000);

  it("an alert card's Take over takes over a WhatsApp candidate: Rita's Teams messages reach WhatsApp, the candidate's reach Teams", async () => {
    nock(GRAPH)
      .post('/v21.0/106540352242922/messages')
      .times(100)
      .reply(200, async (req: unknown) => {
        const json = (await (req as Request).json()) as { text?: { body: string }; interactive?: { body?: { text?: string } }; to?: string };
        whatsappSent.push(json.text?.body ?? json.interactive?.body?.text ?? '');
        return { messaging_product: 'whatsapp', contacts: [{ input: json.to, wa_id: json.to }], messages: [{ id: `wamid.out.${whatsappSent.length}` }] };
      });
    await fromWhatsapp('hi');
    await eventually(() => whatsappSent.some((t) => /agree to continue/.test(t)), 'the consent question on WhatsApp');
    const conversation = (await app.parley.store.findConversationByRef({ channel: 'whatsapp', externalId: '+4915112345678' }))!;

    const mark = rita.shown().length;
    await app.parley.services.hrBroadcast!('Ana Lima is at high risk', 'alert', { conversationId: conversation.id, candidateId: conversation.candidateId });
    const card = await rita.next(/Ana Lima is at high risk/, mark);
    const before = rita.shown().length;
    expect((await bf.send(app.url, bf.cardSubmit(rita.user, card, 'Take over'))).status).toBe(200);
    await rita.next(/You are now talking to .* on whatsapp\. The bot is silent\./, before);
    await eventually(() => whatsappSent.some((t) => /Rita Recruiter from the recruiting team has joined the chat/.test(t)), 'the join notice on WhatsApp');

    await rita.say('Hi Ana, Rita here. Do you have a minute?');
    await eventually(() => whatsappSent.includes('Hi Ana, Rita here. Do you have a minute?'), "Rita's message on WhatsApp");
    const from = rita.shown().length;
    await fromWhatsapp('Sure, go ahead');
    await rita.next(/Sure, go ahead/, from);
    await rita.ask('/handback', /Handed back/);
  }, 90_000);
});
