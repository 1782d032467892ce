import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The repository root, so the same config works from the root and from e2e/ (npm run test -w e2e).
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    environment: 'node',
    include: ['e2e/journeys/**/*.test.ts'],
    testTimeout: 120_000,
    // Starting the server migrates and seeds a fresh database, which takes a while on a cold machine.
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
