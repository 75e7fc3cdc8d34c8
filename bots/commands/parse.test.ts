import { describe, expect, it } from '@jest/globals';
import { parseCommand } from './parse.js';

describe('parseCommand', () => {
  it.each([
    ['/help', { name: 'help', args: [], rest: '' }],
    ['  /STATUS  ', { name: 'status', args: [], rest: '' }],
    ['/status@ParleyBot Ana Lima', { name: 'status', args: ['Ana', 'Lima'], rest: 'Ana Lima' }],
    ['/schedule ana 2026-05-01 10:00 https://meet.example/x', { name: 'schedule', args: ['ana', '2026-05-01', '10:00', 'https://meet.example/x'], rest: 'ana 2026-05-01 10:00 https://meet.example/x' }],
    ['hello /help', undefined],
    ['/', undefined],
    ['/123', undefined],
    ['// comment', undefined],
  ])('%s', (text, expected) => expect(parseCommand(text)).toEqual(expected));
});
