export * from './hr-desk.js';
export * from './lookup.js';
export * from './operator.js';
export * from './reports.js';
export * from './roles.js';
export * from './schedule-args.js';
export * from './stats.js';
export { hrTexts } from './texts.js';
