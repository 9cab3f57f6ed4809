// The workload-hardening playbook's fixture world: two AKS clusters as Wiz reports them. payments-aks
// runs AKS's own CNI agent privileged, a node agent of the team's with added capabilities, an API that
// adds only what Baseline allows, a debugging toolbox scaled to zero and the Wiz sensor; batch-aks a
// Docker-in-Docker runner no one runs any more. An EKS cluster, render, is scanned by `trivy k8s` (KSV017 and
// KSV022 on its workloads; one on the ReplicaSet of a Deployment, as Trivy Operator reports it). Each finding
// ends one way the investigation can end.
import { hex, k8sServiceAccount, k8sWorkload, trivyK8sReport, wizClusterIssue, wizPodIssue, type Expected, type World } from '../../test/casegen/world'

const SUBSCRIPTION = 'fee3535b-9616-486f-a476-6a500a08a02b'
const PAYMENTS = hex('cluster:payments-aks', 64)
const BATCH = hex('cluster:batch-aks', 64)
const MEDIA = hex('cluster:media-aks', 64)

const PRIVILEGED = { control: 'ed0a02f3-bc87-4a68-b018-8d8fa95d4000', title: 'AKS cluster contains a pod running privileged containers', id: 'azure.aks.privileged-containers' }
const ADDED = {
  control: '319074a6-37af-4687-af80-d4eff7474aeb',
  title: 'AKS cluster contains a pod running containers with added capabilities',
  id: 'azure.aks.container-added-capabilities'
}
const PSS = {
  control: '198c264c-f768-5029-93db-01de074deee0',
  title: 'Pod should not run containers that authorize additional capabilities (PSS Baseline)',
  id: 'kubernetes.pod.added-capabilities'
}

/** The name k8sWorkload gives the i-th pod of a DaemonSet. */
const dsPod = (ns: string, name: string, i: number): string => `${name}-${hex(`pod:${ns}:${name}:${i}`, 5)}`

