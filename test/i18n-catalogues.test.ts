import { describe, expect, it } from '@jest/globals';
import { CATALOGUES, createT, LANGUAGES, t } from '../bots/i18n/index.js';

// Every candidate-facing bot text lives in bots/i18n/locales; English is the source.

/** `namespace.key` -> text, for every leaf of a catalogue. */
function leaves(catalogue: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(catalogue as Record<string, unknown>)) {
    if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, `${prefix}${k}.`)) out.set(kk, vv);
    else out.set(`${prefix}${k}`, v);
  }
  return out;
}

const placeholders = (text: unknown) => [...String(text).matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
const english = leaves(CATALOGUES.en);

describe('message catalogues', () => {
  it('ship English, Spanish, Portuguese, French and German', () => {
    expect([...LANGUAGES].sort()).toEqual(['de', 'en', 'es', 'fr', 'pt']);
    expect(english.size).toBeGreaterThan(90);
  });

  it.each(LANGUAGES.filter((l) => l !== 'en'))('%s has every English key, as non-empty text with the same placeholders, and no key English lacks', (lang) => {
    const translated = leaves(CATALOGUES[lang]);
    const missing = [...english.keys()].filter((k) => typeof translated.get(k) !== 'string' || !String(translated.get(k)).trim());
    expect(missing).toEqual([]);
    expect([...translated.keys()].filter((k) => !english.has(k))).toEqual([]);
    const mismatched = [...english].filter(([k, v]) => placeholders(v).join() !== placeholders(translated.get(k)).join()).map(([k]) => k);
    expect(mismatched).toEqual([]);
  });

  it('falls back to English for a key a catalogue lacks, and fills placeholders as written (no HTML escaping)', () => {
    const partial = createT({ en: CATALOGUES.en, es: { intake: { askName: '¿Cómo te llamas?' } } });
    expect(partial('es', 'intake.askName')).toBe('¿Cómo te llamas?');
    expect(partial('es', 'intake.consentNo')).toBe('No');
    expect(partial('es', 'intake.roleUnclear')).toBe("Sorry, I don't know that role. Please choose one of these:");
    expect(t('fr', 'intake.askRole', { name: 'Zoé <b>&' })).toBe('Enchanté, Zoé <b>& ! Pour quel poste postulez-vous ?');
  });

  it('a text asked for again (kept after its first look-up) is still the text of that language and of that set of catalogues', () => {
    const other = createT({ en: { ...(CATALOGUES.en as object), intake: { askName: 'Name, please?' } } });
    for (let round = 0; round < 2; round++) {
      expect(t('es', 'intake.askName')).toBe(leaves(CATALOGUES.es).get('intake.askName'));
      expect(t('en', 'intake.askName')).toBe(english.get('intake.askName'));
      expect(t(undefined, 'intake.askName')).toBe(english.get('intake.askName'));
      expect(other('en', 'intake.askName')).toBe('Name, please?');
      // With placeholders, filled each time from this call's values.
      expect(t('en', 'intake.askRole', { name: `Ana ${round}` })).toContain(`Ana ${round}`);
    }
  });
});
