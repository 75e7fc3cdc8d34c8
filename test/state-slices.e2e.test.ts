import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { silentLogger, type Logger } from '../core/ports/index.js';
import { embeddedDb } from './support/embedded.js';
import { ChatClient, startParley, type TestParley } from './support/harness.js';

// A conversation's stored state is JSON another version (or a hand edit) may have written badly.
// Each slice is parsed on read: a malformed one is logged once and read as absent, and the
// owner's next write repairs it; the candidate's turn never fails over it (issue 12).

const warnings: { slice?: unknown; msg?: string }[] = [];
const capture: Logger = {
  ...silentLogger,
  warn: (obj: object | string, msg?: string) => void warnings.push(typeof obj === 'string' ? { msg: obj } : { ...(obj as { slice?: unknown }), ...(msg === undefined ? {} : { msg }) }),
  child: () => capture,
};
const sliceWarnings = (slice: string) => warnings.filter((w) => w.slice === slice && /state slice did not parse/.test(w.msg ?? ''));

const APOLOGY = /something went wrong on our side/;

let app: TestParley;
beforeAll(async () => {
  app = await startParley({}, { log: capture });
});
afterAll(async () => {
  await app.stop();
});

describe('a corrupted stored conversation state', () => {
  it('intake starts over instead of failing the turn, and each bad slice is logged once', async () => {
    const ana = await ChatClient.connect(app.url);
    await ana.ask('hi', /Do you agree to continue\?/);
    await ana.ask('yes', /What is your name\?/);

    // The row as a broken writer left it: an intake step that does not exist, commands not an object.
    const db = embeddedDb(app.parley);
    const changed = db
      .prepare("UPDATE conversations SET doc = json_set(doc, '$.state.intake', json(?), '$.state.commands', 'garbage') WHERE id = ?")
      .run(JSON.stringify({ step: 'somewhere-else', retries: -1 }), ana.conversationId).changes;
    expect(changed).toBe(1);

    const from = ana.received.length;
    const reply = await ana.ask('Ana Silva', /Do you agree to continue\?/);
    expect(reply.text).toMatch(/Do you agree to continue\?/);
    // Two more turns read the still-malformed commands slice: it is not logged again.
    await ana.ask('yes', /What is your name\?/);
    await ana.ask('Ana Silva', /Which role|role are you applying for/i);
    expect(ana.received.slice(from).filter((m) => APOLOGY.test(m.text))).toEqual([]);

    expect(sliceWarnings('intake')).toHaveLength(1);
    expect(sliceWarnings('commands')).toHaveLength(1);
    // The intake slice was rewritten by its owner: readable again.
    const stored = db.prepare("SELECT json_extract(doc, '$.state.intake.step') AS step FROM conversations WHERE id = ?").get(ana.conversationId) as { step: string };
    expect(stored.step).toBe('role');
    ana.close();
  });
});
