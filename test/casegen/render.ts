// A World written out: the evidence bundle (EVIDENCE_BUNDLE.md layout, with a manifest of
// SHA-256s), the scanner exports, and the verdicts expected. Returned as path → bytes, so the
// generator writes them and the fixture test compares them with what is on disk.
import { createHash } from 'node:crypto'
import { COLLECTED_AT, FLOW_HEADER, WINDOW, at, gz, hex, managementRecord, role, type AccountWorld, type Json, type World, WIZ_ISSUE_COLUMNS, DEFENDER_COLUMNS } from './world'
import { CLOUDFRONT_LOG_FIELDS } from './world'
import { REPORT_HEADER } from './pieces'

const json = (v: unknown): string => `${JSON.stringify(v, null, 2)}\n`

/** Management events a trail delivers all day long, every 6 hours: what makes a stream "covered". */
function background(a: AccountWorld, region: string): Json[] {
  const out: Json[] = []
  const who = role(a.account, 'acme-inventory-scanner')
  for (let k = 0; k < 360; k++) {
    const time = at(Math.floor(k / 4), (k % 4) * 6, 17)
    const kind = k % 3
    out.push(
      managementRecord({
        time,
        account: a.account,
        region,
        source: kind === 2 ? 'iam.amazonaws.com' : 'ec2.amazonaws.com',
        name: kind === 0 ? 'DescribeInstances' : kind === 1 ? 'DescribeSecurityGroups' : 'ListRoles',
        readOnly: true,
        who
      })
    )
  }
  return out
}

function cloudTrailFiles(a: AccountWorld, files: Map<string, Buffer>): void {
  const regions = new Set([...a.regions, ...a.trail.keys()])
  for (const region of [...regions].sort()) {
    if (a.trailNotCollected.has(region)) continue
    const records = [...background(a, region), ...(a.trail.get(region) ?? [])].sort((x, y) =>
      String(x.eventTime) < String(y.eventTime) ? -1 : String(x.eventTime) > String(y.eventTime) ? 1 : 0
    )
    // one delivery file per month (CloudTrail delivers every few minutes; the content is what counts)
    const byMonth = new Map<string, Json[]>()
    for (const r of records) {
      const m = String(r.eventTime).slice(0, 7)
      byMonth.set(m, [...(byMonth.get(m) ?? []), r])
    }
    for (const [month, recs] of byMonth) {
      const first = String(recs[0].eventTime)
      const stamp = `${first.slice(0, 4)}${first.slice(5, 7)}${first.slice(8, 10)}T${first.slice(11, 13)}${first.slice(14, 16)}Z`
      const dir = `aws/${a.account}/cloudtrail/AWSLogs/${a.account}/CloudTrail/${region}/${month.slice(0, 4)}/${month.slice(5, 7)}/${first.slice(8, 10)}`
      const name = `${a.account}_CloudTrail_${region}_${stamp}_${hex(`ct:${a.account}:${region}:${month}`, 16).replace(/[0-9]/g, (d) => 'QRSTUVWXYZ'[Number(d)])}.json.gz`
      files.set(`${dir}/${name}`, gz(JSON.stringify({ Records: recs })))
    }
  }
}

/** An advanced event selector of one resource type's data events, limited by resources.ARN. */
function dataSelector(name: string, type: string, arns: { StartsWith: string[] } | { Equals: string[] }): Json {
  return {
    Name: name,
    FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: [type] },
      { Field: 'resources.ARN', ...arns }
    ]
  }
}

