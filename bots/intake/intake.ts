import type { Candidate, Choice, OutboundMessage } from '../../core/domain/index.js';
import type { Language } from '../i18n/index.js';
import { consentQuestion, intakeTexts } from './texts.js';

export type IntakeStep = 'consent' | 'declined' | 'name' | 'role' | 'done';
export interface IntakeState {
  step: IntakeStep;
  /** Times the current question was answered with something we could not use. */
  retries: number;
}

export interface RoleOption {
  id: string;
  title: string;
}

export interface IntakeInput {
  text: string;
  candidate: Pick<Candidate, 'name' | 'role'>;
  roles: readonly RoleOption[];
  companyName: string;
  /** The language to answer in (conversation.state.language); English when absent. */
  lang?: Language;
}

export interface IntakeOutcome {
  state: IntakeState;
  replies: OutboundMessage[];
  /** Fields to set on the candidate (name, role, consentAt is set by the caller from `consented`). */
  candidate: Partial<Pick<Candidate, 'name' | 'role'>>;
  consented?: boolean;
  /** Intake finished: the candidate moves to screening. */
  completed?: boolean;
}

// English, then the consent words of es, pt, fr and de (the buttons' labels start with them too).
const YES =
  /^(y|yes|yeah|yep|yup|sure|ok|okay|agree|i agree|i do|continue|go ahead|of course|absolutely|please|1|yes,? continue|s[ií]|claro|vale|de acuerdo|acepto|sim|concordo|oui|d'accord|j'accepte|bien s[uû]r|ja|klar|einverstanden|gerne)(?![\p{L}\d])/iu;
const NO = /^(n|no|nope|nah|no thanks|i don'?t|i do not|disagree|not now|2|n[aã]o|non|nein)(?![\p{L}\d])/iu;

/**
 * The intake dialog as a pure transition: consent, name, role, confirmation.
 * `undefined` state means the candidate just said their first words.
 *
 * @example
 * const first = intakeTransition(undefined, { text: 'hi', candidate: {}, roles, companyName: 'Acme' });
 * first.state.step // 'consent'
 */
export function intakeTransition(state: IntakeState | undefined, input: IntakeInput): IntakeOutcome {
  const lang = input.lang ?? 'en';
  if (!state) return { state: { step: 'consent', retries: 0 }, replies: [intakeTexts(lang).greeting(input.companyName), consentQuestion(lang)], candidate: {} };
  const text = input.text.trim();
  switch (state.step) {
    case 'consent':
    case 'declined':
      return onConsent(state, text, lang);
    case 'name':
      return onName(state, text, input.roles, lang);
    case 'role':
      return onRole(state, text, input);
    case 'done':
      return { state, replies: [], candidate: {} };
  }
}

function onConsent(state: IntakeState, text: string, lang: Language): IntakeOutcome {
  const texts = intakeTexts(lang);
  if (YES.test(text)) return { state: { step: 'name', retries: 0 }, replies: [{ text: texts.askName }], candidate: {}, consented: true };
  if (NO.test(text)) return { state: { step: 'declined', retries: 0 }, replies: [{ text: texts.declined }], candidate: {}, consented: false };
  if (state.step === 'declined') return { state, replies: [texts.greetingAgain(), consentQuestion(lang)], candidate: {} };
  return { state: { ...state, retries: state.retries + 1 }, replies: [{ text: texts.consentUnclear }, consentQuestion(lang)], candidate: {} };
}

function onName(state: IntakeState, text: string, roles: readonly RoleOption[], lang: Language): IntakeOutcome {
  const texts = intakeTexts(lang);
  const name = extractName(text);
  if (!name) return { state: { ...state, retries: state.retries + 1 }, replies: [{ text: texts.nameUnclear }], candidate: {} };
  return { state: { step: 'role', retries: 0 }, replies: [roleQuestion(texts.askRole(name), roles)], candidate: { name } };
}

function onRole(state: IntakeState, text: string, input: IntakeInput): IntakeOutcome {
  const texts = intakeTexts(input.lang);
  const role = matchRole(text, input.roles);
  if (!role) return { state: { ...state, retries: state.retries + 1 }, replies: [roleQuestion(texts.roleUnclear, input.roles)], candidate: {} };
  return {
    state: { step: 'done', retries: 0 },
    replies: [{ text: texts.confirmed(input.candidate.name ?? texts.defaultName, role.title) }],
    candidate: { role: role.id },
    completed: true,
  };
}

/**
 * The question intake is waiting on, to re-ask after a recruiter hands back or a candidate
 * returns; undefined when intake has not started or is done.
 */
export function intakePrompt(state: IntakeState | undefined, roles: readonly RoleOption[], lang: Language = 'en'): OutboundMessage | undefined {
  switch (state?.step) {
    case 'consent':
    case 'declined':
      return consentQuestion(lang);
    case 'name':
      return { text: intakeTexts(lang).askName };
    case 'role':
      return roleQuestion(intakeTexts(lang).askRolePlain, roles);
    default:
      return undefined;
  }
}

function roleQuestion(text: string, roles: readonly RoleOption[]): OutboundMessage {
  const choices: Choice[] = roles.map((r) => ({ id: r.id, label: r.title }));
  return { text, choices };
}

// English, then es ("me llamo", "soy"), pt ("chamo-me", "sou"), fr ("je m'appelle", "je suis"), de ("ich heiße", "ich bin").
const NAME_PREFIX =
  /^(hi|hello|hey|hola|ol[aá]|oi|bonjour|salut|hallo)?[\s,!.]*(my name is|my name's|i am|i'm|im|it's|its|this is|call me|name:|name is|me llamo|mi nombre es|soy|meu nome [eé]|me chamo|chamo-me|eu sou|sou|je m'appelle|je suis|moi c'est|ich hei(ß|ss)e|ich bin|mein name ist)\s+/i;

/** The name in "my name is Ana Lima", "I'm Ana", "ana lima"; undefined if it doesn't look like a name. */
export function extractName(text: string): string | undefined {
  const stripped = text.replace(NAME_PREFIX, '').replace(/[.!,;:]+$/g, '').trim();
  if (stripped.length < 1 || stripped.length > 60) return undefined;
  if (/[0-9@/\\<>{}[\]#$%^*=_|~`]/.test(stripped) || stripped.startsWith('/')) return undefined;
  const words = stripped.split(/\s+/);
  if (words.length > 5) return undefined;
  const allLower = stripped === stripped.toLowerCase();
  return allLower ? words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join(' ') : words.join(' ');
}

/** A partial word like "developer" fits several roles: only an unambiguous one counts. */
const onlyOne = <T>(xs: T[]): T | undefined => (xs.length === 1 ? xs[0] : undefined);

const normalise = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');

/** A role by number ("2"), id ("react"), title ("React Developer") or a phrase containing either. */
export function matchRole(text: string, roles: readonly RoleOption[]): RoleOption | undefined {
  const n = Number.parseInt(text, 10);
  if (String(n) === text.trim() && n >= 1 && n <= roles.length) return roles[n - 1];
  const input = normalise(text);
  if (input.length < 2) return undefined;
  return (
    roles.find((r) => normalise(r.id) === input || normalise(r.title) === input) ??
    roles.find((r) => input.includes(normalise(r.title))) ??
    roles.find((r) => input.includes(normalise(r.id))) ??
    onlyOne(roles.filter((r) => input.length >= 4 && normalise(r.title).includes(input)))
  );
}
