import type { Provider } from '../../shared/model'
import { environmentOf } from './normalise'
import type { CanonicalResource, ResourceDraft } from './types'

/**
 * One resource, one id, whatever tool reported it (DESIGN.md, "Identity"):
 * - AWS: the ARN; built from a name only where the ARN is fully determined by name, account and
 *   region (an S3 bucket, an EC2 instance or security group…). An IAM user's ARN holds a path
 *   the name does not give, so it is not built.
 * - Azure: the resource id, lower-cased (Azure compares ids case-insensitively).
 * - Container images: the manifest digest, with its repository when known.
 * - IaC: the file plus the Terraform address.
 * - Anything else is kept exactly as the tool gave it, and then only matches the same text in
 *   the same account and region: never guessed into another resource.
 */
export function canonicalResource(d: ResourceDraft): CanonicalResource {
  const environment = environmentOf(d.tags)
  const name = d.name ?? null

  if (d.image) {
    // An ECR image's registry names its account and Region: tools that report only the image
    // reference (Trivy) still place it, so its fix can be planned where the image lives.
    const ecr = ecrPlace(d.image.repository ?? d.image.reference)
    const account = ecr?.account ?? d.account ?? null
    const region = ecr?.region ?? d.region ?? null
    const digest = d.image.digest && /^sha256:[0-9a-f]{64}$/.test(d.image.digest) ? d.image.digest : null
    if (digest) {
      const id = d.image.repository ? `${d.image.repository}@${digest}` : digest
      return done(id, id, true, 'container.image', 'container', account, region, name ?? d.image.repository, environment)
    }
    const given = d.image.reference ?? d.id ?? d.image.repository ?? 'unknown image'
    // the key stays the one a tag was always kept under (re-imports keep matching it)
    return { ...kept(given, 'container.image', 'container', d, name ?? given, environment), account, region }
  }

  if (d.iac) {
    const file = normaliseFile(d.iac.file)
    if (d.iac.address) {
      const id = `${file}#${d.iac.address}`
      return done(id, id, true, iacType(d.iac.address), 'iac', null, null, name ?? d.iac.address, environment)
    }
    const id = d.iac.line ? `${file}#L${d.iac.line}` : file
    return done(id, id, false, 'iac.file', 'iac', null, null, name ?? file, environment)
  }

  if (d.k8s && d.k8s.kind && d.k8s.name) {
    const id = `k8s:${d.k8s.cluster ?? ''}/${d.k8s.namespace ?? ''}/${d.k8s.kind}/${d.k8s.name}`
    return done(id, id, true, `kubernetes.${d.k8s.kind.toLowerCase()}`, 'kubernetes', d.account, null, d.k8s.name, environment)
  }

  const given = d.id?.trim() || null

  if (given && /^arn:/i.test(given)) return fromArn(given, d, name, environment)

  if (given && /^\/subscriptions\//i.test(given)) {
    const id = given.toLowerCase().replace(/\/+$/, '')
    const sub = /^\/subscriptions\/([^/]+)/.exec(id)?.[1] ?? d.account?.toLowerCase() ?? null
    return done(id, id, true, azureType(id), 'azure', sub, d.region?.toLowerCase() ?? null, name ?? id.slice(id.lastIndexOf('/') + 1), environment)
  }

  const provider = d.provider ?? 'unknown'
  const typeToken = (d.type ?? '').toLowerCase().replace(/[^a-z0-9]/g, '')

  if (provider === 'aws' || /^aws::::account:/i.test(given ?? '')) {
    const account = awsAccountOf(given, typeToken, d.account)
    if (account) return accountResource(account, d.region, environment)
    const built = buildArn(given ?? name, typeToken, d)
    if (built) return fromArn(built, d, name ?? given, environment)
  }

  if (given) return kept(given, d.type ? toolTypeName(provider, d.type) : `${provider}.resource`, provider, d, name, environment)
  if (name) return kept(name, d.type ? toolTypeName(provider, d.type) : `${provider}.resource`, provider, d, name, environment)
  if (d.type) {
    // the tool names the kind but not the resource (Prowler 2's CSV before CHECK_RESOURCE_ID): one unnamed
    // resource of that kind per account and region, never merged with another kind's
    const type = toolTypeName(provider, d.type)
    const r = kept('(no resource given)', type, provider, d, null, environment)
    return { ...r, key: `${r.key}:${type}` }
  }
  return kept('(no resource given)', 'unknown', provider, d, null, environment)
}

