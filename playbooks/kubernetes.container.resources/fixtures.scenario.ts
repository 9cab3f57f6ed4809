// The resource playbook's fixture world: a cluster shop-prod as `trivy k8s` reports it, with 90 days of
// its containers' use (Prometheus range-query answers at a 6-hour step) and its nodes, quota and limit
// range. The shop's API has requests but no CPU limit, and was seen every day; its Postgres has no
// requests at all, its CPU seen every day but its memory not for ten days (Prometheus was down); the
// analytics Spark driver has no memory limit and a namespace quota too small for the request its use
// calls for; CoreDNS in kube-system has no CPU limit; the web front end got its CPU limit since the
// scan. Each finding ends one way the investigation can end.
import { hex, k8sLimitRange, k8sNode, k8sResourceQuota, k8sWorkload, promSeries, trivyK8sReport, WINDOW, type Expected, type World } from '../../test/casegen/world'

const CLUSTER = 'shop-prod'
const NODES = [0, 1, 2, 3].map((i) => `aks-nodepool1-31045-vmss00000${i}`)
const GiB = 2 ** 30

/** The pods k8sWorkload gives a Deployment (name-<template hash>-<suffix>) or a StatefulSet (name-<ordinal>). */
const deploymentPod = (ns: string, name: string, i: number): string => `${name}-${hex(`rs:${ns}:${name}`, 10)}-${hex(`pod:${ns}:${name}:${i}`, 5)}`

const series = (namespace: string, pod: string, container: string, value: (step: number) => number | null) =>
  promSeries({ namespace, pod, container, from: WINDOW.from, to: WINDOW.to, stepHours: 6, value })

/** A day's shape at a 6-hour step: quiet at night, busiest in the afternoon, a weekly batch peak on one step a week. */
const shape = (step: number, low: number, high: number, weekly: number): number => (step % 28 === 10 ? weekly : step % 4 === 2 ? high : step % 4 === 1 ? (low + high) / 2 : low)

const CHECKS = {
  '0011': { id: 'KSV011', title: 'CPU not limited', field: 'resources.limits.cpu', control: 'iac.trivy.ksv-0011' },
  '0015': { id: 'KSV015', title: 'CPU requests not specified', field: 'resources.requests.cpu', control: 'iac.trivy.ksv-0015' },
  '0016': { id: 'KSV016', title: 'Memory requests not specified', field: 'resources.requests.memory', control: 'iac.trivy.ksv-0016' },
  '0018': { id: 'KSV018', title: 'Memory not limited', field: 'resources.limits.memory', control: 'iac.trivy.ksv-0018' }
} as const

