import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/** In `vite dev`, resident pages (`/f/:slug`) get their own light entry, as the server does in production. */
const publicFormDevEntry: Plugin = {
  name: 'linli-public-form-entry',
  configureServer(server) {
    server.middlewares.use((req, _res, next) => {
      if (req.url?.startsWith('/f/')) req.url = '/form.html';
      next();
    });
  },
};

export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  plugins: [react(), publicFormDevEntry],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The staff console shares one antd core chunk (~500 kB, ~165 kB gzip) across its pages and caches it;
    // the size budget that matters is the resident pages', which will be a separate entry without antd.
    chunkSizeWarningLimit: 700,
    rolldownOptions: {
      // Second entry: the resident form page (`/f/:slug`), without antd, router or i18next
      // (≤ 100 KB of compressed JavaScript, checked by `npm run size:public-form`).
      input: {
        main: resolve(import.meta.dirname, 'index.html'),
        form: resolve(import.meta.dirname, 'form.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
    },
  },
});
