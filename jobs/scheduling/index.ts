export * from './availability.js';
export * from './invites.js';
export * from './routes.js';
export * from './scheduling-service.js';
export * from './ports.js';
export * from './sqlite-scheduling-store.js';
