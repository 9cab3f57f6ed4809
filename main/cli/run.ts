import { LastmileError } from '../errors'
import { parseArgs } from './args'
import type { Command } from './command'
import { COMMANDS } from './commands'
import type { CliContext } from './context'

export interface CliIo {
  out(text: string): void
  err(text: string): void
  env: NodeJS.ProcessEnv
  interactive: boolean
}

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length))
  return [
    'lastmile — carry cloud-security findings the last mile (headless command line)',
    '',
    'usage: lastmile <verb> … [--json] [--key-file F] [--as NAME --role ROLE]',
    '',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'The case key comes from --key-file F (its first line) or the LASTMILE_KEY environment variable.',
    'Exit codes: 0 ok; 1 a problem found (verification failed, nothing matched); 2 bad usage or input.',
    'lastmile <verb> --help shows the usage of one verb.'
  ].join('\n')
}

/** Find the command: the longest name (one or two words) that the arguments start with. */
function resolve(argv: readonly string[]): { command: Command; rest: string[] } | null {
  for (const words of [2, 1]) {
    const name = argv.slice(0, words).join(' ')
    const command = COMMANDS.find((c) => c.name === name)
    if (command) return { command, rest: argv.slice(words) }
  }
  return null
}

/** Run the command line; returns the exit code. Never throws: every failure is a one-line message. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
    io.out(help())
    return argv.length === 0 ? 2 : 0
  }
  const found = resolve(argv)
  if (!found) {
    io.err(`lastmile: unknown verb "${argv.slice(0, 2).join(' ')}" (lastmile --help lists them)`)
    return 2
  }
  const { command, rest } = found
  try {
    const args = parseArgs(rest, command.args)
    if (args.switches.has('--help')) {
      io.out(`usage: lastmile ${command.usage}\n\n${command.summary}`)
      return 0
    }
    const ctx: CliContext = { args, env: io.env, json: args.switches.has('--json'), out: io.out, err: io.err, interactive: io.interactive }
    return await command.run(ctx)
  } catch (e) {
    if (e instanceof LastmileError) {
      io.err(`lastmile ${command.name}: ${e.message}`)
      return e.code === 'bad-input' || e.code === 'wrong-key' || e.code === 'not-a-case' || e.code === 'not-found' || e.code === 'exists' || e.code === 'conflict'
        ? 2
        : 1
    }
    // A bug, not bad input: say so plainly, without a stack trace unless asked for.
    io.err(`lastmile ${command.name}: internal error: ${(e as Error)?.message ?? String(e)} (set LASTMILE_DEBUG=1 for details)`)
    if (io.env.LASTMILE_DEBUG) io.err(String((e as Error)?.stack))
    return 1
  }
}
