// The package's tests on their own (`npm test --workspace @concord/m365-emulator`); the repository's
// root `npm test` runs them too.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
