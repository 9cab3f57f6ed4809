import { caseRefusal } from '../db/case-db'
import { LastmileError } from '../errors'
import { parseArgs } from './args'
import type { Command } from './command'
import { COMMANDS } from './commands'
import { didYouMean, topHelp, verbHelp } from './help'
import type { CliContext } from './context'

export interface CliIo {
  out(text: string): void
  err(text: string): void
  env: NodeJS.ProcessEnv
  interactive: boolean
  /** the terminal's width, when stderr is one */
  columns?: number
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

/**
 * What to say when no verb matches, in one line: the sub-verbs of a group word (`export` →
 * `export pdf`, `export case`), or the verb a typo most likely meant. Only the word typed is
 * quoted, never the arguments after it.
 */
function unknownVerb(argv: readonly string[]): string {
  const word = argv[0]
  const subs = COMMANDS.filter((c) => c.name.startsWith(`${word} `)).map((c) => c.name)
  if (subs.length > 0) {
    const given = argv[1] !== undefined && !argv[1].startsWith('-') ? ` "${word} ${argv[1]}" is not one of them;` : ''
    return `lastmile ${word}:${given} say which: ${subs.join(', ')} (lastmile ${subs[0]} --help shows its options)`
  }
  const guess = didYouMean(word, COMMANDS)
  return `lastmile: unknown verb "${word}"${guess ? `; did you mean ${guess}?` : ''} (lastmile --help lists them)`
}

/** Run the command line; returns the exit code. Never throws: every failure is a one-line message. */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help' || argv[0] === '-h') {
    io.out(topHelp(COMMANDS))
    return argv.length === 0 ? 2 : 0
  }
  const found = resolve(argv)
  if (!found) {
    io.err(unknownVerb(argv))
    return 2
  }
  const { command, rest } = found
  let ctx: CliContext | null = null
  try {
    const args = parseArgs(rest, command.args)
    if (args.switches.has('--help')) {
      io.out(verbHelp(command))
      return 0
    }
    ctx = { args, env: io.env, json: args.switches.has('--json'), out: io.out, err: io.err, interactive: io.interactive, columns: io.columns }
    return await command.run(ctx)
  } catch (caught) {
    // SQLite gave up waiting for another process's write lock, or refused a write to a case opened
    // read-only: say so, naming the case
    const e = caseRefusal(caught, ctx?.casePath) ?? caught
    if (e instanceof LastmileError) {
      io.err(`lastmile ${command.name}: ${e.message}`)
      return e.code === 'bad-input' || e.code === 'wrong-key' || e.code === 'not-a-case' || e.code === 'not-found' || e.code === 'exists' || e.code === 'conflict' ? 2 : 1
    }
    // A bug, not bad input: say so plainly, without a stack trace unless asked for.
    io.err(`lastmile ${command.name}: internal error: ${(e as Error)?.message ?? String(e)} (set LASTMILE_DEBUG=1 for details)`)
    if (io.env.LASTMILE_DEBUG) io.err(String((e as Error)?.stack))
    return 1
  }
}
