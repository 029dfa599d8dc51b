import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The Deskmate server listens here by default during development.
const deskmateServer = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  // The app is served from the root of the Deskmate server; built assets live under /assets/.
  base: '/',
  build: {
    outDir: 'dist',
    assetsDir: 'assets',
    emptyOutDir: true,
    sourcemap: false,
    rollupOptions: {
      output: {
        // Libraries change less often than the app: their own file stays cached.
        manualChunks: (id: string) => (id.includes('/node_modules/') ? 'vendor' : undefined),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: deskmateServer },
      '/healthz': { target: deskmateServer },
      '/readyz': { target: deskmateServer },
    },
  },
  preview: {
    proxy: {
      '/api': { target: deskmateServer },
      '/healthz': { target: deskmateServer },
      '/readyz': { target: deskmateServer },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    restoreMocks: true,
    unstubGlobals: true,
  },
});