function trails(a: AccountWorld): Json {
  const recorded = a.buckets.filter((b) => b.dataEvents).map((b) => `arn:aws:s3:::${b.name}/`)
  return {
    trails: [
      {
        Name: 'acme-audit-trail',
        S3BucketName: `acme-cloudtrail-${a.account}`,
        IncludeGlobalServiceEvents: true,
        IsMultiRegionTrail: true,
        HomeRegion: 'us-east-1',
        TrailARN: `arn:aws:cloudtrail:us-east-1:${a.account}:trail/acme-audit-trail`,
        LogFileValidationEnabled: true,
        HasCustomEventSelectors: true,
        HasInsightSelectors: false,
        IsOrganizationTrail: false,
        // a trail has basic or advanced selectors, never both: advanced when a scenario selects data events the basic ones cannot (SQS, SNS)
        // (in one world, e.g. the demo, the S3 and Lambda data events other scenarios select are then advanced selectors too)
        ...(a.dataEventSelectors.length
          ? {
              advancedEventSelectors: [
                {
                  Name: 'Management events',
                  FieldSelectors: [
                    { Field: 'eventCategory', Equals: ['Management'] },
                    ...(a.excludedManagementSources.length ? [{ Field: 'eventSource', NotEquals: [...a.excludedManagementSources] }] : [])
                  ]
                },
                ...(recorded.length ? [dataSelector('S3 object events', 'AWS::S3::Object', { StartsWith: recorded.sort() })] : []),
                ...(a.lambdaDataEvents.length ? [dataSelector('Lambda invocations', 'AWS::Lambda::Function', { Equals: [...a.lambdaDataEvents].sort() })] : []),
                ...a.dataEventSelectors
              ]
            }
          : {
              eventSelectors: [
                {
                  ReadWriteType: 'All',
                  IncludeManagementEvents: true,
                  // data events only for the buckets named here: the others are not recorded
                  DataResources: [
                    ...(recorded.length ? [{ Type: 'AWS::S3::Object', Values: recorded.sort() }] : []),
                    ...(a.lambdaDataEvents.length ? [{ Type: 'AWS::Lambda::Function', Values: [...a.lambdaDataEvents].sort() }] : [])
                  ],
                  ExcludeManagementEventSources: [...a.excludedManagementSources]
                }
              ]
            }),
        status: { IsLogging: true, StartLoggingTime: '2025-01-15T09:00:00Z', LatestDeliveryTime: '2026-11-20T09:55:12Z' }
      }
    ]
  }
}

function bucketsInventory(a: AccountWorld): Json {
  return {
    buckets: a.buckets.map((b) => ({
      name: b.name,
      region: b.region,
      creationDate: b.creationDate,
      tags: b.tags,
      policy: b.policy ? JSON.stringify(b.policy) : null,
      publicAccessBlock: b.publicAccessBlock,
      encryption: { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: false }] } },
      versioning: 'Enabled',
      logging: a.accessLogs.has(b.name) ? { TargetBucket: `acme-s3-access-logs-${a.account}`, TargetPrefix: `${b.name}/` } : null,
      objectCount: b.objectCount,
      website: b.website,
      acl: b.acl
    }))
  }
}

function instancesInventory(a: AccountWorld): Json {
  return {
    Reservations: a.instances.map((i) => ({
      ReservationId: `r-0${hex(`res:${i.id}`, 16)}`,
      OwnerId: a.account,
      Groups: [],
      Instances: [
        {
          InstanceId: i.id,
          ImageId: 'ami-0c02fb55956c7d316',
          InstanceType: 't3.large',
          LaunchTime: '2026-06-03T08:11:42+00:00',
          Placement: { AvailabilityZone: `${i.region}a`, Tenancy: 'default' },
          PrivateIpAddress: i.privateIp,
          ...(i.publicIp ? { PublicIpAddress: i.publicIp, PublicDnsName: `ec2-${i.publicIp.replace(/\./g, '-')}.compute-1.amazonaws.com` } : {}),
          State: { Code: 16, Name: i.state ?? 'running' },
          SubnetId: i.subnet ?? 'subnet-0a1b2c3d4e5f60789',
          VpcId: i.vpc ?? 'vpc-0a11b22c33d44e55f',
          ...(i.profile ? { IamInstanceProfile: { Arn: i.profile, Id: `AIPA${hex(`ip:${i.profile}`, 17).toUpperCase()}` } } : {}),
          NetworkInterfaces: [
            {
              NetworkInterfaceId: i.eni,
              PrivateIpAddress: i.privateIp,
              Groups: i.groups.map((g) => ({ GroupId: g, GroupName: g })),
              ...(i.subnet ? { SubnetId: i.subnet } : {}),
              ...(i.publicIp ? { Association: { PublicIp: i.publicIp, IpOwnerId: i.elasticIp ? a.account : 'amazon' } } : {})
            }
          ],
          SecurityGroups: i.groups.map((g) => ({ GroupId: g, GroupName: g })),
          Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
          MetadataOptions: {
            State: 'applied',
            HttpTokens: i.httpTokens,
            HttpPutResponseHopLimit: i.hopLimit,
            HttpEndpoint: 'enabled',
            HttpProtocolIpv6: 'disabled',
            InstanceMetadataTags: 'disabled'
          }
        }
      ]
    }))
  }
}

