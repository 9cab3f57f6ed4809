#!/usr/bin/env node
// The headless command line: the same services as the desktop app (CLI.md).
import { runCli } from './cli/run'

// `npm run cli -- …` runs us from the checkout's root; paths the user typed are relative to where
// they typed them, which npm passes on as INIT_CWD.
if (process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD)

runCli(process.argv.slice(2), {
  out: (t) => process.stdout.write(`${t}\n`),
  err: (t) => process.stderr.write(`${t}\n`),
  env: process.env,
  interactive: process.stderr.isTTY === true,
  columns: process.stderr.columns
}).then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    process.stderr.write(`lastmile: internal error: ${(e as Error)?.message ?? String(e)}\n`)
    process.exitCode = 1
  }
)
