// `ingest`, `findings`, `initiatives` (CLI.md) and their companions: stage 1 on the command line.
import { resolve } from 'node:path'
import { combineShares, shareSentence } from '../../../shared/catalogue-share'
import { FORMAT_NAMES, type FormatName, type ImportSummary } from '../../../shared/ingest'
import { sharedIdsSentence } from '../../../shared/shared-ids'
import type { FindingStatus } from '../../../shared/model'
import { LastmileError } from '../../errors'
import { alertRecord, getFinding, listFindings } from '../../case/findings'
import { findingsCsv } from '../../ingest/findings'
import { listInitiatives, mergeInitiatives, splitInitiative } from '../../ingest/initiatives'
import { ingestInWorker, toModelProgress } from '../../ingest/service'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { actorOf, openCase, readKey } from '../context'
import { progressReporter } from '../progress'
import { table } from '../table'
import { placeOf } from '../../workflow/board'
import { decideFinding } from '../../workflow/decisions'
import { findingsWhere } from '../../workflow/store'

function formatOf(ctx: Parameters<Command['run']>[0]): FormatName | undefined {
  const f = value(ctx.args, '--format')
  if (f === undefined) return undefined
  if (!(FORMAT_NAMES as readonly string[]).includes(f)) {
    throw new LastmileError('bad-input', `--format ${f}: not a format Lastmile reads; one of ${FORMAT_NAMES.join(', ')}`)
  }
  return f as FormatName
}

/** A count with thousands separators. */
const n = (v: number): string => v.toLocaleString('en-US')

/** What an import did to the findings, in words: `+30,000 new, 12 resolved, 3 reopened`. */
function findingsChange(f: { new: number; resolved: number; reopened: number }): string {
  const parts = [`+${n(f.new)} new`]
  if (f.resolved) parts.push(`${n(f.resolved)} resolved`)
  if (f.reopened) parts.push(`${n(f.reopened)} reopened`)
  return parts.join(', ')
}

const ingest: Command = {
  name: 'ingest',
  usage: 'ingest CASE FILE… [--format NAME] [--partial] [--cluster NAME] [--key-file F] [--as NAME --role ROLE] [--json]',
  summary:
    'import tool exports (format found from the content; --format forces one); each file is one import, in one transaction, and the last line says which share of the failing alerts landed on catalogued controls (the rest: per-tool controls, named). --partial: the exports are filtered, close nothing they omit. --cluster NAME: the Kubernetes cluster of Trivy Operator reports, which do not name it (as trivy k8s names it: its ClusterName)',
  args: { switches: ['--partial'], values: ['--cluster'] },
  async run(ctx) {
    const casePath = resolve(positional(ctx.args, 0, 'CASE (the case to import into)'))
    const files = ctx.args.positional.slice(1)
    if (files.length === 0) throw new LastmileError('bad-input', 'FILE is required: give one or more export files')
    const format = formatOf(ctx)
    const partial = ctx.args.switches.has('--partial')
    const cluster = value(ctx.args, '--cluster')
    if (cluster !== undefined && !cluster.trim()) throw new LastmileError('bad-input', "--cluster: give the cluster's name (as trivy k8s prints it in ClusterName)")
    const bar = progressReporter(ctx)
    const run = ingestInWorker({ casePath, key: readKey(ctx), files: files.map((f) => resolve(f)), actor: actorOf(ctx), format, partial, cluster: cluster?.trim() }, (p) =>
      bar.update(toModelProgress(p))
    )
    let result
    try {
      result = await run.done
    } finally {
      bar.done()
    }
    // messages name the file as the user typed it
    result.imports.forEach((r, i) => {
      const typed = files[i]
      r.file = typed
      if ('error' in r) r.error.message = r.error.message.split(resolve(typed)).join(typed)
    })
    let failed = false
    for (const r of result.imports) {
      if ('error' in r) {
        failed = true
        // the service's words fit every front end; here, choosing a format is a flag
        ctx.err(`lastmile ingest: ${r.error.message.replace(/choose its format$/, 'choose its format with --format NAME')}`)
      } else if (r.duplicateOf) {
        ctx.err(`lastmile ingest: ${r.file}: already imported (import ${r.duplicateOf}); nothing changed`)
      } else {
        const shared = sharedIdsSentence(r.sharedIds)
        if (shared) ctx.err(`lastmile ingest: ${r.file}: ${shared}`)
        if (r.format === 'trivy-operator-json' && !cluster) {
          ctx.err(
            `lastmile ingest: ${r.file}: Trivy Operator's reports do not name their cluster, and --cluster gave none: their Kubernetes objects are named without one (k8s:/<namespace>/<Kind>/<name>) and meet no trivy k8s finding of the cluster. Give --cluster NAME (trivy k8s's ClusterName) when importing them`
          )
        }
        // a clean scan closes what it no longer reports only where it says it looked
        if (r.records === 0 && !r.scope.accounts.length && !r.scope.artifacts.length && !partial) {
          ctx.err(
            `lastmile ingest: ${r.file}: no findings, and nothing in the file names the account it scanned: nothing was closed (a Prowler export keeps the name Prowler gives it, prowler-output-<account>-<time>.ocsf.json, which names it)`
          )
        }
      }
    }
    // where the failing alerts of every file imported landed: catalogued controls, or per-tool ones
    const share = shareSentence(combineShares(result.imports.filter((r): r is ImportSummary => !('error' in r)).map((r) => r.catalogue)))
    emit(ctx, result, () =>
      [
        table(
          ['FILE', 'FORMAT', 'ALERTS READ', 'NEW ALERTS', 'UPDATED', 'CLOSED', 'REOPENED', 'FINDINGS'],
          result.imports.map((r) =>
            'error' in r
              ? [r.file, 'error', '', '', '', '', '', '']
              : [r.file, r.format, n(r.alerts), n(r.new), n(r.updated), n(r.closed), n(r.reopened), findingsChange(r.findings)]
          ),
          70
        ),
        `${n(result.findings)} finding${result.findings === 1 ? '' : 's'} in ${n(result.initiatives)} initiative${result.initiatives === 1 ? '' : 's'}`,
        ...(share ? [share] : [])
      ].join('\n')
    )
    // The result is out as soon as every file is committed; the command ends once the worker has
    // also checkpointed the log into the case file, so that the file alone is complete (a copy of
    // it, made next, holds the import).
    try {
      await run.finished
    } catch (e) {
      ctx.err(
        `lastmile ingest: the files are imported, but writing them from the case's log into the case file failed (${e instanceof Error ? e.message : String(e)}): the log beside it holds them, and the next command that opens the case to change it writes them in`
      )
    }
    return failed ? 2 : 0
  }
}

