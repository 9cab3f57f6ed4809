import { resolve } from 'node:path'
import { defineConfig } from 'electron-vite'
import react from '@vitejs/plugin-react'
import { CONTENT_SECURITY_POLICY_META } from './main/platform/shell-policy'
import { cspMetaPlugin } from './scripts/build-guards'
export default defineConfig({
  renderer: {
    root: resolve(__dirname, 'renderer'),
    base: './',
    build: { outDir: resolve(__dirname, 'out/renderer'), minify: !process.env.NOMIN, rollupOptions: { input: { index: resolve(__dirname, 'renderer/index.html') } } },
    plugins: [react(), cspMetaPlugin(CONTENT_SECURITY_POLICY_META)]
  }
})