/** `<account>.dkr.ecr[-fips].<region>.amazonaws.com[.cn]/<repository>`: where an ECR image lives. */
const ECR_REGISTRY = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)\.amazonaws\.com(?:\.cn)?\//

function ecrPlace(reference: string | null | undefined): { account: string; region: string } | null {
  const m = reference ? ECR_REGISTRY.exec(reference) : null
  return m ? { account: m[1], region: m[2] } : null
}

function done(
  key: string,
  id: string,
  canonical: boolean,
  type: string,
  provider: Provider,
  account: string | null,
  region: string | null,
  name: string | null,
  environment: string | null
): CanonicalResource {
  return { key, id, canonical, type, provider, account: account ?? null, region: region ?? null, name: name ?? null, environment }
}

/** Kept as given: identical text only means the same resource within one account and region. */
function kept(id: string, type: string, provider: Provider, d: ResourceDraft, name: string | null, environment: string | null): CanonicalResource {
  const key = `given:${provider}:${d.account ?? ''}:${d.region ?? ''}:${id}`
  return done(key, id, false, type, provider, d.account, d.region, name, environment)
}

const ACCOUNT_PREFIX = 'AWS::::Account:'

/**
 * Account-wide settings (EBS encryption by default, S3 account Block Public Access) are
 * reported per region on the account: Security Hub names the account, Prowler an account or
 * template ARN. Their identity is the account in that region.
 */
function accountResource(account: string, region: string | null | undefined, environment: string | null): CanonicalResource {
  const id = `${ACCOUNT_PREFIX}${account}`
  const key = region ? `${id}@${region}` : id
  return done(key, id, true, 'aws.account', 'aws', account, region ?? null, account, environment)
}

function awsAccountOf(given: string | null, typeToken: string, account: string | null): string | null {
  if (given) {
    const m = /^aws::::account:(\d{12})$/i.exec(given)
    if (m) return m[1]
    if (/^\d{12}$/.test(given) && (typeToken === 'awsaccount' || typeToken === 'account' || typeToken === 'other')) return given
  }
  if (!given && (typeToken === 'awsaccount' || typeToken === 'account') && account) return account
  return null
}

/** Resource ARNs with no resource id in them: templates tools use for account-wide settings. */
const ACCOUNT_WIDE_ARN = /^arn:([^:]+):(?:iam::(\d{12}):root|[a-z0-9-]+:([a-z0-9-]*):(\d{12}):(?:account|volume))$/

function fromArn(arn: string, d: ResourceDraft, name: string | null, environment: string | null): CanonicalResource {
  const wide = ACCOUNT_WIDE_ARN.exec(arn)
  if (wide) return accountResource(wide[2] ?? wide[4], wide[3] || d.region, environment)
  // arn:<partition>:<service>:<region>:<account>:<resource>, the resource free to hold colons: found
  // by the colons' places rather than split and joined again (4× cheaper, and every ARN comes here)
  const c2 = arn.indexOf(':', 4)
  const c3 = c2 < 0 ? -1 : arn.indexOf(':', c2 + 1)
  const c4 = c3 < 0 ? -1 : arn.indexOf(':', c3 + 1)
  const c5 = c4 < 0 ? -1 : arn.indexOf(':', c4 + 1)
  const service = c2 < 0 ? '' : arn.slice(c2 + 1, c3 < 0 ? arn.length : c3).toLowerCase()
  const arnRegion = c3 < 0 ? '' : arn.slice(c3 + 1, c4 < 0 ? arn.length : c4)
  const region = arnRegion || d.region || null
  const account = (c4 < 0 ? '' : arn.slice(c4 + 1, c5 < 0 ? arn.length : c5)) || d.account || null
  const resource = c5 < 0 ? '' : arn.slice(c5 + 1)
  // an ECR image: arn:aws:ecr:<region>:<account>:repository/<repo>/sha256:<digest>
  const ecr = service === 'ecr' ? /^repository\/(.+)\/(sha256:[0-9a-f]{64})$/.exec(resource) : null
  if (ecr && account && arnRegion) {
    const repository = `${account}.dkr.ecr.${arnRegion}.amazonaws.com/${ecr[1]}`
    const id = `${repository}@${ecr[2]}`
    return done(id, id, true, 'container.image', 'container', account, arnRegion, name ?? ecr[1], environment)
  }
  // an EC2 ARN whose resource is the bare id (Inspector's ASFF in Security Hub: arn:aws:ec2:<region>:<account>:i-0abc…):
  // the id's prefix names the kind, and the ARN EC2 gives it is <kind>/<id>, the one other tools report
  const bare = service === 'ec2' ? EC2_ID.exec(resource) : null
  if (bare) {
    const kind = EC2_KIND[bare[1]]
    const full = `${arn.slice(0, c5)}:${kind}/${resource}`
    return done(full, full, true, `aws.ec2.${kind}`, 'aws', account, region, name ?? resource, environment)
  }
  return done(arn, arn, true, arnType(service, resource), 'aws', account, region, name ?? arnName(resource), environment)
}

