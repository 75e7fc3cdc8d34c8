/**
 * Fuzzing the three webhook entry points (issue 10): a few hundred seeded random mutations of the
 * recorded Meta, Twilio and Telegram payloads in test/__fixtures__/, half validly signed, the other
 * half forged (no signature, a wrong secret, or a signature over another body). A signed delivery
 * never gets a 5xx, however malformed; a forged one is always refused (401/403) and stores nothing;
 * afterwards the server is up and a real message on each channel is still answered.
 *
 * Reproduce a run with the seed it prints: `FUZZ_SEED=1234 npm run jest -- test/fuzz-webhooks.test.ts`.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import twilio from 'twilio';
import { FakeTelegramBotApi, TelegramChat } from './fakes/telegram-bot-api.js';
import { eventually, startParley, type TestParley } from './support/harness.js';
import { fixture } from './support/fixtures.js';
import { embeddedDb } from './support/embedded.js';
import { metaSignature, postMeta as postSignedMeta } from './support/whatsapp-webhooks.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_201);
const CASES_PER_PROVIDER = 100;

const META_SECRET = 'fuzz-meta-app-secret';
const GRAPH = 'http://graph.fuzz.test';
const TWILIO_TOKEN = 'fuzz-twilio-token';
const TWILIO_SID = 'ACfuzz0000000000000000000000000000';
const TWILIO_API = 'http://twilio.fuzz.test';
const PUBLIC = 'https://parley.example.com';
const TELEGRAM_SECRET = 'fuzz-telegram-secret_0123';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Rng = () => number;

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;

/** Values that have broken parsers before: wrong types, edge numbers, the core's limits and past them. */
function nasty(rng: Rng): Json {
  return pick<() => Json>(rng, [
    () => null,
    () => true,
    () => 0,
    () => -1,
    () => 1.5,
    () => 2 ** 53 + 2,
    () => -1e308,
    () => 9e15,
    () => '',
    () => ' ',
    () => 'not-a-number',
    () => '9'.repeat(40),
    () => '\u0000\u0001',
    () => '\ud800 lone surrogate',
    () => '<script>alert(1)</script>',
    () => "'; DROP TABLE messages; --",
    () => '../../etc/passwd',
    () => 'x'.repeat(16_000 + Math.floor(rng() * 8_000)),
    () => '😀'.repeat(8_000 + Math.floor(rng() * 2_000)),
    () => 'A'.repeat(257 + Math.floor(rng() * 300)),
    () => [],
    () => ({}),
    () => [[[[{ deep: [[[]]] }]]]],
    () => JSON.parse('{"__proto__":{"polluted":true}}') as Json,
  ])();
}

/** Every path in a JSON document (the root excluded). */
function paths(value: Json, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [];
  const keys: (string | number)[] = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((k) => [[...prefix, k], ...paths((value as Record<string | number, Json>)[k] as Json, [...prefix, k])]);
}

function parentOf(doc: Json, path: (string | number)[]): Record<string | number, Json> {
  let node = doc as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, Json>;
  return node;
}

/** Fields whose values reach the core: the ones worth hitting more often than chance would. */
const TARGETED: Record<string, (rng: Rng) => Json> = {
  body: (rng) => 'cv '.repeat(5_400 + Math.floor(rng() * 2_000)),
  text: (rng) => 'cv '.repeat(5_400 + Math.floor(rng() * 2_000)),
  caption: (rng) => 'c'.repeat(16_001 + Math.floor(rng() * 100)),
  id: (rng) => `wamid.${'A'.repeat(251 + Math.floor(rng() * 200))}`,
  timestamp: (rng) => pick(rng, ['not-a-number', '', '-1', '1e400', '99999999999999999999', '1767261600.5']),
  date: (rng) => pick(rng, [9e15, -9e15, 1.5, 0]),
  edit_date: (rng) => pick(rng, [9e15, -1]),
  message_id: (rng) => pick(rng, [2 ** 53 + 2, -1, 0.5]),
  from: (rng) => pick(rng, ['', '0', '4915112345678@s.whatsapp.net', '+'.repeat(20), '49151123456789012']),
  wa_id: (rng) => pick(rng, ['', 'x'.repeat(300)]),
  data: (rng) => 'd'.repeat(Math.floor(rng() * 20_000)),
};

