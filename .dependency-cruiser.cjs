// Process boundaries, checked in CI (`npm run lint`). Folders say which process code runs in
// (STYLE.md, after Signal's *.main/*.preload/*.dom/*.std naming):
//   renderer/  the page: DOM only, talks to main through window.lastmile
//   preload/   the bridge: Electron's contextBridge/ipcRenderer, the shared contract
//   shared/    used by all three: no Node, no Electron, no DOM, no process-specific code
//   main/      Node; only main/index.ts and main/platform/electron-*.ts may touch Electron, so
//              every service also runs headless (CLI, tests)
// Type-only imports count too: a type import of main from the renderer still couples them.
//
// Layers inside main/, in the style of VS Code's layering: each layer imports only the layers below
// it, never one above, and the folders of one layer do not import each other where that is said
// below. Bottom to top:
//   base      shared/, main/{errors.ts, platform, db, audit, identity, services}
//   models    main/semantics (the control semantics), main/case (the case read models every stage
//             reads: facts, findings, RCI), main/report (the report's contract)
//   controls  main/controls (the kit), playbooks/<id>/ (a control's code: one plug-in per folder),
//             main/controls/registry*.ts (loads the plug-ins)
//   stages    main/{ingest, evidence, investigate, remediate, guardrails, evaluate}: none imports another
//   workflow  main/workflow
//   export    main/export
//   demo      main/demo (a service both front ends start)
//   front     main/{ipc, cli}: the app's and the command line's front ends, apart
//   entries   main/index.ts (the app), main/cli.ts (the command line)
// Tests are outside the layering (a test may build a real case through the stages above the module it
// tests; nothing imports a test), but not outside the cycle rule.
// scripts/boundaries.test.ts proves each rule catches a violation.
'use strict'

const ELECTRON = '(^|/)node_modules/electron/'
const TESTS = '\\.test\\.tsx?$'

// Packages only main can run: native code, Node streams and files, or cloud credentials.
// (yaml and zod are plain JavaScript and may be used anywhere.)
const MAIN_ONLY_PACKAGES = '(^|/)node_modules/(pdfkit|better-sqlite3[^/]*|node-forge|@signpdf/[^/]+|@aws-sdk/[^/]+|@azure/[^/]+|@duckdb/[^/]+)/'

const STAGES = ['ingest', 'evidence', 'investigate', 'remediate', 'guardrails', 'evaluate']
const CONTROL_REGISTRY = '^main/controls/(registry[^/]*|index\\.generated)\\.ts$'

/** The layers, bottom first: a module may import its own layer and the ones below. */
const LAYERS = [
  { name: 'base', path: '^(shared/|main/(errors\\.ts$|platform/|db/|audit/|identity/|services/))' },
  { name: 'models', path: '^main/(semantics|case|report)/' },
  { name: 'controls', path: ['^main/controls/', '^playbooks/'] },
  { name: 'stages', path: `^main/(${STAGES.join('|')})/` },
  { name: 'workflow', path: '^main/workflow/' },
  { name: 'export', path: '^main/export/' },
  { name: 'demo', path: '^main/demo/' },
  { name: 'front', path: '^main/(ipc|cli)/' },
  { name: 'entries', path: '^main/(index|cli)\\.ts$' }
]
const paths = (layers) => layers.flatMap((l) => l.path)

// One rule a layer (the controls layer has two, below: its kit and its plug-ins differ).
const layerRules = LAYERS.slice(0, -1)
  .map((layer, i) => ({
    name: `layer-${layer.name}-not-up`,
    severity: 'error',
    comment: `${layer.name} imports only ${LAYERS.slice(0, i + 1)
      .map((l) => l.name)
      .join(', ')}: not ${LAYERS.slice(i + 1)
      .map((l) => l.name)
      .join(', ')}.`,
    from: { path: layer.path, pathNot: TESTS },
    to: { path: paths(LAYERS.slice(i + 1)) }
  }))
  .filter((rule) => rule.name !== 'layer-controls-not-up')