/** ARN resource kinds whose type the tools (ASFF AwsRdsDbInstance, the catalogue) name otherwise. */
const ARN_KINDS: Record<string, string> = {
  'rds:db': 'db-instance',
  'rds:cluster': 'db-cluster',
  'rds:snapshot': 'db-snapshot',
  'rds:cluster-snapshot': 'db-cluster-snapshot'
}

/** Services whose ARN resource is the bare name of the resource (arn:aws:sqs:<region>:<account>:<queue>), no kind before it. */
const BARE_NAME_KINDS: Record<string, string> = { sqs: 'queue', sns: 'topic' }

/**
 * Elastic Load Balancing names both generations under one service: an Application, Network or
 * Gateway Load Balancer is loadbalancer/app|net|gwy/<name>/<id> (ASFF AwsElbv2LoadBalancer), a
 * Classic Load Balancer loadbalancer/<name> (AwsElbLoadBalancer); listeners and target groups are
 * elbv2's. The catalogue's rows use these types (ELB.1 aws.elbv2.load-balancer, ELB.3 aws.elb.load-balancer).
 */
const ELB_V2 = /^loadbalancer\/(?:app|net|gwy)\/([^/]+)\/[^/]+$/
const ELB_CLASSIC = /^loadbalancer\/([^/]+)$/

function arnType(service: string, resource: string): string {
  if (service === 'elasticloadbalancing') {
    if (ELB_V2.test(resource)) return 'aws.elbv2.load-balancer'
    if (ELB_CLASSIC.test(resource)) return 'aws.elb.load-balancer'
    if (resource.startsWith('listener/')) return 'aws.elbv2.listener'
    if (resource.startsWith('listener-rule/')) return 'aws.elbv2.listener-rule'
    if (resource.startsWith('targetgroup/')) return 'aws.elbv2.target-group'
  }
  if (service === 's3') return resource.includes('/') ? 'aws.s3.object' : 'aws.s3.bucket'
  // an SNS subscription is arn:aws:sns:<region>:<account>:<topic>:<subscription id>
  if (service === 'sns' && resource.includes(':')) return 'aws.sns.subscription'
  if (BARE_NAME_KINDS[service]) return `aws.${service}.${BARE_NAME_KINDS[service]}`
  const end = resource.search(/[/:]/)
  const kind = (end < 0 ? resource : resource.slice(0, end)) || 'resource'
  return `aws.${service}.${ARN_KINDS[`${service}:${kind}`] ?? kind}`
}

function arnName(resource: string): string {
  // an elbv2 load balancer's name is the part before its id
  const lb = ELB_V2.exec(resource)
  if (lb) return lb[1]
  const i = Math.max(resource.lastIndexOf('/'), resource.lastIndexOf(':'))
  return i >= 0 ? resource.slice(i + 1) : resource
}

const S3_BUCKET_TYPES = new Set(['awss3bucket', 's3bucket', 'bucket', 'awss3', 's3'])
const EC2_ID = /^(i|sg|vol|vpc|subnet|eni|snap|ami)-[0-9a-f]{8,17}$/
const EC2_KIND: Record<string, string> = {
  i: 'instance',
  sg: 'security-group',
  vol: 'volume',
  vpc: 'vpc',
  subnet: 'subnet',
  eni: 'network-interface',
  snap: 'snapshot',
  ami: 'image'
}

