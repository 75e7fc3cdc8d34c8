/**
 * Crash safety: `kill -9` after the inbound message is persisted (or after the turn commits but
 * before the reply is sent). On restart the reply goes out exactly once.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../core/store/embedded/sqlite-store.js';
import { ChatClient, eventually } from './support/harness.js';
import { freePort, spawnParley, waitForReady, type ChildParley } from './support/child.js';

const children: ChildParley[] = [];
const dirs: string[] = [];
afterEach(() => {
  children.splice(0).forEach((c) => c.proc.kill('SIGKILL'));
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
});

async function crashThenRecover(point: 'after-persist' | 'after-commit') {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-crash-'));
  dirs.push(dataDir);
  const port = String(await freePort());
  const env = { PORT: port, HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'info' };

  const doomed = spawnParley({ ...env, PARLEY_TEST_CRASH_POINT: point });
  children.push(doomed);
  await waitForReady(doomed);
  const url = `http://127.0.0.1:${port}`;
  const client = await ChatClient.connect(url);
  void client.say('hi', 'crash-1');
  const { signal } = await doomed.exited;
  expect(signal).toBe('SIGKILL');
  client.close();

  // What the dead process left behind.
  const store = SqliteStore.open(join(dataDir, 'parley.db'));
  // The process died before acknowledging the message, so the client never learnt its conversation id.
  const [conversation] = await store.listConversations({ channel: 'webchat' });
  const left = conversation ? await store.listMessages(conversation.id) : [];
  await store.close();
  expect(left.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual(['hi']);

  const revived = spawnParley(env);
  children.push(revived);
  await waitForReady(revived);
  const again = await ChatClient.connect(url, client.sessionId);
  await eventually(
    () => again.history.some((m) => /agree to continue/.test(m.text)) || again.received.some((m) => /agree to continue/.test(m.text)),
    'the consent question after restart',
    15_000,
  );
  revived.proc.kill('SIGTERM');
  expect((await revived.exited).code).toBe(0);

  const after = SqliteStore.open(join(dataDir, 'parley.db'));
  const messages = await after.listMessages(conversation?.id ?? '');
  await after.close();
  return { left, messages };
}

describe('crash recovery (kill -9)', () => {
  it('re-drives an inbound message persisted before the crash: the reply is sent exactly once', async () => {
    const { left, messages } = await crashThenRecover('after-persist');
    expect(left.filter((m) => m.direction === 'out')).toHaveLength(0);
    expect(messages.filter((m) => m.direction === 'in')).toHaveLength(1);
    const consent = messages.filter((m) => /agree to continue/.test(m.text));
    expect(consent).toHaveLength(1);
    expect(consent[0]?.status).toBe('sent');
  }, 60_000);

  it('sends a reply committed but unsent before the crash exactly once', async () => {
    const { left, messages } = await crashThenRecover('after-commit');
    expect(left.filter((m) => /agree to continue/.test(m.text)).map((m) => m.status)).toEqual(['queued']);
    const consent = messages.filter((m) => /agree to continue/.test(m.text));
    expect(consent).toHaveLength(1);
    expect(consent[0]?.status).toBe('sent');
  }, 60_000);
});
