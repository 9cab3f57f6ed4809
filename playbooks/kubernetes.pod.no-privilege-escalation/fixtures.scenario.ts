// The no-privilege-escalation playbook's fixture world: an EKS cluster, checkout, scanned by `trivy k8s`
// (KSV001 on each object whose containers allow privilege escalation). Its storefront runs as the
// image's user and its payments worker as uid 10001 (both run: RISKY, each saying what no_new_privs
// would take); a nightly export is scaled to zero (SAFE); the cart was fixed since the scan (SAFE,
// stale); the EBS CSI node agent is the cluster's own and BuildKit runs privileged (UNSAFE both); and
// Trivy reported the storefront's check on a Role too (aquasecurity/trivy#9170): the Role runs no container,
// but the message names the storefront, so that proves nothing (RISKY, pointing at the storefront).
import { k8sWorkload, trivyK8sReport, type Expected, type World } from '../../test/casegen/world'

const CLUSTER = 'checkout'
const ARN = `arn:aws:eks:eu-west-1:210987654321:cluster/${CLUSTER}`
const CONTROL = 'kubernetes.pod.no-privilege-escalation'

const check = (container: string, kind: string, name: string) => ({
  id: 'KSV001',
  title: 'Can elevate its own privileges',
  message: `Container '${container}' of ${kind} '${name}' should set 'securityContext.allowPrivilegeEscalation' to false`,
  severity: 'MEDIUM' as const
})

export function scenario(w: World): void {
  w.cluster(CLUSTER).workloads.push(
    ...k8sWorkload('Deployment', 'shop', 'storefront', { containers: [{ name: 'web', image: 'registry.acme.io/shop/storefront:5.3.1', ports: [8080] }], replicas: 3 }),
    ...k8sWorkload('Deployment', 'shop', 'payments-worker', {
      containers: [{ name: 'worker', image: 'registry.acme.io/shop/payments-worker:2.0.4', runAsNonRoot: true }],
      replicas: 2,
      securityContext: { runAsUser: 10001, runAsGroup: 10001 }
    }),
    ...k8sWorkload('Deployment', 'shop', 'nightly-export', { containers: [{ name: 'export', image: 'registry.acme.io/shop/export:1.1.0' }], replicas: 0, pods: 0 }),
    ...k8sWorkload('Deployment', 'shop', 'cart', {
      containers: [{ name: 'cart', image: 'registry.acme.io/shop/cart:3.9.0', allowPrivilegeEscalation: false, runAsUser: 10002 }],
      replicas: 2
    }),
    ...k8sWorkload('DaemonSet', 'kube-system', 'ebs-csi-node', {
      containers: [{ name: 'ebs-plugin', image: 'public.ecr.aws/ebs-csi-driver/aws-ebs-csi-driver:v1.35.0', privileged: true }],
      labels: { 'app.kubernetes.io/managed-by': 'EKS' },
      pods: 2
    }),
    ...k8sWorkload('Deployment', 'ci', 'buildkitd', { containers: [{ name: 'buildkitd', image: 'moby/buildkit:v0.16.0', privileged: true }], replicas: 1 })
  )
  const objects: Array<[string, string, string, string]> = [
    ['shop', 'Deployment', 'storefront', 'web'],
    ['shop', 'Deployment', 'payments-worker', 'worker'],
    ['shop', 'Deployment', 'nightly-export', 'export'],
    ['shop', 'Deployment', 'cart', 'cart'],
    ['kube-system', 'DaemonSet', 'ebs-csi-node', 'ebs-plugin'],
    ['ci', 'Deployment', 'buildkitd', 'buildkitd']
  ]
  w.findings.trivy.push({
    name: 'k8s-checkout',
    report: trivyK8sReport({
      cluster: ARN,
      resources: [
        ...objects.map(([namespace, kind, name, container]) => ({ namespace, kind, name, checks: [check(container, kind, name)] })),
        // Trivy's k8s scan reports a workload's checks on a Role of its namespace too (aquasecurity/trivy#9170)
        { namespace: 'shop', kind: 'Role', name: 'storefront-scanner', checks: [check('web', 'Deployment', 'storefront')] }
      ]
    })
  })
  const id = (ns: string, kind: string, name: string): string => `k8s:${ARN}/${ns}/${kind}/${name}`
  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      id('shop', 'Deployment', 'storefront'),
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no', needed: 'unknown' },
      "the storefront runs as its image's user, which the evidence does not hold",
      { needed: 'as root, nothing it holds changes; as another user, a setuid or setcap program it runs (sudo, su, ping where it is setuid) fails' }
    ],
    [
      id('shop', 'Deployment', 'payments-worker'),
      'RISKY',
      { which: 'yes', running: 'yes', needed: 'unknown' },
      'the payments worker runs as uid 10001: a setuid program it relies on would fail',
      { needed: "runAsUser 10001 (the pod's): a setuid or setcap program it runs (sudo, su, newgrp, ping where it is setuid) no longer gains root" }
    ],
    [id('shop', 'Deployment', 'nightly-export'), 'SAFE', { which: 'yes', running: 'no', system: 'no' }, 'the export is scaled to zero', { running: 'replicas 0 and no pod' }],
    [id('shop', 'Deployment', 'cart'), 'SAFE', { which: 'no' }, 'the cart sets allowPrivilegeEscalation false since the scan', { which: 'the finding is stale' }],
    [id('kube-system', 'DaemonSet', 'ebs-csi-node'), 'UNSAFE', { which: 'yes', system: 'yes' }, "the EBS CSI node agent is the cluster's own", { system: 'in kube-system' }],
    [
      id('ci', 'Deployment', 'buildkitd'),
      'UNSAFE',
      { which: 'yes', running: 'yes', system: 'no', needed: 'yes' },
      'BuildKit runs privileged: the API server refuses the change beside it',
      { needed: 'privileged: true (the API server refuses allowPrivilegeEscalation: false beside it)' }
    ],
    [
      id('shop', 'Role', 'storefront-scanner'),
      'RISKY',
      { which: 'unknown' },
      "the check is on a Role, but Trivy's message names the storefront's container: the Role running no container proves nothing",
      { which: "the tool's message names Deployment shop/storefront" }
    ]
  ]
  for (const [resource, verdict, steps, why, says] of cases) w.expect({ control: CONTROL, resource, verdict, steps, why, says })
}
