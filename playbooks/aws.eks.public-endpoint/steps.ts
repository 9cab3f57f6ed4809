// Step functions of the public Kubernetes API endpoint playbooks (this folder's, EKS; and
// azure.aks.api-server-public's, whose playbook names them too): is the endpoint still open to the
// internet, do the API server's audit events cover the whole window, who outside the cluster called
// it from public addresses (by user and address), and does the cluster's own traffic keep a path
// when the public endpoint closes or narrows.
import { z } from 'zod'
import { defineStep, type StepContext } from '../../main/controls/step'
import { outcome, plural, windowText } from '../../main/controls/step-common'
import {
  AKS_TYPE,
  EKS_TYPE,
  aksClusterByName,
  auditGaps,
  callerText,
  callsOf,
  clusterPublic,
  exposure,
  outsidePublic,
  type Calls,
  type Cluster
} from '../../main/semantics/kubernetes-api'

const TYPES = [EKS_TYPE, AKS_TYPE] as const

/** The cluster the finding names, from its configuration in evidence; `matched` says how, when not by its own id. */
function clusterOf(ctx: StepContext): { cluster: Cluster; evidence: string[]; matched: string | null } | null {
  const r = ctx.finding.resource
  if (r.type === AKS_TYPE) {
    const direct = ctx.ev.config(r.id.toLowerCase(), 'aks.cluster')
    const id = direct ? null : aksClusterByName(ctx.ev.resourcesWith('aks.cluster'), r.name, r.account)
    const c = direct ?? (id ? ctx.ev.config(id, 'aks.cluster') : null)
    if (!c) return null
    return {
      cluster: { cloud: 'aks', name: c.value.name, config: c.value },
      evidence: c.evidence,
      matched: id ? `${r.id} is ${id}, the only cluster of that name in its subscription` : null
    }
  }
  const c = ctx.ev.config(r.id, 'eks.cluster')
  return c ? { cluster: { cloud: 'eks', name: c.value.name, config: c.value }, evidence: c.evidence, matched: null } : null
}

const inventory = (ctx: StepContext) => [ctx.finding.resource.type === AKS_TYPE ? ('azure.inventory' as const) : ('aws.inventory' as const)]

const notInEvidence = (ctx: StepContext) =>
  outcome(
    'unknown',
    `the cluster ${ctx.finding.resource.name ?? ctx.finding.resource.id} is not in the evidence (${ctx.finding.resource.type === AKS_TYPE ? 'azure/<subscription>/aks-clusters.json' : 'inventory/eks-clusters.json'})`,
    { sources: inventory(ctx) }
  )

/** Where the cluster's audit log comes from, for "add it" sentences. */
const auditSource = (c: Cluster): string =>
  c.cloud === 'eks'
    ? `the CloudWatch Logs group /aws/eks/${c.name}/cluster (streams kube-apiserver-audit-*), saved under kubernetes/${c.name}/audit/`
    : `the diagnostic setting's kube-audit category (not kube-audit-admin, which leaves reads out), saved under kubernetes/${c.name}/audit/`

/** The cluster's audit folder is named by the cluster's name, or by the id the scanner gives it (Wiz's cluster hash). */
function calls(ctx: StepContext, c: Cluster): Calls | null {
  return callsOf(ctx.ev.files(), (id) => ctx.ev.bytes(id), [c.name, ctx.finding.resource.id], ctx.window?.from ?? null)
}

const publicStep = defineStep({
  name: 'k8sapi.endpoint-public',
  summary: "whether the cluster's API server endpoint is still open to the internet (EKS endpointPublicAccess and publicAccessCidrs; AKS private cluster and authorized IP ranges)",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = clusterOf(ctx)
    if (!t) return notInEvidence(ctx)
    const e = exposure(t.cluster)
    const o = { evidence: [t.evidence], sources: inventory(ctx) }
    if (!e) return outcome('unknown', `the endpoint access of ${t.cluster.name} is not in the evidence (no resourcesVpcConfig.endpointPublicAccess)`, o)
    const why = `${e.open ? e.why : `${e.why}; the finding is stale and the fix would change nothing`}${t.matched ? ` (${t.matched})` : ''}`
    return outcome(e.open ? 'yes' : 'no', why, { ...o, certainty: 'proven' })
  }
})

const auditStep = defineStep({
  name: 'k8sapi.audit-complete',
  summary:
    "whether the API server's audit events cover every day of the window (EKS: the audit log type enabled; the audit files in evidence, with reads recorded), so that a caller who is not in them did not call",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = clusterOf(ctx)
    if (!t) return notInEvidence(ctx)
    const c = t.cluster
    const a = calls(ctx, c)
    const sources = [...inventory(ctx), 'kubernetes.audit' as const]
    const off = c.cloud === 'eks' && c.config.auditLogging === false
    if (!a) {
      if (off)
        return outcome(
          'no',
          `the audit log type of ${c.name} is not enabled (logging.clusterLogging): no request to its API server is recorded, so who calls it cannot be shown. Enabling it is additive (CloudWatch Logs cost); investigate again after a window of it`,
          { evidence: [t.evidence], certainty: 'proven', sources, windowed: true }
        )
      return outcome('unknown', `no audit log of ${c.name} is in evidence (kubernetes/${c.name}/audit/): add ${auditSource(c)}`, {
        evidence: [t.evidence],
        sources,
        windowed: true
      })
    }
    const evidence = [t.evidence, a.audit.files]
    if (!ctx.window) return outcome('unknown', 'the evidence gives no window to judge the audit log against', { evidence, sources, windowed: true })
    const gaps = auditGaps(a.audit, ctx.window)
    if (off) gaps.push('the audit log type is not enabled now (logging.clusterLogging), so the files end when it was turned off')
    if (gaps.length)
      return outcome('no', `the audit log of ${c.name} does not show every request ${windowText(ctx.window)}: ${gaps.join('; ')}`, {
        evidence,
        certainty: 'proven',
        sources,
        windowed: true
      })
    return outcome(
      'yes',
      `the audit log of ${c.name} (kubernetes/${a.folder}/audit/) holds events on every day ${windowText(ctx.window)}, reads included (${plural(a.audit.events.length, 'event')})`,
      { evidence, certainty: 'proven', sources, windowed: true }
    )
  }
})

