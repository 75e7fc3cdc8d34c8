export { CATALOGUES, createT, LANGUAGES, LANGUAGE_NAMES, isLanguage, languageOfTag, t, translator, type Language, type MessageKey, type Translate } from './catalogue.js';
export { detectLanguage, type Detection } from './detect.js';
export { chooseLanguage, confirmQuestion, decideLanguage, languageMiddleware, languageNamed, DETECT_MESSAGES, type LanguageOptions } from './middleware.js';
export { languageOf, languageSlice, LanguageStateSchema, type LanguageState } from './state.js';
export type { Catalogue, Translation } from './locales/en.js';
