// container.image.vulnerable: is an image that runs now known to carry serious vulnerabilities?
//
// Vulnerability is not configuration: it needs a scan of the image. What the bundle can say is
// which images run (ecs-tasks.json: DescribeTasks; eks-pods.json: `kubectl get pods -o json`) and
// what ECR's own scan found for them (ecr-images.json: DescribeImages `imageScanFindingsSummary`).
// So images are evaluated only when the bundle says they run; with no running-workload file the
// control is skipped (with a note), never answered.
//
// Verdict per image digest (the canonical id of a container image):
// - FAIL: an ECR scan reports CRITICAL or HIGH findings — the severities Security Hub and Inspector
//   treat as needing action; lower ones are listed in the reason but do not fail.
// - PASS: an ECR scan completed and reports none of those. It is as fresh as the scan: the reason
//   gives the scan time.
// - UNKNOWN: the image is not in ecr-images.json, or its scan did not complete.
import type { EvaluationContext } from '../../main/controls/evaluation'
import { evaluation, fileProblem } from '../../main/controls/evaluation'
import { accountResource, parseArn } from '../../main/semantics/ids'
import type { AwsAccountInventory, EcrImage } from '../../main/semantics/inventory'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

const DIGEST = /^sha256:[0-9a-f]{64}$/
const SERIOUS = ['CRITICAL', 'HIGH'] as const
const SEVERITY_ORDER = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW', 'INFORMATIONAL', 'UNDEFINED']

/**
 * The registry digest in a Kubernetes `imageID`: `docker-pullable://repo@sha256:…` (dockershim),
 * `repo@sha256:…` (containerd). A bare `sha256:…` is a local image id, not a registry digest.
 */
export function digestOfImageId(imageID: string): string | null {
  const m = /@(sha256:[0-9a-f]{64})$/.exec(imageID)
  return m ? m[1] : null
}

interface Usage {
  where: string[]
  accounts: Set<string>
  evidence: Set<string>
}

function time(v: string | number | undefined): string | null {
  if (v === undefined) return null
  const d = typeof v === 'number' ? new Date(v * 1000) : new Date(v)
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString().replace('.000Z', 'Z')
}

export function imageVerdict(scans: ReadonlyArray<{ image: EcrImage }>): Verdict {
  const complete = scans.filter((s) => s.image.imageScanFindingsSummary && ['COMPLETE', 'ACTIVE'].includes(s.image.imageScanStatus?.status ?? 'COMPLETE'))
  const describe = (s: { image: EcrImage }) => {
    const counts = s.image.imageScanFindingsSummary?.findingSeverityCounts ?? {}
    const list = Object.keys(counts)
      .sort((a, b) => SEVERITY_ORDER.indexOf(a) - SEVERITY_ORDER.indexOf(b))
      .filter((k) => counts[k] > 0)
      .map((k) => `${counts[k]} ${k}`)
    const when = time(s.image.imageScanFindingsSummary?.imageScanCompletedAt)
    return `ECR's scan of ${s.image.repositoryName ?? 'the repository'}${when ? ` (completed ${when})` : ''} reports ${list.length ? list.join(', ') : 'no findings'}`
  }
  const serious = complete.filter((s) => SERIOUS.some((k) => (s.image.imageScanFindingsSummary?.findingSeverityCounts?.[k] ?? 0) > 0))
  if (serious.length) return fail(serious.map(describe).join('; '))
  if (complete.length) return pass(`${complete.map(describe).join('; ')}: no CRITICAL or HIGH finding`)
  if (!scans.length) return unknown('the image is not in ecr-images.json: the bundle holds no scan result for it')
  const states = scans.map(
    (s) =>
      `${s.image.repositoryName ?? '?'}: ${s.image.imageScanStatus?.status ?? 'no scan'}${s.image.imageScanStatus?.description ? ` (${s.image.imageScanStatus.description})` : ''}`
  )
  return unknown(`no completed ECR scan of the image (${states.join('; ')})`)
}

