import { defineConfig } from 'vitest/config';

/**
 * Two projects, so `npm test` can run them side by side on a two-core machine (tools/test.mjs):
 * `journeys` holds the browser, kill and whole-ladder files (minutes of mostly waiting), `units`
 * everything else; the split keeps the two about equally long (CI, 2 December 2026: 808 s of
 * journeys against 454 s of units before the exceptional routes and the fuzz run moved to units). Each runs one file at a time; bare `vitest run` runs
 * both, one after the other.
 */
const JOURNEYS = [
  'tests/e2e/**/*.test.ts',
  'tests/chaos/**/*.test.ts',
  'tests/tab/**/*.test.ts',
  'tests/**/*.integration.test.ts',
  'tests/integration/procedure-journeys.test.ts',
  'tests/integration/ane-journey.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      { extends: true, test: { name: 'journeys', include: JOURNEYS } },
      {
        extends: true,
        test: {
          name: 'units',
          // The emulator package's tests run here too (packages/m365-emulator/tests).
          include: ['tests/**/*.test.ts', 'packages/*/tests/**/*.test.ts'],
          exclude: [...JOURNEYS, '**/node_modules/**'],
        },
      },
    ],
  },
});
