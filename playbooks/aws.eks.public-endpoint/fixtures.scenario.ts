// aws.eks.public-endpoint's fixture world: five EKS clusters of one account, each ending one way the
// investigation can end. The audit logs (the kube-apiserver-audit streams, one event a line) hold the
// nodes' and the controllers' requests every day of the window, reads included, unless said otherwise.
import { asffControl, at, eksAudit, eksCluster, prowlerFinding, type Expected, type World } from '../../test/casegen/world'

const ACCOUNT = '444455556666'
const R = 'eu-west-1'
const VPC = 'vpc-0e4b5c6d7e8f90a1b'

const arnOf = (name: string) => `arn:aws:eks:${R}:${ACCOUNT}:cluster/${name}`

/** Every day of the window: a node reads its lease and a controller lists pods (from `fromDay` on), the node from `nodeIp`. */
function dailyTraffic(w: World, name: string, nodeIp: string, fromDay = 0): void {
  const c = w.cluster(name)
  for (let k = fromDay; k < 90; k++) {
    c.audit.push(
      eksAudit(name, {
        time: at(k, 2),
        user: 'system:node:ip-10-20-1-17.eu-west-1.compute.internal',
        verb: 'get',
        resource: 'leases',
        namespace: 'kube-node-lease',
        name: 'ip-10-20-1-17',
        ip: nodeIp
      }),
      eksAudit(name, { time: at(k, 3), user: 'system:serviceaccount:kube-system:coredns', verb: 'list', resource: 'endpoints', ip: '10.20.4.31' }),
      // EKS's own controllers call from AWS's side: never cut off
      eksAudit(name, { time: at(k, 4), user: 'eks:cloud-controller-manager', verb: 'list', resource: 'nodes', ip: '3.248.11.20' })
    )
  }
}

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-platform', 'prod')
  a.regions.add(R)
  const cluster = (name: string, o: { publicAccess: boolean; privateAccess: boolean; cidrs?: string[]; audit: boolean; owner: string }) =>
    a.eksClusters.push(eksCluster({ account: ACCOUNT, region: R, name, vpc: VPC, ...o, tags: { Owner: o.owner } }))

  // only the nodes, the pods and a runner inside the VPC call it; a scanner's anonymous probes were refused
  cluster('payments-eks', { publicAccess: true, privateAccess: true, audit: true, owner: 'payments' })
  dailyTraffic(w, 'payments-eks', '10.20.1.17')
  for (let k = 5; k < 90; k += 7) {
    w.cluster('payments-eks').audit.push(
      eksAudit('payments-eks', {
        time: at(k, 10),
        user: 'arn:aws:sts::444455556666:assumed-role/ci-runner/i-0a1b2c3d',
        verb: 'patch',
        resource: 'deployments',
        namespace: 'payments',
        name: 'api',
        ip: '10.20.9.40'
      }),
      eksAudit('payments-eks', { time: at(k, 11), user: 'system:anonymous', verb: 'get', resource: 'namespaces', code: 401, ip: '45.9.148.3' })
    )
  }
  // an engineer's kubectl and a GitHub Actions deployer reach it over the internet
  cluster('platform-eks', { publicAccess: true, privateAccess: true, audit: true, owner: 'platform' })
  dailyTraffic(w, 'platform-eks', '10.20.1.17')
  for (let k = 1; k < 90; k += 3) {
    w.cluster('platform-eks').audit.push(
      eksAudit('platform-eks', { time: at(k, 9), user: 'maria@acme.example', verb: 'get', resource: 'pods', namespace: 'platform', ip: '203.0.113.24' }),
      eksAudit('platform-eks', {
        time: at(k, 15),
        user: 'arn:aws:sts::444455556666:assumed-role/github-deployer/GitHubActions',
        verb: 'patch',
        resource: 'deployments',
        namespace: 'platform',
        name: 'web',
        ip: '192.0.2.77'
      })
    )
  }
  // private endpoint access off: the nodes come through the NAT gateway's public address
  cluster('legacy-eks', { publicAccess: true, privateAccess: false, audit: true, owner: 'platform' })
  dailyTraffic(w, 'legacy-eks', '52.16.201.9')
  // the audit log type was never enabled: no audit file
  cluster('batch-eks', { publicAccess: true, privateAccess: true, cidrs: ['198.51.100.0/24'], audit: false, owner: 'data' })
  // already private: the finding is stale
  cluster('internal-eks', { publicAccess: false, privateAccess: true, audit: true, owner: 'platform' })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'payments-eks',
      'SAFE',
      { public: 'yes', audit: 'yes', 'outside-callers': 'no', 'cluster-path': 'yes' },
      'only the nodes, the pods and a runner inside the VPC call it; refused anonymous probes are no use',
      { 'outside-callers': 'called from private addresses' }
    ],
    [
      'platform-eks',
      'UNSAFE',
      { public: 'yes', 'outside-callers': 'yes' },
      "an engineer's kubectl and a GitHub Actions deployer call it from the internet",
      { 'outside-callers': 'maria@acme.example from 203.0.113.24' }
    ],
    [
      'legacy-eks',
      'RISKY',
      { public: 'yes', audit: 'yes', 'outside-callers': 'no', 'cluster-path': 'no' },
      'private endpoint access is off: the nodes come over the public endpoint',
      { 'cluster-path': '52.16.201.9' }
    ],
    ['batch-eks', 'RISKY', { public: 'yes', audit: 'no', 'outside-callers': 'unknown' }, 'the audit log type is not enabled', { audit: 'not enabled' }],
    ['internal-eks', 'SAFE', { public: 'no' }, 'a stale finding: the endpoint is already private']
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'EKS.1',
        title: 'EKS cluster endpoints should not be publicly accessible',
        severity: 'High',
        resourceType: 'AwsEksCluster',
        resourceId: arnOf(name)
      })
    )
    w.expect({ control: 'aws.eks.public-endpoint', resource: arnOf(name), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the platform cluster too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'eks_cluster_not_publicly_accessible',
      title: 'Ensure EKS cluster is not publicly accessible.',
      severity: 'High',
      service: 'eks',
      resourceType: 'AwsEksCluster',
      resourceUid: arnOf('platform-eks'),
      resourceName: 'platform-eks',
      detail: 'EKS cluster platform-eks is publicly accessible.'
    })
  )
}
