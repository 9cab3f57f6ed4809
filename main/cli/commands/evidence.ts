// `evidence add`, `evidence collect`, `evidence list`, `evidence profiles`, `evidence facts`,
// `evidence coverage` and `timeline` (CLI.md): the evidence service on the command line.
import { resolve } from 'node:path'
import { collectEvidence } from '../../evidence/collect'
import { type CloudTrailSourceChoice, parseCloudTrailSource } from '../../evidence/collect-cloudtrail-query'
import { addEvidenceBundle, addResultView } from '../../evidence/service'
import { getCoverage } from '../../case/coverage-query'
import { getFacts } from '../../case/facts'
import { listBundles, listEvidence } from '../../case/evidence'
import { timelineOf } from '../../case/timeline'
import { listAwsProfiles, listAzureProfiles } from '../../evidence/profiles'
import { COVERAGE_SOURCES, type CoverageSource } from '../../evidence/types'
import { LastmileError } from '../../errors'
import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { osUser } from '../../platform/os-user'
import { actorOf, appVersion, type CliContext, openCase } from '../context'
import { table } from '../table'

function note(ctx: Parameters<Command['run']>[0], message: string): void {
  if (ctx.interactive || !ctx.json) ctx.err(message)
}

const evidenceAdd: Command = {
  name: 'evidence add',
  usage: 'evidence add CASE BUNDLE [--key-file F] [--as NAME --role ROLE] [--json]',
  summary: 'attach an offline evidence bundle: verify every SHA-256, copy the files into the case, compute coverage, facts and the timeline',
  args: {},
  async run(ctx) {
    const path = positional(ctx.args, 0, 'CASE (the case to add evidence to)')
    const bundle = resolve(positional(ctx.args, 1, 'BUNDLE (an evidence bundle folder with a manifest.json)'))
    const actor = actorOf(ctx)
    const c = openCase(ctx, path)
    try {
      const r = await addEvidenceBundle(c, bundle, { actor, onProgress: (m) => (ctx.interactive ? ctx.err(`\r\x1b[2K${m}`) : undefined) })
      if (ctx.interactive) ctx.err('\r\x1b[2K')
      for (const n of r.notes) note(ctx, `note: ${n}`)
      for (const u of r.unreadable) note(ctx, `gap: ${u.path}${u.place ? `: ${u.place}` : ''}: ${u.problem}`)
      const { bundleId, ...view } = addResultView(r)
      emit(ctx, { bundle: bundleId, ...view }, () =>
        [
          `added evidence bundle ${r.bundleId}: ${r.files} files, ${r.bytes.toLocaleString()} bytes (${r.storedBytes.toLocaleString()} kept in the case, the rest as SHA-256 + facts)`,
          `${r.coverage} coverage records, ${r.facts} facts, ${r.events} timeline events${r.unreadable.length ? `; ${r.unreadable.length} file(s) unreadable in part or whole, recorded as coverage gaps` : ''}`
        ].join('\n')
      )
      return 0
    } finally {
      c.close()
    }
  }
}

/** The flags choosing where CloudTrail comes from (evidence collect, investigate --profile). */
export const CLOUDTRAIL_SOURCE_FLAGS = ['--cloudtrail-source', '--athena-workgroup', '--athena-output'] as const

export function cloudTrailSourceOf(ctx: CliContext, provider: string): CloudTrailSourceChoice {
  const ctFlag = value(ctx.args, '--cloudtrail-source')
  const athena = { workgroup: value(ctx.args, '--athena-workgroup'), outputLocation: value(ctx.args, '--athena-output') }
  if (provider !== 'aws' && (ctFlag !== undefined || athena.workgroup !== undefined || athena.outputLocation !== undefined))
    throw new LastmileError('bad-input', '--cloudtrail-source, --athena-workgroup and --athena-output are for --provider aws')
  return parseCloudTrailSource(ctFlag, athena)
}

