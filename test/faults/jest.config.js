// Fault tests: kill or stop servers they start themselves (embedded PostgreSQL, redis-server) and a worker spawned
// from dist/ as a real child process. Run with `npm run test:faults` (builds first); not part of `npm test`.
import { fileURLToPath } from 'node:url';
import base from '../../jest.config.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const unit = base.projects.find((p) => p.displayName === 'unit');

export default {
  rootDir: root,
  projects: [{ ...unit, rootDir: root, displayName: 'faults', testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'] }],
};
