export * from './intake.js';
export * from './middleware.js';
export { consentQuestion, intakeTexts } from './texts.js';
export * from './state.js';
