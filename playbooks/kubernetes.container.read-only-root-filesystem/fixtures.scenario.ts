// The read-only root filesystem playbook's fixture world: a cluster blog-prod as `trivy k8s` reports it,
// with each node's kubelet Summary API. Ghost stores uploads in its container (37 MiB in its writable
// layer); nginx's layer holds only the runtime's mount points; an image proxy is scaled to zero; Redis
// got its read-only root filesystem since the scan. Each finding ends one way the investigation can end.
import { hex, k8sWorkload, kubeletSummary, trivyK8sReport, type Expected, type World } from '../../test/casegen/world'

const CLUSTER = 'blog-prod'
const NODES = [0, 1].map((i) => `aks-nodepool1-31045-vmss00000${i}`)
const MiB = 2 ** 20

/** The pods k8sWorkload gives a Deployment (name-<template hash>-<suffix>), on node i. */
const pod = (ns: string, name: string, i: number): string => `${name}-${hex(`rs:${ns}:${name}`, 10)}-${hex(`pod:${ns}:${name}:${i}`, 5)}`

export function scenario(w: World): void {
  const c = w.cluster(CLUSTER)
  c.workloads.push(
    ...k8sWorkload('Deployment', 'blog', 'ghost', { containers: [{ name: 'ghost', image: 'ghost:5.96.0' }], replicas: 2 }),
    ...k8sWorkload('Deployment', 'blog', 'nginx', { containers: [{ name: 'nginx', image: 'nginxinc/nginx-unprivileged:1.27', runAsNonRoot: true }], replicas: 2 }),
    ...k8sWorkload('Deployment', 'blog', 'imgproxy', { containers: [{ name: 'imgproxy', image: 'darthsim/imgproxy:v3.25' }], replicas: 0, pods: 0 }),
    ...k8sWorkload('Deployment', 'blog', 'redis', { containers: [{ name: 'redis', image: 'redis:7.4', readOnlyRootFilesystem: true }], replicas: 1 })
  )
  c.stats = NODES.map((node, i) =>
    kubeletSummary(node, [
      // Ghost writes uploaded images under /var/lib/ghost/content, in its container
      { namespace: 'blog', pod: pod('blog', 'ghost', i), containers: [{ name: 'ghost', usedBytes: 37 * MiB + i * 4096 }] },
      // nginx-unprivileged keeps its temporary files under /tmp, and none was there when measured
      { namespace: 'blog', pod: pod('blog', 'nginx', i), containers: [{ name: 'nginx', usedBytes: 12288 }] },
      ...(i === 0 ? [{ namespace: 'blog', pod: pod('blog', 'redis', 0), containers: [{ name: 'redis', usedBytes: 0 }] }] : [])
    ])
  )

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'ghost',
      'UNSAFE',
      { which: 'yes', running: 'yes', system: 'no', writes: 'yes' },
      'Ghost keeps uploads in its container: read-only, they fail',
      { writes: '37 MiB in its writable layer' }
    ],
    [
      'nginx',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no', writes: 'no' },
      'nginx’s layer holds only the runtime’s bytes now, which cannot show it never writes',
      { writes: 'every running container at fault holds at most 1 MiB in its writable layer' }
    ],
    ['imgproxy', 'SAFE', { which: 'yes', running: 'no', system: 'no' }, 'the image proxy is scaled to zero: only the template changes', { running: 'replicas 0 and no pod' }],
    [
      'redis',
      'SAFE',
      { which: 'no' },
      'Redis got its read-only root filesystem since the scan',
      { which: 'no workload in workloads.json has a container whose root filesystem is writable' }
    ]
  ]
  w.findings.trivy.push({
    name: 'k8s-blog-prod',
    report: trivyK8sReport({
      cluster: CLUSTER,
      resources: cases.map(([name]) => ({
        namespace: 'blog',
        kind: 'Deployment',
        name,
        checks: [
          {
            id: 'KSV014',
            title: 'Root file system is not read-only',
            message: `Container '${name}' of Deployment '${name}' should set 'securityContext.readOnlyRootFilesystem' to true`,
            severity: 'HIGH'
          }
        ]
      }))
    })
  })
  for (const [name, verdict, steps, why, says] of cases) w.expect({ control: 'iac.trivy.ksv-0014', resource: `k8s:${CLUSTER}/blog/Deployment/${name}`, verdict, steps, why, says })
}
