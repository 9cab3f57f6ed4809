// The non-root-groups playbook's fixture world: the ledger cluster (EKS, which Trivy's k8s scan names by
// its ARN; its evidence folder is kubernetes/ledger/) as `trivy k8s` reports it, KSV-0116 on a Service
// (which runs no container), on an API whose pods run with group 0 and fsGroup 0, on a reports archive
// scaled to zero that adds group 0 as a supplementary group, on a worker already fixed since the scan,
// on the cluster's own DNS add-on, and on a Role under which the scan filed the API's result (as `trivy k8s`
// sometimes does). Each finding ends one way the investigation can end.
import { k8sWorkload, trivyK8sReport, type Expected, type TrivyK8sCheck, type World } from '../../test/casegen/world'

const CLUSTER_ARN = 'arn:aws:eks:eu-west-1:111122223333:cluster/ledger'
const CONTROL = 'kubernetes.pod.non-root-groups'

const ksv116 = (kind: string, name: string, namespace: string): TrivyK8sCheck => ({
  id: 'KSV116',
  title: 'Runs with a root primary or supplementary GID',
  message: `${kind.toLowerCase()} ${name} in ${namespace} namespace should set spec.securityContext.runAsGroup, spec.securityContext.supplementalGroups[*] and spec.securityContext.fsGroup to integer greater than 0`,
  severity: 'LOW'
})

export function scenario(w: World): void {
  w.cluster('ledger').workloads.push(
    // the ledger API: built to run under any user id with group 0 owning what it writes
    ...k8sWorkload('Deployment', 'ledger', 'ledger-api', {
      containers: [{ name: 'api', image: 'registry.example.com/ledger/api:3.2.1', runAsUser: 1000 }],
      replicas: 2,
      securityContext: { runAsUser: 1000, runAsGroup: 0, fsGroup: 0 }
    }),
    // month-end reports, scaled to zero between runs
    ...k8sWorkload('StatefulSet', 'ledger', 'reports-archive', {
      containers: [{ name: 'archiver', image: 'registry.example.com/ledger/archiver:1.4.0' }],
      replicas: 0,
      pods: 0,
      securityContext: { runAsUser: 2000, supplementalGroups: [0, 2000] }
    }),
    // the batch worker: its group was fixed after the scan
    ...k8sWorkload('Deployment', 'ledger', 'ledger-worker', {
      containers: [{ name: 'worker', image: 'registry.example.com/ledger/worker:3.2.1' }],
      replicas: 1,
      securityContext: { runAsUser: 3000, runAsGroup: 3000, fsGroup: 3000 }
    }),
    // the EKS CoreDNS add-on
    ...k8sWorkload('Deployment', 'kube-system', 'coredns', {
      containers: [{ name: 'coredns', image: '602401143452.dkr.ecr.eu-west-1.amazonaws.com/eks/coredns:v1.11.1-eksbuild.4' }],
      replicas: 2,
      securityContext: { runAsGroup: 0 }
    })
  )

  const cases: Array<[string, string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'ledger',
      'Service',
      'ledger-api',
      'SAFE',
      { which: 'no' },
      'a Service runs no container: Trivy reports the pod check on it all the same',
      { which: 'Service ledger/ledger-api runs no container' }
    ],
    [
      'ledger',
      'Deployment',
      'ledger-api',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no' },
      "the API's processes run with group 0 and its volumes are group-owned by root, and run",
      { which: "runAsGroup 0 (the pod's, for api); fsGroup 0", running: 'Deployment ledger/ledger-api: 2 pods running' }
    ],
    [
      'ledger',
      'StatefulSet',
      'reports-archive',
      'SAFE',
      { which: 'yes', running: 'no', system: 'no' },
      'the archive adds group 0 but is scaled to zero',
      { which: 'supplementalGroups holds 0', running: 'replicas 0 and no pod' }
    ],
    [
      'ledger',
      'Deployment',
      'ledger-worker',
      'SAFE',
      { which: 'no' },
      'the worker runs with group 3000 now: the finding is stale',
      { which: 'no workload in workloads.json has a process running with group 0' }
    ],
    [
      'kube-system',
      'Deployment',
      'coredns',
      'UNSAFE',
      { which: 'yes', system: 'yes' },
      "CoreDNS is the cluster's own",
      { system: 'Deployment kube-system/coredns: in kube-system' }
    ]
  ]
  const report = trivyK8sReport({
    cluster: CLUSTER_ARN,
    resources: [
      ...cases.map(([namespace, kind, name]) => ({ namespace, kind, name, checks: [ksv116(kind, name, namespace)] })),
      // as `trivy k8s` sometimes files a workload's results: under a Role, its Result's Target naming the Deployment
      { namespace: 'ledger', kind: 'Role', name: 'ledger-reader', checks: [ksv116('Deployment', 'ledger-api', 'ledger')] }
    ]
  }) as { Resources: Array<{ Name: string; Results: Array<{ Target: string }> }> }
  report.Resources.find((r) => r.Name === 'ledger-reader')!.Results[0].Target = 'Deployment/ledger-api'
  w.findings.trivy.push({ name: 'k8s-ledger', report })
  for (const [namespace, kind, name, verdict, steps, why, says] of cases)
    w.expect({ control: CONTROL, resource: `k8s:${CLUSTER_ARN}/${namespace}/${kind}/${name}`, verdict, steps, why, says })
  w.expect({
    control: CONTROL,
    resource: `k8s:${CLUSTER_ARN}/ledger/Role/ledger-reader`,
    verdict: 'RISKY',
    steps: { which: 'unknown' },
    why: "the scanner filed the API's result under a Role: the Role runs no container, but the finding is not about it",
    says: { which: "the scanner's result is about Deployment/ledger-api (its Target)" }
  })
}