/** One to three random changes somewhere in the document (about a third on the fields above). */
function mutateJson(rng: Rng, original: Json): Json {
  const doc = structuredClone(original);
  const rounds = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < rounds; i++) {
    const all = paths(doc);
    if (!all.length) return nasty(rng);
    const targets = all.filter((p) => typeof p.at(-1) === 'string' && Object.hasOwn(TARGETED, p.at(-1) as string));
    if (targets.length && rng() < 0.35) {
      const path = pick(rng, targets);
      parentOf(doc, path)[path.at(-1) as string] = (TARGETED[path.at(-1) as string] as (rng: Rng) => Json)(rng);
      continue;
    }
    const path = pick(rng, all);
    const parent = parentOf(doc, path);
    const key = path.at(-1) as string | number;
    const value = parent[key] as Json;
    const op = Math.floor(rng() * 7);
    if (op === 0) {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
    } else if (op === 1 && typeof value === 'string') {
      parent[key] = value + 'z'.repeat(Math.floor(rng() * 20_000));
    } else if (op === 2 && Array.isArray(value) && value.length) {
      // A bigger batch: the same item again, or many of them.
      for (let n = 1 + Math.floor(rng() * 5); n > 0; n--) value.push(structuredClone(pick(rng, value)));
    } else if (op === 3) {
      parent[key] = typeof value === 'number' ? String(value) : typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : nasty(rng);
    } else if (op === 4) {
      parent[key] = [value];
    } else {
      parent[key] = nasty(rng);
    }
  }
  return doc;
}

/** A mutated body as bytes: usually valid JSON, sometimes cut, padded or not JSON at all. */
function mutateBody(rng: Rng, original: Json): Buffer {
  const text = JSON.stringify(mutateJson(rng, original));
  const r = rng();
  if (r < 0.75) return Buffer.from(text);
  if (r < 0.85) return Buffer.from(text.slice(0, Math.floor(rng() * text.length)));
  if (r < 0.9) return Buffer.from(`${text}${'}'.repeat(3)}garbage`);
  if (r < 0.95) return Buffer.from(Array.from({ length: 64 + Math.floor(rng() * 512) }, () => Math.floor(rng() * 256)));
  return Buffer.alloc(0);
}

/** Twilio posts flat string forms: change, drop and add fields, with the values that matter. */
function mutateForm(rng: Rng, original: Record<string, string>): Record<string, string> {
  const form = { ...original };
  const rounds = 1 + Math.floor(rng() * 3);
  for (let i = 0; i < rounds; i++) {
    const key = rng() < 0.8 ? pick(rng, Object.keys(form).length ? Object.keys(form) : ['Body']) : pick(rng, ['Body', 'MessageSid', 'From', 'NumMedia', 'MediaUrl0', 'MediaContentType0', 'ButtonText', 'MessageStatus', 'Extra']);
    const r = rng();
    if (r < 0.2) delete form[key];
    else if (r < 0.35) form.Body = 'b'.repeat(16_000 + Math.floor(rng() * 10_000));
    else if (r < 0.45) form.MessageSid = `SM${'f'.repeat(255 + Math.floor(rng() * 100))}`;
    else if (r < 0.55) form.From = pick(rng, ['whatsapp:', 'whatsapp:+0', 'whatsapp:+4915112345678', 'sms:+1', '+'.repeat(30), 'whatsapp:+49151123456789012345']);
    else if (r < 0.65) form.NumMedia = pick(rng, ['abc', '-1', '99', '1.5', '1e309', '']);
    else {
      const v = nasty(rng);
      form[key] = typeof v === 'string' ? v : JSON.stringify(v);
    }
  }
  return form;
}

interface Outcome {
  provider: 'meta' | 'twilio' | 'telegram';
  signed: boolean;
  status: number;
  label: string;
}

let app: TestParley;
let telegram: FakeTelegramBotApi;
const metaSent: { to?: string; type?: string }[] = [];
const twilioSent: URLSearchParams[] = [];

beforeAll(async () => {
  nock.disableNetConnect();
  nock.enableNetConnect(/127\.0\.0\.1|localhost/);
  nock(GRAPH)
    .persist()
    .post(/\/messages$/)
    .reply(200, async (req: unknown) => {
      const json = (await (req as Request).json()) as { to?: string; type?: string; status?: string };
      if (json.status !== 'read') metaSent.push(json);
      return { messaging_product: 'whatsapp', messages: [{ id: `wamid.fuzz.out.${metaSent.length}` }] };
    });
  nock(TWILIO_API)
    .persist()
    .post(/Messages\.json$/)
    .reply(201, async (req: unknown) => {
      const form = new URLSearchParams(await (req as Request).text());
      twilioSent.push(form);
      return { sid: `SMfuzzout${twilioSent.length}`, status: 'queued' };
    });
  telegram = await FakeTelegramBotApi.start();
  app = await startParley({
    PUBLIC_URL: PUBLIC,
    WHATSAPP_ACCESS_TOKEN: 'EAAG-fuzz',
    WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
    WHATSAPP_APP_SECRET: META_SECRET,
    WHATSAPP_VERIFY_TOKEN: 'verify-me',
    WHATSAPP_GRAPH_URL: `${GRAPH}/v21.0`,
    TWILIO_ACCOUNT_SID: TWILIO_SID,
    TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
    TWILIO_WHATSAPP_FROM: '+14155238886',
    TWILIO_API_BASE_URL: TWILIO_API,
    TELEGRAM_BOT_TOKEN: telegram.token,
    TELEGRAM_API_ROOT: telegram.url,
    TELEGRAM_WEBHOOK_SECRET: TELEGRAM_SECRET,
  });
}, 60_000);

