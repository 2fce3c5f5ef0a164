export * from './errors.js';
export * from './glossary.js';
export * from './personal-identity-number.js';
export * from './schedule.js';
