/**
 * The console's live feed handles a turn's events as one burst: the conversation is read, the
 * needs-human mark synced and the list row pushed once, from the last of them. A HumanRequested
 * early in the burst still counts as the burst's needs-human notice (no second, generic one).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createParley, type Parley } from '../bin/app.js';
import { loadConfig } from '../bin/config.js';
import { PLUGINS, type PluginModule } from '../bin/plugins/index.js';
import { silentLogger } from '../core/ports/index.js';
import { ConsoleClient, login } from '../operator-console/testing.js';
import { ChatClient } from './support/harness.js';

const PASSWORD = 'correct-horse-battery';

/** On '#escalate': flags the conversation, records HumanRequested, then another event of the same turn. */
const escalateThenMore: PluginModule = {
  name: 'escalate-then-more',
  async create() {
    return {
      name: 'escalate-then-more',
      middleware: {
        preprocess: [
          async (ctx, next) => {
            if (ctx.message.text !== '#escalate') return next();
            ctx.conversation.needsHuman = true;
            ctx.emit({ type: 'HumanRequested', reason: 'the candidate asked twice', actor: 'bot' });
            ctx.emit({ type: 'InterviewStarted', role: 'Python Developer' });
            ctx.reply('A recruiter will join you.');
          },
        ],
      },
    };
  },
};

let parley: Parley;
let dataDir: string;
let ana: ConsoleClient;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-console-burst-'));
  const config = loadConfig({ PORT: '1', HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, LOG_LEVEL: 'silent', PARLEY_ADMIN_EMAIL: 'ana@acme.test', PARLEY_ADMIN_PASSWORD: PASSWORD });
  parley = await createParley({ ...config, PORT: 0 }, { log: silentLogger, plugins: [...PLUGINS, escalateThenMore] });
  await parley.start();
  ana = await ConsoleClient.connect(parley.url, (await login(parley.url, 'ana@acme.test', PASSWORD)).token);
});
afterAll(async () => {
  ana.close();
  await parley.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('live feed: a turn\'s events as one burst', () => {
  it('a HumanRequested before the turn\'s last event is its one needs-human notice, and the row shows the flag', async () => {
    const c = await ChatClient.connect(parley.url);
    await c.ask('#escalate', /recruiter will join/);
    const row = await ana.waitFor('conversation:upsert', (s) => s.id === c.conversationId && s.needsHuman);
    expect(row.needsHuman).toBe(true);
    await parley.engine.idle();
    const operatorId = ana.all('hello')[0]!.operator.id;
    const notices = (await parley.ports.workspace.listNotifications(operatorId)).filter((n) => n.conversationId === c.conversationId && n.kind === 'needs-human');
    expect(notices.map((n) => n.body)).toEqual([expect.stringMatching(/the candidate asked twice/)]);
    c.close();
  });
});
