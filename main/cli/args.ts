import { LastmileError } from '../errors'

/** What a command accepts: flags that take a value, and flags that are switches. */
export interface ArgSpec {
  values?: readonly string[]
  switches?: readonly string[]
  /** flags that may be given more than once (values collected in order) */
  repeatable?: readonly string[]
}

export interface ParsedArgs {
  positional: string[]
  values: Map<string, string[]>
  switches: Set<string>
}

const COMMON_VALUES = ['--key-file', '--as', '--role', '--format', '--person-key', '--person-cert', '--person-cert-pass-file'] as const
const COMMON_SWITCHES = ['--json', '--help'] as const

/** Parse `--flag value`, `--flag=value` and switches; anything unknown is bad usage (exit 2). */
export function parseArgs(argv: readonly string[], spec: ArgSpec): ParsedArgs {
  const values = new Set<string>([...COMMON_VALUES, ...(spec.values ?? [])])
  const switches = new Set<string>([...COMMON_SWITCHES, ...(spec.switches ?? [])])
  const repeatable = new Set(spec.repeatable ?? [])
  const out: ParsedArgs = { positional: [], values: new Map(), switches: new Set() }
  let onlyPositional = false
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (onlyPositional || !a.startsWith('--') || a === '-') {
      out.positional.push(a)
      continue
    }
    if (a === '--') {
      onlyPositional = true
      continue
    }
    const eq = a.indexOf('=')
    const flag = eq > 0 ? a.slice(0, eq) : a
    if (switches.has(flag)) {
      if (eq > 0) throw new LastmileError('bad-input', `${flag} takes no value`)
      out.switches.add(flag)
      continue
    }
    if (!values.has(flag)) throw new LastmileError('bad-input', `unknown option ${flag}`)
    let v: string | undefined
    if (eq > 0) v = a.slice(eq + 1)
    else {
      v = argv[++i]
      if (v === undefined) throw new LastmileError('bad-input', `${flag} needs a value`)
    }
    const list = out.values.get(flag) ?? []
    if (list.length && !repeatable.has(flag)) throw new LastmileError('bad-input', `${flag} is given twice`)
    list.push(v)
    out.values.set(flag, list)
  }
  return out
}

export function value(args: ParsedArgs, flag: string): string | undefined {
  return args.values.get(flag)?.[0]
}

export function requireValue(args: ParsedArgs, flag: string): string {
  const v = value(args, flag)
  if (v === undefined) throw new LastmileError('bad-input', `${flag} is required`)
  return v
}

export function positional(args: ParsedArgs, index: number, name: string): string {
  const v = args.positional[index]
  if (v === undefined) throw new LastmileError('bad-input', `${name} is required`)
  return v
}
