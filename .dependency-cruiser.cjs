// Process boundaries, checked in CI (`npm run lint`). Folders say which process code runs in
// (STYLE.md, after Signal's *.main/*.preload/*.dom/*.std naming):
//   renderer/  the page: DOM only, talks to main through window.lastmile
//   preload/   the bridge: Electron's contextBridge/ipcRenderer, the shared contract
//   shared/    used by all three: no Node, no Electron, no DOM, no process-specific code
//   main/      Node; only main/index.ts and main/platform/electron-*.ts may touch Electron, so
//              every service also runs headless (CLI, tests)
// Type-only imports count too: a type import of main from the renderer still couples them.
// scripts/boundaries.test.ts proves each rule catches a violation.
'use strict'

const ELECTRON = '(^|/)node_modules/electron/'
const TESTS = '\\.test\\.tsx?$'

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle makes load order matter and modules impossible to test alone. Cycles made only of ' +
        'type imports vanish at compile time and are allowed.',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } }
    },
    {
      name: 'renderer-not-to-main',
      severity: 'error',
      comment: 'The renderer reaches main only through window.lastmile (the shared contract).',
      from: { path: '^renderer/' },
      to: { path: '^(main|preload)/' }
    },
    {
      name: 'renderer-not-to-node-or-electron',
      severity: 'error',
      comment: 'The renderer is sandboxed web content: no Node built-ins, no Electron.',
      from: { path: '^renderer/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'renderer-not-to-electron',
      severity: 'error',
      comment: 'The renderer is sandboxed web content: no Electron.',
      from: { path: '^renderer/' },
      to: { path: ELECTRON }
    },
    {
      name: 'shared-not-to-processes',
      severity: 'error',
      comment: 'shared/ is imported by every process, so it may import none of them.',
      from: { path: '^shared/' },
      to: { path: '^(main|renderer|preload)/' }
    },
    {
      name: 'shared-not-to-node',
      severity: 'error',
      comment: 'shared/ also runs in the renderer and the preload: no Node built-ins.',
      from: { path: '^shared/' },
      to: { dependencyTypes: ['core'] }
    },
    {
      name: 'shared-not-to-electron',
      severity: 'error',
      comment: 'shared/ also runs headless: no Electron.',
      from: { path: '^shared/' },
      to: { path: ELECTRON }
    },
    {
      name: 'preload-not-to-main-or-renderer',
      severity: 'error',
      comment: 'The preload is bundled into a sandbox: only Electron and shared/.',
      from: { path: '^preload/' },
      to: { path: '^(main|renderer)/' }
    },
    {
      name: 'main-services-not-to-electron',
      severity: 'error',
      comment:
        'Only main/index.ts (the glue) and main/platform/electron-*.ts (small adapters) import Electron; ' +
        'everything else must run under plain Node (CLI, tests). Tests mock electron with vi.mock.',
      from: { path: '^main/', pathNot: ['^main/index\\.ts$', '^main/platform/electron-[^/]+\\.ts$', TESTS] },
      to: { path: ELECTRON }
    },
    {
      name: 'main-not-to-ui',
      severity: 'error',
      comment: 'main never loads renderer or preload code (tests may, to check the two sides agree).',
      from: { path: '^main/', pathNot: TESTS },
      to: { path: '^(renderer|preload)/' }
    }
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // See type-only imports too (they are checked by every rule above).
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    moduleSystems: ['es6', 'cjs'],
    enhancedResolveOptions: {
      extensions: ['.ts', '.tsx', '.d.ts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      mainFields: ['module', 'main', 'types', 'typings']
    },
    reporterOptions: {
      text: { highlightFocused: true }
    }
  }
}