const ABOVE_CONTROLS = paths(LAYERS.slice(LAYERS.findIndex((l) => l.name === 'controls') + 1))

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes load order matter and modules impossible to test alone. Cycles made only of ' + 'type imports vanish at compile time and are allowed.',
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
    },
    {
      name: 'shared-and-renderer-not-to-main-packages',
      severity: 'error',
      comment:
        'shared/ and the renderer run in the page too: no package that needs Node, native code or cloud ' +
        'credentials (SQLite, PDF, signing, cloud SDKs, DuckDB). main does that work and sends plain data.',
      from: { path: '^(shared|renderer)/' },
      to: { path: MAIN_ONLY_PACKAGES }
    },
    {
      name: 'main-in-a-layer',
      severity: 'error',
      comment: 'Every folder of main/ belongs to a layer (the list at the top of this file); a new one is added there.',
      from: { path: '^main/', pathNot: [...paths(LAYERS), TESTS] },
      to: {}
    },
    ...layerRules,
    {
      name: 'stage-not-to-other-stage',
      severity: 'error',
      comment:
        'A stage does not import another stage: what two stages share moves down (main/semantics, ' + 'main/case) and what composes them moves up (main/workflow, main/demo).',
      from: { path: `^main/(${STAGES.join('|')})/`, pathNot: TESTS },
      to: { path: `^main/(${STAGES.join('|')})/`, pathNot: '^main/$1/' }
    },
    {
      name: 'control-not-up',
      severity: 'error',
      comment: "A control's code (playbooks/<id>/) imports the base, the models and the kit: never a stage or anything above.",
      from: { path: '^playbooks/', pathNot: TESTS },
      to: { path: ABOVE_CONTROLS }
    },
    {
      name: 'controls-kit-not-up',
      severity: 'error',
      comment: 'The controls kit (main/controls) imports the base and the models: never a stage or anything above.',
      from: { path: '^main/controls/', pathNot: TESTS },
      to: { path: ABOVE_CONTROLS }
    },
    {
      name: 'control-not-to-other-control',
      severity: 'error',
      comment: "A control's code imports its own folder and the kit, never another control: what two controls share goes into main/semantics or main/controls.",
      from: { path: '^playbooks/([^/]+)/', pathNot: TESTS },
      to: { path: '^playbooks/', pathNot: '^playbooks/$1/' }
    },
    {
      name: 'control-not-to-registry',
      severity: 'error',
      comment: 'The registry loads the controls; a control that imported it would load every other control.',
      from: { path: '^playbooks/', pathNot: TESTS },
      to: { path: CONTROL_REGISTRY }
    },
    {
      name: 'controls-kit-not-to-controls',
      severity: 'error',
      comment: 'The kit (types, defineControl, helpers) knows no control; only the registry loads them.',
      from: { path: '^main/controls/', pathNot: [CONTROL_REGISTRY, TESTS] },
      to: { path: '^playbooks/' }
    },
    {
      name: 'front-ends-apart',
      severity: 'error',
      comment: 'The app (ipc) and the command line (cli) are two front ends on the same services: neither imports the other.',
      from: { path: '^main/(ipc|cli)/', pathNot: TESTS },
      to: { path: '^main/(ipc|cli)/', pathNot: '^main/$1/' }
    },
    {
      name: 'app-not-to-cli',
      severity: 'error',
      comment: 'The app (main/index.ts) does not load the command line; what both need lives below them.',
      from: { path: '^main/index\\.ts$' },
      to: { path: '^main/(cli/|cli\\.ts$)' }
    },
    {
      name: 'cli-not-to-app',
      severity: 'error',
      comment: 'The command line (main/cli.ts) does not load the app.',
      from: { path: '^main/cli\\.ts$' },
      to: { path: '^main/(ipc/|index\\.ts$)' }
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
