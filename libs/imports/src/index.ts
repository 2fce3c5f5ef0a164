export * from './csv.js';
export * from './xlsx.js';
export * from './import-format.js';
export * from './import-rows.js';
export * from './import-plan.js';
