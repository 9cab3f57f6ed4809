// Who calls a Kubernetes API server, and from where: the model behind the public-endpoint playbook
// (playbooks/aws.eks.public-endpoint, serving EKS and AKS). The API server's audit events name each
// request's user and its sourceIPs (the client first, then the proxies it came through); the
// managed cluster's configuration says whether the endpoint is public and to whom
// (eks-clusters.json: DescribeCluster resourcesVpcConfig; aks-clusters.json: ARM
// apiServerAccessProfile).
//
// Callers fall in three kinds: the cloud's own control plane (EKS's eks:* users, AKS's aks-* and
// master/node client certificates, the control-plane components' system: users), which reaches the
// API server on the provider's side and is never cut off; the cluster's own nodes and pods
// (system:node:*, system:serviceaccount:*), which keep working when the nodes have a path that is not
// the public endpoint (EKS private endpoint access) or when their egress address stays authorised
// (AKS); and everyone else — people with kubectl, CI/CD, tools outside the cluster — who are cut off
// when the public endpoint closes unless they come from private addresses.
import { z } from 'zod'
import type { EvidenceFileSummary } from '../../shared/evidence'
import type { AksClusterFacet, EksClusterFacet } from './facets'
import { isPrivateAddress } from './cidr'
import { BadEvidence } from './bad-evidence'
import { eventAllowed, scanAudit, type AuditEvent, type AuditScan } from './kubernetes-rbac'

export type CallerKind = 'control-plane' | 'cluster' | 'outside'

