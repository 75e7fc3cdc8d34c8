/** A slash command as typed: `/status alice` -> { name: 'status', args: ['alice'], rest: 'alice' }. */
export interface ParsedCommand {
  name: string;
  args: string[];
  rest: string;
}

/**
 * Parse a slash command. Accepts Telegram's `/cmd@BotName` form; anything not starting with
 * `/` is not a command.
 *
 * @example
 * parseCommand('/Status@ParleyBot  Ana Lima') // { name: 'status', args: ['Ana', 'Lima'], rest: 'Ana Lima' }
 */
export function parseCommand(text: string): ParsedCommand | undefined {
  const match = /^\/([a-zA-Z][a-zA-Z0-9_]{0,31})(?:@[A-Za-z0-9_]+)?(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const rest = (match[2] ?? '').trim();
  return { name: (match[1] as string).toLowerCase(), args: rest ? rest.split(/\s+/) : [], rest };
}
