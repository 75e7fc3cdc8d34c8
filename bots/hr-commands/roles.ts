import { ValidationError } from '../../core/domain/index.js';

export const HR_ROLES = ['viewer', 'recruiter', 'admin'] as const;
export type HrRole = (typeof HR_ROLES)[number];

/** Allowlist entry syntax: `<user id>:<role>`, comma-separated. */
export const HR_USERS_PATTERN = /^\s*(\d{1,20}\s*:\s*(admin|recruiter|viewer)\s*)(,\s*\d{1,20}\s*:\s*(admin|recruiter|viewer)\s*)*,?\s*$/;

/**
 * Parse an HR allowlist such as `12345:admin,67890:recruiter,555:viewer`.
 *
 * @example
 * parseHrUsers('12345:admin, 555:viewer').get('555') // 'viewer'
 */
export function parseHrUsers(spec: string | undefined): Map<string, HrRole> {
  const users = new Map<string, HrRole>();
  if (!spec?.trim()) return users;
  if (!HR_USERS_PATTERN.test(spec)) throw new ValidationError(`expected comma-separated <user id>:<admin|recruiter|viewer> pairs, got "${spec}"`);
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [id, role] = entry.split(':').map((p) => p.trim()) as [string, HrRole];
    users.set(id, role);
  }
  return users;
}

const TEAMS_ID = String.raw`(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[^\s,:@]+@[^\s,:@]+)`;
const TEAMS_ENTRY = String.raw`\s*${TEAMS_ID}\s*:\s*(?:admin|recruiter|viewer)\s*`;

/** Teams allowlist syntax: `<Azure AD object id or email>:<role>`, comma-separated. */
export const TEAMS_HR_USERS_PATTERN = new RegExp(String.raw`^${TEAMS_ENTRY}(?:,${TEAMS_ENTRY})*,?\s*$`);

/**
 * Parse a Teams HR allowlist such as `3f2a…-…:admin,ana@acme.example:viewer`. Keys are lower-cased
 * (object ids and emails compare case-insensitively).
 *
 * @example
 * parseTeamsHrUsers('Ana@Acme.example:viewer').get('ana@acme.example') // 'viewer'
 */
export function parseTeamsHrUsers(spec: string | undefined): Map<string, HrRole> {
  const users = new Map<string, HrRole>();
  if (!spec?.trim()) return users;
  if (!TEAMS_HR_USERS_PATTERN.test(spec)) throw new ValidationError(`expected comma-separated <Azure AD object id or email>:<admin|recruiter|viewer> pairs, got "${spec}"`);
  for (const entry of spec.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.lastIndexOf(':');
    users.set(entry.slice(0, at).trim().toLowerCase(), entry.slice(at + 1).trim() as HrRole);
  }
  return users;
}

/** Viewers read; recruiters and admins also act; admins override (one rule, in core/takeover). */
export { canAct, canOverride } from '../../core/takeover/index.js';