/** What a request's user is: the cloud's control plane, the cluster's own nodes and pods, or someone outside it. */
export function callerKind(username: string): CallerKind {
  if (/^eks:/.test(username) || /^aks-/.test(username) || ['masterclient', 'nodeclient', 'aksService', 'aks-support'].includes(username)) return 'control-plane'
  if (['system:apiserver', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:kube-proxy', 'kube-apiserver-kubelet-client'].includes(username))
    return 'control-plane'
  if (username.startsWith('system:node:') || username.startsWith('system:serviceaccount:')) return 'cluster'
  return 'outside'
}

/** The client address of a request: the first of its sourceIPs (the rest are proxies it passed). */
export function clientAddress(e: AuditEvent): string | null {
  const ips = (e as { sourceIPs?: unknown }).sourceIPs
  return Array.isArray(ips) && typeof ips[0] === 'string' ? ips[0] : null
}

export interface Caller {
  user: string
  kind: CallerKind
  address: string
  public: boolean
  requests: number
  last: string
}

/**
 * The authenticated, allowed requests of the window (ResponseComplete, from `from` on), by user and
 * client address. Refused requests and system:anonymous are left out: a scanner refused at the door
 * uses nothing the fix takes away. Events without a sourceIPs are counted apart (`unplaced`).
 */
export function callersOf(events: readonly AuditEvent[], from: string | null): { callers: Caller[]; unplaced: number } {
  const by = new Map<string, Caller>()
  let unplaced = 0
  for (const e of events) {
    if ((e.stage && e.stage !== 'ResponseComplete') || !eventAllowed(e)) continue
    if (from && e.stageTimestamp < from) continue
    const user = e.user.username
    if (!user || user === 'system:anonymous') continue
    const address = clientAddress(e)
    if (!address) {
      unplaced++
      continue
    }
    const k = `${user}\n${address}`
    const c = by.get(k)
    if (c) {
      c.requests++
      if (e.stageTimestamp > c.last) c.last = e.stageTimestamp
    } else by.set(k, { user, kind: callerKind(user), address, public: !isPrivateAddress(address), requests: 1, last: e.stageTimestamp })
  }
  const callers = [...by.values()].sort((a, b) => b.requests - a.requests || (a.user < b.user ? -1 : a.user > b.user ? 1 : a.address < b.address ? -1 : 1))
  return { callers, unplaced }
}

/** A caller in words: `alice@example.com from 203.0.113.7 (12 requests, the last on 2026-11-03)`. */
export const callerText = (c: Caller): string => `${c.user} from ${c.address} (${c.requests} request${c.requests === 1 ? '' : 's'}, the last on ${c.last.slice(0, 10)})`

/** The public addresses the plan keeps authorised: every caller's but the control plane's, as /32 (or /128). */
export function addressesToKeep(callers: readonly Caller[]): string[] {
  return [...new Set(callers.filter((c) => c.public && c.kind !== 'control-plane').map((c) => `${c.address}/${c.address.includes(':') ? 128 : 32}`))].sort()
}

// ---- the audit files of one cluster ---------------------------------------------------------------

export interface ClusterAudit extends AuditScan {
  /** audit files whose bytes the case did not keep (their days are not covered) */
  unread: string[]
  /** the evidence file ids read */
  files: string[]
}

/** Every audit event of kubernetes/<cluster>/audit/ (each file once, whatever bundle added it); null when there is none. */
export function readClusterAudit(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, cluster: string): ClusterAudit | null {
  const mine = files.filter((x) => x.kind === 'kubernetes.audit' && x.path.startsWith(`kubernetes/${cluster}/audit/`))
  if (!mine.length) return null
  const seen = new Set<string>()
  const scan: ClusterAudit = { events: [], days: new Set(), problems: [], unread: [], files: [] }
  for (const f of mine) {
    if (seen.has(f.sha256)) continue
    seen.add(f.sha256)
    scan.files.push(f.id)
    const b = bytes(f.id)
    if (!b) scan.unread.push(f.path)
    else scanAudit(b.toString('utf8'), f.path, scan)
  }
  return scan
}

/** The UTC days of a window ([from, to)), YYYY-MM-DD. */
export function daysOf(w: { from: string; to: string }): string[] {
  const out: string[] = []
  for (let t = Date.parse(w.from.slice(0, 10)); t < Date.parse(w.to); t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}

/**
 * Why the audit files cannot show every request of the window, or [] when they can: days without
 * an event, files kept as a hash only, unreadable lines, and read verbs no event carries (AKS's
 * kube-audit-admin leaves out get and list, which is most of what kubectl users do).
 */
export function auditGaps(a: ClusterAudit, w: { from: string; to: string }): string[] {
  const gaps: string[] = []
  const missing = daysOf(w).filter((d) => !a.days.has(d))
  if (missing.length) gaps.push(`the audit files hold no event on ${missing.length} day${missing.length === 1 ? '' : 's'} of the window (from ${missing[0]})`)
  if (a.unread.length) gaps.push(`${a.unread.length} audit file${a.unread.length === 1 ? '' : 's'} kept as a hash only (${a.unread[0]})`)
  if (a.problems.length) gaps.push(`${a.problems.length} unreadable audit line${a.problems.length === 1 ? '' : 's'} (${a.problems[0]})`)
  if (!a.events.some((e) => e.verb === 'get' || e.verb === 'list'))
    gaps.push(
      'no request with the verb get or list is in the audit files: the log leaves reads out (AKS kube-audit-admin does), and a kubectl user who only reads would not be seen'
    )
  return gaps
}

// ---- AKS managed clusters (azure/<subscription>/aks-clusters.json) ---------------------------------

/** One ARM managed cluster as the evaluators and the evidence stage read it (the fields the playbook uses; others pass). */
export const AksClusterDoc = z
  .object({
    id: z.string(),
    name: z.string(),
    location: z.string().optional(),
    properties: z
      .object({
        fqdn: z.string().nullable().optional(),
        apiServerAccessProfile: z
          .object({ enablePrivateCluster: z.boolean().nullable().optional(), authorizedIPRanges: z.array(z.string()).nullable().optional() })
          .passthrough()
          .nullable()
          .optional()
      })
      .passthrough()
  })
  .passthrough()

export type AksClusterDoc = z.infer<typeof AksClusterDoc>

/** The facet of one ARM managed cluster. */
export function aksFacet(d: AksClusterDoc): AksClusterFacet {
  const p = d.properties.apiServerAccessProfile
  return {
    id: d.id.toLowerCase(),
    name: d.name,
    location: d.location ?? null,
    fqdn: d.properties.fqdn ?? null,
    privateCluster: p?.enablePrivateCluster ?? false,
    authorizedIpRanges: p?.authorizedIPRanges ?? []
  }
}

/** The managed clusters of an ARM list ({"value":[…]}) or `az aks list` (a bare array); a bad item is refused with its place. */
export function parseAksClusters(doc: unknown, file: string): AksClusterFacet[] {
  const list = Array.isArray(doc) ? doc : doc && typeof doc === 'object' && Array.isArray((doc as { value?: unknown }).value) ? (doc as { value: unknown[] }).value : null
  if (!list) throw new BadEvidence(file, '', 'not an ARM list ({"value":[…]}) or an az aks list array')
  return list.map((x, i) => {
    const r = AksClusterDoc.safeParse(x)
    if (!r.success) throw new BadEvidence(file, `value[${i}].${r.error.issues[0].path.join('.')}`, r.error.issues[0].message)
    return aksFacet(r.data)
  })
}

// ---- EKS clusters for the evaluators (aws/<account>/inventory/eks-clusters.json) --------------------

/**
 * One DescribeCluster `cluster` as the evaluators read it: a missing resourcesVpcConfig key is "not
 * collected" (UNKNOWN), never "private".
 */
export const EksClusterDoc = z
  .object({
    name: z.string(),
    arn: z.string().optional(),
    resourcesVpcConfig: z
      .object({
        endpointPublicAccess: z.boolean().optional(),
        endpointPrivateAccess: z.boolean().optional(),
        publicAccessCidrs: z.array(z.string()).optional(),
        vpcId: z.string().optional()
      })
      .passthrough()
      .optional(),
    endpoint: z.string().optional()
  })
  .passthrough()
export type EksClusterDoc = z.infer<typeof EksClusterDoc>

// ---- the cluster a finding names, its exposure and its callers (both clouds) ----------------------

export const EKS_TYPE = 'aws.eks.cluster'
export const AKS_TYPE = 'azure.aks.cluster'

export type Cluster = { cloud: 'eks'; name: string; config: EksClusterFacet } | { cloud: 'aks'; name: string; config: AksClusterFacet }

/** Does an address range let every internet address in (0.0.0.0/0, ::/0)? */
const everyone = (cidr: string): boolean => cidr === '0.0.0.0/0' || cidr === '::/0' || cidr === '*'

/** Whether the endpoint is open, in words, or null when the configuration does not say. */
export function exposure(c: Cluster): { open: boolean; why: string } | null {
  if (c.cloud === 'eks') {
    const v = c.config
    if (v.endpointPublicAccess === null) return null
    if (!v.endpointPublicAccess) return { open: false, why: `the public endpoint of ${v.name} is off (endpointPublicAccess false): the API server is reachable from the VPC only` }
    const cidrs = v.publicAccessCidrs.length ? v.publicAccessCidrs : ['0.0.0.0/0']
    const to = cidrs.some(everyone) ? 'any internet address (publicAccessCidrs 0.0.0.0/0)' : `the ranges ${cidrs.join(', ')}`
    return { open: true, why: `the API server endpoint of ${v.name}${v.endpoint ? ` (${v.endpoint})` : ''} is public (endpointPublicAccess true), open to ${to}` }
  }
  const v = c.config
  if (v.privateCluster) return { open: false, why: `${v.name} is a private cluster (enablePrivateCluster true): its API server has no public endpoint` }
  const ranges = v.authorizedIpRanges
  if (ranges.length && !ranges.some(everyone))
    return { open: false, why: `the API server of ${v.name} accepts only its authorized IP ranges (${ranges.join(', ')}): it is not open to the internet` }
  return {
    open: true,
    why: `the API server of ${v.name}${v.fqdn ? ` (${v.fqdn})` : ''} is public and ${ranges.length ? `authorizes ${ranges.join(', ')}, which lets every address in` : 'has no authorized IP ranges'}: any internet address may reach it`
  }
}

/**
 * The cluster folder of the audit log: kubernetes/<name>/ for the first of `names` that has one (the
 * cluster's own name, then the id the scanner gives it, as Wiz names AKS clusters by a hash),
 * compared without case as AKS names are.
 */
export function auditFolder(files: readonly EvidenceFileSummary[], names: readonly string[]): string | null {
  const folders = [...new Set(files.filter((f) => f.kind === 'kubernetes.audit').map((f) => f.path.split('/')[1]))]
  for (const name of names) {
    const found = folders.find((f) => f === name) ?? folders.find((f) => f.toLowerCase() === name.toLowerCase())
    if (found) return found
  }
  return null
}

/**
 * The ARM id of the AKS cluster a finding names when its id is not one (Wiz gives a cluster its own
 * hash as the resource's external id): the one cluster of that name in the finding's subscription
 * among those the evidence describes, or null when none or several match.
 */
export function aksClusterByName(ids: readonly string[], name: string | null, subscription: string | null): string | null {
  if (!name) return null
  const m = ids.filter((id) => {
    const x = /^\/subscriptions\/([^/]+)\/resourcegroups\/[^/]+\/providers\/microsoft\.containerservice\/managedclusters\/([^/]+)$/.exec(id.toLowerCase())
    return !!x && x[2] === name.toLowerCase() && (!subscription || x[1] === subscription.toLowerCase())
  })
  return m.length === 1 ? m[0] : null
}

export interface Calls {
  audit: ClusterAudit
  folder: string
  callers: Caller[]
  /** allowed requests without a sourceIPs */
  unplaced: number
}

/** The cluster's callers in the window (from `from` on), or null when no audit file of it is in evidence (names: as auditFolder). */
export function callsOf(files: readonly EvidenceFileSummary[], bytes: (id: string) => Buffer | null, names: readonly string[], from: string | null): Calls | null {
  const folder = auditFolder(files, names)
  const audit = folder ? readClusterAudit(files, bytes, folder) : null
  if (!folder || !audit) return null
  const { callers, unplaced } = callersOf(audit.events, from)
  return { audit, folder, callers, unplaced }
}

/** Callers from outside the cluster reaching it from public addresses: those a closed endpoint cuts off. */
export const outsidePublic = (callers: readonly Caller[]): Caller[] => callers.filter((c) => c.kind === 'outside' && c.public)
/** The cluster's own nodes and pods calling from public addresses (their egress: NAT, the load balancer's outbound address). */
export const clusterPublic = (callers: readonly Caller[]): Caller[] => callers.filter((c) => c.kind === 'cluster' && c.public)
