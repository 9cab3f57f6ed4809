// ESLint: @eslint/js and typescript-eslint recommended, without type-aware rules (keeps `npm run
// lint` fast; tsc does the type checking). The process boundaries are enforced by
// dependency-cruiser (.dependency-cruiser.cjs); the cheapest of them are mirrored here so an
// editor flags them while typing.
import { builtinModules } from 'node:module'
import js from '@eslint/js'
import { defineConfig } from 'eslint/config'
import tseslint from 'typescript-eslint'

// bare names here; `node:*` is a pattern below
const NODE_BUILTINS = builtinModules.filter((m) => !m.startsWith('_') && !m.startsWith('node:'))

const NODE_GLOBALS = {
  process: 'readonly',
  console: 'readonly',
  Buffer: 'readonly',
  URL: 'readonly',
  setTimeout: 'readonly',
  clearTimeout: 'readonly',
  setInterval: 'readonly',
  clearInterval: 'readonly',
  setImmediate: 'readonly',
  structuredClone: 'readonly',
  fetch: 'readonly',
  AbortController: 'readonly',
  TextEncoder: 'readonly',
  TextDecoder: 'readonly'
}
const COMMONJS_GLOBALS = { require: 'readonly', module: 'writable', exports: 'writable', __dirname: 'readonly', __filename: 'readonly' }

const noElectron = { name: 'electron', message: 'Only main/index.ts and main/platform/electron-*.ts import Electron.' }
const noNode = (where) => ({
  paths: NODE_BUILTINS.map((name) => ({ name, message: `${where} runs without Node: no Node built-ins.` })),
  patterns: [{ group: ['node:*'], message: `${where} runs without Node: no Node built-ins.` }]
})
const mainPattern = { group: ['**/main', '**/main/**'], message: 'Reach main only through the shared contract.' }

export default defineConfig(
  {
    ignores: ['out/', 'node_modules/', 'test-results/', 'artifacts/', 'dist/', 'playwright-report/', 'coverage/', '.bench/']
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    rules: {
      // Dead-store detection flags ordinary TS: a `let x: T[] = []` that every branch reassigns,
      // or a buffer reset at the end of a loop body. tsc already reports unused variables.
      'no-useless-assignment': 'off',
      // `_name` marks a parameter kept for its position (handlers, listeners).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true }]
    }
  },
  {
    files: ['**/*.{js,mjs,cjs}', '*.config.ts', 'scripts/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { globals: NODE_GLOBALS }
  },
  {
    // Tests read fixtures of foreign formats (scanner exports, CloudTrail JSON) and feed malformed
    // input on purpose; `any` there is honest. App code stays without it.
    files: ['**/*.test.ts', '**/*.test.tsx', 'e2e/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' }
  },
  {
    // Playwright fixtures must destructure their first parameter, even when they use none of it.
    files: ['e2e/**/*.ts'],
    rules: { 'no-empty-pattern': ['error', { allowObjectPatternsAsParameters: true }] }
  },
  {
    files: ['**/*.cjs'],
    languageOptions: { sourceType: 'commonjs', globals: { ...NODE_GLOBALS, ...COMMONJS_GLOBALS } },
    rules: { '@typescript-eslint/no-require-imports': 'off' }
  },
  // ---- process boundaries (mirrors of .dependency-cruiser.cjs) ----
  {
    files: ['renderer/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', { paths: [noElectron, ...noNode('The renderer').paths], patterns: [mainPattern, ...noNode('The renderer').patterns] }]
    }
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [noElectron, ...noNode('shared/').paths],
          patterns: [{ group: ['**/main', '**/main/**', '**/renderer/**', '**/preload/**'], message: 'shared/ imports no process code.' }, ...noNode('shared/').patterns]
        }
      ]
    }
  },
  {
    files: ['preload/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [mainPattern, { group: ['**/renderer/**'], message: 'The preload imports only Electron and shared/.' }] }]
    }
  },
  {
    files: ['main/**/*.ts'],
    ignores: ['main/index.ts', 'main/platform/electron-*.ts', '**/*.test.ts'],
    rules: { 'no-restricted-imports': ['error', { paths: [noElectron] }] }
  },
  // A writable case handle is made only where a case is opened for writing (main/db/case-db.ts); a
  // cast anywhere else would hand a writer the handle of a case that may be under review.
  {
    files: ['main/**/*.ts', 'playbooks/**/*.ts'],
    ignores: ['main/db/case-db.ts', '**/*.test.ts'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: ':matches(TSAsExpression, TSTypeAssertion, TSSatisfiesExpression) > TSTypeReference[typeName.name=/^Writable(Case)?Db$/]',
          message: 'Only openCaseDb and createCaseDb make a writable case: take one as a parameter instead of casting to it.'
        }
      ]
    }
  },
  // An IPC handler opens no case of its own: the session opens cases, and a handler reaches the
  // open one through CaseAccess, which gives the writable case only to calls that mutate.
  {
    files: ['main/ipc/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [
            noElectron,
            {
              name: '../db/case-db',
              importNames: ['openCaseDb', 'createCaseDb', 'migrate', 'rekeyCaseDb'],
              message: 'A handler opens no case itself: it reaches the open case through CaseAccess (main/ipc/handlers.ts).'
            }
          ]
        }
      ]
    }
  }
)
