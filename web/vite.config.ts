import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

const root = fileURLToPath(new URL('.', import.meta.url));
const server = 'http://localhost:3000';
const proxy = { '/api': server, '/dev': server, '/v/': server, '/embed/': server };

export default defineConfig({
  root,
  // Built assets get .br and .gz copies, which the server sends to browsers that accept them.
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1500,
    // The server reads the manifest to link the public video page's script (src/http/routes/public.ts).
    manifest: true,
    rollupOptions: {
      input: {
        app: fileURLToPath(new URL('index.html', import.meta.url)),
        public: fileURLToPath(new URL('src/public/main.ts', import.meta.url)),
      },
    },
  },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
});
