/**
 * Plugins own their features: STOP/START and voice notes are their own plugins, not parts of the
 * Telegram plugin, so they work with Telegram absent and are gone without their plugin.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { optOutPlugin } from '../bin/plugins/opt-out.js';
import { PLUGINS, type PluginModule } from '../bin/plugins/index.js';
import { voicePlugin } from '../bin/plugins/voice.js';
import { ChatClient, eventually, opsGet, startParley, type TestParley } from './support/harness.js';

let app: TestParley | undefined;
afterEach(async () => {
  await app?.stop();
  app = undefined;
});

async function stopFromWebchat(plugins: readonly PluginModule[]): Promise<{ optedOut: boolean; chat: ChatClient }> {
  app = await startParley({}, { plugins });
  const chat = await ChatClient.connect(app.url);
  await chat.ask('hi', /Do you agree/);
  await chat.say('STOP');
  const store = app.parley.store;
  await eventually(async () => (await store.listPendingInbound()).length === 0 && app!.parley.engine.queueDepth() === 0, 'the STOP turn to finish');
  const conversation = await store.getConversation(chat.conversationId);
  const candidate = conversation && (await store.getCandidate(conversation.candidateId));
  return { optedOut: candidate?.optedOut === true, chat };
}

describe('plugins own their features', () => {
  it('STOP works on web chat with only the opt-out plugin (no Telegram plugin)', async () => {
    const { optedOut, chat } = await stopFromWebchat([optOutPlugin]);
    expect(optedOut).toBe(true);
    await chat.waitForBot(/unsubscribed/);
    chat.close();
  });

  it('the opt-out plugin handles STOP ahead of human mode: a held chat still opts out', async () => {
    app = await startParley({}, { plugins: [optOutPlugin] });
    const chat = await ChatClient.connect(app.url);
    await chat.ask('hi', /Do you agree/);
    const store = app.parley.store;
    // A recruiter holds the chat: the bot is silent, but STOP must still work.
    await app.parley.engine.mutate(chat.conversationId, ({ conversation }) => ({ conversation: { ...conversation, mode: 'human', assignedOperatorId: 'op_test' } }));
    await chat.ask('STOP', /unsubscribed/);
    const conversation = await store.getConversation(chat.conversationId);
    expect((await store.getCandidate(conversation!.candidateId))?.optedOut).toBe(true);
    chat.close();
  });

  it('voice notes are their own plugin, reported in /health without Telegram', async () => {
    app = await startParley({}, { plugins: [voicePlugin] });
    const health = (await (await opsGet(`${app.url}/health`)).json()) as { voice?: { transcriber: string }; telegram?: unknown };
    // Speech out: espeak-ng when installed, none otherwise (docs/voice.md).
    expect(health.voice).toEqual({ transcriber: 'none', synthesizer: expect.stringMatching(/^(espeak-ng|none)$/) });
    expect(health.telegram).toBeUndefined();
  });

  it('PLUGINS lists them on their own, with edits recorded before voice notes are fetched', () => {
    const names = PLUGINS.map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(['opt-out', 'voice', 'conversation', 'telegram']));
    expect(names.indexOf('conversation')).toBeLessThan(names.indexOf('voice'));
  });
});
