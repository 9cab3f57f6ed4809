// What the remediation verbs (plan, approve, reject, approvals, route, accept-risk, suppress,
// clear-decision, record-execution, validate, guardrails, board, workflow, four-eyes) share: the
// case opened for the run, the person acting, the clock.
import { resolve } from 'node:path'
import type { Actor } from '../../../shared/model'
import type { OpenCaseDb, ReadOnlyCaseDb, WritableCaseDb } from '../../db/case-db'
import { LastmileError } from '../../errors'
import type { WorkflowContext } from '../../workflow'
import { positional, value } from '../args'
import { actorOf, openCase, type CliContext } from '../context'

export function workflowContext(ctx: CliContext, actor: Actor = actorOf(ctx)): WorkflowContext {
  const roles = ctx.args.values.get('--break-glass-role') ?? []
  const tag = value(ctx.args, '--exception-tag')
  let exceptionTag: { key: string; value: string } | undefined
  if (tag !== undefined) {
    const m = /^([^=]{1,128})=(.{0,256})$/.exec(tag)
    if (!m) throw new LastmileError('bad-input', `--exception-tag ${tag}: give KEY=VALUE`)
    exceptionTag = { key: m[1], value: m[2] }
  }
  for (const r of roles) {
    if (!/^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/[\w+=,.@*/-]+$/.test(r))
      throw new LastmileError('bad-input', `--break-glass-role ${r}: not an IAM role ARN (arn:aws:iam::123456789012:role/BreakGlass, * allowed)`)
  }
  return { actor, now: () => new Date().toISOString(), guardrails: { breakGlassRoles: roles, exceptionTag } }
}

/** Open CASE (the first argument) for the run and close it whatever happens. */
export async function withCase<T>(ctx: CliContext, fn: (c: ReadOnlyCaseDb) => T | Promise<T>, opts: { readOnly: true }): Promise<T>
export async function withCase<T>(ctx: CliContext, fn: (c: WritableCaseDb) => T | Promise<T>): Promise<T>
export async function withCase<T>(
  ctx: CliContext,
  fn: ((c: ReadOnlyCaseDb) => T | Promise<T>) | ((c: WritableCaseDb) => T | Promise<T>),
  opts: { readOnly?: boolean } = {}
): Promise<T> {
  const c = openCase(ctx, resolve(positional(ctx.args, 0, 'CASE')), opts)
  try {
    // the overloads pair them: a read-only case goes only to a function that takes one
    return await (fn as (c: OpenCaseDb) => T | Promise<T>)(c)
  } finally {
    c.close()
  }
}

/** `--reason`, required and not empty. */
export function reasonOf(ctx: CliContext): string {
  const r = value(ctx.args, '--reason')
  if (!r || !r.trim()) throw new LastmileError('bad-input', '--reason TEXT is required: a decision is recorded with its reason')
  return r
}

export function findingsFlag(ctx: CliContext): string[] | undefined {
  const list = (ctx.args.values.get('--finding') ?? [])
    .flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter(Boolean)
  return list.length ? list : undefined
}

export function actorLabel(a: Actor): string {
  return a.kind === 'person' ? `${a.name} (${a.role})` : `${a.name} (engine)`
}
