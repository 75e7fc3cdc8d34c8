export * from './cv-slice.js';
export * from './sniff.js';
