export * from './actor.js';
export * from './permission.js';