export interface Rendered {
  /** the evidence bundle, relative to its folder (manifest.json included) */
  bundle: Map<string, Buffer>
  /** the scanner exports, by file name */
  exports: Map<string, Buffer>
  expected: Buffer
}

export function render(w: World, opts: { collector: string }): Rendered {
  const files = new Map<string, Buffer>()
  const scopes: Json[] = []
  for (const a of [...w.accounts.values()].sort((x, y) => (x.account < y.account ? -1 : 1))) {
    const base = `aws/${a.account}`
    const put = (rel: string, v: unknown) => files.set(`${base}/${rel}`, Buffer.from(typeof v === 'string' ? v : json(v)))
    cloudTrailFiles(a, files)
    put('trails.json', trails(a))
    if (a.buckets.length) {
      put('inventory/s3-buckets.json', bucketsInventory(a))
      // the account id keeps two accounts' files from being byte-identical (the evidence store
      // reads identical bytes once, under the first account that has them)
      put('inventory/s3-account.json', { accountId: a.account, publicAccessBlock: a.accountPab })
    }
    // ListDistributions output; an account without distributions as the list the evidence reader
    // accepts for "none" (it refuses a DistributionList without Items)
    if (a.inventories.has('cloudfront')) {
      put(
        'inventory/cloudfront-distributions.json',
        a.cloudfront.length ? { DistributionList: { Marker: '', MaxItems: 100, IsTruncated: false, Quantity: a.cloudfront.length, Items: a.cloudfront } } : { Distributions: [] }
      )
    }
    if (a.loadBalancers || a.classicLoadBalancers)
      put('inventory/load-balancers.json', {
        ...(a.loadBalancers ? { LoadBalancers: a.loadBalancers } : {}),
        ...(a.classicLoadBalancers ? { LoadBalancerDescriptions: a.classicLoadBalancers } : {})
      })
    if (a.instances.length) put('inventory/ec2-instances.json', instancesInventory(a))
    // DescribeNetworkInterfaces: the instances' interfaces, then those of other services
    if (a.inventories.has('enis'))
      put('inventory/network-interfaces.json', {
        NetworkInterfaces: [
          ...a.instances.map((i) => ({
            NetworkInterfaceId: i.eni,
            AvailabilityZone: `${i.region}a`,
            InterfaceType: 'interface',
            Description: 'Primary network interface',
            OwnerId: a.account,
            Attachment: { InstanceId: i.id, DeviceIndex: 0, Status: 'attached' },
            Groups: i.groups.map((g) => ({ GroupId: g, GroupName: g })),
            PrivateIpAddress: i.privateIp,
            Status: 'in-use'
          })),
          ...a.networkInterfaces
        ]
      })
    if (a.securityGroups.length) {
      put('inventory/security-groups.json', {
        SecurityGroups: a.securityGroups.map((g) => ({
          Description: `${g.name} (managed by ${g.tags.Owner ?? 'unknown'})`,
          GroupName: g.name,
          IpPermissions: g.permissions,
          OwnerId: a.account,
          GroupId: g.id,
          IpPermissionsEgress: g.egress ?? [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }],
          Tags: Object.entries(g.tags).map(([Key, Value]) => ({ Key, Value })),
          VpcId: g.vpc,
          SecurityGroupArn: `arn:aws:ec2:${g.region}:${a.account}:security-group/${g.id}`
        }))
      })
    }
    if (Object.keys(a.ebs).length) put('inventory/ebs-encryption.json', { regions: Object.fromEntries(Object.entries(a.ebs).sort(([x], [y]) => (x < y ? -1 : 1))) })
    if (a.credentialReport.length) put('inventory/iam-credential-report.csv', `${[REPORT_HEADER, ...a.credentialReport].join('\n')}\n`)
    if (a.inventories.has('ecs')) put('inventory/ecs-tasks.json', { tasks: a.ecsTasks })
    if (a.inventories.has('eks')) put('inventory/eks-pods.json', { cluster: 'prod-eks', items: a.eksPods })
    if (a.inventories.has('ecr')) put('inventory/ecr-images.json', { imageDetails: a.ecrImages })
    if (a.rdsInstances.length) put('inventory/rds-instances.json', { DBInstances: a.rdsInstances })
    if (a.lambdaFunctions.length) put('inventory/lambda-functions.json', { Functions: a.lambdaFunctions })
    if (a.iamAuthorization) put('inventory/iam-authorization.json', a.iamAuthorization)
    if (a.virtualMfaDevices) put('inventory/iam-virtual-mfa-devices.json', { VirtualMFADevices: a.virtualMfaDevices })
    if (a.sqsQueues.length) put('inventory/sqs-queues.json', { Queues: a.sqsQueues })
    if (a.snsTopics.length) put('inventory/sns-topics.json', { Topics: a.snsTopics })
    if (a.eksClusters.length) put('inventory/eks-clusters.json', { clusters: a.eksClusters })
    if (a.kmsKeys.length) put('inventory/kms-keys.json', { Keys: a.kmsKeys })
    if (a.cloudfrontConfigs.length) put('inventory/cloudfront-distribution-configs.json', { Distributions: a.cloudfrontConfigs })
    // a distribution's standard logs: one gzip file per month, named as CloudFront names them (<id>.YYYY-MM-DD-HH.<unique>.gz)
    for (const [id, lines] of [...a.cloudfrontLogs].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const byMonth = new Map<string, string[]>()
      for (const l of lines) byMonth.set(l.slice(0, 7), [...(byMonth.get(l.slice(0, 7)) ?? []), l])
      for (const [month, list] of [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1))) {
        const sorted = [...list].sort()
        const first = sorted[0]
        files.set(
          `${base}/cloudfront-logs/${id}/${id}.${first.slice(0, 10)}-${first.slice(11, 13)}.${hex(`cfl:${id}:${month}`, 8)}.gz`,
          gz(`#Version: 1.0\n${CLOUDFRONT_LOG_FIELDS}\n${sorted.join('\n')}\n`)
        )
      }
    }
    if (a.opensearchDomains.length) put('inventory/opensearch-domains.json', { DomainStatusList: a.opensearchDomains })
    for (const [domain, events] of [...a.opensearchAudit].sort(([x], [y]) => (x < y ? -1 : 1)))
      files.set(
        `${base}/opensearch-audit/${domain}/audit.jsonl`,
        Buffer.from(
          `${[...events]
            .sort((x, y) => Number(x.timestamp) - Number(y.timestamp))
            .map((e) => JSON.stringify(e))
            .join('\n')}\n`
        )
      )
    if (a.routeTables.length) put('inventory/route-tables.json', { RouteTables: a.routeTables })
    if (a.subnets.length) put('inventory/subnets.json', { Subnets: a.subnets })
    if (a.autoScalingGroups.length || a.inventories.has('asgs')) {
      put('inventory/auto-scaling-groups.json', { AutoScalingGroups: a.autoScalingGroups })
      put('inventory/launch-configurations.json', { LaunchConfigurations: a.launchConfigurations })
      put('inventory/launch-template-versions.json', { LaunchTemplateVersions: a.launchTemplateVersions })
    }
    if (a.metrics.length) put('cloudwatch/metrics.json', { metrics: a.metrics })
    for (const [key, lines] of [...a.elbAccessLogs].sort(([x], [y]) => (x < y ? -1 : 1))) {
      // one gzip file a month, in the folders and under the name Elastic Load Balancing delivers to S3
      const [region, elb] = key.split(' ')
      const byMonth = new Map<string, string[]>()
      for (const l of lines) {
        const t = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.exec(l)![0]
        byMonth.set(t.slice(0, 7), [...(byMonth.get(t.slice(0, 7)) ?? []), l])
      }
      for (const [month, list] of [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1))) {
        const timeOf = (l: string) => /\d{4}-\d{2}-\d{2}T[\d:.]+Z/.exec(l)![0]
        const sorted = [...list].sort((x, y) => (timeOf(x) < timeOf(y) ? -1 : 1))
        const t = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.exec(sorted[0])![0]
        const [y, m, d] = t.slice(0, 10).split('-')
        const name = `${a.account}_elasticloadbalancing_${region}_${elb.replace(/\//g, '.')}_${t.replace(/[-:]/g, '')}Z_10.0.1.5_${hex(`elb:${key}:${month}`, 8)}.log.gz`
        files.set(`${base}/elb-access-logs/AWSLogs/${a.account}/elasticloadbalancing/${region}/${y}/${m}/${d}/${name}`, gz(`${sorted.join('\n')}\n`))
      }
    }
    for (const [bucket, lines] of [...a.accessLogs].sort(([x], [y]) => (x < y ? -1 : 1))) {
      // one delivery file per month, named as S3 names them (date-time-uniquestring)
      const byMonth = new Map<string, string[]>()
      for (const l of lines) {
        const m = /\[(\d{2})\/(\w{3})\/(\d{4})/.exec(l)!
        const key = `${m[3]}-${m[2]}`
        byMonth.set(key, [...(byMonth.get(key) ?? []), l])
      }
      for (const [month, list] of byMonth) {
        const sorted = [...list].sort((x, y) => (timeOfLine(x) < timeOfLine(y) ? -1 : 1))
        const t = timeOfLine(sorted[0])
        files.set(
          `${base}/s3-access-logs/${bucket}/${t.replace(/[-:T]/g, '-').slice(0, 19)}-${hex(`al:${bucket}:${month}`, 16).toUpperCase()}`,
          Buffer.from(`${sorted.join('\n')}\n`)
        )
      }
    }
    if (a.flows.length) {
      const byMonth = new Map<string, string[]>()
      for (const l of a.flows) {
        const start = Number(l.split(' ')[10])
        const m = new Date(start * 1000).toISOString().slice(0, 7)
        byMonth.set(m, [...(byMonth.get(m) ?? []), l])
      }
      for (const [month, list] of [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1))) {
        const sorted = [...list].sort((x, y) => Number(x.split(' ')[10]) - Number(y.split(' ')[10]) || (x < y ? -1 : 1))
        const day = new Date(Number(sorted[0].split(' ')[10]) * 1000).toISOString()
        const name = `${a.account}_vpcflowlogs_us-east-1_fl-0${hex(`fl:${a.account}`, 16)}_${day.slice(0, 4)}${day.slice(5, 7)}${day.slice(8, 10)}T0000Z_${hex(`flf:${month}`, 8)}.log.gz`
        files.set(
          `${base}/vpc-flow-logs/AWSLogs/${a.account}/vpcflowlogs/us-east-1/${month.slice(0, 4)}/${month.slice(5, 7)}/${day.slice(8, 10)}/${name}`,
          gz(`${FLOW_HEADER}\n${sorted.join('\n')}\n`)
        )
      }
    }
    scopes.push({ provider: 'aws', account: a.account, regions: [...new Set([...a.regions, ...a.trail.keys()])].sort() })
  }
  for (const z of w.azure.values()) {
    const base = `azure/${z.subscription}`
    files.set(`${base}/storage-accounts.json`, Buffer.from(json({ value: z.storageAccounts })))
    if (z.nsgs.length) files.set(`${base}/network-security-groups.json`, Buffer.from(json({ value: z.nsgs })))
    // NSG flow logs as Network Watcher delivers them (one {"records":[…]} blob per NSG and hour; the
    // fixtures put a month of records in the blob of its first hour)
    for (const [id, records] of [...z.nsgFlows].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const byMonth = new Map<string, Json[]>()
      for (const r of records) {
        const m = (r.time as string).slice(0, 7)
        byMonth.set(m, [...(byMonth.get(m) ?? []), r])
      }
      for (const [month, list] of [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1))) {
        const mac = (list[0].macAddress as string) ?? '000D3A000000'
        files.set(
          `${base}/nsg-flow-logs/insights-logs-networksecuritygroupflowevent/resourceId=${id.toUpperCase()}/y=${month.slice(0, 4)}/m=${month.slice(5, 7)}/d=01/h=00/m=00/macAddress=${mac}/PT1H.json`,
          Buffer.from(json({ records: list }))
        )
      }
    }
    for (const [name, containers] of [...z.blobContainers].sort(([x], [y]) => (x < y ? -1 : 1)))
      files.set(`${base}/blob-containers/${name}.json`, Buffer.from(json({ value: containers })))
    for (const [name, items] of [...z.entra].sort(([x], [y]) => (x < y ? -1 : 1))) files.set(`${base}/entra/${name}`, Buffer.from(json({ value: items })))
    if (z.roleAssignments) files.set(`${base}/role-assignments.json`, Buffer.from(json({ value: z.roleAssignments })))
    if (z.aksClusters.length) files.set(`${base}/aks-clusters.json`, Buffer.from(json({ value: z.aksClusters })))
    if (z.sqlServers.length) files.set(`${base}/sql-servers.json`, Buffer.from(json({ value: z.sqlServers })))
    if (z.keyVaults.length) files.set(`${base}/key-vaults.json`, Buffer.from(json({ value: z.keyVaults })))
    // SQL audit and Key Vault AuditEvent records as their diagnostic settings deliver them ({"records":[…]}
    // PT1H.json blobs per resource and hour; the fixtures put a month of records in the blob of its first hour)
    for (const [dir, container, logs] of [
      ['sql-audit-logs', 'insights-logs-sqlsecurityauditevents', z.sqlAudit],
      ['keyvault-logs', 'insights-logs-auditevent', z.vaultLogs]
    ] as const) {
      for (const [id, records] of [...logs].sort(([x], [y]) => (x < y ? -1 : 1))) {
        const byMonth = new Map<string, Json[]>()
        for (const r of records) {
          const m = (r.time as string).slice(0, 7)
          byMonth.set(m, [...(byMonth.get(m) ?? []), r])
        }
        for (const [month, list] of [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1))) {
          const rid = (list[0].resourceId as string) ?? id.toUpperCase()
          files.set(`${base}/${dir}/${container}/resourceId=${rid}/y=${month.slice(0, 4)}/m=${month.slice(5, 7)}/d=01/h=00/m=00/PT1H.json`, Buffer.from(json({ records: list })))
        }
      }
    }
    // diagnostic-setting export: one JSON object per line, per month (PT1H.json as delivered)
    const byMonth = new Map<string, string[]>()
    for (const l of z.storageLogs) {
      const m = (JSON.parse(l) as { time: string }).time.slice(0, 7)
      byMonth.set(m, [...(byMonth.get(m) ?? []), l])
    }
    for (const [month, list] of [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const sorted = [...list].sort((x, y) => ((JSON.parse(x) as { time: string }).time < (JSON.parse(y) as { time: string }).time ? -1 : 1))
      files.set(`${base}/storage-logs/insights-logs-storageread/y=${month.slice(0, 4)}/m=${month.slice(5, 7)}/PT1H.json`, Buffer.from(`${sorted.join('\n')}\n`))
    }
    scopes.push({ provider: 'azure', subscription: z.subscription })
  }
  for (const c of [...w.kubernetes.values()].sort((x, y) => (x.name < y.name ? -1 : 1))) {
    const base = `kubernetes/${c.name}`
    // a cluster whose RBAC objects were not listed (only its audit log is evidence) has no rbac.json
    // (one whose workloads were, has its rbac.json as before)
    if (c.rbac.length || c.workloads.length) files.set(`${base}/rbac.json`, Buffer.from(json({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: c.rbac })))
    if (c.workloads.length) files.set(`${base}/workloads.json`, Buffer.from(json({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: c.workloads })))
    // the containers' use as Prometheus's /api/v1/query_range answers it, and the nodes, quotas and limit ranges
    for (const r of ['cpu', 'memory'] as const)
      if (c.metrics?.[r].length) files.set(`${base}/metrics/${r}.json`, Buffer.from(json({ status: 'success', data: { resultType: 'matrix', result: c.metrics[r] } })))
    for (const s of c.stats ?? []) files.set(`${base}/stats/${(s.node as { nodeName: string }).nodeName}.json`, Buffer.from(json(s)))
    if (c.capacity?.length) files.set(`${base}/capacity.json`, Buffer.from(json({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items: c.capacity })))
    if (c.images.length) files.set(`${base}/images.json`, Buffer.from(json({ images: c.images })))
    // the AKS diagnostic setting's export: one record a line, a file per month (PT1H.json as delivered);
    // an EKS log stream's lines are the events themselves (their time is the stageTimestamp)
    const timeOf = (l: string): string => {
      const j = JSON.parse(l) as { time?: string; stageTimestamp?: string }
      return j.time ?? j.stageTimestamp!
    }
    const byMonth = new Map<string, string[]>()
    for (const l of c.audit) {
      const m = timeOf(l).slice(0, 7)
      byMonth.set(m, [...(byMonth.get(m) ?? []), l])
    }
    for (const [month, list] of [...byMonth].sort(([x], [y]) => (x < y ? -1 : 1))) {
      const sorted = [...list].sort((x, y) => (timeOf(x) < timeOf(y) ? -1 : 1))
      files.set(`${base}/audit/insights-logs-kube-audit/y=${month.slice(0, 4)}/m=${month.slice(5, 7)}/PT1H.json`, Buffer.from(`${sorted.join('\n')}\n`))
    }
  }
  for (const [name, state] of [...w.terraformStates].sort(([x], [y]) => (x < y ? -1 : 1))) files.set(`iac/terraform-state/${name}`, Buffer.from(json(state)))
  const bundle = new Map<string, Buffer>()
  const listed = [...files].sort(([x], [y]) => (x < y ? -1 : 1))
  const manifest = {
    format: 'lastmile-evidence-bundle',
    version: 1,
    collectedAt: COLLECTED_AT,
    collector: { tool: 'aws-cli', version: '2.17.20', operator: opts.collector },
    window: WINDOW,
    scopes,
    files: listed.map(([path, b]) => ({ path, sha256: createHash('sha256').update(b).digest('hex'), bytes: b.length }))
  }
  bundle.set('manifest.json', Buffer.from(json(manifest)))
  for (const [p, b] of listed) bundle.set(p, b)

  const exports = new Map<string, Buffer>()
  if (w.findings.asff.length) exports.set('securityhub-findings.json', Buffer.from(json({ Findings: w.findings.asff })))
  if (w.findings.prowler.length) exports.set('prowler-output.ocsf.json', Buffer.from(json(w.findings.prowler)))
  if (w.findings.wiz.length) {
    const cell = (v: string): string => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
    const rows = [WIZ_ISSUE_COLUMNS.join(','), ...w.findings.wiz.map((r) => WIZ_ISSUE_COLUMNS.map((k) => cell(r[k] ?? '')).join(','))]
    exports.set('wiz-issues.csv', Buffer.from(`${rows.join('\n')}\n`))
  }
  if (w.findings.defender.length) {
    const cell = (v: string): string => `"${v.replace(/"/g, '""')}"`
    const rows = [DEFENDER_COLUMNS.map(cell).join(','), ...w.findings.defender.map((r) => DEFENDER_COLUMNS.map((k) => cell(r[k] ?? '')).join(','))]
    exports.set('defender-recommendations.csv', Buffer.from(`${rows.join('\n')}\n`))
  }
  for (const t of w.findings.trivy) exports.set(`trivy-${t.name}.json`, Buffer.from(json(t.report)))
  const expected = [...w.expected].sort((x, y) => (x.control + x.resource + (x.region ?? '') < y.control + y.resource + (y.region ?? '') ? -1 : 1))
  return { bundle, exports, expected: Buffer.from(json({ findings: expected })) }
}

/** An access log line's time, ISO, for sorting and naming. */
function timeOfLine(l: string): string {
  const m = /\[(\d{2})\/(\w{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2})/.exec(l)!
  const month = String(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'].indexOf(m[2]) + 1).padStart(2, '0')
  return `${m[3]}-${month}-${m[1]}T${m[4]}:${m[5]}:${m[6]}`
}
