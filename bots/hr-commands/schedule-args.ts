export interface ScheduleArgs {
  /** The words naming the candidate. */
  query: string;
  at: Date;
  link?: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TIME = /^\d{1,2}:\d{2}(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Parse `/schedule <candidate> <YYYY-MM-DD> <HH:MM> [link]`. Pure. Times without an offset are
 * UTC (say `10:00+02:00` for another zone); the candidate may be several words ("Ana Lima").
 *
 * @example
 * parseScheduleArgs(['Ana', 'Lima', '2026-05-01', '10:00', 'https://meet.example/x'], now)
 * // { query: 'Ana Lima', at: 2026-05-01T10:00:00Z, link: 'https://meet.example/x' }
 */
export function parseScheduleArgs(args: readonly string[], now: Date): ScheduleArgs | { error: string } {
  const usage = 'Usage: /schedule <candidate> <YYYY-MM-DD> <HH:MM> [link] (times are UTC unless you add an offset such as 10:00+02:00)';
  const d = args.findIndex((a) => DATE.test(a));
  if (d <= 0) return { error: usage };
  const query = args.slice(0, d).join(' ');
  let iso = args[d] as string;
  let next = d + 1;
  if (!iso.includes('T')) {
    const time = args[next];
    if (!time || !TIME.test(time)) return { error: usage };
    iso = `${iso}T${/^\d:/.test(time) ? `0${time}` : time}`;
    next++;
  }
  if (!/(Z|[+-]\d{2}:?\d{2})$/.test(iso)) iso += 'Z';
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return { error: `"${args.slice(d, next).join(' ')}" is not a valid date and time. ${usage}` };
  if (at.getTime() <= now.getTime()) return { error: `${at.toISOString()} is in the past.` };
  const link = args[next];
  if (link !== undefined && !/^https?:\/\/\S+$/.test(link)) return { error: `"${link}" is not a link (http or https). ${usage}` };
  if (args.length > next + 1) return { error: usage };
  return { query, at, ...(link ? { link } : {}) };
}