const findings: Command = {
  name: 'findings',
  usage: 'findings CASE [--status open|resolved|suppressed] [--initiative I-N] [--control C] [--csv] [--key-file F] [--json]',
  summary: 'every deduplicated finding (control, resource, the alerts of every tool that report it); --csv for a spreadsheet (formulas neutralised)',
  args: { values: ['--status', '--initiative', '--control'], switches: ['--csv'] },
  run(ctx) {
    const status = value(ctx.args, '--status')
    if (status !== undefined && !['open', 'resolved', 'suppressed'].includes(status)) {
      throw new LastmileError('bad-input', `--status ${status}: open, resolved or suppressed`)
    }
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      if (ctx.args.switches.has('--csv')) {
        ctx.out(findingsCsv(c.db).replace(/\r\n$/, ''))
        return 0
      }
      const list = listFindings(c.db, { status: status as FindingStatus | undefined, initiative: value(ctx.args, '--initiative'), control: value(ctx.args, '--control') })
      // where each stands in the workflow, beside the scanner's status: validated by evidence is
      // closed even while the scanner (until its next scan) still reports it open
      const place = new Map(findingsWhere(c.db, '1 = 1').map((f) => [f.ref, placeOf(f)]))
      emit(ctx, list, () =>
        list.length
          ? table(
              ['ID', 'SEVERITY', 'STATUS', 'STAGE', 'CONTROL', 'RESOURCE', 'TOOLS'],
              list.map((f) => [
                f.id,
                f.severity,
                f.regression && f.status === 'open' ? 'open (regression)' : f.status,
                place.get(f.id) === 'validated' ? 'closed (validated)' : (place.get(f.id) ?? ''),
                f.control,
                f.resource.region ? `${f.resource.id} (${f.resource.region})` : f.resource.id,
                [...new Set(f.alerts.map((a) => a.tool))].join(' ')
              ]),
              90
            )
          : 'no findings'
      )
      return 0
    } finally {
      c.close()
    }
  }
}

