// Inventories (EVIDENCE_BUNDLE.md `inventory/`, Azure `storage-accounts.json`): what exists, how it
// is configured, what depends on what. Each parser takes the parsed document and the file's path
// (the evidence every item links back to) and returns plain items. Tolerant (the evidence analysis
// keeps what it can for the facts); ./inventory.ts reads the same files strictly for the evaluators.
import type {
  AzureStorageConfigFacet,
  CredentialReportFacet,
  Ec2ConfigFacet,
  EksClusterFacet,
  OpenRule,
  EniConfigFacet,
  RdsConfigFacet,
  S3ConfigFacet,
  SgConfigFacet,
  SgRuleConfig
} from './facets'
import type { IpPermission } from './inventory'
import { BadEvidence } from './bad-evidence'
import { arr, bool, type Json, num, obj, pick, requireArray, str, tagsOf } from './cloud-output'
import { parseCredentialReport } from './credential-report'
import { parseTime } from './time'

/**
 * One bucket as read, before the exposure conclusions the `s3.config` facet adds. For policy,
 * publicAccessBlock and acl, undefined (no key in the file) means the collector could not read it —
 * unknown — and null means S3 said there is none (NoSuchBucketPolicy…). Folding the two would turn
 * a failed GetBucketPolicy into "no policy".
 */
export type S3BucketItem = Omit<S3ConfigFacet, 'policyPublic' | 'policyError' | 'aclPublic'> & { file: string }

function pabOf(v: unknown): Record<string, boolean> | null {
  const o = obj(v)
  if (!o) return null
  // GetPublicAccessBlock wraps it in PublicAccessBlockConfiguration; accept both.
  const c = obj(o.PublicAccessBlockConfiguration) ?? o
  const out: Record<string, boolean> = {}
  for (const k of ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets']) {
    const b = bool(c[k])
    if (b !== null) out[k] = b
  }
  return Object.keys(out).length ? out : null
}

/** GetBucketLocation returns an empty/null LocationConstraint for us-east-1. */
function bucketRegion(b: Json): string | null {
  const r = str(pick(b, 'region', 'Region'))
  if (r) return r
  if ('LocationConstraint' in b) return str(b.LocationConstraint) || 'us-east-1'
  return null
}

export function parseS3Buckets(doc: unknown, file: string, account: string): S3BucketItem[] {
  return requireArray(doc, file, 'buckets', 'Buckets').map((x, i) => {
    const b = obj(x)
    const name = str(pick(b, 'name', 'Name'))
    if (!b || !name) throw new BadEvidence(file, `buckets[${i}]`, 'a bucket without a name')
    const policy = pick(b, 'policy', 'Policy')
    const pab = pick(b, 'publicAccessBlock', 'PublicAccessBlock')
    const acl = pick(b, 'acl', 'Acl', 'ACL')
    const rawLogging = pick(b, 'logging', 'Logging')
    const logging = obj(rawLogging)
    const le = obj(logging?.LoggingEnabled) ?? logging
    const encryption = pick(b, 'encryption', 'Encryption')
    const versioning = pick(b, 'versioning', 'Versioning')
    return {
      file,
      account,
      name,
      region: bucketRegion(b),
      creationDate: str(pick(b, 'creationDate', 'CreationDate')),
      tags: tagsOf(pick(b, 'tags', 'Tags', 'TagSet')),
      policy: policy === undefined ? undefined : typeof policy === 'string' ? policy : policy && typeof policy === 'object' ? JSON.stringify(policy) : null,
      publicAccessBlock: pab === undefined ? undefined : pabOf(pab),
      // a part the collector did not read stays without a key (not collected); null is "none"
      encryption: encryption === undefined ? undefined : encryption,
      versioning: typeof versioning === 'string' ? versioning : (str(obj(versioning)?.Status) ?? null),
      logging: rawLogging === undefined ? undefined : le && str(le.TargetBucket) ? { targetBucket: str(le.TargetBucket)!, targetPrefix: str(le.TargetPrefix) ?? '' } : null,
      objectCount: num(pick(b, 'objectCount', 'ObjectCount')),
      website: bool(pick(b, 'website', 'Website')) ?? (obj(pick(b, 'website', 'Website')) ? true : null),
      acl: acl === undefined ? undefined : acl
    }
  })
}

export function parseS3Account(doc: unknown): Record<string, boolean> | null {
  const o = obj(doc)
  return pabOf(pick(o, 'publicAccessBlock', 'PublicAccessBlock', 'PublicAccessBlockConfiguration'))
}

