import { defineConfig } from 'vitest/config';

/** Unit tests of the console's pure logic (tree building, grid layout, request helpers); no DOM needed. */
export default defineConfig({
  root: import.meta.dirname,
  test: { environment: 'node', include: ['src/**/*.test.ts'] },
});