const findingsDecide: Command = {
  name: 'findings decide',
  usage: 'findings decide CASE F-ID --decision suppressed|risk-accepted|clear --reason TEXT [--expires DATE] [--as NAME --role ROLE] [--key-file F] [--json]',
  summary:
    "record an approver's decision on a finding (suppress it, accept its risk until a date, or clear the decision; the approver or admin role), replacing the one it has; later imports never change it",
  args: { values: ['--decision', '--reason', '--expires'] },
  run(ctx) {
    const decision = value(ctx.args, '--decision')
    if (decision !== 'suppressed' && decision !== 'risk-accepted' && decision !== 'clear') {
      throw new LastmileError('bad-input', '--decision suppressed|risk-accepted|clear is required')
    }
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'))
    try {
      const done = decideFinding(c, positional(ctx.args, 1, 'F-ID (the finding)'), decision === 'clear' ? null : decision, {
        actor: actorOf(ctx),
        now: () => new Date().toISOString(),
        reason: value(ctx.args, '--reason') ?? '',
        expires: value(ctx.args, '--expires') ?? null
      })
      const f = getFinding(c.db, done.ref)
      emit(
        ctx,
        f,
        () => `${f.id}: ${f.decision ? `${f.decision.decision} by ${f.decision.by.kind === 'person' ? f.decision.by.name : 'engine'}: ${f.decision.reason}` : 'decision cleared'}`
      )
      return 0
    } finally {
      c.close()
    }
  }
}

const initiatives: Command = {
  name: 'initiatives',
  usage: 'initiatives CASE [--key-file F] [--json]',
  summary: 'every initiative: findings grouped by root cause (control), with resources, alerts, tools, accounts and the severity mix',
  args: {},
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      const list = listInitiatives(c.db)
      emit(ctx, list, () =>
        list.length
          ? table(
              ['ID', 'FINDINGS', 'RESOURCES', 'ALERTS', 'TOOLS', 'ACCOUNTS', 'CRIT/HIGH/MED/LOW', 'TITLE'],
              list.map((i) => [
                i.id,
                `${i.findings}${i.resolved ? ` (+${i.resolved} resolved)` : ''}`,
                i.resources,
                i.alerts,
                i.tools.join(' '),
                i.accounts,
                `${i.severity.critical}/${i.severity.high}/${i.severity.medium}/${i.severity.low}`,
                i.title
              ]),
              70
            )
          : 'no initiatives: nothing imported yet'
      )
      return 0
    } finally {
      c.close()
    }
  }
}

const initiativesSplit: Command = {
  name: 'initiatives split',
  usage: 'initiatives split CASE I-ID --by account|environment [--as NAME --role ROLE] [--key-file F] [--json]',
  summary: 'split an initiative into one per account (or environment); findings arriving later follow the split',
  args: { values: ['--by'] },
  run(ctx) {
    const by = value(ctx.args, '--by')
    if (by !== 'account' && by !== 'environment') throw new LastmileError('bad-input', '--by account|environment is required')
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'))
    try {
      const made = splitInitiative(c, positional(ctx.args, 1, 'I-ID (the initiative)'), by, actorOf(ctx), () => new Date().toISOString())
      emit(ctx, made, () => made.map((i) => `${i.id}: ${i.title} (${i.findings} findings)`).join('\n'))
      return 0
    } finally {
      c.close()
    }
  }
}

const initiativesMerge: Command = {
  name: 'initiatives merge',
  usage: 'initiatives merge CASE INTO-ID FROM-ID [--as NAME --role ROLE] [--key-file F] [--json]',
  summary: 'merge the second initiative into the first; findings arriving later follow the merge',
  args: {},
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'))
    try {
      const v = mergeInitiatives(c, positional(ctx.args, 1, 'INTO-ID'), positional(ctx.args, 2, 'FROM-ID'), actorOf(ctx), () => new Date().toISOString())
      emit(ctx, v, () => `${v.id}: ${v.title}: ${v.findings} findings over ${v.controls.length} control(s)`)
      return 0
    } finally {
      c.close()
    }
  }
}

const alertShow: Command = {
  name: 'alert',
  usage: 'alert CASE A-ID [--key-file F] [--json]',
  summary: "an alert's original record, byte for byte as the tool wrote it",
  args: {},
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      const r = alertRecord(c.db, positional(ctx.args, 1, 'A-ID (the alert)'))
      emit(ctx, r, () => r.raw)
      return 0
    } finally {
      c.close()
    }
  }
}

export const INGEST_COMMANDS: Command[] = [ingest, findings, findingsDecide, initiatives, initiativesSplit, initiativesMerge, alertShow]
