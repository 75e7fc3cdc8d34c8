import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import { InboundMessageSchema } from '../../core/domain/index.js';
import { normaliseUpdate } from './normalise.js';
import { TelegramUpdateSchema } from './update-schema.js';

const now = new Date('2026-01-01T09:00:00Z');
const fixture = (name: string) => TelegramUpdateSchema.parse(JSON.parse(readFileSync(new URL(`../../test/__fixtures__/telegram/${name}.json`, import.meta.url), 'utf8')));
const inbound = (name: string) => {
  const result = normaliseUpdate(fixture(name), now);
  if (result.type !== 'inbound') throw new Error(`expected inbound, got ${result.reason}`);
  return { ...result, message: InboundMessageSchema.parse(result.inbound) };
};

describe('normaliseUpdate (recorded Bot API updates)', () => {
  it('text: private chat, sender, provider id from chat and message', () => {
    const { message } = inbound('text');
    expect(message).toMatchObject({
      ref: { channel: 'telegram', externalId: '555000111' },
      providerMessageId: '555000111:11',
      sender: { id: '555000111', displayName: 'Ana Lima', locale: 'en' },
      kind: 'text',
      text: 'hi',
      receivedAt: new Date(1767258000 * 1000),
    });
  });

  it('command: a bot_command entity at offset 0', () => {
    expect(inbound('command').message).toMatchObject({ kind: 'command', text: '/status' });
  });

  it('voice: file id, mime, size and duration for the voice pipeline', () => {
    expect(inbound('voice').message).toMatchObject({
      kind: 'voice',
      text: '',
      media: { providerRef: 'AwACAgQAAxkBAAIBZ2d4Q0x1c2VyVm9pY2VOb3RlMDEAAkcFAAJ4e2BR', mime: 'audio/ogg', size: 4231, durationSec: 2 },
    });
  });

  it('audio file: transcribed like a voice note', () => {
    expect(inbound('audio').message).toMatchObject({ kind: 'voice', media: { mime: 'audio/ogg', durationSec: 2 } });
  });

  it('document: kept as media with a readable text', () => {
    expect(inbound('document').message).toMatchObject({ kind: 'media', text: '(sent a file: ana-lima-cv.pdf)', media: { mime: 'application/pdf', size: 48213 } });
  });

  it('callback query: the pressed button label as text, answered, deduped per message and button', () => {
    const { message, callbackQueryId } = inbound('callback-query');
    expect(callbackQueryId).toBe('2386926415397841221');
    expect(message).toMatchObject({ kind: 'text', text: 'Yes, continue', providerMessageId: '555000111:1001:cb:yes', receivedAt: now });
  });

  it('callback query for a button no longer on the message: its data as text', () => {
    const update = fixture('callback-query');
    update.callback_query!.data = 'maybe';
    const result = normaliseUpdate(update, now);
    expect(result.type === 'inbound' && result.inbound.text).toBe('maybe');
  });

  it('edited message: recorded as a system message pointing at the original', () => {
    expect(inbound('edited-message').message).toMatchObject({
      kind: 'system',
      text: '(edited) hi there',
      providerMessageId: '555000111:11:edit:1767258030',
      editOf: '555000111:11',
    });
  });

  it.each([
    ['my-chat-member', /unsupported update type: my_chat_member/],
    ['group-message', /supergroup chats are not supported/],
  ])('%s is ignored with a reason', (name, reason) => {
    const result = normaliseUpdate(fixture(name), now);
    expect(result).toMatchObject({ type: 'ignored', reason: expect.stringMatching(reason) });
  });

  it('messages from bots are ignored', () => {
    const update = fixture('text');
    update.message!.from!.is_bot = true;
    expect(normaliseUpdate(update, now)).toMatchObject({ type: 'ignored', reason: 'message from a bot' });
  });
});
