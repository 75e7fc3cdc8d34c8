import i18next, { type i18n } from 'i18next';
import { de } from './locales/de.js';
import { en, type Catalogue } from './locales/en.js';
import { es } from './locales/es.js';
import { fr } from './locales/fr.js';
import { pt } from './locales/pt.js';

/** The languages Parley ships complete catalogues for; English is the source and the fallback. */
export const LANGUAGES = ['en', 'es', 'pt', 'fr', 'de'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Each language's name in itself (what a candidate recognises in a list). */
export const LANGUAGE_NAMES: Record<Language, string> = { en: 'English', es: 'Español', pt: 'Português', fr: 'Français', de: 'Deutsch' };

/** The catalogues as shipped, by language (the completeness test reads these). */
export const CATALOGUES: Record<Language, unknown> = { en, es, pt, fr, de };

export const isLanguage = (code: string | undefined): code is Language => (LANGUAGES as readonly string[]).includes(code ?? '');

/** "es-MX", "pt_BR", "FR" -> the supported language, or undefined. */
export function languageOfTag(tag: string | undefined): Language | undefined {
  const base = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return isLanguage(base) ? base : undefined;
}

function createInstance(catalogues: Partial<Record<Language, unknown>>): i18n {
  const instance = i18next.createInstance();
  // Synchronous init: resources are in memory, so `t` works as soon as this returns.
  void instance.init({
    initAsync: false,
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...LANGUAGES],
    ns: Object.keys(en),
    defaultNS: 'intake',
    resources: Object.fromEntries(Object.entries(catalogues).map(([l, c]) => [l, c as Record<string, Record<string, string>>])),
    // Bot texts are plain text on every channel: insert values as written.
    interpolation: { escapeValue: false },
    returnNull: false,
    returnEmptyString: false,
  });
  return instance;
}

const instance = createInstance(CATALOGUES);

/** A key of the catalogue, `namespace.key` (e.g. `intake.askName`). */
export type MessageKey = { [NS in keyof Catalogue]: `${NS & string}.${keyof Catalogue[NS] & string}` }[keyof Catalogue];

/**
 * The text for `key` in `lang`, with `{{placeholders}}` filled from `vars`. A key missing from
 * `lang`'s catalogue falls back to English (i18next's `fallbackLng`).
 *
 * @example
 * t('es', 'intake.askRole', { name: 'Ana' }) // '¡Encantado de conocerte, Ana! ¿A qué puesto te presentas?'
 */
export function t(lang: Language | undefined, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return lookup(instance, lang, key, vars);
}

/**
 * Texts without placeholders to fill, by instance, language and key: the catalogues never change
 * after start-up, and i18next's own look-up costs a few microseconds and several allocations per
 * text (a turn of the intake builds a dozen; issue 13). Bounded by the catalogues' size.
 */
const plainTexts = new WeakMap<i18n, Map<string, string>>();

function lookup(from: i18n, lang: Language | undefined, key: MessageKey, vars: Record<string, string | number>): string {
  const lng = lang ?? 'en';
  let plain: Map<string, string> | undefined;
  let cacheKey = '';
  // Only the shipped languages' codes: the cache stays bounded whatever a caller passes.
  if (Object.keys(vars).length === 0 && isLanguage(lng)) {
    plain = plainTexts.get(from);
    if (!plain) plainTexts.set(from, (plain = new Map<string, string>()));
    cacheKey = `${lng}\u0000${key}`;
    const known = plain.get(cacheKey);
    if (known !== undefined) return known;
  }
  const [ns, k] = key.split('.') as [string, string];
  const text = from.t(k, { ns, lng, ...vars });
  plain?.set(cacheKey, text);
  return text;
}

/**
 * `t` over other catalogues, configured as the shipped one (fallback to English): for tests of
 * the fallback, and for a deployment that adds a language.
 */
export function createT(catalogues: Partial<Record<Language, unknown>>): typeof t {
  const own = createInstance(catalogues);
  return (lang, key, vars = {}) => lookup(own, lang, key, vars);
}

/** The translator bound to one language. */
export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;
export const translator =
  (lang: Language | undefined): Translate =>
  (key, vars) =>
    t(lang, key, vars);
