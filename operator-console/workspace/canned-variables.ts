import { CANNED_VARIABLES } from '../contract.js';

export type CannedVariable = (typeof CANNED_VARIABLES)[number];
export type CannedValues = Partial<Record<CannedVariable, string | undefined>>;

const VARIABLE = /\{\{\s*([a-zA-Z.]+)\s*\}\}/g;

/**
 * Fill `{{candidate.name}}`, `{{role}}`, `{{recruiter.name}}` and `{{nextInterview}}` in a canned
 * response. A variable with no value stays as written and is named in `missing`, so the operator
 * sees what to complete before sending; unknown names are left alone.
 *
 * @example
 * fillCannedText('Hi {{candidate.name}}!', { 'candidate.name': 'Ana' }); // { text: 'Hi Ana!', missing: [] }
 */
export function fillCannedText(text: string, values: CannedValues): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = text.replace(VARIABLE, (whole, name: string) => {
    if (!(CANNED_VARIABLES as readonly string[]).includes(name)) return whole;
    const value = values[name as CannedVariable]?.trim();
    if (!value) {
      missing.add(name);
      return whole;
    }
    return value;
  });
  return { text: filled, missing: [...missing] };
}

/** "Friday, 1 May 2026 at 10:00 (Europe/Lisbon)", in the candidate's zone; an unknown zone reads UTC. */
export function formatInterviewTime(at: Date, timeZone = 'UTC'): string {
  try {
    return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone }).format(at)} (${timeZone})`;
  } catch {
    return `${new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(at)} (UTC)`;
  }
}
