export * from './actor.js';
export * from './permission.js';
export * from './password.js';
