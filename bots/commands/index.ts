export * from './parse.js';
export * from './candidate-commands.js';
export * from './actions.js';
export * from './gates.js';
export * from './intents.js';
export * from './sentiment.js';
export * from './state.js';
export { commandTexts, commandTextsFor, nextStep, stageLabel, type CommandTexts } from './texts.js';
export { languageCommand } from './language.js';