afterAll(async () => {
  await app.stop();
  await telegram.stop();
  nock.cleanAll();
  nock.enableNetConnect();
});

const metaSign = (body: Buffer, secret = META_SECRET) => metaSignature(body, secret);

async function postMeta(rng: Rng, body: Buffer, signed: boolean): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const forgery = pick(rng, ['none', 'wrong-secret', 'other-body', 'malformed'] as const);
  if (signed) headers['x-hub-signature-256'] = metaSign(body);
  else if (forgery === 'wrong-secret') headers['x-hub-signature-256'] = metaSign(body, 'not-the-secret');
  else if (forgery === 'other-body') headers['x-hub-signature-256'] = metaSign(Buffer.from(JSON.stringify(fixture('whatsapp/meta/text.json'))));
  else if (forgery === 'malformed') headers['x-hub-signature-256'] = 'sha256=zz';
  return (await fetch(`${app.url}/webhooks/whatsapp`, { method: 'POST', headers, body: new Uint8Array(body) })).status;
}

async function postTwilio(rng: Rng, path: string, form: Record<string, string>, signed: boolean): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  const forgery = pick(rng, ['none', 'wrong-token', 'other-form'] as const);
  if (signed) headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${PUBLIC}${path}`, form);
  else if (forgery === 'wrong-token') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature('not-the-token', `${PUBLIC}${path}`, form);
  else if (forgery === 'other-form') headers['x-twilio-signature'] = twilio.getExpectedTwilioSignature(TWILIO_TOKEN, `${PUBLIC}${path}`, fixture<Record<string, string>>('whatsapp/twilio/text.json'));
  return (await fetch(`${app.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(form).toString() })).status;
}

async function postTelegram(rng: Rng, body: Buffer, signed: boolean): Promise<number> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const forgery = pick(rng, ['none', 'wrong', 'short'] as const);
  if (signed) headers['x-telegram-bot-api-secret-token'] = TELEGRAM_SECRET;
  else if (forgery === 'wrong') headers['x-telegram-bot-api-secret-token'] = 'fuzz-telegram-secret_0124';
  else if (forgery === 'short') headers['x-telegram-bot-api-secret-token'] = TELEGRAM_SECRET.slice(0, -1);
  return (await fetch(`${app.url}/webhooks/telegram`, { method: 'POST', headers, body: new Uint8Array(body) })).status;
}

/** What a forged request must not change: inbound rows, conversations, delivery-status events. */
function footprint(): string {
  const db = embeddedDb(app.parley);
  const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
  return [
    count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'in'"),
    count('SELECT COUNT(*) AS n FROM conversations'),
    count("SELECT COUNT(*) AS n FROM events WHERE type IN ('MessageStatusChanged', 'MessageFailed')"),
    count("SELECT COUNT(*) AS n FROM messages WHERE direction = 'out' AND status IN ('delivered', 'read')"),
  ].join('/');
}