export function scenario(w: World): void {
  const payments = w.cluster(PAYMENTS)
  payments.workloads.push(
    // AKS's container networking agent: privileged, in kube-system, managed by AKS
    ...k8sWorkload('DaemonSet', 'kube-system', 'azure-cns', {
      containers: [{ name: 'cns-container', image: 'mcr.microsoft.com/containernetworking/azure-cns:v1.6.5', privileged: true }],
      labels: { 'kubernetes.azure.com/managedby': 'aks' },
      pods: 2,
      hostNetwork: true
    }),
    // the platform team's own node agent: NET_ADMIN and SYS_PTRACE beyond Baseline
    ...k8sWorkload('DaemonSet', 'monitoring', 'node-probe', {
      containers: [{ name: 'probe', image: 'acme.azurecr.io/node-probe:2.4.1', add: ['NET_ADMIN', 'SYS_PTRACE'] }],
      pods: 2
    }),
    // the payments API binds port 443 in the container: NET_BIND_SERVICE, which Baseline allows
    ...k8sWorkload('Deployment', 'payments', 'api', {
      containers: [{ name: 'api', image: 'acme.azurecr.io/payments-api:7.2.0', add: ['NET_BIND_SERVICE'] }],
      replicas: 3,
      serviceAccount: 'api'
    }),
    // a debugging toolbox someone ran privileged once, scaled to zero since
    ...k8sWorkload('Deployment', 'payments', 'debug-toolbox', {
      containers: [{ name: 'toolbox', image: 'nicolaka/netshoot:v0.13', privileged: true }],
      replicas: 0,
      pods: 0
    }),
    // the Wiz sensor: SYS_ADMIN and friends; its pods were replaced since the scan
    ...k8sWorkload('DaemonSet', 'wiz', 'wiz-unified-helm-wiz-sensor', {
      containers: [{ name: 'wiz-sensor', image: 'wizio.azurecr.io/sensor:v1', add: ['SYS_ADMIN', 'SYS_RESOURCE', 'SYS_PTRACE', 'NET_ADMIN', 'IPC_LOCK'] }],
      pods: 2,
      serviceAccount: 'wiz-sensor'
    }),
    k8sServiceAccount('payments', 'api'),
    k8sServiceAccount('wiz', 'wiz-sensor')
  )
  const batch = w.cluster(BATCH)
  batch.workloads.push(
    ...k8sWorkload('Deployment', 'ci', 'dind-runner', {
      containers: [{ name: 'dind', image: 'docker:24-dind', privileged: true }],
      replicas: 0,
      pods: 0
    }),
    ...k8sWorkload('Deployment', 'ci', 'runner-controller', { containers: [{ name: 'controller', image: 'acme.azurecr.io/runner-controller:1.8.0' }], replicas: 1 })
  )

  // media-aks: the video transcoder runs privileged to reach the nodes' GPUs
  w.cluster(MEDIA).workloads.push(
    ...k8sWorkload('StatefulSet', 'media', 'transcoder', { containers: [{ name: 'ffmpeg', image: 'acme.azurecr.io/transcoder:4.4', privileged: true }], replicas: 2 })
  )

  const clusterCases: Array<[typeof PRIVILEGED, string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      PRIVILEGED,
      PAYMENTS,
      'payments-aks',
      'UNSAFE',
      { which: 'yes', running: 'yes', system: 'yes' },
      "AKS's CNI agent runs privileged, and needs to",
      { which: 'DaemonSet kube-system/azure-cns: cns-container privileged: true', system: 'kubernetes.azure.com/managedby: aks' }
    ],
    [
      ADDED,
      PAYMENTS,
      'payments-aks',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no' },
      'three workloads of the team add capabilities, and run',
      { which: 'Deployment payments/api: api adds NET_BIND_SERVICE', running: 'DaemonSet monitoring/node-probe: 2 pods running' }
    ],
    [
      PRIVILEGED,
      MEDIA,
      'media-aks',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no' },
      'the transcoder runs privileged, and whether it needs to no evidence shows',
      { running: 'StatefulSet media/transcoder: 2 pods running (transcoder-0, transcoder-1)' }
    ],
    [
      PRIVILEGED,
      BATCH,
      'batch-aks',
      'SAFE',
      { which: 'yes', running: 'no', system: 'no' },
      'the privileged Docker-in-Docker runner is scaled to zero',
      { running: 'replicas 0 and no pod' }
    ]
  ]
  for (const [c, clusterId, clusterName, verdict, steps, why, says] of clusterCases) {
    const row = wizClusterIssue({ ...c, subscription: SUBSCRIPTION, clusterId, clusterName, resourceGroup: 'rg-aks', created: '2026-11-02T08:00:00Z' })
    w.findings.wiz.push(row)
    w.expect({ control: c.id, resource: row['Resource external ID'], verdict, steps, why, says })
  }

  const podCases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'monitoring',
      dsPod('monitoring', 'node-probe', 0),
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no' },
      'the node agent adds NET_ADMIN and SYS_PTRACE, and whether it uses them no evidence shows',
      { which: 'probe adds NET_ADMIN, SYS_PTRACE (beyond Baseline)' }
    ],
    [
      'payments',
      `api-${hex('rs:payments:api', 10)}-${hex('pod:payments:api:1', 5)}`,
      'SAFE',
      { which: 'no' },
      'the API adds only NET_BIND_SERVICE, which Baseline allows',
      { which: 'no workload in workloads.json has a container that adds Linux capabilities beyond the Baseline profile' }
    ],
    [
      'wiz',
      'wiz-unified-helm-wiz-sensor-m0u2t',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no' },
      "the sensor's pod was replaced since the scan; its DaemonSet is found by the pod's name",
      { which: 'by its name it is a pod of DaemonSet wiz/wiz-unified-helm-wiz-sensor' }
    ]
  ]
  for (const [namespace, pod, verdict, steps, why, says] of podCases) {
    const row = wizPodIssue({ ...PSS, subscription: SUBSCRIPTION, clusterId: PAYMENTS, clusterName: 'payments-aks', namespace, pod, created: '2026-11-02T08:00:00Z' })
    w.findings.wiz.push(row)
    w.expect({ control: PSS.id, resource: row['Resource external ID'], verdict, steps, why, says })
  }

  // render: an EKS cluster scanned by `trivy k8s`, whose checks KSV017 (privileged) and KSV022 (capabilities beyond
  // Baseline) are this playbook's questions on one workload each
  w.cluster('render').workloads.push(
    ...k8sWorkload('Deployment', 'render', 'encoder', { containers: [{ name: 'encoder', image: 'registry.acme.io/render/encoder:3.2.0', privileged: true }], replicas: 2 }),
    ...k8sWorkload('DaemonSet', 'kube-system', 'aws-node', {
      containers: [{ name: 'aws-node', image: 'public.ecr.aws/eks/amazon-k8s-cni:v1.18.3', privileged: true }],
      labels: { 'app.kubernetes.io/managed-by': 'EKS' },
      pods: 2
    }),
    ...k8sWorkload('Deployment', 'render', 'tuner', { containers: [{ name: 'tuner', image: 'registry.acme.io/render/tuner:1.0.2', add: ['NET_ADMIN'] }], replicas: 1 })
  )
  const ksv017 = (container: string, kind: string, name: string) => ({
    id: 'KSV017',
    title: 'Privileged',
    message: `Container '${container}' of ${kind} '${name}' should set 'securityContext.privileged' to false`,
    severity: 'HIGH' as const
  })
  const ksv022 = (container: string, kind: string, name: string) => ({
    id: 'KSV022',
    title: 'Non-default capabilities added',
    message: `Container '${container}' of ${kind} '${name}' should not set 'securityContext.capabilities.add'`,
    severity: 'MEDIUM' as const
  })
  const tunerRs = `tuner-${hex('rs:render:tuner', 10)}`
  w.findings.trivy.push({
    name: 'k8s-render',
    report: trivyK8sReport({
      cluster: 'render',
      resources: [
        { namespace: 'render', kind: 'Deployment', name: 'encoder', checks: [ksv017('encoder', 'Deployment', 'encoder')] },
        { namespace: 'kube-system', kind: 'DaemonSet', name: 'aws-node', checks: [ksv017('aws-node', 'DaemonSet', 'aws-node')] },
        { namespace: 'render', kind: 'ReplicaSet', name: tunerRs, checks: [ksv022('tuner', 'ReplicaSet', tunerRs)] }
      ]
    })
  })
  const trivyCases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'kubernetes.pod.privileged',
      'k8s:render/render/Deployment/encoder',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no' },
      'the encoder runs privileged, and whether it needs to no evidence shows',
      { which: 'Deployment render/encoder: encoder privileged: true' }
    ],
    [
      'kubernetes.pod.privileged',
      'k8s:render/kube-system/DaemonSet/aws-node',
      'UNSAFE',
      { which: 'yes', system: 'yes' },
      "the VPC CNI's node agent is the cluster's own, and needs its privileges",
      { system: 'in kube-system' }
    ],
    [
      PSS.id,
      `k8s:render/render/ReplicaSet/${tunerRs}`,
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no' },
      "Trivy names the tuner's ReplicaSet: its Deployment is what runs and what the fix patches",
      { which: `ReplicaSet render/${tunerRs} is owned by Deployment render/tuner` }
    ]
  ]
  for (const [control, resource, verdict, steps, why, says] of trivyCases) w.expect({ control, resource, verdict, steps, why, says })
}
