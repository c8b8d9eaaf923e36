// One vitest run for unit (beside the code), integration and browser tests, on the real services of tests/services.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['daemon/**/*.test.ts', 'bus/**/*.test.ts', 'memory/**/*.test.ts', 'tests/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.case.test.ts'],
    globalSetup: ['tests/setup/services.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    pool: 'forks',
    coverage: {
      provider: 'v8',
      include: ['daemon/**/*.ts', 'bus/**/*.ts', 'memory/**/*.ts'],
      exclude: ['**/*.test.ts', 'daemon/main.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      reportsDirectory: 'coverage',
      thresholds: { lines: 80 },
    },
  },
});
