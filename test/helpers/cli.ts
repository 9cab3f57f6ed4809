import { runCli } from '../../main/cli/run'
import { testDataDir } from './data-dir'

export interface CliResult {
  code: number
  stdout: string
  stderr: string
  json: () => unknown
}

/** Run the command line in-process, as `lastmile …` would, capturing its output. */
export async function cli(argv: string[], env: Record<string, string> = {}): Promise<CliResult> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, {
    out: (t) => (stdout += `${t}\n`),
    err: (t) => (stderr += `${t}\n`),
    env: { LASTMILE_DATA_DIR: testDataDir(), ...env },
    interactive: false
  })
  return { code, stdout, stderr, json: () => JSON.parse(stdout) }
}
