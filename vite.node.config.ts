import { resolve } from 'node:path'
import { defineConfig } from 'vite'

/**
 * The Node programs of the package, compiled to out/node so the installed bins need no
 * TypeScript loader: `paracord-server` and `paracord`. Dependencies stay external (they are
 * the package's own dependencies); only our sources are bundled.
 */
export default defineConfig({
  build: {
    ssr: true,
    target: 'node20',
    outDir: resolve(import.meta.dirname, 'out/node'),
    emptyOutDir: true,
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: {
        'paracord-server': resolve(import.meta.dirname, 'src/server/cli.ts'),
        paracord: resolve(import.meta.dirname, 'src/cli/main.ts'),
        // The local backend's own process (`paracord --server local`, the web host; see
        // src/core/backend-process.ts).
        'embedded-backend': resolve(import.meta.dirname, 'src/server/embedded.ts'),
      },
      output: { format: 'es', entryFileNames: '[name].js' },
    },
  },
})