/**
 * The ARN of a resource given only by name, where name, account and region determine it.
 * Null when they do not: then the name is kept as given.
 */
function buildArn(nameOrId: string | null, typeToken: string, d: ResourceDraft): string | null {
  if (!nameOrId) return null
  const partition = d.partition || 'aws'
  if (S3_BUCKET_TYPES.has(typeToken) && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(nameOrId)) {
    return `arn:${partition}:s3:::${nameOrId}`
  }
  const m = EC2_ID.exec(nameOrId)
  if (m && d.account && /^\d{12}$/.test(d.account) && d.region) {
    return `arn:${partition}:ec2:${d.region}:${d.account}:${EC2_KIND[m[1]]}/${nameOrId}`
  }
  // an EKS cluster's ARN is its name in the account and Region (Prowler 2 names clusters so)
  if (typeToken === 'awsekscluster' && /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/.test(nameOrId) && d.account && /^\d{12}$/.test(d.account) && d.region) {
    return `arn:${partition}:eks:${d.region}:${d.account}:cluster/${nameOrId}`
  }
  // a Classic Load Balancer's ARN is its name in the account and Region (up to 32 letters, digits and hyphens)
  if (typeToken === 'awselbloadbalancer' && /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,30}[A-Za-z0-9])?$/.test(nameOrId) && d.account && /^\d{12}$/.test(d.account) && d.region) {
    return `arn:${partition}:elasticloadbalancing:${d.region}:${d.account}:loadbalancer/${nameOrId}`
  }
  return null
}

const AZURE_TYPES: Record<string, string> = {
  'microsoft.storage/storageaccounts': 'azure.storage.account',
  'microsoft.compute/virtualmachines': 'azure.compute.vm',
  'microsoft.network/networksecuritygroups': 'azure.network.nsg',
  'microsoft.network/virtualnetworks': 'azure.network.vnet',
  'microsoft.keyvault/vaults': 'azure.keyvault.vault',
  'microsoft.containerservice/managedclusters': 'azure.aks.cluster',
  'microsoft.sql/servers': 'azure.sql.server',
  'microsoft.web/sites': 'azure.web.site'
}

function azureType(id: string): string {
  // after the last /providers/: <namespace>/<type>/<name>, then each child's <type>/<name> (a SQL database,
  // servers/<s>/databases/<d>, is azure.sql.server.databases; a blob container azure.storage.blob-container)
  const at = id.lastIndexOf('/providers/')
  const parts = at >= 0 ? id.slice(at + '/providers/'.length).split('/') : []
  if (parts.length < 3 || parts.length % 2 === 0 || parts.some((p) => !p)) {
    if (/^\/subscriptions\/[^/]+$/.test(id)) return 'azure.subscription'
    if (/^\/subscriptions\/[^/]+\/resourcegroups\/[^/]+$/.test(id)) return 'azure.resourcegroup'
    return 'azure.resource'
  }
  const base = `${parts[0]}/${parts[1]}`
  const children = parts.slice(3).filter((_, k) => k % 2 === 0)
  const named = AZURE_CHILD_TYPES[[base, ...children].join('/')]
  if (named) return named
  const t = AZURE_TYPES[base] ?? `azure.${parts[0].replace(/^microsoft\./, '')}.${parts[1]}`
  return [t, ...children].join('.')
}

/** Child resources the catalogue names (its Wiz controls' resourceType): the others are their parent's type and each level's. */
const AZURE_CHILD_TYPES: Record<string, string> = {
  'microsoft.storage/storageaccounts/blobservices/containers': 'azure.storage.blob-container'
}

/**
 * A tool's type name in our form: ASFF/Prowler `AwsEc2SecurityGroup` → aws.ec2.security-group,
 * ARM `Microsoft.Storage/storageAccounts` → azure.storage.account, anything else lower-cased.
 */
export function toolTypeName(provider: Provider, toolType: string): string {
  const t = toolType.trim()
  const aws = /^Aws([A-Z][A-Za-z0-9]*)$/.exec(t)
  if (aws) {
    const [service, resource] = awsServiceOf(aws[1])
    return resource ? `aws.${service}.${kebab(resource)}` : `aws.${service}`
  }
  if (/^microsoft\.[a-z]+\/[a-z]+/i.test(t)) {
    const base = t.toLowerCase().split('/').slice(0, 2).join('/')
    return AZURE_TYPES[base] ?? `azure.${base.replace(/^microsoft\./, '')}`
  }
  const s = t.toLowerCase().replace(/[^a-z0-9./-]+/g, '-')
  return s.startsWith(`${provider}.`) ? s : `${provider}.${s}`
}

