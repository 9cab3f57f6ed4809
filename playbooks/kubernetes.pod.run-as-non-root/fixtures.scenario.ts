// The run-as-non-root playbook's fixture world: the shop cluster as `trivy k8s` reports it (KSV-0012 on
// each workload), with its workloads.json and the configuration of the images they run (images.json).
// A storefront whose image runs as uid 10001 and a cart whose pod sets runAsUser 1000 (the kubelet's
// check passes: nothing changes), a legacy nginx whose image sets no USER and a mailer whose image's
// USER is a name (the kubelet would refuse both), a search engine whose image is not in images.json,
// an importer scaled to zero, a checkout fixed since the scan and the cluster's kube-proxy. Each finding
// ends one way the investigation can end.
import { k8sImage, k8sWorkload, trivyK8sReport, type Expected, type TrivyK8sCheck, type World } from '../../test/casegen/world'

const CLUSTER = 'shop'
const CONTROL = 'kubernetes.pod.run-as-non-root'
const STOREFRONT = 'registry.example.com/shop/storefront:5.1.0'
const CART = 'registry.example.com/shop/cart:2.0.3'
const NGINX = 'nginx:1.25.4'
const MAILER = 'registry.example.com/shop/mailer:1.2.0'

const ksv012 = (kind: string, name: string, container: string): TrivyK8sCheck => ({
  id: 'KSV012',
  title: 'Runs as root user',
  message: `Container '${container}' of ${kind} '${name}' should set 'securityContext.runAsNonRoot' to true`,
  severity: 'MEDIUM'
})

export function scenario(w: World): void {
  const shop = w.cluster(CLUSTER)
  shop.workloads.push(
    ...k8sWorkload('Deployment', 'shop', 'storefront', { containers: [{ name: 'web', image: STOREFRONT }], replicas: 3 }),
    ...k8sWorkload('Deployment', 'shop', 'cart', { containers: [{ name: 'cart', image: CART }], replicas: 2, securityContext: { runAsUser: 1000 } }),
    ...k8sWorkload('Deployment', 'shop', 'legacy-nginx', { containers: [{ name: 'nginx', image: NGINX }], replicas: 1 }),
    ...k8sWorkload('Deployment', 'shop', 'mailer', { containers: [{ name: 'mailer', image: MAILER }], replicas: 1 }),
    ...k8sWorkload('StatefulSet', 'shop', 'search', { containers: [{ name: 'search', image: 'registry.example.com/shop/search:8.11.0' }], replicas: 2 }),
    ...k8sWorkload('Deployment', 'shop', 'batch-import', { containers: [{ name: 'import', image: 'registry.example.com/shop/import:0.9.1' }], replicas: 0, pods: 0 }),
    ...k8sWorkload('Deployment', 'shop', 'checkout', {
      containers: [{ name: 'checkout', image: 'registry.example.com/shop/checkout:4.0.0', runAsNonRoot: true, runAsUser: 10002 }],
      replicas: 2
    }),
    ...k8sWorkload('DaemonSet', 'kube-system', 'kube-proxy', {
      containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.29.4', privileged: true }],
      pods: 2,
      hostNetwork: true
    })
  )
  // the images' configuration as crane config prints it; the search and import images were not exported
  shop.images.push(k8sImage(STOREFRONT, '10001:10001'), k8sImage(CART, 'node'), k8sImage(NGINX), k8sImage(MAILER, 'mailer'))

  const cases: Array<[string, string, string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      'shop',
      'Deployment',
      'storefront',
      'web',
      'SAFE',
      { which: 'yes', running: 'yes', system: 'no', starts: 'yes' },
      'the storefront image runs as uid 10001: the kubelet starts it as before',
      { starts: `the image ${STOREFRONT} runs as uid 10001 (USER 10001:10001): it starts as before` }
    ],
    [
      'shop',
      'Deployment',
      'cart',
      'cart',
      'SAFE',
      { which: 'yes', system: 'no', starts: 'yes' },
      "the cart's pod sets runAsUser 1000, which the kubelet checks instead of the image's user name",
      { starts: "container cart: runAsUser 1000 (the pod's), not 0: it starts as before" }
    ],
    [
      'shop',
      'Deployment',
      'legacy-nginx',
      'nginx',
      'UNSAFE',
      { which: 'yes', system: 'no', starts: 'no' },
      'the nginx image sets no USER: it runs as root, and the kubelet would refuse it',
      { starts: 'the image sets no USER: it runs as root, and the kubelet refuses to start it with runAsNonRoot' }
    ],
    [
      'shop',
      'Deployment',
      'mailer',
      'mailer',
      'UNSAFE',
      { which: 'yes', system: 'no', starts: 'no' },
      "the mailer image's USER is a name the kubelet cannot check",
      { starts: "the image's USER is the name mailer, which the kubelet cannot check" }
    ],
    [
      'shop',
      'StatefulSet',
      'search',
      'search',
      'RISKY',
      { which: 'yes', running: 'yes', system: 'no', starts: 'unknown' },
      "the search image's USER is not in the evidence, and it runs",
      { starts: 'the USER of its image registry.example.com/shop/search:8.11.0 is not in images.json' }
    ],
    [
      'shop',
      'Deployment',
      'batch-import',
      'import',
      'SAFE',
      { which: 'yes', running: 'no', system: 'no', starts: 'unknown' },
      'the importer is scaled to zero: nothing running breaks',
      { running: 'replicas 0 and no pod' }
    ],
    [
      'shop',
      'Deployment',
      'checkout',
      'checkout',
      'SAFE',
      { which: 'no' },
      'the checkout sets runAsNonRoot since the scan: the finding is stale',
      { which: 'no workload in workloads.json has a container not made to run as non-root' }
    ],
    [
      'kube-system',
      'DaemonSet',
      'kube-proxy',
      'kube-proxy',
      'UNSAFE',
      { which: 'yes', system: 'yes' },
      "kube-proxy is the cluster's own",
      { system: 'DaemonSet kube-system/kube-proxy: in kube-system' }
    ]
  ]
  w.findings.trivy.push({
    name: 'k8s-shop',
    report: trivyK8sReport({ cluster: CLUSTER, resources: cases.map(([namespace, kind, name, container]) => ({ namespace, kind, name, checks: [ksv012(kind, name, container)] })) })
  })
  for (const [namespace, kind, name, , verdict, steps, why, says] of cases)
    w.expect({ control: CONTROL, resource: `k8s:${CLUSTER}/${namespace}/${kind}/${name}`, verdict, steps, why, says })
}
