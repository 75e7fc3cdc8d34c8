/**
 * A phone number in E.164 (`+4915112345678`) from what providers send: Meta's `wa_id`
 * (`4915112345678`), Twilio's `whatsapp:+4915112345678`, Baileys' JID
 * (`4915112345678@s.whatsapp.net`). Returns undefined for anything that isn't a phone number.
 *
 * @example
 * toE164('whatsapp:+49 151 1234-5678') // '+4915112345678'
 */
export function toE164(raw: string): string | undefined {
  const stripped = raw
    .trim()
    .replace(/^whatsapp:/i, '')
    .replace(/@s\.whatsapp\.net$|@c\.us$/i, '')
    .replace(/:\d+$/, '') // Baileys device suffix: 4915112345678:12@s.whatsapp.net
    .replace(/[\s().-]/g, '');
  const digits = stripped.replace(/^\+/, '').replace(/^00/, '');
  if (!/^[1-9]\d{6,14}$/.test(digits)) return undefined;
  return `+${digits}`;
}