const evidenceCollect: Command = {
  name: 'evidence collect',
  usage:
    'evidence collect --out BUNDLE [--profile P] [--provider aws|azure] [--days 90] [--region R]… [--cloudtrail-source files|lake[:ARN]|athena:DB.TABLE [--athena-workgroup W] [--athena-output S3URI]] [--subscription S]… [--arm-url URL] [--terraform-state FILE]… [--max-log-mb 1024] [--json]',
  summary: 'gather an evidence bundle with read-only calls through a local credential profile (AWS shared config, Azure CLI)',
  args: {
    values: ['--out', '--profile', '--provider', '--days', '--region', '--subscription', '--arm-url', '--terraform-state', '--max-log-mb', ...CLOUDTRAIL_SOURCE_FLAGS],
    repeatable: ['--region', '--subscription', '--terraform-state']
  },
  async run(ctx) {
    const out = value(ctx.args, '--out')
    if (!out) throw new LastmileError('bad-input', '--out BUNDLE is required (a new or empty folder)')
    const provider = value(ctx.args, '--provider') ?? 'aws'
    if (provider !== 'aws' && provider !== 'azure') throw new LastmileError('bad-input', `--provider ${provider}: aws or azure`)
    const daysText = value(ctx.args, '--days') ?? '90'
    if (!/^\d+$/.test(daysText)) throw new LastmileError('bad-input', `--days ${daysText}: a whole number of days`)
    const cloudTrailSource = cloudTrailSourceOf(ctx, provider)
    const maxLogText = value(ctx.args, '--max-log-mb')
    if (maxLogText !== undefined && (!/^\d+$/.test(maxLogText) || Number(maxLogText) < 1))
      throw new LastmileError(
        'bad-input',
        `--max-log-mb ${maxLogText}: a whole number of megabytes (at least 1), the usage logs copied at most per load balancer, distribution or domain`
      )
    if (maxLogText !== undefined && provider !== 'aws') throw new LastmileError('bad-input', '--max-log-mb is for --provider aws')
    const r = await collectEvidence({
      out: resolve(out),
      provider,
      profile: value(ctx.args, '--profile'),
      days: Number(daysText),
      regions: ctx.args.values.get('--region'),
      subscriptions: ctx.args.values.get('--subscription'),
      armBaseUrl: value(ctx.args, '--arm-url'),
      cloudTrailSource,
      terraformStates: (ctx.args.values.get('--terraform-state') ?? []).map((f) => resolve(f)),
      ...(maxLogText !== undefined ? { maxLogMb: Number(maxLogText) } : {}),
      operator: value(ctx.args, '--as') ?? osUser(),
      version: appVersion(),
      env: ctx.env,
      onProgress: (m) => (ctx.interactive ? ctx.err(m) : undefined)
    })
    emit(
      ctx,
      r,
      () =>
        `wrote evidence bundle ${r.out}: ${r.files} files${r.gaps ? `, ${r.gaps} gap(s) recorded in the manifest (parts that could not be collected)` : ''}${r.cloudTrail ? `\n${r.cloudTrail}` : ''}`
    )
    return 0
  }
}

const evidenceList: Command = {
  name: 'evidence list',
  usage: 'evidence list CASE [--bundle ID] [--key-file F] [--json]',
  summary: 'the evidence bundles and files in a case, with their SHA-256 and what could not be read',
  args: { values: ['--bundle'] },
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      const bundles = listBundles(c.db)
      const files = listEvidence(c.db, value(ctx.args, '--bundle'))
      emit(ctx, { bundles, files }, () =>
        bundles.length
          ? table(
              ['ID', 'PATH', 'KIND', 'BYTES', 'STATUS'],
              files.map((f) => [f.id, f.path, f.kind, f.bytes, f.problem ? `${f.status}: ${f.problem}` : f.status]),
              120
            )
          : 'no evidence in this case'
      )
      return 0
    } finally {
      c.close()
    }
  }
}

const evidenceProfiles: Command = {
  name: 'evidence profiles',
  usage: 'evidence profiles [--json]',
  summary: 'the local AWS and Azure credential profiles evidence collect can use (names only, never secrets)',
  args: {},
  run(ctx) {
    const aws = listAwsProfiles(ctx.env)
    const azure = listAzureProfiles(ctx.env)
    emit(ctx, { aws, azure }, () =>
      table(
        ['PROVIDER', 'PROFILE', 'KIND', 'DETAIL'],
        [
          ...aws.map((p) => ['aws', p.name, p.kind, p.roleArn ?? p.ssoStartUrl ?? p.region ?? '']),
          ...azure.map((p) => ['azure', p.name, p.kind, p.subscriptionName ?? p.user ?? ''])
        ],
        80
      )
    )
    return 0
  }
}

