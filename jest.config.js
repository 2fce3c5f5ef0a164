// Jest runs in ESM mode (NestJS 12 is ESM-only): NODE_OPTIONS=--experimental-vm-modules.
// Three tiers: unit specs beside the code, integration and e2e under test/.
import { readFileSync } from 'node:fs';

const swc = JSON.parse(readFileSync(new URL('./.swcrc', import.meta.url), 'utf8'));
delete swc.$schema;

const libs = ['domain', 'config', 'instruments', 'statistics', 'persistence', 'jobs', 'access', 'audit', 'logging', 'imports', 'aggregation', 'reports'];
const moduleNameMapper = {
  ...Object.fromEntries(libs.map((l) => [`^#${l}$`, `<rootDir>/libs/${l}/src/index.ts`])),
  '^#migrations$': '<rootDir>/migrations/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const base = {
  rootDir: '.',
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest', swc] },
  moduleNameMapper,
  testEnvironment: 'node',
};

export default {
  // One database for the integration and e2e tiers; started once, before any project runs.
  globalSetup: '<rootDir>/test/utils/global-setup.ts',
  globalTeardown: '<rootDir>/test/utils/global-teardown.ts',
  // Database and browser tests on a loaded 2-core machine can exceed jest's 5 s default.
  testTimeout: 30_000,
  projects: [
    { ...base, displayName: 'unit', testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'] },
    {
      ...base,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/integration/**/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
    },
    // Browser journeys (playwright-core driving Debian's /usr/bin/chromium): only in `npm run test:ui`,
    // which sets MATPUNKT_UI_TESTS, so `npm test` needs no browser.
    // Property-based abuse tests over HTTP (fast-check, thousands of cases): only in `npm run test:abuse`.
    ...(process.env.MATPUNKT_ABUSE_TESTS
      ? [{ ...base, displayName: 'abuse', testMatch: ['<rootDir>/test/abuse/**/*.abuse-spec.ts'] }]
      : []),
    ...(process.env.MATPUNKT_UI_TESTS
      ? [
          {
            ...base,
            displayName: 'ui',
            // Everything that needs Debian's Chromium (and poppler for PDF checks): UI journeys and report PDFs.
            testMatch: ['<rootDir>/test/ui/**/*.ui-spec.ts', '<rootDir>/test/browser/**/*.browser-spec.ts'],
          },
        ]
      : []),
  ],
};