export function scenario(w: World): void {
  const c = w.cluster(CLUSTER)
  c.workloads.push(
    ...k8sWorkload('Deployment', 'shop', 'api', {
      containers: [{ name: 'api', image: 'acme.azurecr.io/shop-api:5.3.1', resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { memory: '512Mi' } } }],
      replicas: 3
    }),
    ...k8sWorkload('StatefulSet', 'shop', 'postgres', { containers: [{ name: 'postgres', image: 'postgres:16.4' }], replicas: 1 }),
    ...k8sWorkload('Deployment', 'shop', 'web', {
      containers: [{ name: 'web', image: 'acme.azurecr.io/shop-web:2.9.0', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '500m', memory: '256Mi' } } }],
      replicas: 2
    }),
    ...k8sWorkload('Deployment', 'analytics', 'spark-driver', {
      containers: [{ name: 'driver', image: 'apache/spark:3.5.3', resources: { requests: { cpu: '1' } } }],
      replicas: 1
    }),
    ...k8sWorkload('Deployment', 'kube-system', 'coredns', {
      containers: [
        { name: 'coredns', image: 'mcr.microsoft.com/oss/kubernetes/coredns:v1.11.3', resources: { requests: { cpu: '100m', memory: '70Mi' }, limits: { memory: '500Mi' } } }
      ],
      labels: { 'kubernetes.azure.com/managedby': 'aks' },
      replicas: 2
    })
  )
  c.capacity = [
    ...NODES.map((n) => k8sNode(n, '3860m', '15451880Ki')),
    k8sLimitRange('shop', 'shop-limits', { max: { cpu: '2', memory: '4Gi' } }),
    k8sResourceQuota('analytics', 'analytics-quota', { 'requests.memory': '24Gi', 'requests.cpu': '12' }, { 'requests.memory': '14Gi', 'requests.cpu': '5' })
  ]
  c.metrics = {
    cpu: [
      ...[0, 1, 2].map((i) => series('shop', deploymentPod('shop', 'api', i), 'api', (s) => shape(s, 0.12, 0.3 + i * 0.01, 0.55))),
      series('shop', 'postgres-0', 'postgres', (s) => shape(s, 0.2, 0.38, 0.45)),
      series('analytics', deploymentPod('analytics', 'spark-driver', 0), 'driver', (s) => shape(s, 0.3, 2.1, 3.2))
    ],
    memory: [
      // Prometheus was down for ten days in October: no sample of Postgres then
      series('shop', 'postgres-0', 'postgres', (s) => (s >= 200 && s < 240 ? null : shape(s, 1.1 * GiB, 1.3 * GiB, 1.4 * GiB))),
      series('analytics', deploymentPod('analytics', 'spark-driver', 0), 'driver', (s) => shape(s, 3 * GiB, 9 * GiB, 9.5 * GiB))
    ]
  }

  const finding = (namespace: string, kind: string, name: string, container: string, check: keyof typeof CHECKS) => ({
    namespace,
    kind,
    name,
    checks: [
      { id: CHECKS[check].id, title: CHECKS[check].title, message: `Container '${container}' of ${kind} '${name}' should set '${CHECKS[check].field}'`, severity: 'LOW' as const }
    ]
  })
  const cases: Array<[string, string, string, string, keyof typeof CHECKS, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'shop',
      'Deployment',
      'api',
      'api',
      '0011',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no', observed: 'yes', unplaceable: 'no', 'cpu-cap': 'yes' },
      'the API was seen every day and fits, but no 5-minute rate shows a CPU limit is enough for its start-up: its owner confirms it',
      { observed: 'limits.cpu 1100m', unplaceable: 'every running pod fits again on its node', 'cpu-cap': 'the fix caps the CPU of' }
    ],
    [
      'shop',
      'StatefulSet',
      'postgres',
      'postgres',
      '0015',
      'SAFE',
      { which: 'yes', observed: 'yes', unplaceable: 'no', 'cpu-cap': 'no' },
      'Postgres’s CPU was seen every day; its request is the 95th percentile, and the pod fits again on its node',
      { observed: 'requests.cpu 380m' }
    ],
    [
      'shop',
      'StatefulSet',
      'postgres',
      'postgres',
      '0016',
      'RISKY',
      { which: 'yes', observed: 'unknown', unplaceable: 'unknown' },
      'Prometheus was down ten days: no memory sample of Postgres then, so no value can be shown enough',
      { observed: 'no memory sample on 10 of 90 days' }
    ],
    [
      'analytics',
      'Deployment',
      'spark-driver',
      'driver',
      '0018',
      'UNSAFE',
      { which: 'yes', observed: 'yes', unplaceable: 'yes' },
      'the memory request the driver’s use calls for is more than the namespace quota has left',
      { unplaceable: 'ResourceQuota analytics/analytics-quota allows requests.memory 24 GiB and 14 GiB is used' }
    ],
    [
      'kube-system',
      'Deployment',
      'coredns',
      'coredns',
      '0011',
      'UNSAFE',
      { which: 'yes', system: 'yes' },
      'CoreDNS is the cluster’s own: AKS sizes it and puts it back',
      { system: 'kubernetes.azure.com/managedby: aks' }
    ],
    [
      'shop',
      'Deployment',
      'web',
      'web',
      '0011',
      'SAFE',
      { which: 'no' },
      'the web front end got its CPU limit since the scan',
      { which: 'no workload in workloads.json has a container without resources.limits.cpu' }
    ]
  ]
  w.findings.trivy.push({
    name: 'k8s-shop-prod',
    // one entry an object, with every check that failed on it (Postgres: two)
    report: trivyK8sReport({
      cluster: CLUSTER,
      resources: cases
        .map(([ns, kind, name, container, check]) => finding(ns, kind, name, container, check))
        .reduce<Array<ReturnType<typeof finding>>>((all, f) => {
          const same = all.find((x) => x.namespace === f.namespace && x.kind === f.kind && x.name === f.name)
          if (same) same.checks.push(...f.checks)
          else all.push(f)
          return all
        }, [])
    })
  })
  for (const [ns, kind, name, , check, verdict, steps, why, says] of cases)
    w.expect({ control: CHECKS[check].control, resource: `k8s:${CLUSTER}/${ns}/${kind}/${name}`, verdict, steps, why, says })
}