/**
 * ASFF names a type Aws<Service><Resource> with nothing between the two, and a service may be several
 * words: AwsCloudFrontDistribution is CloudFront's Distribution, not Cloud's FrontDistribution. These are
 * the services of more than one word in the types of Security Hub's controls and Prowler's checks
 * (resource-id.test.ts checks every one of them against its CloudFormation type), matched without regard
 * to case (Prowler writes AmazonMQ and AcmPca where Security Hub writes AmazonMq and Acmpca); a service
 * of one word (Ec2, Rds, Route53, Elbv2) needs no entry. The value is the service's name in our types
 * when it is not the ASFF name lower-cased: Prowler's ElasticLoadBalancingV2 is Security Hub's Elbv2.
 */
const ASFF_SERVICES: Record<string, string> = Object.fromEntries(
  [
    ...['AccessAnalyzer', 'AcmPca', 'AmazonMq', 'ApiGateway', 'ApiGatewayV2', 'AppConfig', 'AppFlow', 'AppRunner', 'AppSync', 'AutoScaling'],
    ...['CertificateManager', 'CloudFormation', 'CloudFront', 'CloudTrail', 'CloudWatch', 'CodeArtifact', 'CodeBuild', 'CodeCommit', 'CodeGuruProfiler'],
    ...['CodeGuruReviewer', 'CodePipeline', 'CustomerProfiles', 'DataPipeline', 'DataSync', 'DocDb', 'DynamoDb', 'ElastiCache', 'ElasticBeanstalk'],
    ...['EventSchemas', 'FSx', 'FraudDetector', 'GlobalAccelerator', 'GuardDuty', 'IoT', 'IoTEvents', 'IoTSiteWise', 'IoTTwinMaker', 'IoTWireless'],
    ...['KafkaConnect', 'KinesisFirehose', 'NetworkFirewall', 'OpenSearchService', 'RolesAnywhere', 'SageMaker', 'SecretsManager', 'SecurityHub'],
    ...['ServiceCatalog', 'StepFunction', 'WafRegional', 'WorkSpaces']
  ]
    .map((s): [string, string] => [s.toLowerCase(), s.toLowerCase()])
    .concat([
      ['elasticloadbalancingv2', 'elbv2'],
      ['elasticloadbalancing', 'elb']
    ])
)
const ASFF_SERVICE_KEYS = Object.keys(ASFF_SERVICES).sort((a, b) => b.length - a.length)

/** "CloudFrontDistribution" -> ['cloudfront', 'Distribution'], "Ec2SecurityGroup" -> ['ec2', 'SecurityGroup']. */
function awsServiceOf(name: string): [service: string, resource: string] {
  const lower = name.toLowerCase()
  // the longest listed service the name starts with, where a new word (or the end) follows it
  const listed = ASFF_SERVICE_KEYS.find((k) => lower.startsWith(k) && (name.length === k.length || /[A-Z]/.test(name[k.length])))
  if (listed) return [ASFF_SERVICES[listed], name.slice(listed.length)]
  const m = /^([A-Z][a-z0-9]*)(.*)$/.exec(name)!
  return [m[1].toLowerCase(), m[2]]
}

/** "SecurityGroup" -> security-group; an acronym is one word: "DBInstance" -> db-instance, "GraphQLApi" -> graph-ql-api. */
function kebab(s: string): string {
  return s
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
}

function iacType(address: string): string {
  let parts = address.split('.')
  while (parts[0] === 'module' && parts.length >= 2) parts = parts.slice(2)
  if (parts.length === 0) return 'iac.module'
  if (parts[0] === 'data') return `iac.data.${parts[1] ?? 'source'}`
  return `iac.${parts[0].replace(/\[.*$/, '')}`
}

/** Paths as tools write them differ only in noise: file:// prefixes, ./, backslashes. */
function normaliseFile(f: string): string {
  let s = f
    .trim()
    .replace(/^file:\/\//i, '')
    .replace(/\\/g, '/')
  while (s.startsWith('./')) s = s.slice(2)
  return s
}