const evidenceFacts: Command = {
  name: 'evidence facts',
  usage: 'evidence facts CASE RESOURCE [--key-file F] [--json]',
  summary: 'what the evidence says about one resource: environment, owner, activity, exposure, encryption, dependencies',
  args: {},
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      const f = getFacts(c.db, positional(ctx.args, 1, 'RESOURCE (a canonical resource id: ARN, Azure id, image digest)'))
      emit(ctx, f, () =>
        [
          `${f.resourceId} (${f.type ?? 'unknown type'})`,
          `environment: ${f.environment.value ?? 'unknown'} (${f.environment.detail})`,
          `owner: ${f.owner.value ?? 'unknown'} (${f.owner.detail})`,
          `exposure: ${f.exposure.public === null ? 'unknown' : f.exposure.public ? 'PUBLIC' : 'not public'} — ${f.exposure.reasons.join('; ')}`,
          `encryption: ${f.encryption.encrypted === null ? 'unknown' : f.encryption.encrypted ? 'yes' : 'no'} — ${f.encryption.detail}`,
          ...f.activity.map(
            (a) =>
              `activity (${a.source}): ${a.requests} requests, ${a.reads} reads, ${a.writes} writes, ${a.principals.length}${a.principalsTruncated ? '+' : ''} principals, last ${a.lastAccess ?? 'never'}`
          ),
          ...f.dependencies.map((d) => `depends: ${d.kind} ${d.resourceId}`)
        ].join('\n')
      )
      return 0
    } finally {
      c.close()
    }
  }
}

const evidenceCoverage: Command = {
  name: 'evidence coverage',
  usage: `evidence coverage CASE SOURCE RESOURCE [--from T --to T] [--key-file F] [--json]   (SOURCE: ${COVERAGE_SOURCES.join(', ')})`,
  summary: 'what one evidence source actually covered for a resource: first/last record, gaps, unreadable files, selectors',
  args: { values: ['--from', '--to'] },
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      const source = positional(ctx.args, 1, 'SOURCE') as CoverageSource
      const from = value(ctx.args, '--from')
      const to = value(ctx.args, '--to')
      if ((from === undefined) !== (to === undefined)) throw new LastmileError('bad-input', '--from and --to go together')
      const cov = getCoverage(c.db, source, positional(ctx.args, 2, 'RESOURCE'), from && to ? { window: { from, to } } : {})
      emit(ctx, cov, () =>
        [
          `${cov.source} for ${cov.resourceId}: ${cov.state.toUpperCase()} (${cov.records} records, ${cov.first ?? '—'} … ${cov.last ?? '—'})`,
          ...(cov.recording ? [`recording: ${cov.recording.recorded} — ${cov.recording.explanation}`] : []),
          ...cov.gaps.map((g) => `gap ${g.from} … ${g.to}: ${g.reason}: ${g.detail}`),
          ...cov.notes.map((n) => `note: ${n}`)
        ].join('\n')
      )
      return cov.state === 'none' ? 1 : 0
    } finally {
      c.close()
    }
  }
}

const timeline: Command = {
  name: 'timeline',
  usage: 'timeline CASE ID [--from T] [--to T] [--source S]… [--actor A]… [--events-only] [--key-file F] [--json]',
  summary: 'the evidence timeline of a finding (F-12) or an initiative (I-3): time, source, actor, action, resource, summary, evidence',
  args: { values: ['--from', '--to', '--source', '--actor'], repeatable: ['--source', '--actor'], switches: ['--events-only'] },
  run(ctx) {
    const c = openCase(ctx, positional(ctx.args, 0, 'CASE'), { readOnly: true })
    try {
      const events = timelineOf(c.db, positional(ctx.args, 1, 'ID (a finding F-12 or an initiative I-3)'), {
        from: value(ctx.args, '--from'),
        to: value(ctx.args, '--to'),
        sources: ctx.args.values.get('--source'),
        actors: ctx.args.values.get('--actor'),
        summaries: !ctx.args.switches.has('--events-only')
      })
      emit(ctx, events, () =>
        events.length
          ? table(
              ['TIME', 'SOURCE', 'ACTOR', 'ACTION', 'SUMMARY'],
              events.map((e) => [e.time, e.source, e.actor, e.action, e.summary]),
              90
            )
          : 'no evidence events for this finding'
      )
      return 0
    } finally {
      c.close()
    }
  }
}

export const EVIDENCE_COMMANDS: Command[] = [evidenceAdd, evidenceCollect, evidenceList, evidenceProfiles, evidenceFacts, evidenceCoverage, timeline]
