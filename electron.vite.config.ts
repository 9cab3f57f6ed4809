import { readdirSync, statSync } from 'node:fs'
import { basename, join, relative, resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { CONTENT_SECURITY_POLICY_META } from './main/platform/shell-policy'
import { cspMetaPlugin, sandboxedPreloadGuard } from './scripts/build-guards'
// @ts-expect-error: a plain .mjs script, no declarations
import { writeControlsIndex } from './scripts/controls-index.mjs'

// the control registry's index of control folders (generated, not committed)
writeControlsIndex()

/** Every `main/**\/*.worker.ts` becomes its own entry, `out/main/<name>.worker.js` (see main/platform/worker.ts). */
function workerEntries(dir: string): Record<string, string> {
  const entries: Record<string, string> = {}
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) Object.assign(entries, workerEntries(p))
    else if (name.endsWith('.worker.ts')) {
      const key = basename(name, '.ts')
      if (entries[key]) throw new Error(`two workers named ${key}: ${relative(__dirname, p)}`)
      entries[key] = p
    }
  }
  return entries
}

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'main/index.ts'),
          cli: resolve(__dirname, 'main/cli.ts'),
          ...workerEntries(resolve(__dirname, 'main'))
        }
      }
    }
  },
  preload: {
    // The preload runs sandboxed (sandbox: true): it can require only 'electron', so its imports
    // (the shared contract, zod) are bundled into the one file, and the guard fails the build if
    // any other require is left.
    plugins: [sandboxedPreloadGuard()],
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(__dirname, 'preload/index.ts') } }
    }
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } }
    },
    // The page's CSP is also a <meta> tag, so the built page is protected wherever it is served
    // (the Playwright tests serve out/renderer over http and run under the same policy).
    plugins: [react(), cspMetaPlugin(CONTENT_SECURITY_POLICY_META)]
  }
})