const callersStep = defineStep({
  name: 'k8sapi.public-callers',
  summary:
    "the authenticated, allowed requests of the window from public addresses by users outside the cluster (people with kubectl, CI/CD, tools), by user and address; the cloud's control plane and the cluster's own nodes and pods apart",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = clusterOf(ctx)
    if (!t) return notInEvidence(ctx)
    const c = t.cluster
    const sources = ['kubernetes.audit' as const]
    const a = calls(ctx, c)
    if (!a)
      return outcome('unknown', `no audit log of ${c.name} is in evidence: who calls its API server from the internet cannot be shown`, {
        evidence: [t.evidence],
        sources,
        windowed: true
      })
    const evidence = [t.evidence, a.audit.files]
    const outside = outsidePublic(a.callers)
    if (outside.length) {
      const n = outside.reduce((s, x) => s + x.requests, 0)
      const users = new Set(outside.map((x) => x.user))
      return outcome(
        'yes',
        `${plural(users.size, 'user')} outside the cluster called its API server from public addresses ${windowText(ctx.window)} (${plural(n, 'request')}): ${outside
          .slice(0, 8)
          .map(callerText)
          .join('; ')}${outside.length > 8 ? `; and ${outside.length - 8} more` : ''}. Closing the public endpoint cuts them off`,
        { evidence, certainty: 'proven', sources, windowed: true }
      )
    }
    const own = clusterPublic(a.callers)
    const inside = a.callers.filter((x) => !x.public && x.kind !== 'control-plane')
    const said = [
      inside.length ? `${plural(new Set(inside.map((x) => x.user)).size, 'user')} called from private addresses (${inside.slice(0, 3).map(callerText).join('; ')})` : '',
      own.length ? `the cluster's own nodes and pods called from public addresses (its egress: ${[...new Set(own.map((x) => x.address))].join(', ')})` : ''
    ].filter(Boolean)
    const gaps = ctx.window ? auditGaps(a.audit, ctx.window) : ['the evidence gives no window']
    if (a.unplaced) gaps.push(`${plural(a.unplaced, 'allowed request')} carry no sourceIPs`)
    if (gaps.length)
      return outcome('unknown', `no one outside the cluster called from a public address in the audit files, but ${gaps.join('; ')}`, { evidence, sources, windowed: true })
    return outcome('no', `no one outside the cluster called its API server from a public address ${windowText(ctx.window)}${said.length ? `: ${said.join('; ')}` : ''}`, {
      evidence,
      certainty: 'proven',
      sources,
      windowed: true
    })
  }
})

const pathStep = defineStep({
  name: 'k8sapi.cluster-path',
  summary:
    "whether the cluster's own traffic keeps a path to its API server after the fix (EKS: private endpoint access on; AKS: the public addresses its nodes and pods call from stay authorised)",
  resourceTypes: TYPES,
  params: z.object({}).strict(),
  run(ctx) {
    const t = clusterOf(ctx)
    if (!t) return notInEvidence(ctx)
    const c = t.cluster
    if (c.cloud === 'eks') {
      const o = { evidence: [t.evidence], sources: inventory(ctx) }
      if (c.config.endpointPrivateAccess === null) return outcome('unknown', `the private endpoint access of ${c.name} is not in the evidence`, o)
      if (c.config.endpointPrivateAccess)
        return outcome(
          'yes',
          `private endpoint access of ${c.name} is on: nodes, pods and anything inside ${c.config.vpcId ?? 'its VPC'} reach the API server at its private addresses`,
          {
            ...o,
            certainty: 'proven'
          }
        )
      const a = calls(ctx, c)
      const own = a ? clusterPublic(a.callers) : []
      return outcome(
        'no',
        `private endpoint access of ${c.name} is off: its nodes and pods reach the API server over the public endpoint${own.length ? ` (they called from ${[...new Set(own.map((x) => x.address))].join(', ')})` : ''}. Enable private endpoint access first (the VPC needs DNS hostnames and DNS resolution on), check that the nodes use it, then investigate again`,
        { ...o, evidence: [t.evidence, a?.audit.files], certainty: 'proven' }
      )
    }
    const a = calls(ctx, c)
    const sources = ['kubernetes.audit' as const]
    if (!a)
      return outcome('unknown', `no audit log of ${c.name} is in evidence: the addresses its nodes and pods call from are unknown`, {
        evidence: [t.evidence],
        sources,
        windowed: true
      })
    const own = [...new Set(clusterPublic(a.callers).map((x) => x.address))]
    return outcome(
      'yes',
      own.length
        ? `the cluster's own nodes and pods called from ${own.join(', ')}: the plan authorises these addresses, and AKS's control plane reaches the API server on its own side`
        : "the cluster's own nodes and pods called only from private addresses, and AKS's control plane reaches the API server on its own side",
      { evidence: [t.evidence, a.audit.files], certainty: 'proven', sources, windowed: true }
    )
  }
})

export const K8S_API_STEPS = [publicStep, auditStep, callersStep, pathStep]
