import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // The emulator package's tests run here too (packages/m365-emulator/tests).
    include: ['tests/**/*.test.ts', 'packages/*/tests/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
