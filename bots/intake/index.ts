export * from './intake.js';
export * from './middleware.js';
export { texts as intakeTexts } from './texts.js';
export * from './state.js';
