import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { PluginModule } from '../bin/plugins/index.js';
import { telegramPlugin } from '../bin/plugins/telegram.js';
import type { TurnErrorReport } from '../core/engine/index.js';
import { FakeTelegramBotApi, TelegramChat, startParleyWith } from './fakes/telegram-bot-api.js';
import { opsGet, type TestParley } from './support/harness.js';

const SECRET = 'hr-errors-secret';
const RECRUITER = 9102;

/** Scheduling is on, but its calendar is down: every /schedule fails inside the command. */
const brokenCalendar: PluginModule = {
  name: 'broken-calendar',
  async create(ctx) {
    ctx.services.scheduleInterview = async () => {
      throw new Error('calendar service unavailable');
    };
    return { name: 'broken-calendar' };
  },
};

let fake: FakeTelegramBotApi;
let app: TestParley;
const reports: TurnErrorReport[] = [];

beforeAll(async () => {
  fake = await FakeTelegramBotApi.start();
  app = await startParleyWith(
    { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_WEBHOOK_SECRET: SECRET, PUBLIC_URL: 'https://parley.example.com', TELEGRAM_HR_USERS: `${RECRUITER}:recruiter` },
    [brokenCalendar, telegramPlugin],
  );
  app.parley.engine.errors.subscribe((r) => reports.push(r));
}, 120_000);
afterAll(async () => {
  await app.stop();
  await fake.stop();
});

describe('an HR command that fails', () => {
  it('tells the HR user, once, and reaches the error sink', async () => {
    const webhook = { webhook: `${app.url}/webhooks/telegram`, secret: SECRET };
    const ana = new TelegramChat(fake, webhook, 760_000_001);
    await ana.ask('hi', /Do you agree/);
    await ana.press('Yes, continue', /What is your name\?/);
    await ana.ask('Ana Lima', /Which role/);

    const recruiter = new TelegramChat(fake, webhook, RECRUITER, 'Rui');
    const before = recruiter.replies.length;
    await recruiter.ask('/schedule Ana Lima 2030-05-01 10:00', /Sorry, that did not work\. The error is in the server log\./);
    expect(reports.filter((r) => r.source === 'staff-command').map((r) => [r.outcome, String(r.err)])).toEqual([['told-user', 'Error: calendar service unavailable']]);
    // The desk still answers the next command: the failure did not wedge it.
    await recruiter.ask('/help', /\/status/);
    expect(recruiter.replies.slice(before).filter((r) => /did not work/.test(r.text))).toHaveLength(1);
    // Operations see it too.
    const metrics = await (await opsGet(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/^parley_errors_total\{source="staff-command",outcome="told-user",node="[^"]+"\} 1$/m);
  });
});
