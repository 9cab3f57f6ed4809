// The seccomp playbook's fixture world: a cluster, media, scanned by `trivy k8s` (KSV030 and KSV104 on
// each object whose containers run without a filter). Its transcoder sets no profile and runs (RISKY for
// both checks); a renderer runs headless Chrome with Unconfined set on purpose (RISKY, saying so); the
// thumbnailer has run under the pod's RuntimeDefault since the scan (SAFE, stale); a batch encoder is
// scaled to zero (SAFE); the log shipper in kube-system is the cluster's own (UNSAFE).
import { k8sWorkload, trivyK8sReport, type Expected, type TrivyK8sCheck, type World } from '../../test/casegen/world'

const CLUSTER = 'media'
const CONTROL = 'kubernetes.pod.seccomp-runtime-default'
const NOT_UNCONFINED = 'iac.trivy.ksv-0104'

const ksv030: TrivyK8sCheck = {
  id: 'KSV030',
  title: 'Runtime/Default Seccomp profile not set',
  message: "Either Pod or Container should set 'securityContext.seccompProfile.type' to 'RuntimeDefault'",
  severity: 'LOW'
}
const ksv104 = (container: string, kind: string, name: string, ns: string): TrivyK8sCheck => ({
  id: 'KSV104',
  title: 'Seccomp policies disabled',
  message: `container "${container}" of ${kind.toLowerCase()} "${name}" in "${ns}" namespace should specify a seccomp profile`,
  severity: 'MEDIUM'
})

export function scenario(w: World): void {
  w.cluster(CLUSTER).workloads.push(
    ...k8sWorkload('Deployment', 'media', 'transcoder', { containers: [{ name: 'ffmpeg', image: 'registry.acme.io/media/transcoder:6.1.2' }], replicas: 3 }),
    ...k8sWorkload('Deployment', 'media', 'renderer', {
      containers: [{ name: 'chrome', image: 'registry.acme.io/media/renderer:128.0', seccomp: 'Unconfined', runAsUser: 999 }],
      replicas: 2
    }),
    ...k8sWorkload('Deployment', 'media', 'thumbnailer', {
      containers: [{ name: 'thumbs', image: 'registry.acme.io/media/thumbnailer:2.3.0' }],
      replicas: 2,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } }
    }),
    ...k8sWorkload('Deployment', 'media', 'batch-encoder', { containers: [{ name: 'encoder', image: 'registry.acme.io/media/encoder:6.1.2' }], replicas: 0, pods: 0 }),
    ...k8sWorkload('DaemonSet', 'kube-system', 'fluent-bit', { containers: [{ name: 'fluent-bit', image: 'cr.fluentbit.io/fluent/fluent-bit:3.1.9' }], pods: 3 })
  )
  const objects: Array<[string, string, string, string]> = [
    ['media', 'Deployment', 'transcoder', 'ffmpeg'],
    ['media', 'Deployment', 'renderer', 'chrome'],
    ['media', 'Deployment', 'thumbnailer', 'thumbs'],
    ['media', 'Deployment', 'batch-encoder', 'encoder'],
    ['kube-system', 'DaemonSet', 'fluent-bit', 'fluent-bit']
  ]
  w.findings.trivy.push({
    name: 'k8s-media',
    report: trivyK8sReport({
      cluster: CLUSTER,
      resources: objects.map(([namespace, kind, name, container]) => ({ namespace, kind, name, checks: [ksv030, ksv104(container, kind, name, namespace)] }))
    })
  })
  const id = (ns: string, kind: string, name: string): string => `k8s:${CLUSTER}/${ns}/${kind}/${name}`
  const cases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      CONTROL,
      id('media', 'Deployment', 'transcoder'),
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no', syscalls: 'unknown' },
      'the transcoder runs without a profile, and which calls it makes no evidence shows',
      { syscalls: 'no seccompProfile on the container or the pod: Unconfined, unless the kubelet runs with --seccomp-default' }
    ],
    [NOT_UNCONFINED, id('media', 'Deployment', 'transcoder'), 'RISKY', { which: 'yes', syscalls: 'unknown' }, 'the same for KSV-0104', { which: 'no seccompProfile (Unconfined)' }],
    [
      NOT_UNCONFINED,
      id('media', 'Deployment', 'renderer'),
      'RISKY',
      { which: 'yes', running: 'yes', syscalls: 'unknown' },
      "headless Chrome's sandbox runs Unconfined on purpose",
      { syscalls: 'seccompProfile Unconfined, set on purpose' }
    ],
    [
      CONTROL,
      id('media', 'Deployment', 'thumbnailer'),
      'SAFE',
      { which: 'no' },
      "the thumbnailer runs under the pod's RuntimeDefault since the scan",
      { which: 'the finding is stale' }
    ],
    [NOT_UNCONFINED, id('media', 'Deployment', 'thumbnailer'), 'SAFE', { which: 'no' }, 'the same for KSV-0104', { which: 'the finding is stale' }],
    [CONTROL, id('media', 'Deployment', 'batch-encoder'), 'SAFE', { which: 'yes', running: 'no' }, 'the batch encoder is scaled to zero', { running: 'replicas 0 and no pod' }],
    [NOT_UNCONFINED, id('kube-system', 'DaemonSet', 'fluent-bit'), 'UNSAFE', { which: 'yes', system: 'yes' }, "the log shipper is the cluster's own", { system: 'in kube-system' }],
    [CONTROL, id('kube-system', 'DaemonSet', 'fluent-bit'), 'UNSAFE', { system: 'yes' }, 'the same for KSV-0030', { system: 'in kube-system' }],
    [CONTROL, id('media', 'Deployment', 'renderer'), 'RISKY', { which: 'yes', syscalls: 'unknown' }, 'the same for KSV-0030', { which: 'seccompProfile Unconfined' }],
    [NOT_UNCONFINED, id('media', 'Deployment', 'batch-encoder'), 'SAFE', { running: 'no' }, 'the same for KSV-0104', { running: 'replicas 0 and no pod' }]
  ]
  for (const [control, resource, verdict, steps, why, says] of cases) w.expect({ control, resource, verdict, steps, why, says })
}
