// `evidence collect`: choose the credentials from a local profile and run the provider's collector.
import { readTerraformStates } from './collect-terraform'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { AzureCliCredential, DefaultAzureCredential, type TokenCredential } from '@azure/identity'
import { LastmileError } from '../errors'
import { awsClients } from './clients'
import { collectAws } from './collect-aws'
import type { CloudTrailSourceChoice } from './collect-cloudtrail-query'
import { collectAzure } from './collect-azure'
import { listAwsProfiles, listAzureProfiles } from './profiles'

export interface CollectOptions {
  out: string
  provider: 'aws' | 'azure'
  /** AWS: a profile name; Azure: a subscription id from the Azure CLI, `environment` or `default` */
  profile?: string
  days?: number
  /** AWS regions (default: the profile's region) */
  regions?: string[]
  /** Azure: subscriptions (default: the profile's) */
  subscriptions?: string[]
  /** AWS: the trails' log files (default), or CloudTrail Lake / Athena answers (collect-cloudtrail-query.ts) */
  cloudTrailSource?: CloudTrailSourceChoice
  /** Azure: the ARM endpoint (sovereign clouds; tests) */
  armBaseUrl?: string
  now?: Date
  operator: string
  version: string
  env?: NodeJS.ProcessEnv
  onProgress?: (message: string) => void
  /** set `aborted` to stop at the collector's next step; what was written is removed */
  signal?: { aborted: boolean }
  /** Terraform state files to copy into the bundle (iac/terraform-state/), sensitive values removed */
  terraformStates?: readonly string[]
  /** AWS: megabytes of usage logs copied at most per resource and log source (load balancer, distribution, OpenSearch domain); default 1024 */
  maxLogMb?: number
}

export interface CollectOutcome {
  out: string
  files: number
  gaps: number
  /** AWS: where CloudTrail came from, in words */
  cloudTrail?: string
  /** cancelled by the user: nothing was kept */
  cancelled?: true
}

class CollectionCancelled extends Error {}

/**
 * Run a collector that reports each step through `progress`, stopping it at its next step once
 * `signal.aborted` is set. The collector's own error handling turns a failed call into a gap by
 * reporting it, so the stop is thrown again from there until it leaves the collector. Then the
 * partial bundle is removed: the folder was new or empty (the bundle writer insists), so all in
 * it is the collector's, and a bundle without its manifest is no evidence anyway. A collector that
 * fails (a CloudTrail Lake or Athena query that did not finish) leaves nothing behind either.
 */
export async function runCancellable(
  out: string,
  signal: { aborted: boolean } | undefined,
  onProgress: ((message: string) => void) | undefined,
  collect: (progress: (message: string) => void) => Promise<{ out: string; files: number; gaps: number; cloudTrail?: string }>
): Promise<CollectOutcome> {
  const existed = existsSync(out)
  // only a new or empty folder is the collector's to empty (a full one is refused by the writer, untouched)
  let ours = !existed
  try {
    ours ||= readdirSync(out).length === 0
  } catch {
    ours = false
  }
  const progress = (message: string): void => {
    if (signal?.aborted) throw new CollectionCancelled('cancelled')
    onProgress?.(message)
  }
  const removePartial = (): void => {
    if (!ours) return
    if (existed) for (const name of readdirSync(out)) rmSync(join(out, name), { recursive: true, force: true })
    else rmSync(out, { recursive: true, force: true })
  }
  try {
    const r = await collect(progress)
    return { out: r.out, files: r.files, gaps: r.gaps, ...(r.cloudTrail ? { cloudTrail: r.cloudTrail } : {}) }
  } catch (e) {
    removePartial()
    if (!(e instanceof CollectionCancelled) && !signal?.aborted) throw e
    return { out, files: 0, gaps: 0, cancelled: true }
  }
}

export async function collectEvidence(o: CollectOptions): Promise<CollectOutcome> {
  const env = o.env ?? process.env
  const days = o.days ?? 90
  if (!Number.isInteger(days) || days < 1 || days > 400) throw new LastmileError('bad-input', `--days ${days}: a whole number of days from 1 to 400`)
  const now = o.now ?? new Date()
  // checked before anything is collected: a bad file stops the run with nothing written
  const terraformStates = readTerraformStates(o.terraformStates ?? [])
  if (o.provider === 'aws') {
    const profiles = listAwsProfiles(env)
    const p = o.profile ? profiles.find((x) => x.name === o.profile) : undefined
    if (o.profile && !p) {
      throw new LastmileError(
        'bad-input',
        `--profile ${o.profile}: no such AWS profile in the shared config or credentials files (known: ${profiles.map((x) => x.name).join(', ') || 'none'})`
      )
    }
    const region = o.regions?.[0] ?? p?.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1'
    return runCancellable(o.out, o.signal, o.onProgress, (progress) =>
      collectAws({
        out: o.out,
        clients: awsClients({ profile: o.profile, region }),
        regions: o.regions?.length ? o.regions : [region],
        days,
        now,
        operator: o.operator,
        version: o.version,
        profile: o.profile,
        cloudTrailSource: o.cloudTrailSource,
        terraformStates,
        ...(o.maxLogMb !== undefined ? { maxLogBytes: o.maxLogMb * 1024 * 1024 } : {}),
        onProgress: progress
      })
    )
  }
  const profiles = listAzureProfiles(env)
  const name = o.profile ?? profiles.find((x) => x.isDefault)?.name ?? 'default'
  const p = profiles.find((x) => x.name === name || x.subscriptionName === name)
  if (!p)
    throw new LastmileError(
      'bad-input',
      `--profile ${name}: no such Azure profile (known: ${profiles.map((x) => (x.subscriptionName ? `${x.name} (${x.subscriptionName})` : x.name)).join(', ')})`
    )
  const subscriptions = o.subscriptions?.length ? o.subscriptions : p.subscriptionId ? [p.subscriptionId] : []
  if (!subscriptions.length) throw new LastmileError('bad-input', 'no Azure subscription: give --subscription ID, or a --profile naming one (az account list)')
  // The Azure CLI's own login for a CLI profile; otherwise the default chain (environment,
  // managed identity, CLI…). Either way the token stays in memory for this run only.
  const credential: TokenCredential = p.kind === 'azure-cli' ? new AzureCliCredential({ tenantId: p.tenantId ?? undefined }) : new DefaultAzureCredential()
  return runCancellable(o.out, o.signal, o.onProgress, (progress) =>
    collectAzure({
      out: o.out,
      credential,
      baseUrl: o.armBaseUrl,
      subscriptions,
      days,
      now,
      operator: o.operator,
      version: o.version,
      profile: name,
      terraformStates,
      onProgress: progress
    })
  )
}
