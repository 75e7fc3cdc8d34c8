import { describe, expect, it } from '@jest/globals';
import { ConcurrencyError, ErrorCodes, NotFoundError, ParleyError, ProviderError, ValidationError, httpStatusOf, redactPayload } from './errors.js';

describe('one error vocabulary', () => {
  it.each([
    ['a validation error', 400, new ValidationError('bad payload')],
    ['a missing conversation', 404, new NotFoundError('conversation', 'conv_1')],
    ['a concurrent write', 409, new ConcurrencyError('Conversation', 'conv_1', 3)],
    ['a sign-in that is not one', 401, new ParleyError(ErrorCodes.UNAUTHORIZED, 'session ended')],
    ['too many attempts', 429, new ParleyError(ErrorCodes.RATE_LIMITED, 'slow down')],
    ['a provider failing', 502, new ProviderError('meta', '500 Internal')],
    ['the store unreachable', 503, new ParleyError(ErrorCodes.STORE, 'disk full')],
    ['shutting down', 503, new ParleyError(ErrorCodes.SHUTTING_DOWN, 'bye')],
    ['anything else', 500, new Error('boom')],
    ['a thrown string', 500, 'boom'],
  ])('%s answers HTTP %i', (_name, status, err) => {
    expect(httpStatusOf(err)).toBe(status);
  });

  it('a provider error names the failing method and keeps the request without personal data', () => {
    const err = new ProviderError('telegram', 'sendMessage: Bad Request: chat not found', {
      method: 'sendMessage',
      payload: { chat_id: 123456789, text: 'Hi Ana, your interview is at 10:00', parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'consent:yes' }]] } },
      status: 400,
    });
    expect(err.method).toBe('sendMessage');
    expect(err.payload).toEqual({ chat_id: '[redacted]', text: '[redacted]', parse_mode: 'HTML', reply_markup: { inline_keyboard: [[{ text: '[redacted]', callback_data: 'consent:yes' }]] } });
    expect(JSON.stringify(err.payload)).not.toContain('Ana');
    expect(err.permanent).toBe(true);
  });

  it('redacts Meta and Twilio requests, and bounds what it keeps', () => {
    expect(redactPayload({ messaging_product: 'whatsapp', to: '4915112345678', type: 'text', text: { body: 'hello' } })).toEqual({ messaging_product: 'whatsapp', to: '[redacted]', type: 'text', text: '[redacted]' });
    expect(redactPayload({ to: 'whatsapp:+4915112345678', body: 'hi', contentSid: 'HX123' })).toEqual({ to: '[redacted]', body: '[redacted]', contentSid: 'HX123' });
    const long = redactPayload({ template: 'x'.repeat(500) }) as { template: string };
    expect(long.template).toHaveLength(200 + '… (500 chars)'.length);
    expect(redactPayload({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } })).toEqual({ a: { b: { c: { d: { e: { f: '[…]' } } } } } });
  });
});