describe('webhook fuzzing', () => {
  it(`${CASES_PER_PROVIDER * 3} seeded mutations: no 5xx when signed, forged always refused, server still answers`, async () => {
    process.stdout.write(`fuzz-webhooks: seed ${SEED} (FUZZ_SEED=${SEED} to reproduce)\n`);
    const rng = prng(SEED);
    const started = Date.now();
    const meta = ['text', 'button-reply', 'voice', 'statuses', 'status-failed'].map((f) => fixture<Json>(`whatsapp/meta/${f}.json`));
    const twilioForms = (['text', 'voice', 'status-delivered', 'status-undelivered'] as const).map((f) => ({ name: f, form: fixture<Record<string, string>>(`whatsapp/twilio/${f}.json`) }));
    const telegramUpdates = ['text', 'voice', 'audio', 'document', 'command', 'callback-query', 'edited-message', 'group-message', 'my-chat-member'].map((f) => fixture<Json>(`telegram/${f}.json`));
    const outcomes: Outcome[] = [];
    const leaks: string[] = [];

    for (let i = 0; i < CASES_PER_PROVIDER * 3; i++) {
      const provider = (['meta', 'twilio', 'telegram'] as const)[i % 3]!;
      const signed = rng() < 0.5;
      const before = signed ? '' : footprint();
      let status: number;
      let label: string;
      if (provider === 'meta') {
        const body = mutateBody(rng, pick(rng, meta));
        label = body.toString('utf8', 0, 160);
        status = await postMeta(rng, body, signed);
      } else if (provider === 'twilio') {
        const { name, form } = pick(rng, twilioForms);
        const path = name.startsWith('status') && rng() < 0.7 ? '/webhooks/twilio/whatsapp/status' : '/webhooks/twilio/whatsapp';
        const mutated = mutateForm(rng, form);
        label = `${path} ${JSON.stringify(mutated).slice(0, 160)}`;
        status = await postTwilio(rng, path, mutated, signed);
      } else {
        const body = mutateBody(rng, pick(rng, telegramUpdates));
        label = body.toString('utf8', 0, 160);
        status = await postTelegram(rng, body, signed);
      }
      outcomes.push({ provider, signed, status, label });
      if (!signed && footprint() !== before) leaks.push(`${provider} #${i}: ${label}`);
    }

    const summary = (['meta', 'twilio', 'telegram'] as const).map((p) => {
      const mine = outcomes.filter((o) => o.provider === p);
      const codes = (signed: boolean) => [...new Set(mine.filter((o) => o.signed === signed).map((o) => o.status))].sort().join(',');
      return `${p}: ${mine.filter((o) => o.signed).length} signed -> ${codes(true)}; ${mine.filter((o) => !o.signed).length} forged -> ${codes(false)}`;
    });
    process.stdout.write(`fuzz-webhooks: ${outcomes.length} requests in ${Date.now() - started} ms\n  ${summary.join('\n  ')}\n`);

    expect(outcomes.filter((o) => o.signed && o.status >= 500).map((o) => `${o.provider} ${o.status}: ${o.label}`)).toEqual([]);
    const refused = { meta: 401, twilio: 403, telegram: 401 };
    expect(outcomes.filter((o) => !o.signed && o.status !== refused[o.provider]).map((o) => `${o.provider} ${o.status}: ${o.label}`)).toEqual([]);
    expect(leaks).toEqual([]);
    // Both halves were exercised.
    expect(outcomes.filter((o) => o.signed).length).toBeGreaterThan(CASES_PER_PROVIDER);
    expect(outcomes.filter((o) => !o.signed).length).toBeGreaterThan(CASES_PER_PROVIDER);

    // Still up, and a real candidate on each channel still gets an answer.
    expect((await fetch(`${app.url}/health`)).status).toBe(200);
    const hello = fixture<{ entry: { changes: { value: { contacts: { wa_id: string }[]; messages: { from: string; id: string }[] } }[] }[] }>('whatsapp/meta/text.json', (j) => {
      j.entry[0]!.changes[0]!.value.contacts[0]!.wa_id = '4915199990001';
      Object.assign(j.entry[0]!.changes[0]!.value.messages[0]!, { from: '4915199990001', id: 'wamid.after-fuzz' });
    });
    expect((await postSignedMeta(app.url, hello, META_SECRET)).status).toBe(200);
    const twilioHello = fixture<Record<string, string>>('whatsapp/twilio/text.json', (f) => Object.assign(f, { From: 'whatsapp:+4915199990002', MessageSid: 'SMafterfuzz', SmsSid: 'SMafterfuzz', SmsMessageSid: 'SMafterfuzz' }));
    expect(await postTwilio(rng, '/webhooks/twilio/whatsapp', twilioHello, true)).toBe(200);
    const ana = new TelegramChat(telegram, { webhook: `${app.url}/webhooks/telegram`, secret: TELEGRAM_SECRET }, 719_999_001);
    expect(await ana.say('hi')).toBe(200);
    await ana.waitForBot(/Do you agree/, 0, 30_000);
    await eventually(() => metaSent.some((s) => s.to === '4915199990001' && s.type === 'interactive'), 'the Meta consent question after fuzzing', 30_000);
    await eventually(() => twilioSent.some((f) => f.get('To') === 'whatsapp:+4915199990002' && /agree to continue/.test(f.get('Body') ?? '')), 'the Twilio consent question after fuzzing', 30_000);
  }, 120_000);
});
