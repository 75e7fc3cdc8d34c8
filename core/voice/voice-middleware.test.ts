import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { ProviderError, type Candidate, type Conversation, type Message } from '../domain/index.js';
import { createTurnContext, type TurnContext } from '../engine/context.js';
import { silentLogger, type ChannelAdapter, type Transcriber } from '../ports/index.js';
import { voiceMiddleware } from './voice-middleware.js';

const OGG = readFileSync(new URL('../../test/__fixtures__/audio/my-name-is.ogg', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'parley-voice-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const now = new Date('2026-01-01T09:00:00Z');
const caps = { maxTextLength: 4096, buttons: true, maxButtons: 10, lists: false, maxListItems: 0, templates: false, voice: true, typing: true, maxSendsPerSecond: 30 };

function turn(message: Partial<Message> = {}, mode: 'bot' | 'human' = 'bot'): TurnContext {
  const conversation: Conversation = { id: 'conv_1', ref: { channel: 'whatsapp', externalId: '+351900000000' }, candidateId: 'cand_1', mode, stage: 'screening', needsHuman: false, state: {}, version: 1, lastActivityAt: now, createdAt: now, updatedAt: now };
  const candidate: Candidate = { id: 'cand_1', stage: 'screening', optedOut: false, unreachable: false, createdAt: now, updatedAt: now };
  return createTurnContext({
    correlationId: 't',
    now,
    log: silentLogger,
    capabilities: caps,
    conversation,
    candidate,
    message: { id: `msg_${Math.random().toString(36).slice(2)}`, conversationId: 'conv_1', channel: 'whatsapp', direction: 'in', author: 'candidate', kind: 'voice', text: '', media: { providerRef: 'media-1' }, status: 'pending', attempts: 0, createdAt: now, updatedAt: now, ...message },
  });
}

/** A provider adapter that serves the fixture (the provider is faked; the pipeline is real). */
const whatsapp = (fetchMedia?: ChannelAdapter['fetchMedia']): ChannelAdapter => ({ id: 'whatsapp', capabilities: caps, send: async () => ({}), ...(fetchMedia ? { fetchMedia } : {}) });
const serving = whatsapp(async () => ({ data: OGG, mime: 'audio/ogg' }));
const transcriber = (impl: Transcriber['transcribe']): Transcriber => ({ name: 'test-engine', transcribe: impl });
const noSleep = async () => undefined;

async function run(ctx: TurnContext, opts: Partial<Parameters<typeof voiceMiddleware>[0]> = {}): Promise<boolean> {
  let passed = false;
  await voiceMiddleware({ transcriber: () => undefined, adapters: new Map([['whatsapp', serving]]), dataDir, sleep: noSleep, ...opts })(ctx, async () => void (passed = true));
  return passed;
}

describe('voiceMiddleware on any channel with fetchMedia', () => {
  it('learns the duration of an Ogg/Opus note the provider did not give, and transcribes it', async () => {
    const ctx = turn();
    const passed = await run(ctx, { transcriber: () => transcriber(async () => ({ text: ' My name is Ana Lima. ', language: 'en' })) });
    expect(passed).toBe(true);
    expect(ctx.message.text).toBe('My name is Ana Lima.');
    expect(ctx.message.media?.durationSec).toBeGreaterThan(1);
    expect(existsSync(ctx.message.media!.storedPath!)).toBe(true);
  });

  it('retries a failing transcriber, but not a permanent failure', async () => {
    let calls = 0;
    const flaky = transcriber(async () => {
      if (++calls < 3) throw new ProviderError('openai', 'busy', { status: 503 });
      return { text: 'third time lucky' };
    });
    const ctx = turn();
    expect(await run(ctx, { transcriber: () => flaky })).toBe(true);
    expect(calls).toBe(3);

    let permanentCalls = 0;
    const broken = transcriber(async () => {
      permanentCalls++;
      throw new ProviderError('openai', 'bad audio', { status: 400 });
    });
    const failed = turn();
    expect(await run(failed, { transcriber: () => broken })).toBe(false);
    expect(permanentCalls).toBe(1);
    expect(failed.effects).toContainEqual({ type: 'emit', event: expect.objectContaining({ type: 'TranscriptionFailed', error: 'test-engine: openai: bad audio' }) });
  });

  it('an empty transcript counts as a failure', async () => {
    const ctx = turn();
    expect(await run(ctx, { transcriber: () => transcriber(async () => ({ text: '   ' })) })).toBe(false);
    expect(ctx.effects).toContainEqual({ type: 'send', message: { text: expect.stringMatching(/couldn't make out/) } });
  });

  it('a channel that cannot fetch media gets a polite reply', async () => {
    const ctx = turn();
    expect(await run(ctx, { adapters: new Map([['whatsapp', whatsapp()]]) })).toBe(false);
    expect(ctx.effects).toContainEqual({ type: 'send', message: { text: expect.stringMatching(/couldn't download that voice note/) } });
  });

  it('a download bigger than the limit is not stored', async () => {
    const ctx = turn();
    expect(await run(ctx, { maxBytes: 100 })).toBe(false);
    expect(ctx.message.media?.storedPath).toBeUndefined();
  });

  it('in human mode nothing is said to the candidate', async () => {
    const ctx = turn({}, 'human');
    expect(await run(ctx)).toBe(false);
    expect(ctx.effects.filter((e) => e.type === 'send')).toEqual([]);
    expect(ctx.message.media?.storedPath).toBeDefined();
  });

  it.each([
    ['a channel nobody registered', turn(), { adapters: new Map() }],
    ['a note already processed', turn({ media: { providerRef: 'm', storedPath: '/x.ogg' } }), {}],
    ['a text message', turn({ kind: 'text', text: 'hi', media: undefined }), {}],
  ])('%s is passed on untouched', async (_what, ctx, opts) => {
    const before = structuredClone(ctx.message);
    expect(await run(ctx, opts as Partial<Parameters<typeof voiceMiddleware>[0]>)).toBe(true);
    expect(ctx.message).toEqual(before);
    expect(ctx.effects).toEqual([]);
  });
});
