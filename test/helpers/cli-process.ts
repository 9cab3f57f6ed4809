import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { testDataDir } from './data-dir'

const ROOT = join(__dirname, '..', '..')

export interface CliProcessResult {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  ms: number
  timedOut: boolean
}

/**
 * Run the command line as its own process (`node --import tsx main/cli.ts …`), for what an
 * in-process run cannot show: a call that would block the thread forever (killed after
 * `timeoutMs`), or how the process ends when its stdout pipe is closed.
 */
export function cliProcess(
  argv: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number; cwd?: string; onStdout?: (chunk: string, close: () => void) => void } = {}
): Promise<CliProcessResult> {
  const started = Date.now()
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main/cli.ts'), ...argv], {
      cwd: opts.cwd ?? ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LASTMILE_DATA_DIR: testDataDir(), ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    let timedOut = false
    const closeStdout = (): void => {
      child.stdout.destroy()
    }
    child.stdout.setEncoding('utf8')
    child.stdout.on('data', (c: string) => {
      stdout += c
      opts.onStdout?.(c, closeStdout)
    })
    child.stderr.setEncoding('utf8')
    child.stderr.on('data', (c: string) => (stderr += c))
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, opts.timeoutMs ?? 30_000)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut })
    })
  })
}