// --- S3 exposure -----------------------------------------------------------------------------

/** Condition keys that tie a policy to known callers or networks: such a statement is not public. */
const RESTRICTING_CONDITION_KEYS = new Set(
  [
    'aws:SourceIp',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceAccount',
    'aws:SourceArn',
    'aws:SourceOrgID',
    'aws:SourceOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:userid',
    'aws:username',
    's3:DataAccessPointAccount',
    's3:DataAccessPointArn'
  ].map((k) => k.toLowerCase())
)

function isEveryone(principal: unknown): boolean {
  if (principal === '*') return true
  const o = obj(principal)
  if (!o) return false
  const aws = o.AWS
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'))
}

/** Statements of a bucket policy that allow anyone (Principal "*") without a restricting condition. */
export function publicPolicyStatements(policy: string | null | undefined): { statements: string[]; error: string | null } {
  if (!policy) return { statements: [], error: null }
  let doc: unknown
  try {
    doc = JSON.parse(policy)
  } catch (e) {
    return { statements: [], error: `the bucket policy is not JSON (${(e as Error).message})` }
  }
  const stmts = arr(obj(doc)?.Statement ?? []).length ? arr(obj(doc)?.Statement) : obj(obj(doc)?.Statement) ? [obj(doc)!.Statement] : []
  const out: string[] = []
  stmts.forEach((s, i) => {
    const st = obj(s)
    if (!st || st.Effect !== 'Allow' || !isEveryone(st.Principal)) return
    const cond = obj(st.Condition)
    const keys = cond ? Object.values(cond).flatMap((v) => Object.keys(obj(v) ?? {})) : []
    if (keys.some((k) => RESTRICTING_CONDITION_KEYS.has(k.toLowerCase()))) return
    const action = Array.isArray(st.Action) ? st.Action.join(',') : String(st.Action ?? '')
    out.push(`statement ${str(st.Sid) ?? i + 1} allows ${action} to everyone`)
  })
  return { statements: out, error: null }
}

const PUBLIC_GRANTEES: Record<string, string> = {
  'http://acs.amazonaws.com/groups/global/AllUsers': 'everyone (AllUsers)',
  'http://acs.amazonaws.com/groups/global/AuthenticatedUsers': 'any AWS account (AuthenticatedUsers)'
}

export function publicAclGrants(acl: unknown): string[] {
  const out: string[] = []
  for (const g of arr(obj(acl)?.Grants)) {
    const go = obj(g)
    const uri = str(obj(go?.Grantee)?.URI)
    if (uri && PUBLIC_GRANTEES[uri]) out.push(`ACL grants ${str(go?.Permission) ?? '?'} to ${PUBLIC_GRANTEES[uri]}`)
  }
  return out
}

/** S3 default encryption from GetBucketEncryption output (or a bare rules array). */
export function s3Encryption(enc: unknown): { encrypted: boolean | null; detail: string } {
  if (enc === null || enc === undefined) return { encrypted: null, detail: 'no encryption configuration in evidence' }
  const o = obj(enc)
  const conf = obj(o?.ServerSideEncryptionConfiguration) ?? o
  const rules = arr(conf?.Rules ?? (Array.isArray(enc) ? enc : []))
  const algos = rules.map((r) => str(obj(obj(r)?.ApplyServerSideEncryptionByDefault)?.SSEAlgorithm)).filter((x): x is string => !!x)
  if (algos.length === 0) return { encrypted: false, detail: 'no default encryption rule' }
  return { encrypted: true, detail: `default encryption ${algos.join(', ')}` }
}

// --- EC2 -------------------------------------------------------------------------------------

/** One instance as read (the `ec2.config` facet, its Region not yet resolved from the scope). */
export type InstanceItem = Omit<Ec2ConfigFacet, 'region'> & { file: string; region: string | null }

