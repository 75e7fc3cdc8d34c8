import type { HrRole } from './roles.js';

const READ = [
  '/status - pipeline counts per stage and at-risk count',
  '/status <candidate> - stage, risk, last activity, interview progress',
  '/atrisk - candidates at high risk',
  '/candidates <stage> - candidates in a stage',
  '/stats - numbers at a glance',
  '/alerts on|off - at-risk and needs-human alerts in this chat',
];
const ACT = [
  '/takeover <candidate> - talk to the candidate yourself (the bot goes silent)',
  '/handback [summary] - give the conversation back to the bot',
  '/handback <candidate> - (admins, holding none) hand back a conversation another operator holds',
  '/remind <candidate> - send a friendly reminder',
  '/schedule <candidate> <YYYY-MM-DD> <HH:MM> [link] - schedule an interview (UTC unless you add an offset)',
];

/** Everything HR commands say. */
export const hrTexts = {
  hello: (role: HrRole) => `Hi! You're on the Parley HR desk as ${role}.`,
  help: (acts: boolean) => ['HR commands:', ...READ, ...(acts ? ACT : []), '', 'Name a candidate by id, name or phone.'].join('\n'),
  unknown: (name: string) => `I don't know the HR command /${name}. Type /help for the list.`,
  readOnly: (name: string) => `Sorry, viewers can only read: /${name} needs the recruiter or admin role.`,
  needsCandidate: (name: string) => `Which candidate? Usage: /${name} <candidate id, name or phone>`,
  noMatch: (query: string) => `No candidate matches "${query}".`,
  whichOne: (query: string, n: number) => `${n} candidates match "${query}". Which one?`,
  noneAtRisk: 'No candidates at high risk right now.',
  noneInStage: (stage: string) => `No candidates in ${stage}.`,
  stageUsage: (stages: readonly string[]) => `Usage: /candidates <stage>, one of: ${stages.join(', ')}`,
  alertsUsage: (on: boolean) => `Alerts are ${on ? 'on' : 'off'} for this chat. Usage: /alerts on|off`,
  alertsOn: "Alerts are on: you'll get at-risk and needs-human alerts here.",
  alertsOff: 'Alerts are off for this chat.',
  notHolding: "You're not handling any conversation. /takeover <candidate> first.",
  notACommand: 'Type /help to see the HR commands.',
  typePlease: 'Please type HR commands; voice notes and files are not read here.',
  schedulingOff: 'Scheduling is not enabled on this Parley (the jobs feature is off).',
  scheduled: (who: string, at: Date, link?: string) => `Interview scheduled for ${who}: ${at.toISOString().replace('T', ' ').slice(0, 16)} UTC${link ? ` (${link})` : ''}. Reminders follow.`,
  failed: 'Sorry, that did not work. The error is in the server log.',
} as const;
