// Builds the PWA into web/dist, which the daemon serves at /. `vite` (dev) proxies /api to a running daemon.
import UnoCSS from 'unocss/vite';
import { defineConfig } from 'vite';
import solid from 'vite-plugin-solid';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [UnoCSS(), solid()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 1500 },
  server: { proxy: { '/api': { target: 'http://127.0.0.1:7337', ws: true } } },
});