/** us-east-1a → us-east-1; local zones (us-east-1-bos-1a) → us-east-1 */
export function regionOfAz(az: string | null): string | null {
  if (!az) return null
  const m = /^([a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+)/.exec(az)
  return m ? m[1] : null
}

export function parseInstances(doc: unknown, file: string, account: string): InstanceItem[] {
  const out: InstanceItem[] = []
  requireArray(doc, file, 'Reservations').forEach((r, ri) => {
    const ro = obj(r)
    const owner = str(ro?.OwnerId) ?? account
    arr(ro?.Instances).forEach((x, ii) => {
      const i = obj(x)
      const id = str(i?.InstanceId)
      if (!i || !id) throw new BadEvidence(file, `Reservations[${ri}].Instances[${ii}]`, 'an instance without InstanceId')
      const mo = obj(i.MetadataOptions)
      const enis = arr(i.NetworkInterfaces).map((n) => {
        const no = obj(n)
        return {
          id: str(no?.NetworkInterfaceId) ?? '',
          groups: arr(no?.Groups)
            .map((g) => str(obj(g)?.GroupId) ?? '')
            .filter(Boolean),
          privateIp: str(no?.PrivateIpAddress),
          publicIp: str(obj(no?.Association)?.PublicIp),
          publicIpOwner: str(obj(no?.Association)?.IpOwnerId),
          subnetId: str(no?.SubnetId),
          deviceIndex: num(obj(no?.Attachment)?.DeviceIndex)
        }
      })
      out.push({
        file,
        account: owner,
        instanceId: id,
        region: str(i.Region) ?? regionOfAz(str(obj(i.Placement)?.AvailabilityZone)),
        state: str(obj(i.State)?.Name),
        type: str(i.InstanceType),
        launchTime: str(i.LaunchTime),
        tags: tagsOf(i.Tags),
        httpTokens: str(mo?.HttpTokens),
        hopLimit: num(mo?.HttpPutResponseHopLimit),
        httpEndpoint: str(mo?.HttpEndpoint),
        instanceProfileArn: str(obj(i.IamInstanceProfile)?.Arn),
        securityGroups: arr(i.SecurityGroups)
          .map((g) => str(obj(g)?.GroupId) ?? '')
          .filter(Boolean),
        enis: enis.filter((e) => e.id),
        publicIp: str(i.PublicIpAddress),
        publicDns: str(i.PublicDnsName) || null,
        privateIps: [str(i.PrivateIpAddress), ...enis.map((e) => e.privateIp)].filter((x): x is string => !!x),
        vpcId: str(i.VpcId),
        subnetId: str(i.SubnetId),
        imageId: str(i.ImageId)
      })
    })
  })
  return out
}

/** DescribeSecurityGroups' IpPermissions (or IpPermissionsEgress) as the `sg.config` facet keeps them. */
function rulesOf(list: unknown): SgRuleConfig[] {
  return arr(list).map((p) => {
    const po = obj(p)
    return {
      protocol: String(po?.IpProtocol ?? '-1'),
      fromPort: num(po?.FromPort),
      toPort: num(po?.ToPort),
      cidrs: arr(po?.IpRanges)
        .map((r) => str(obj(r)?.CidrIp) ?? '')
        .filter(Boolean),
      ipv6: arr(po?.Ipv6Ranges)
        .map((r) => str(obj(r)?.CidrIpv6) ?? '')
        .filter(Boolean),
      prefixLists: arr(po?.PrefixListIds)
        .map((r) => str(obj(r)?.PrefixListId) ?? '')
        .filter(Boolean),
      groups: arr(po?.UserIdGroupPairs)
        .map((r) => str(obj(r)?.GroupId) ?? '')
        .filter(Boolean),
      descriptions: Object.fromEntries(
        [
          ...arr(po?.IpRanges).map((r) => [str(obj(r)?.CidrIp), str(obj(r)?.Description)]),
          ...arr(po?.Ipv6Ranges).map((r) => [str(obj(r)?.CidrIpv6), str(obj(r)?.Description)])
        ].filter((x): x is [string, string] => !!x[0] && x[1] !== null)
      )
    }
  })
}

/** One DB instance as read (the `rds.config` facet, its Region not yet resolved from the scope). */
export type RdsInstanceItem = Omit<RdsConfigFacet, 'region' | 'arn'> & { file: string; region: string | null; arn: string | null }

/**
 * inventory/rds-instances.json: {"DBInstances":[DescribeDBInstances item…]}, each optionally with
 * "NetworkInterfaces":[{NetworkInterfaceId, PrivateIpAddress}] (the instance's interfaces, which
 * name its VPC flow logs; DescribeDBInstances does not give them).
 */
export function parseRdsInstances(doc: unknown, file: string, account: string): RdsInstanceItem[] {
  return requireArray(doc, file, 'DBInstances').map((x, i) => {
    const d = obj(x)
    const id = str(d?.DBInstanceIdentifier)
    if (!d || !id) throw new BadEvidence(file, `DBInstances[${i}]`, 'a DB instance without DBInstanceIdentifier')
    const arn = str(d.DBInstanceArn)
    const fromArn = arn ? /^arn:aws[a-z-]*:rds:([a-z0-9-]+):(\d{12}):db:/.exec(arn) : null
    const ep = obj(d.Endpoint)
    const sn = obj(d.DBSubnetGroup)
    const tags = Object.fromEntries(
      arr(d.TagList)
        .map((t) => [str(obj(t)?.Key), str(obj(t)?.Value) ?? ''] as const)
        .filter((t): t is readonly [string, string] => !!t[0])
    )
    return {
      file,
      account: fromArn?.[2] ?? account,
      identifier: id,
      arn,
      region: fromArn?.[1] ?? regionOfAz(str(d.AvailabilityZone)),
      engine: str(d.Engine),
      status: str(d.DBInstanceStatus),
      publiclyAccessible: bool(d.PubliclyAccessible),
      address: str(ep?.Address),
      port: num(ep?.Port),
      vpcId: str(sn?.VpcId),
      subnets: arr(sn?.Subnets)
        .map((s) => str(obj(s)?.SubnetIdentifier) ?? '')
        .filter(Boolean),
      securityGroups: arr(d.VpcSecurityGroups)
        .map((g) => str(obj(g)?.VpcSecurityGroupId) ?? '')
        .filter(Boolean),
      tags,
      ...(Array.isArray(d.NetworkInterfaces)
        ? {
            enis: arr(d.NetworkInterfaces)
              .map((n) => ({ id: str(obj(n)?.NetworkInterfaceId) ?? '', privateIp: str(obj(n)?.PrivateIpAddress) }))
              .filter((n) => n.id)
          }
        : {}),
      settings: {
        encrypted: bool(d.StorageEncrypted),
        kmsKeyId: str(d.KmsKeyId),
        instanceClass: str(d.DBInstanceClass),
        engineVersion: str(d.EngineVersion),
        allocatedGiB: num(d.AllocatedStorage),
        storageType: str(d.StorageType),
        iops: num(d.Iops),
        multiAz: bool(d.MultiAZ),
        backupRetentionDays: num(d.BackupRetentionPeriod),
        deletionProtection: bool(d.DeletionProtection),
        iamAuth: bool(d.IAMDatabaseAuthenticationEnabled),
        resourceId: str(d.DbiResourceId),
        cluster: str(d.DBClusterIdentifier),
        replicaOf: str(d.ReadReplicaSourceDBInstanceIdentifier),
        replicas: arr(d.ReadReplicaDBInstanceIdentifiers)
          .map((r) => str(r) ?? '')
          .filter(Boolean),
        subnetGroup: str(sn?.DBSubnetGroupName),
        parameterGroups: arr(d.DBParameterGroups)
          .map((g) => str(obj(g)?.DBParameterGroupName) ?? '')
          .filter(Boolean),
        optionGroups: arr(d.OptionGroupMemberships)
          .map((g) => str(obj(g)?.OptionGroupName) ?? '')
          .filter(Boolean)
      }
    }
  })
}

/**
 * The rules as EC2 writes them (IpPermissions): what the evaluators read, from the facet's words.
 * A rule without ports (all traffic, ICMP any) has no FromPort/ToPort.
 */
export function ipPermissionsOf(rules: readonly SgRuleConfig[]): IpPermission[] {
  return rules.map((r) => ({
    IpProtocol: r.protocol,
    ...(r.fromPort !== null ? { FromPort: r.fromPort } : {}),
    ...(r.toPort !== null ? { ToPort: r.toPort } : {}),
    IpRanges: r.cidrs.map((c) => ({ CidrIp: c })),
    Ipv6Ranges: r.ipv6.map((c) => ({ CidrIpv6: c })),
    PrefixListIds: r.prefixLists.map((p) => ({ PrefixListId: p })),
    UserIdGroupPairs: r.groups.map((g) => ({ GroupId: g }))
  }))
}

/** One security group as read (the `sg.config` facet before its Region is resolved and its open ranges drawn). */
export type SecurityGroupItem = Omit<SgConfigFacet, 'region' | 'openToInternet'> & { file: string; region: string | null }

export function parseSecurityGroups(doc: unknown, file: string, account: string): SecurityGroupItem[] {
  return requireArray(doc, file, 'SecurityGroups').map((x, i) => {
    const g = obj(x)
    const id = str(g?.GroupId)
    if (!g || !id) throw new BadEvidence(file, `SecurityGroups[${i}]`, 'a security group without GroupId')
    const arn = str(g.SecurityGroupArn)
    return {
      file,
      account: str(g.OwnerId) ?? account,
      groupId: id,
      arn,
      region: str(g.Region) ?? (arn ? (arn.split(':')[3] ?? null) : null),
      name: str(g.GroupName),
      vpcId: str(g.VpcId),
      tags: tagsOf(g.Tags),
      ingress: rulesOf(g.IpPermissions),
      // absent: the file has no IpPermissionsEgress (hand-made, or a tool that left it out), so
      // the outbound rules are not known — unlike [], a group with none
      ...(Array.isArray(g.IpPermissionsEgress) ? { egress: rulesOf(g.IpPermissionsEgress) } : {})
    }
  })
}

/** One interface as read (the `eni.config` facet, its Region not yet resolved from the scope). */
export type NetworkInterfaceItem = Omit<EniConfigFacet, 'region'> & { file: string; region: string | null }

export function parseNetworkInterfaces(doc: unknown, file: string, account: string): NetworkInterfaceItem[] {
  return requireArray(doc, file, 'NetworkInterfaces').map((x, i) => {
    const n = obj(x)
    const id = str(n?.NetworkInterfaceId)
    if (!n || !id) throw new BadEvidence(file, `NetworkInterfaces[${i}]`, 'an interface without NetworkInterfaceId')
    return {
      file,
      account: str(n.OwnerId) ?? account,
      eni: id,
      region: regionOfAz(str(n.AvailabilityZone)),
      vpcId: str(n.VpcId),
      type: str(n.InterfaceType),
      description: str(n.Description) || null,
      instanceId: str(obj(n.Attachment)?.InstanceId),
      requester: str(n.RequesterId),
      groups: arr(n.Groups)
        .map((g) => str(obj(g)?.GroupId) ?? '')
        .filter(Boolean)
    }
  })
}

export function openToInternet(g: SecurityGroupItem): OpenRule[] {
  const out: OpenRule[] = []
  for (const r of g.ingress) {
    for (const c of [...r.cidrs, ...r.ipv6]) {
      if (c === '0.0.0.0/0' || c === '::/0') out.push({ protocol: r.protocol, fromPort: r.fromPort, toPort: r.toPort, cidr: c })
    }
  }
  return out
}

export function ebsEncryption(doc: unknown, file: string): Record<string, { enabled: boolean; kmsKeyId: string | null }> {
  const regions = obj(obj(doc)?.regions)
  if (!regions) throw new BadEvidence(file, '', 'expected {"regions":{"<region>":{"EbsEncryptionByDefault":…}}}')
  const out: Record<string, { enabled: boolean; kmsKeyId: string | null }> = {}
  for (const [r, v] of Object.entries(regions)) {
    const o = obj(v)
    const enabled = bool(o?.EbsEncryptionByDefault)
    if (enabled === null) throw new BadEvidence(file, `regions.${r}`, 'no EbsEncryptionByDefault boolean')
    out[r] = { enabled, kmsKeyId: str(o?.KmsKeyId) }
  }
  return out
}

// --- IAM credential report ---------------------------------------------------------------------

/** A credential report row as the `iam.credential-report` fact keeps it, dates and flags normalised (with the file it is in). */
export type CredentialReportFact = CredentialReportFacet & { file: string }

/** N/A, no_information, not_supported and empty mean "no date" in the credential report. */
function reportDate(v: string | undefined): string | null {
  if (!v || v === 'N/A' || v === 'no_information' || v === 'not_supported') return null
  return Number.isFinite(parseTime(v)) ? v : null
}
const reportBool = (v: string | undefined): boolean | null => (v === 'true' ? true : v === 'false' ? false : null)
const reportStr = (v: string | undefined): string | null => (!v || v === 'N/A' ? null : v)

/** The parser's "line N: what" as a BadEvidence with its place. */
function badReport(file: string, error: string): BadEvidence {
  const m = /^(line \d+): ([\s\S]*)$/.exec(error)
  return m ? new BadEvidence(file, m[1], m[2]) : new BadEvidence(file, '', error)
}

/**
 * The credential report's facts, read by the one parser (./credential-report.ts). Any unreadable
 * row refuses the file: its facts would otherwise be silently short of a user.
 */
export function readCredentialReport(text: string, file: string): CredentialReportFact[] {
  const parsed = parseCredentialReport(text)
  if (!parsed.ok) throw badReport(file, parsed.error)
  return parsed.rows.map((item) => {
    if (!item.ok) throw badReport(file, item.error)
    const r = item.value
    const get = (name: string): string | undefined => r.columns.get(name)
    const keys = ([1, 2] as const).map((slot) => ({
      slot,
      active: get(`access_key_${slot}_active`) === 'true',
      lastRotated: reportDate(get(`access_key_${slot}_last_rotated`)),
      lastUsed: reportDate(get(`access_key_${slot}_last_used_date`)),
      lastUsedRegion: reportStr(get(`access_key_${slot}_last_used_region`)),
      lastUsedService: reportStr(get(`access_key_${slot}_last_used_service`))
    }))
    return {
      file,
      line: r.line,
      user: r.user,
      arn: r.arn,
      createdAt: reportDate(get('user_creation_time')),
      passwordEnabled: reportBool(get('password_enabled')),
      passwordLastUsed: reportDate(get('password_last_used')),
      passwordLastChanged: reportDate(get('password_last_changed')),
      mfaActive: reportBool(get('mfa_active')),
      keys: keys.filter((k) => k.active || k.lastRotated !== null)
    }
  })
}

// --- containers ------------------------------------------------------------------------------

const DIGEST = /sha256:[0-9a-f]{64}/

function digestOf(v: string | null | undefined): string | null {
  if (!v) return null
  const m = DIGEST.exec(v)
  return m ? m[0] : null
}

export interface RunningImage {
  file: string
  digest: string
  kind: 'ecs-task' | 'eks-pod'
  id: string
  cluster: string | null
  image: string | null
  status: string | null
}

export function parseEcsTasks(doc: unknown, file: string): RunningImage[] {
  const out: RunningImage[] = []
  for (const t of requireArray(doc, file, 'tasks', 'Tasks')) {
    const to = obj(t)
    const id = str(to?.taskArn) ?? 'task'
    for (const c of arr(to?.containers)) {
      const co = obj(c)
      const digest = digestOf(str(co?.imageDigest)) ?? digestOf(str(co?.image))
      if (!digest) continue
      out.push({ file, digest, kind: 'ecs-task', id, cluster: str(to?.clusterArn), image: str(co?.image), status: str(co?.lastStatus) ?? str(to?.lastStatus) })
    }
  }
  return out
}

export function parseEksPods(doc: unknown, file: string): RunningImage[] {
  const o = obj(doc)
  const groups: Array<{ cluster: string | null; items: unknown[] }> = Array.isArray(o?.clusters)
    ? arr(o!.clusters).map((c) => ({ cluster: str(obj(c)?.name), items: arr(obj(c)?.items ?? obj(obj(c)?.pods)?.items) }))
    : [{ cluster: str(o?.cluster), items: requireArray(doc, file, 'items') }]
  const out: RunningImage[] = []
  for (const g of groups) {
    for (const p of g.items) {
      const po = obj(p)
      const meta = obj(po?.metadata)
      const id = `${str(meta?.namespace) ?? 'default'}/${str(meta?.name) ?? 'pod'}`
      for (const cs of arr(obj(po?.status)?.containerStatuses)) {
        const c = obj(cs)
        const digest = digestOf(str(c?.imageID)) ?? digestOf(str(c?.image))
        if (!digest) continue
        out.push({ file, digest, kind: 'eks-pod', id, cluster: g.cluster, image: str(c?.image), status: obj(c?.state)?.running ? 'running' : null })
      }
    }
  }
  return out
}

export interface EcrImage {
  file: string
  digest: string
  repository: string | null
  tags: string[]
  pushedAt: string | null
  lastRecordedPull: string | null
}

export function parseEcrImages(doc: unknown, file: string): EcrImage[] {
  const o = obj(doc)
  const details: Array<{ repo: string | null; d: unknown }> = Array.isArray(o?.repositories)
    ? arr(o!.repositories).flatMap((r) => arr(obj(r)?.imageDetails).map((d) => ({ repo: str(obj(r)?.repositoryName), d })))
    : requireArray(doc, file, 'imageDetails').map((d) => ({ repo: null, d }))
  const out: EcrImage[] = []
  for (const { repo, d } of details) {
    const x = obj(d)
    const digest = digestOf(str(x?.imageDigest))
    if (!digest) continue
    out.push({
      file,
      digest,
      repository: str(x?.repositoryName) ?? repo,
      tags: arr(x?.imageTags).filter((t): t is string => typeof t === 'string'),
      pushedAt: str(x?.imagePushedAt),
      lastRecordedPull: str(x?.lastRecordedPullTime)
    })
  }
  return out
}

/** One EKS cluster as DescribeCluster gives it (eks-clusters.json, written by evidence collect): the `eks.cluster` facet. */
export type EksCluster = EksClusterFacet & { file: string }

/** Whether DescribeCluster's logging.clusterLogging enables the "audit" type; null when the cluster does not say. */
function auditLoggingOf(logging: unknown): boolean | null {
  const entries = obj(logging) ? arr(obj(logging)!.clusterLogging) : null
  if (!entries) return null
  return entries.some((e) => obj(e)?.enabled === true && arr(obj(e)?.types).includes('audit'))
}

export function parseEksClusters(doc: unknown, file: string): EksCluster[] {
  return requireArray(doc, file, 'clusters').map((x, i) => {
    const c = obj(x)
    const arn = str(c?.arn)
    const name = str(c?.name)
    if (!c || !arn || !name) throw new BadEvidence(file, `clusters[${i}]`, 'a cluster without arn or name')
    const vpc = obj(c.resourcesVpcConfig)
    return {
      file,
      arn,
      name,
      version: str(c.version),
      status: str(c.status),
      endpoint: str(c.endpoint),
      endpointPublicAccess: bool(vpc?.endpointPublicAccess),
      endpointPrivateAccess: bool(vpc?.endpointPrivateAccess),
      publicAccessCidrs: arr(vpc?.publicAccessCidrs).filter((v): v is string => typeof v === 'string'),
      vpcId: str(vpc?.vpcId),
      auditLogging: auditLoggingOf(c.logging)
    }
  })
}

// --- who fronts what -------------------------------------------------------------------------

export interface Fronting {
  file: string
  kind: 'cloudfront' | 'load-balancer'
  id: string
  domain: string | null
  scheme: string | null
  /** bucket names, instance ids, or domain names of custom origins */
  buckets: string[]
  instances: string[]
  originDomains: string[]
}

/** bucket.s3.amazonaws.com, bucket.s3.us-east-1.amazonaws.com, bucket.s3-website-us-east-1.amazonaws.com … */
export function bucketOfOriginDomain(domain: string): string | null {
  const m = /^(.+?)\.s3(?:[.-](?:website[.-])?[a-z0-9-]+)?\.amazonaws\.com(?:\.cn)?$/.exec(domain.toLowerCase())
  if (m) return m[1]
  const w = /^(.+?)\.s3-website[.-][a-z0-9-]+\.amazonaws\.com$/.exec(domain.toLowerCase())
  return w ? w[1] : null
}

export function parseCloudFront(doc: unknown, file: string): Fronting[] {
  const o = obj(doc)
  // ListDistributions output; an account without distributions has "Items": [] (or no Items at all).
  const list = obj(o?.DistributionList)
  const items = list ? arr(list.Items) : requireArray(doc, file, 'Distributions', 'distributions', 'Items')
  return items.map((x) => {
    const d = obj(x)
    const origins = arr(obj(d?.Origins)?.Items)
      .map((y) => str(obj(y)?.DomainName) ?? '')
      .filter(Boolean)
    return {
      file,
      kind: 'cloudfront' as const,
      id: str(d?.ARN) ?? str(d?.Id) ?? 'distribution',
      domain: str(d?.DomainName),
      scheme: 'internet-facing',
      buckets: origins.map(bucketOfOriginDomain).filter((b): b is string => !!b),
      instances: [],
      originDomains: origins
    }
  })
}

export function parseLoadBalancers(doc: unknown, file: string): Fronting[] {
  const o = obj(doc)
  const out: Fronting[] = []
  const v2 = arr(o?.LoadBalancers)
  const classic = arr(o?.LoadBalancerDescriptions)
  if (!v2.length && !classic.length && !Array.isArray(o?.LoadBalancers) && !Array.isArray(o?.LoadBalancerDescriptions)) {
    throw new BadEvidence(file, '', 'expected {"LoadBalancers":[…]} (elbv2) or {"LoadBalancerDescriptions":[…]} (classic)')
  }
  for (const x of v2) {
    const lb = obj(x)
    const instances: string[] = []
    for (const tg of arr(pick(lb, 'TargetGroups', 'targetGroups'))) {
      const t = obj(tg)
      for (const target of [...arr(t?.Targets), ...arr(t?.TargetHealthDescriptions).map((h) => obj(h)?.Target)]) {
        const id = str(obj(target)?.Id)
        if (id && /^i-/.test(id)) instances.push(id)
      }
    }
    out.push({
      file,
      kind: 'load-balancer',
      id: str(lb?.LoadBalancerArn) ?? str(lb?.LoadBalancerName) ?? 'lb',
      domain: str(lb?.DNSName),
      scheme: str(lb?.Scheme),
      buckets: [],
      instances: [...new Set(instances)],
      originDomains: []
    })
  }
  for (const x of classic) {
    const lb = obj(x)
    out.push({
      file,
      kind: 'load-balancer',
      id: str(lb?.LoadBalancerName) ?? 'elb',
      domain: str(lb?.DNSName),
      scheme: str(lb?.Scheme),
      buckets: [],
      instances: arr(lb?.Instances)
        .map((i) => str(obj(i)?.InstanceId) ?? '')
        .filter(Boolean),
      originDomains: []
    })
  }
  return out
}

// --- CloudWatch metrics ------------------------------------------------------------------------

export interface MetricSeries {
  file: string
  place: string
  namespace: string
  name: string
  dimensions: Record<string, string>
  region: string | null
  stat: string | null
  period: number | null
  points: Array<[number, number]>
}

export function parseMetrics(doc: unknown, file: string): MetricSeries[] {
  return requireArray(doc, file, 'metrics').map((x, i) => {
    const m = obj(x)
    const ts = arr(m?.timestamps)
    const vs = arr(m?.values)
    if (!m || ts.length !== vs.length) throw new BadEvidence(file, `metrics[${i}]`, `${ts.length} timestamps but ${vs.length} values`)
    const points: Array<[number, number]> = []
    ts.forEach((t, k) => {
      const when = typeof t === 'number' ? (t > 1e12 ? Math.floor(t / 1000) : t) : parseTime(String(t))
      const v = num(vs[k])
      if (!Number.isFinite(when) || v === null) throw new BadEvidence(file, `metrics[${i}] point ${k + 1}`, 'not a timestamp/value pair')
      points.push([when, v])
    })
    const dims: Record<string, string> = {}
    const d = m.dimensions
    if (Array.isArray(d)) for (const e of d) dims[str(obj(e)?.Name) ?? ''] = str(obj(e)?.Value) ?? ''
    else for (const [k, v] of Object.entries(obj(d) ?? {})) dims[k] = String(v)
    return {
      file,
      place: `metrics[${i}]`,
      namespace: str(m.namespace) ?? '',
      name: str(m.name) ?? '',
      dimensions: dims,
      region: str(m.region),
      stat: str(m.stat),
      period: num(m.period),
      points
    }
  })
}

// --- Azure storage accounts --------------------------------------------------------------------

/** One storage account as read (the `azure.storage.config` facet). */
export type AzureStorageAccount = AzureStorageConfigFacet & { file: string }

export function parseStorageAccounts(doc: unknown, file: string): AzureStorageAccount[] {
  return requireArray(doc, file, 'value').map((x, i) => {
    const a = obj(x)
    const id = str(a?.id)
    if (!a || !id) throw new BadEvidence(file, `value[${i}]`, 'a storage account without id')
    const p: Json = obj(a.properties) ?? {}
    const enc = obj(p.encryption)
    const blob = obj(obj(enc?.services)?.blob)
    return {
      file,
      id: id.toLowerCase(),
      name: str(a.name),
      location: str(a.location),
      tags: tagsOf(a.tags),
      // secure transfer is on by default since 2019 accounts; absent means the API did not say
      supportsHttpsTrafficOnly: bool(p.supportsHttpsTrafficOnly),
      minimumTlsVersion: str(p.minimumTlsVersion),
      allowBlobPublicAccess: bool(p.allowBlobPublicAccess),
      publicNetworkAccess: str(p.publicNetworkAccess),
      networkDefaultAction: str(obj(p.networkAcls)?.defaultAction),
      encryption: enc
        ? { encrypted: blob ? (bool(blob.enabled) ?? true) : true, detail: `key source ${str(enc.keySource) ?? 'unknown'}` }
        : { encrypted: null, detail: 'no encryption block in evidence' },
      creationTime: str(p.creationTime)
    }
  })
}
