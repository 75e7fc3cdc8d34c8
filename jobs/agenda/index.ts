export * from './sqlite-backend.js';
export * from './sqlite-job-repository.js';
export * from './redis-backend.js';
export * from './shift.js';
