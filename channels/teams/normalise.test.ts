import { describe, expect, it } from '@jest/globals';
import { WITH_TOKEN, normaliseActivity } from './normalise.js';

const now = new Date('2026-12-01T00:00:00Z');
const base = {
  id: 'act-1',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
  from: { id: '29:user', name: 'Ana Lima', aadObjectId: 'AAD-1' },
  recipient: { id: '28:bot', name: 'Parley' },
  conversation: { id: 'a:chat', conversationType: 'personal' },
};

describe('normaliseActivity', () => {
  it('strips the bot mention (and only counts a mention of the bot)', () => {
    const r = normaliseActivity({ ...base, type: 'message', text: '<at>Parley</at> /status Ana', entities: [{ type: 'mention', text: '<at>Parley</at>', mentioned: { id: '28:bot', name: 'Parley' } }], conversation: { id: '19:c@thread.tacv2', conversationType: 'channel' } } as never, now);
    expect(r).toMatchObject({ type: 'message', mentioned: true, conversationType: 'channel', inbound: { text: '/status Ana', kind: 'command', sender: { id: 'AAD-1' } } });
    const other = normaliseActivity({ ...base, type: 'message', text: '<at>Rita</at> hi', entities: [{ type: 'mention', text: '<at>Rita</at>', mentioned: { id: '29:rita' } }] } as never, now);
    expect(other).toMatchObject({ mentioned: false, inbound: { text: 'Rita hi' } });
  });

  it('reads card submits (message value and Action.Execute invoke) as the label, command buttons as the command', () => {
    const submit = normaliseActivity({ ...base, type: 'message', replyToId: 'card-9', value: { parleyChoice: 'yes', label: 'Yes, continue' } } as never, now);
    expect(submit).toMatchObject({ type: 'message', invoke: false, inbound: { text: 'Yes, continue', kind: 'text', providerMessageId: 'a:chat:card-9:card:yes' } });
    const execute = normaliseActivity({ ...base, type: 'invoke', name: 'adaptiveCard/action', replyToId: 'card-9', value: { action: { type: 'Action.Execute', data: { parleyChoice: '/takeover cand_1', label: 'Take over' } } } } as never, now);
    expect(execute).toMatchObject({ type: 'message', invoke: true, inbound: { text: '/takeover cand_1', kind: 'command' } });
  });

  it('audio attachments are voice notes (content URLs fetched with the bot token, Teams files by their download URL)', () => {
    const audio = normaliseActivity({ ...base, type: 'message', attachments: [{ contentType: 'audio/ogg', contentUrl: 'https://smba.trafficmanager.net/emea/v3/attachments/x' }] } as never, now);
    expect(audio).toMatchObject({ inbound: { kind: 'voice', media: { providerRef: `${WITH_TOKEN}https://smba.trafficmanager.net/emea/v3/attachments/x`, mime: 'audio/ogg' } } });
    const file = normaliseActivity({ ...base, type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'note.mp3', content: { downloadUrl: 'https://tenant.sharepoint.com/x?tempauth=1', fileType: 'mp3' } }, { contentType: 'text/html', content: '<p></p>' }] } as never, now);
    expect(file).toMatchObject({ inbound: { kind: 'voice', media: { providerRef: 'https://tenant.sharepoint.com/x?tempauth=1', mime: 'audio/mpeg' } } });
    const pdf = normaliseActivity({ ...base, type: 'message', attachments: [{ contentType: 'application/vnd.microsoft.teams.file.download.info', name: 'cv.pdf', content: { downloadUrl: 'https://x', fileType: 'pdf' } }] } as never, now);
    expect(pdf).toMatchObject({ inbound: { kind: 'media', text: '(sent a file: cv.pdf)' } });
  });

  it('bot added is stored and greeted; reactions, other members and bots are acknowledged only', () => {
    expect(normaliseActivity({ ...base, type: 'conversationUpdate', membersAdded: [{ id: '28:bot' }] } as never, now)).toEqual({ type: 'bot-added' });
    expect(normaliseActivity({ ...base, type: 'conversationUpdate', membersAdded: [{ id: '29:someone' }] } as never, now).type).toBe('ignored');
    expect(normaliseActivity({ ...base, type: 'messageReaction', reactionsAdded: [{ type: 'like' }] } as never, now)).toMatchObject({ type: 'ignored', reason: 'unsupported activity type: messageReaction' });
    expect(normaliseActivity({ ...base, type: 'message', text: 'hi', from: { id: '28:other', role: 'bot' } } as never, now).type).toBe('ignored');
  });
});
