// The drop-capabilities playbook's fixture world: a cluster, analytics, scanned by `trivy k8s` (KSV003 on
// each object whose containers do not drop ALL, KSV106 as well where Trivy has it). Its reports API runs
// as uid 10001 without privilege escalation (SAFE for both checks: it holds nothing to lose); the nginx
// gateway runs as root and serves ports 80 and 443 (RISKY: it loses CHOWN, SETUID … and keeps
// NET_BIND_SERVICE); Postgres runs as its image's user (RISKY, unknown); a packet-capture tool adds
// NET_RAW and NET_ADMIN as root (RISKY under KSV106); kube-proxy is the cluster's own (UNSAFE); an
// archiver is scaled to zero and a worker drops ALL since the scan (SAFE both).
import { k8sWorkload, trivyK8sReport, type Expected, type TrivyK8sCheck, type World } from '../../test/casegen/world'

const CLUSTER = 'analytics'
const CONTROL = 'kubernetes.pod.drop-capabilities'
const ONLY_BIND = 'iac.trivy.ksv-0106'

const ksv003 = (container: string, kind: string, name: string): TrivyK8sCheck => ({
  id: 'KSV003',
  title: 'Default capabilities: some containers do not drop all',
  message: `Container '${container}' of ${kind} '${name}' should add 'ALL' to 'securityContext.capabilities.drop'`,
  severity: 'LOW'
})
const ksv106 = (dropsAll: boolean): TrivyK8sCheck => ({
  id: 'KSV106',
  title: 'Container capabilities must only include NET_BIND_SERVICE',
  message: dropsAll ? 'container should not add stuff' : 'container should drop all',
  severity: 'LOW'
})

export function scenario(w: World): void {
  w.cluster(CLUSTER).workloads.push(
    ...k8sWorkload('Deployment', 'reports', 'reports-api', {
      containers: [{ name: 'api', image: 'registry.acme.io/analytics/reports-api:4.2.0', allowPrivilegeEscalation: false, ports: [8080] }],
      replicas: 2,
      securityContext: { runAsUser: 10001, runAsNonRoot: true }
    }),
    ...k8sWorkload('Deployment', 'reports', 'gateway', {
      containers: [{ name: 'nginx', image: 'nginx:1.27.2', runAsUser: 0, ports: [80, 443] }],
      replicas: 2
    }),
    ...k8sWorkload('StatefulSet', 'reports', 'postgres', { containers: [{ name: 'postgres', image: 'postgres:16.4', ports: [5432] }], replicas: 1 }),
    ...k8sWorkload('Deployment', 'reports', 'packet-capture', {
      containers: [{ name: 'tcpdump', image: 'registry.acme.io/ops/packet-capture:1.0.3', runAsUser: 0, drop: ['ALL'], add: ['NET_RAW', 'NET_ADMIN'] }],
      replicas: 1
    }),
    ...k8sWorkload('DaemonSet', 'kube-system', 'kube-proxy', { containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.30.4', privileged: true }], pods: 3 }),
    ...k8sWorkload('Deployment', 'reports', 'archiver', { containers: [{ name: 'archiver', image: 'registry.acme.io/analytics/archiver:0.9.1' }], replicas: 0, pods: 0 }),
    ...k8sWorkload('Deployment', 'reports', 'worker', {
      containers: [{ name: 'worker', image: 'registry.acme.io/analytics/worker:4.2.0', drop: ['ALL'], runAsUser: 10001, allowPrivilegeEscalation: false }],
      replicas: 1
    })
  )
  w.findings.trivy.push({
    name: 'k8s-analytics',
    report: trivyK8sReport({
      cluster: CLUSTER,
      resources: [
        { namespace: 'reports', kind: 'Deployment', name: 'reports-api', checks: [ksv003('api', 'Deployment', 'reports-api'), ksv106(false)] },
        { namespace: 'reports', kind: 'Deployment', name: 'gateway', checks: [ksv003('nginx', 'Deployment', 'gateway')] },
        { namespace: 'reports', kind: 'StatefulSet', name: 'postgres', checks: [ksv003('postgres', 'StatefulSet', 'postgres'), ksv106(false)] },
        { namespace: 'reports', kind: 'Deployment', name: 'packet-capture', checks: [ksv106(true)] },
        { namespace: 'kube-system', kind: 'DaemonSet', name: 'kube-proxy', checks: [ksv003('kube-proxy', 'DaemonSet', 'kube-proxy')] },
        { namespace: 'reports', kind: 'Deployment', name: 'archiver', checks: [ksv003('archiver', 'Deployment', 'archiver')] },
        { namespace: 'reports', kind: 'Deployment', name: 'worker', checks: [ksv003('worker', 'Deployment', 'worker')] }
      ]
    })
  })
  const id = (ns: string, kind: string, name: string): string => `k8s:${CLUSTER}/${ns}/${kind}/${name}`
  const cases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      CONTROL,
      id('reports', 'Deployment', 'reports-api'),
      'SAFE',
      { which: 'yes', running: 'yes', system: 'no', holds: 'no' },
      'the API runs as uid 10001 without privilege escalation: it holds no capability',
      { holds: "runAsUser 10001 (the pod's) and allowPrivilegeEscalation: false" }
    ],
    [ONLY_BIND, id('reports', 'Deployment', 'reports-api'), 'SAFE', { which: 'yes', holds: 'no' }, 'the same for KSV-0106', { holds: 'dropping ALL changes nothing it can do' }],
    [
      CONTROL,
      id('reports', 'Deployment', 'gateway'),
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no', holds: 'yes' },
      'nginx runs as root and loses CHOWN, SETUID and the rest; it keeps NET_BIND_SERVICE for ports 80 and 443',
      {
        holds:
          'runAsUser 0: root: it loses AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_RAW, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT; it keeps NET_BIND_SERVICE (it declares port 80, 443)'
      }
    ],
    [
      ONLY_BIND,
      id('reports', 'StatefulSet', 'postgres'),
      'RISKY',
      { which: 'yes', running: 'yes', holds: 'unknown' },
      "Postgres runs as its image's user, which the evidence does not hold",
      { holds: "it runs as its image's USER" }
    ],
    [CONTROL, id('reports', 'StatefulSet', 'postgres'), 'RISKY', { holds: 'unknown' }, 'the same for KSV-0003', { which: 'drops nothing' }],
    [
      ONLY_BIND,
      id('reports', 'Deployment', 'packet-capture'),
      'RISKY',
      { which: 'yes', holds: 'yes' },
      'the capture tool adds NET_RAW and NET_ADMIN as root: it loses them',
      { which: 'adds NET_RAW, NET_ADMIN', holds: 'it loses NET_ADMIN, NET_RAW' }
    ],
    [CONTROL, id('kube-system', 'DaemonSet', 'kube-proxy'), 'UNSAFE', { which: 'yes', system: 'yes' }, "kube-proxy is the cluster's own", { system: 'in kube-system' }],
    [CONTROL, id('reports', 'Deployment', 'archiver'), 'SAFE', { which: 'yes', running: 'no' }, 'the archiver is scaled to zero', { running: 'replicas 0 and no pod' }],
    [CONTROL, id('reports', 'Deployment', 'worker'), 'SAFE', { which: 'no' }, 'the worker drops ALL since the scan', { which: 'the finding is stale' }]
  ]
  for (const [control, resource, verdict, steps, why, says] of cases) w.expect({ control, resource, verdict, steps, why, says })
}
