import type { ArgSpec } from './args'
import type { CliContext } from './context'

export interface Command {
  /** one or two words, e.g. `case create`, `verify` */
  name: string
  usage: string
  summary: string
  args: ArgSpec
  /** the exit code: 0 ok, 1 a problem the user must know about, 2 bad usage or bad input */
  run(ctx: CliContext): Promise<number> | number
}

/** Write the result: one JSON document with --json, else the human form. */
export function emit(ctx: CliContext, json: unknown, human: () => string): void {
  ctx.out(ctx.json ? JSON.stringify(json, null, 2) : human())
}
