#!/usr/bin/env node
// The headless command line: the same services as the desktop app (CLI.md).
import { runCli } from './cli/run'

// `npm run cli -- …` runs us from the checkout's root; paths the user typed are relative to where
// they typed them, which npm passes on as INIT_CWD.
if (process.env.npm_lifecycle_event === 'cli' && process.env.INIT_CWD) process.chdir(process.env.INIT_CWD)

// `lastmile alert … | head`: the reader may close the pipe before the output is written. That is
// not an error of the command: nobody reads the rest, so the rest is dropped and the command ends
// as it would have (its work in the case done or undone as usual) — no EPIPE stack trace.
const closed = { stdout: false, stderr: false }
for (const name of ['stdout', 'stderr'] as const) {
  process[name].on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') {
      closed[name] = true
      return
    }
    throw e
  })
}
const write = (name: 'stdout' | 'stderr', text: string): void => {
  if (!closed[name]) process[name].write(text)
}

runCli(process.argv.slice(2), {
  out: (t) => write('stdout', `${t}\n`),
  err: (t) => write('stderr', `${t}\n`),
  env: process.env,
  interactive: process.stderr.isTTY === true,
  columns: process.stderr.columns
}).then(
  (code) => {
    process.exitCode = code
  },
  (e) => {
    write('stderr', `lastmile: internal error: ${(e as Error)?.message ?? String(e)}\n`)
    process.exitCode = 1
  }
)