export function evaluateContainerImages(ctx: EvaluationContext): Evaluation[] {
  const control = 'container.image.vulnerable'
  const out: Evaluation[] = []
  const running = new Map<string, Usage>()
  const use = (digest: string, where: string, account: string, ev: string) => {
    const u = running.get(digest) ?? { where: [], accounts: new Set<string>(), evidence: new Set<string>() }
    u.where.push(where)
    u.accounts.add(account)
    u.evidence.add(ev)
    running.set(digest, u)
  }
  const scans = new Map<string, Array<{ image: EcrImage; ev: string }>>()
  let anyWorkloadFile = false
  const unreadable = (inv: AwsAccountInventory, f: AwsAccountInventory['ecsTasks'] | AwsAccountInventory['eksPods']) => {
    out.push(evaluation(control, accountResource(inv.account), unknown(`cannot tell which images run: ${fileProblem(f)}`), { account: inv.account, evidence: [f.rel] }))
  }
  for (const inv of ctx.bundle.aws) {
    const ecs = inv.ecsTasks
    if (ecs.state !== 'absent') anyWorkloadFile = true
    if (ecs.state === 'invalid') unreadable(inv, ecs)
    if (ecs.state === 'ok') {
      for (const item of ecs.value) {
        if (!item.ok) {
          ctx.note(`${ecs.rel}: ${item.error} — this task is left out`)
          continue
        }
        const t = item.value
        if (t.lastStatus !== 'RUNNING') continue
        const arn = parseArn(t.taskArn)
        const account = arn?.account || inv.account
        ;(t.containers ?? []).forEach((c, i) => {
          if (c.lastStatus && c.lastStatus !== 'RUNNING') return
          if (!c.imageDigest || !DIGEST.test(c.imageDigest)) {
            ctx.note(`${ecs.rel}#${item.pointer}/containers/${i}: container ${c.name ?? i} has no image digest — left out`)
            return
          }
          use(c.imageDigest, `ECS task ${t.taskArn}`, account, `${ecs.rel}#${item.pointer}/containers/${i}`)
        })
      }
    }
    const eks = inv.eksPods
    if (eks.state !== 'absent') anyWorkloadFile = true
    if (eks.state === 'invalid') unreadable(inv, eks)
    if (eks.state === 'ok') {
      for (const item of eks.value) {
        if (!item.ok) {
          ctx.note(`${eks.rel}: ${item.error} — this pod is left out`)
          continue
        }
        const p = item.value
        if (p.status?.phase !== 'Running') continue
        ;(p.status.containerStatuses ?? []).forEach((c, i) => {
          const digest = c.imageID ? digestOfImageId(c.imageID) : null
          if (!digest) {
            ctx.note(`${eks.rel}#${item.pointer}/status/containerStatuses/${i}: no registry digest in imageID "${c.imageID ?? ''}" — left out`)
            return
          }
          use(digest, `pod ${p.metadata.namespace ?? 'default'}/${p.metadata.name}`, inv.account, `${eks.rel}#${item.pointer}/status/containerStatuses/${i}`)
        })
      }
    }
    const ecr = inv.ecrImages
    if (ecr.state === 'invalid') ctx.note(`${ecr.rel} cannot be read (${ecr.error}): running images are judged without ECR scan results`)
    if (ecr.state === 'ok') {
      for (const item of ecr.value) {
        if (!item.ok) continue
        const list = scans.get(item.value.imageDigest) ?? []
        list.push({ image: item.value, ev: `${ecr.rel}#${item.pointer}` })
        scans.set(item.value.imageDigest, list)
      }
    }
  }
  if (!anyWorkloadFile) {
    ctx.note(`${control}: not evaluated — no ecs-tasks.json or eks-pods.json says which images run (a vulnerability needs an image that runs, and a scan of it)`)
    return out
  }
  for (const digest of [...running.keys()].sort()) {
    const u = running.get(digest)!
    const found = scans.get(digest) ?? []
    const v = imageVerdict(found)
    const where = u.where.length > 3 ? `${u.where.slice(0, 3).join(', ')} and ${u.where.length - 3} more` : u.where.join(', ')
    const accounts = [...u.accounts]
    out.push(
      evaluation(
        control,
        digest,
        { ...v, reason: `runs in ${where}; ${v.reason}` },
        {
          account: accounts.length === 1 ? accounts[0] : null,
          evidence: [...u.evidence, ...found.map((s) => s.ev)].sort()
        }
      )
    )
  }
  return out
}
