// The evidence facets: what the evidence stage records about one resource (main/evidence/analyze.ts
// writes them into `evidence_facts`, one row per bundle, resource and facet), declared once for the
// writer and every reader — the step functions (`EvidenceView.config`), the fix renderers
// (`requireConfig`), the evidence stage's own facts and coverage.
//
// Each facet has one zod schema; its TypeScript type is inferred from it. The schemas describe the
// value as it is STORED (after JSON): a key the writer leaves out is absent, never `undefined`.
// Throughout, and said per field below:
// - an absent key (`?:`) means "not collected": the collector could not read that part (a gap in the
//   manifest says why), so what depends on it is unknown;
// - `null` means "collected, and there is none" (S3 answered NoSuchBucketPolicy…) or "the source did
//   not say", as the field's comment tells;
// - a missing facet row means the evidence holds no such file for the resource at all.
//
// The schemas are strict (an unknown key is an error), so the writer test
// (main/evidence/facets.test.ts) proves that what analyze.ts writes is exactly what is declared here.
import { z } from 'zod'
import { EntraUserFacet } from './inventory-entra'
import { EntraEscalationFacet } from './inventory-entra-apps'
import { ElbAccessLogsFacet, ElbClassicConfigFacet, Elbv2ConfigFacet } from './load-balancer'
import { RouteTableFacet, SubnetFacet } from './inventory-ec2-network'
import { AutoScalingGroupFacet, LaunchConfigurationFacet, LaunchTemplateFacet } from './inventory-ec2-launchers'

const nullableString = z.string().nullable()
const nullableNumber = z.number().nullable()
const tags = z.record(z.string(), z.string())
/** epoch seconds, or null when none was seen */
const epoch = z.number().nullable()

// ---- configuration (inventory files) -----------------------------------------------------------

/**
 * The four S3 Block Public Access settings as the collector read them (bucket or account), only
 * the ones the file set to a boolean: a setting left out is off (the API's default).
 */
export const PublicAccessBlockSettings = z.record(z.string(), z.boolean())
export type PublicAccessBlockSettings = z.infer<typeof PublicAccessBlockSettings>

/** `s3.config`: one bucket of inventory/s3-buckets.json. */
export const S3ConfigFacet = z.strictObject({
  account: z.string(),
  name: z.string(),
  /** GetBucketLocation; null when the file does not say */
  region: nullableString,
  creationDate: nullableString,
  tags,
  /**
   * The bucket policy's JSON text. Absent: the collector could not read it (GetBucketPolicy failed)
   * — unknown. null: S3 said the bucket has no policy (NoSuchBucketPolicy).
   */
  policy: z.string().nullable().optional(),
  /**
   * Absent: not collected (unknown). null: the bucket has no public access block (or one setting
   * none of the four).
   */
  publicAccessBlock: PublicAccessBlockSettings.nullable().optional(),
  /** GetBucketEncryption's output as collected; null when the file says none; absent when not collected */
  encryption: z.unknown().optional(),
  /** Enabled / Suspended; null when the file does not say (never enabled, or not collected) */
  versioning: nullableString,
  /** server access logging; null when off; absent when not collected (no "logging" in the file) */
  logging: z.strictObject({ targetBucket: z.string(), targetPrefix: z.string() }).nullable().optional(),
  objectCount: nullableNumber,
  /** static website hosting; null when the file does not say */
  website: z.boolean().nullable(),
  /** GetBucketAcl's output as collected. Absent: not collected (unknown). */
  acl: z.unknown().optional(),
  /** the policy statements that allow everyone: present exactly when `policy` is */
  policyPublic: z.array(z.string()).optional(),
  /** why the policy could not be read as JSON: present exactly when `policy` is; null when it could */
  policyError: z.string().nullable().optional(),
  /** the ACL grants to everyone or any AWS account: present exactly when `acl` is */
  aclPublic: z.array(z.string()).optional()
})
export type S3ConfigFacet = z.infer<typeof S3ConfigFacet>

/** `account.s3-pab`: inventory/s3-account.json. */
export const S3AccountFacet = z.strictObject({
  /** null: the account has no public access block (or one setting none of the four) */
  publicAccessBlock: PublicAccessBlockSettings.nullable()
})
export type S3AccountFacet = z.infer<typeof S3AccountFacet>

export const EniConfig = z.strictObject({
  id: z.string(),
  groups: z.array(z.string()),
  privateIp: nullableString,
  publicIp: nullableString,
  /**
   * the owner of the public address (Association.IpOwnerId): "amazon" for an address EC2 assigned at
   * launch, the account for an Elastic IP; null without a public address or when the file does not
   * say; absent in facts of earlier versions
   */
  publicIpOwner: nullableString.optional(),
  /** the interface's subnet and Attachment.DeviceIndex (0: the primary); absent in facts of earlier versions */
  subnetId: nullableString.optional(),
  deviceIndex: nullableNumber.optional()
})

/** `ec2.config`: one instance of inventory/ec2-instances.json (DescribeInstances). Null: the file does not say. */
export const Ec2ConfigFacet = z.strictObject({
  /** the reservation's OwnerId, else the bundle scope's account */
  account: z.string(),
  instanceId: z.string(),
  /** the instance's Region; 'unknown' when neither the file nor a single-Region scope says */
  region: z.string(),
  state: nullableString,
  type: nullableString,
  launchTime: nullableString,
  tags,
  /** MetadataOptions.HttpTokens: required / optional */
  httpTokens: nullableString,
  hopLimit: nullableNumber,
  httpEndpoint: nullableString,
  instanceProfileArn: nullableString,
  securityGroups: z.array(z.string()),
  enis: z.array(EniConfig),
  publicIp: nullableString,
  publicDns: nullableString,
  privateIps: z.array(z.string()),
  vpcId: nullableString,
  subnetId: nullableString,
  imageId: nullableString
})
export type Ec2ConfigFacet = z.infer<typeof Ec2ConfigFacet>

/** One permission (inbound or outbound) of a security group, one range list per kind. */
export const SgRuleConfig = z.strictObject({
  /** IpProtocol: tcp, udp, icmp, -1 (all) or a number */
  protocol: z.string(),
  fromPort: nullableNumber,
  toPort: nullableNumber,
  cidrs: z.array(z.string()),
  ipv6: z.array(z.string()),
  prefixLists: z.array(z.string()),
  groups: z.array(z.string()),
  /** each range's Description, by CIDR (a rollback puts a rule back with it); absent in facts of earlier versions */
  descriptions: z.record(z.string(), z.string()).optional()
})
export type SgRuleConfig = z.infer<typeof SgRuleConfig>

/** An ingress rule open to 0.0.0.0/0 or ::/0. */
export const OpenRule = z.strictObject({ protocol: z.string(), fromPort: nullableNumber, toPort: nullableNumber, cidr: z.string() })
export type OpenRule = z.infer<typeof OpenRule>

/** `sg.config`: one group of inventory/security-groups.json (DescribeSecurityGroups). */
export const SgConfigFacet = z.strictObject({
  account: z.string(),
  groupId: z.string(),
  arn: nullableString,
  /** 'unknown' when neither the file, an instance in it nor a single-Region scope says */
  region: z.string(),
  name: nullableString,
  vpcId: nullableString,
  tags,
  ingress: z.array(SgRuleConfig),
  /** the outbound rules (IpPermissionsEgress); absent when the file does not have them (not collected), and in facts of earlier versions */
  egress: z.array(SgRuleConfig).optional(),
  /** the ingress ranges open to the internet, drawn from `ingress` */
  openToInternet: z.array(OpenRule)
})
export type SgConfigFacet = z.infer<typeof SgConfigFacet>

/**
 * `rds.config`: one DB instance of inventory/rds-instances.json (DescribeDBInstances). Null: the
 * file does not say.
 */
export const RdsConfigFacet = z.strictObject({
  /** from the instance's ARN, else the bundle scope's account */
  account: z.string(),
  identifier: z.string(),
  arn: z.string(),
  /** 'unknown' when neither the ARN, the Availability Zone nor a single-Region scope says */
  region: z.string(),
  engine: nullableString,
  status: nullableString,
  publiclyAccessible: z.boolean().nullable(),
  /** Endpoint.Address and Endpoint.Port */
  address: nullableString,
  port: nullableNumber,
  vpcId: nullableString,
  subnets: z.array(z.string()),
  securityGroups: z.array(z.string()),
  tags,
  /** the instance's network interfaces (which name its VPC flow logs); absent: not collected */
  enis: z.array(z.strictObject({ id: z.string(), privateIp: nullableString })).optional(),
  /** its storage, replication and build settings (what a restore from a snapshot must reproduce); absent in facts of earlier versions */
  settings: z
    .strictObject({
      /** StorageEncrypted and KmsKeyId */
      encrypted: z.boolean().nullable(),
      kmsKeyId: nullableString,
      instanceClass: nullableString,
      engineVersion: nullableString,
      /** AllocatedStorage in GiB, StorageType (gp2, gp3, io1…), Iops */
      allocatedGiB: nullableNumber,
      storageType: nullableString,
      iops: nullableNumber,
      multiAz: z.boolean().nullable(),
      backupRetentionDays: nullableNumber,
      deletionProtection: z.boolean().nullable(),
      /** IAMDatabaseAuthenticationEnabled, and DbiResourceId (which rds-db:connect policies name: a new instance has another) */
      iamAuth: z.boolean().nullable(),
      resourceId: nullableString,
      /** DBClusterIdentifier: an Aurora (or Multi-AZ DB cluster) member, whose storage is the cluster's */
      cluster: nullableString,
      /** ReadReplicaSourceDBInstanceIdentifier: this instance is a read replica of that one */
      replicaOf: nullableString,
      /** ReadReplicaDBInstanceIdentifiers: the read replicas of this instance */
      replicas: z.array(z.string()),
      subnetGroup: nullableString,
      parameterGroups: z.array(z.string()),
      optionGroups: z.array(z.string())
    })
    .optional()
})
export type RdsConfigFacet = z.infer<typeof RdsConfigFacet>

/** `eni.config`: one interface of inventory/network-interfaces.json (DescribeNetworkInterfaces). Null: the file does not say. */
export const EniConfigFacet = z.strictObject({
  account: z.string(),
  eni: z.string(),
  /** from the interface's Availability Zone; 'unknown' when neither it nor a single-Region scope says */
  region: z.string(),
  vpcId: nullableString,
  /** InterfaceType: interface, lambda, network_load_balancer, vpc_endpoint, nat_gateway… */
  type: nullableString,
  description: nullableString,
  /** the instance it is attached to (Attachment.InstanceId) */
  instanceId: nullableString,
  /** the service that manages it (RequesterId: amazon-rds, an ELB's account…) */
  requester: nullableString,
  groups: z.array(z.string())
})
export type EniConfigFacet = z.infer<typeof EniConfigFacet>

/**
 * `resource-policy.config`: one Lambda function, SQS queue, SNS topic or KMS key of
 * inventory/{lambda-functions,sqs-queues,sns-topics,kms-keys}.json, with its resource policy
 * (main/semantics/inventory-resource-policies.ts). Null: the file does not say.
 */
export const ResourcePolicyFacet = z.strictObject({
  service: z.enum(['lambda', 'sqs', 'sns', 'kms', 'opensearch']),
  account: z.string(),
  region: z.string(),
  arn: z.string(),
  /** function name, queue name, topic name, key id */
  name: z.string(),
  /** the policy document. Absent: not collected (unknown). null: the resource has no policy */
  policy: z.string().nullable().optional(),
  /** why the policy could not be read; present exactly when `policy` is a string, null when it could */
  policyError: z.string().nullable().optional(),
  /** the statements that grant to anyone (no condition pinning the caller); present exactly when `policy` is a string */
  public: z.array(z.strictObject({ index: z.number(), sid: nullableString, why: z.string() })).optional(),
  /**
   * what the service adds: lambda runtime, role, urlAuthType and url (absent: URL config not collected); sqs queueUrl; kms keyManager, keyState;
   * opensearch endpoint, vpcId, fgac, internalUserDatabase, anonymousAuth, auditLogs, auditLogGroup (inventory-resource-policies.ts opensearchDetail)
   */
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()]))
})
export type ResourcePolicyFacet = z.infer<typeof ResourcePolicyFacet>

/** One access key of a credential report row (slots neither active nor ever rotated are left out). */
export const AccessKeyReport = z.strictObject({
  slot: z.union([z.literal(1), z.literal(2)]),
  active: z.boolean(),
  /** ISO time; null for N/A, no_information, not_supported or empty */
  lastRotated: nullableString,
  lastUsed: nullableString,
  lastUsedRegion: nullableString,
  lastUsedService: nullableString
})
export type AccessKeyReport = z.infer<typeof AccessKeyReport>

/** `iam.credential-report`: one user's row of inventory/iam-credential-report.csv. Null: N/A or not in the report. */
export const CredentialReportFacet = z.strictObject({
  /** the CSV line it was read from */
  line: z.number(),
  user: z.string(),
  arn: z.string(),
  createdAt: nullableString,
  passwordEnabled: z.boolean().nullable(),
  passwordLastUsed: nullableString,
  /** password_last_changed: when the console password was set (its age when it was never used) */
  passwordLastChanged: nullableString,
  mfaActive: z.boolean().nullable(),
  keys: z.array(AccessKeyReport)
})
export type CredentialReportFacet = z.infer<typeof CredentialReportFacet>

export const EbsRegionEncryption = z.strictObject({ enabled: z.boolean(), kmsKeyId: nullableString })
/** `account.ebs-encryption`: inventory/ebs-encryption.json, the Regions it lists (a Region not listed was not collected). */
export const EbsEncryptionFacet = z.strictObject({ regions: z.record(z.string(), EbsRegionEncryption) })
export type EbsEncryptionFacet = z.infer<typeof EbsEncryptionFacet>

/** One trail of aws/<account>/trails.json with its event selectors. */
export const TrailConfig = z.strictObject({
  name: z.string(),
  arn: z.string(),
  account: z.string(),
  homeRegion: nullableString,
  multiRegion: z.boolean(),
  organization: z.boolean(),
  s3Bucket: nullableString,
  s3KeyPrefix: nullableString,
  /** EventSelectors as collected; null: the file has none */
  basic: z.array(z.record(z.string(), z.unknown())).nullable(),
  /** AdvancedEventSelectors as collected; null: the file has none */
  advanced: z.array(z.record(z.string(), z.unknown())).nullable(),
  /** GetTrailStatus; null when the file does not say */
  isLogging: z.boolean().nullable(),
  startLogging: nullableString,
  stopLogging: nullableString
})
export type TrailConfig = z.infer<typeof TrailConfig>
/** `account.trails`: the account's trails. */
export const TrailsFacet = z.strictObject({ trails: z.array(TrailConfig) })
export type TrailsFacet = z.infer<typeof TrailsFacet>

/** `eks.cluster`: one cluster of inventory/eks-clusters.json (DescribeCluster). Null: not in the file. */
export const EksClusterFacet = z.strictObject({
  arn: z.string(),
  name: z.string(),
  version: nullableString,
  status: nullableString,
  endpoint: nullableString,
  endpointPublicAccess: z.boolean().nullable(),
  endpointPrivateAccess: z.boolean().nullable(),
  publicAccessCidrs: z.array(z.string()),
  vpcId: nullableString,
  /** logging.clusterLogging: is the "audit" log type enabled (the API server's audit events go to CloudWatch Logs)? null: not said; absent: read before Lastmile kept it */
  auditLogging: z.boolean().nullable().optional()
})
export type EksClusterFacet = z.infer<typeof EksClusterFacet>

/** `aks.cluster`: one managed cluster of azure/<subscription>/aks-clusters.json (ARM Microsoft.ContainerService/managedClusters). */
export const AksClusterFacet = z.strictObject({
  /** the lower-cased ARM id */
  id: z.string(),
  name: z.string(),
  location: z.string().nullable(),
  fqdn: z.string().nullable(),
  /** apiServerAccessProfile.enablePrivateCluster (absent: false, as ARM defaults it) */
  privateCluster: z.boolean(),
  /** apiServerAccessProfile.authorizedIPRanges ([] when none: any address may reach the API server) */
  authorizedIpRanges: z.array(z.string())
})
export type AksClusterFacet = z.infer<typeof AksClusterFacet>

/** `image.ecr`: one image digest across the repositories of inventory/ecr-images.json. */
export const EcrImageFacet = z.strictObject({
  repositories: z.array(z.string()),
  tags: z.array(z.string()),
  /** the earliest push; null when no listing says */
  pushedAt: nullableString,
  /** the latest recorded pull; null when none is recorded */
  lastRecordedPull: nullableString
})
export type EcrImageFacet = z.infer<typeof EcrImageFacet>

/** `azure.storage.config`: one account of azure/<subscription>/storage-accounts.json. Null: the properties do not say. */
export const AzureStorageConfigFacet = z.strictObject({
  /** the lower-cased ARM id */
  id: z.string(),
  name: nullableString,
  location: nullableString,
  tags,
  supportsHttpsTrafficOnly: z.boolean().nullable(),
  minimumTlsVersion: nullableString,
  allowBlobPublicAccess: z.boolean().nullable(),
  publicNetworkAccess: nullableString,
  networkDefaultAction: nullableString,
  encryption: z.strictObject({ encrypted: z.boolean().nullable(), detail: z.string() }),
  creationTime: nullableString
})
export type AzureStorageConfigFacet = z.infer<typeof AzureStorageConfigFacet>

/**
 * `azure.storage.containers`: the blob containers of one storage account
 * (azure/<subscription>/blob-containers/<account>.json) with their public access level (None, Blob,
 * Container; null: the file does not say). Absent: the account's containers were not listed.
 */
export const AzureBlobContainersFacet = z.strictObject({
  containers: z.array(z.strictObject({ name: z.string(), publicAccess: nullableString }))
})
export type AzureBlobContainersFacet = z.infer<typeof AzureBlobContainersFacet>

/** One NSG security rule (`azure.nsg.config`): main/semantics/azure-nsg.ts reads what it opens. */
export const NsgRuleFacet = z.strictObject({
  name: z.string(),
  priority: nullableNumber,
  direction: nullableString,
  access: nullableString,
  protocol: nullableString,
  sources: z.array(z.string()),
  ports: z.array(z.string()),
  sourceAsgs: z.number()
})

/**
 * `azure.nsg.config`: one network security group of azure/<subscription>/network-security-groups.json.
 * `networkInterfaces` / `subnets`: the ids it is associated with; null when the file does not say.
 */
export const AzureNsgConfigFacet = z.strictObject({
  id: z.string(),
  name: nullableString,
  location: nullableString,
  tags,
  rules: z.array(NsgRuleFacet),
  networkInterfaces: z.array(z.string()).nullable(),
  subnets: z.array(z.string()).nullable()
})
export type AzureNsgConfigFacet = z.infer<typeof AzureNsgConfigFacet>

/**
 * `azure.nsg.flows`: inbound flows an NSG's flow logs record, by the rule that decided them and the
 * destination port: allowed sessions (flow state B), those from addresses outside private space, up
 * to 50 of those addresses, and denied flows.
 */
export const AzureNsgFlowsFacet = z.strictObject({
  rules: z.array(
    z.strictObject({
      rule: z.string(),
      port: z.number(),
      protocol: z.string(),
      allowed: z.number(),
      publicSessions: z.number(),
      publicSources: z.array(z.string()),
      denied: z.number(),
      first: z.number(),
      last: z.number(),
      lastPublic: epoch
    })
  ),
  /** inbound flows past the per-NSG cap of (rule, port) rows: counted, not itemised */
  overflow: z.number()
})
export type AzureNsgFlowsFacet = z.infer<typeof AzureNsgFlowsFacet>

// ---- activity (logs) ---------------------------------------------------------------------------

/**
 * Requests seen against one resource in one source, mergeable across files, workers and bundles.
 * Times are epoch seconds. Principals are listed up to a cap; `principalsTruncated` says the list
 * (and so its length) is a lower bound.
 */
export const Activity = z.strictObject({
  requests: z.number(),
  reads: z.number(),
  writes: z.number(),
  errors: z.number(),
  first: epoch,
  last: epoch,
  lastRead: epoch,
  lastWrite: epoch,
  principals: z.array(z.string()),
  principalsTruncated: z.boolean()
})
export type Activity = z.infer<typeof Activity>

/** `activity.aws.cloudtrail.s3-data` / `activity.aws.cloudtrail-lookup.s3-data`: a bucket's S3 data events. */
export const CloudTrailS3DataFacet = z.strictObject({
  activity: Activity,
  /** data events meeting every condition of FORMATS.md B1 for a plain-HTTP candidate: inferred, not proven */
  nonTlsInferred: z.number(),
  nonTlsLast: epoch,
  anonymous: z.number(),
  anonymousLast: epoch,
  regions: z.array(z.string()),
  accounts: z.array(z.string())
})
export type CloudTrailS3DataFacet = z.infer<typeof CloudTrailS3DataFacet>

/** `activity.aws.cloudtrail(-lookup).s3-management`: management events on a bucket. */
export const CloudTrailS3ManagementFacet = z.strictObject({ activity: Activity })
export type CloudTrailS3ManagementFacet = z.infer<typeof CloudTrailS3ManagementFacet>

/** `activity.aws.s3-access-logs`: a bucket's server access logs. */
export const S3AccessLogsFacet = z.strictObject({
  activity: Activity,
  /** requests proven over plain HTTP */
  http: z.number(),
  httpLast: epoch,
  /** requests whose transport the record does not tell */
  tlsUnknown: z.number(),
  anonymous: z.number(),
  anonymousLast: epoch,
  /** requests made by S3 itself (not counted in the activity) */
  internal: z.number(),
  tlsVersions: z.record(z.string(), z.number())
})
export type S3AccessLogsFacet = z.infer<typeof S3AccessLogsFacet>

/** `activity.azure.storage-logs`: a storage account's StorageBlobLogs. */
export const AzureStorageLogsFacet = z.strictObject({
  activity: Activity,
  http: z.number(),
  httpLast: epoch,
  oldTls: z.number(),
  oldTlsLast: epoch,
  anonymous: z.number(),
  tlsVersions: z.record(z.string(), z.number()),
  protocols: z.record(z.string(), z.number()),
  /**
   * blob-service requests; successful anonymous blob requests (not the static website's), their
   * last time, their count by container and up to 50 "container/object from address"; absent in
   * facts of earlier versions (then unknown, not none)
   */
  blobRequests: z.number().optional(),
  anonymousOk: z.number().optional(),
  anonymousOkLast: epoch.optional(),
  anonymousContainers: z.record(z.string(), z.number()).optional(),
  anonymousReaders: z.array(z.string()).optional()
})
export type AzureStorageLogsFacet = z.infer<typeof AzureStorageLogsFacet>

/** `azure.activity`: the writes the Activity Log records against one resource. */
export const AzureActivityFacet = z.strictObject({
  writes: z.number(),
  lastWrite: epoch,
  callers: z.array(z.string()),
  /** null: no write in the log */
  earliestWrite: z.strictObject({ time: z.number(), caller: z.string(), operation: z.string(), place: z.string() }).nullable()
})
export type AzureActivityFacet = z.infer<typeof AzureActivityFacet>

/** One caller of a resource seen in CloudTrail. */
export const ResourceCaller = z.strictObject({
  /** an IAM ARN (a role session as its role), a service principal, an account id, or "anonymous" */
  principal: z.string(),
  /** userIdentity.accountId; null for a service or anonymous caller */
  account: nullableString,
  /** of the resource's own account, of another account, an AWS service, or anonymous */
  kind: z.enum(['account', 'other-account', 'service', 'anonymous']),
  events: z.number(),
  /** calls the service refused (errorCode) */
  errors: z.number(),
  first: z.number(),
  last: z.number(),
  /** eventName values seen, up to 10 */
  actions: z.array(z.string())
})
export type ResourceCaller = z.infer<typeof ResourceCaller>

/**
 * `activity.aws.cloudtrail.calls` / `activity.aws.cloudtrail-lookup.calls`: who called a Lambda
 * function, SQS queue, SNS topic or KMS key (the events naming it in `resources`), by caller.
 */
export const ResourceCallsFacet = z.strictObject({
  events: z.number(),
  /** data events (Invoke, SendMessage, Publish…) among them */
  dataEvents: z.number(),
  callers: z.array(ResourceCaller),
  /** callers past the cap, counted in `events` but not listed */
  callersTruncated: z.boolean()
})
export type ResourceCallsFacet = z.infer<typeof ResourceCallsFacet>

/** `imds.role-delivery`: calls made with an instance's role credentials, by IMDS version (CloudTrail ec2RoleDelivery). */
export const RoleDeliveryFacet = z.strictObject({
  v1: z.number(),
  v2: z.number(),
  v1Last: epoch,
  v2Last: epoch,
  roles: z.array(z.string())
})
export type RoleDeliveryFacet = z.infer<typeof RoleDeliveryFacet>

/** `creator`: who created the resource — or, from the Azure Activity Log, its earliest write. */
export const CreatorFacet = z.strictObject({
  principal: z.string(),
  /** epoch seconds */
  time: z.number(),
  eventName: z.string(),
  /** the coverage source it was read from (aws.cloudtrail, aws.cloudtrail-lookup, azure.activity-log) */
  source: z.string(),
  place: z.string(),
  /** present (true) when it is the earliest write seen, which may be an update rather than the creation */
  earliestWriteOnly: z.literal(true).optional()
})
export type CreatorFacet = z.infer<typeof CreatorFacet>

/** A change to a trail seen in the management events (CreateTrail, PutEventSelectors, StartLogging…). */
export const TrailChange = z.strictObject({
  trail: z.string(),
  account: z.string(),
  region: z.string(),
  time: z.number(),
  eventName: z.string(),
  principal: z.string(),
  place: z.string()
})
export type TrailChange = z.infer<typeof TrailChange>
/** `account.trail-changes.aws.cloudtrail` / `account.trail-changes.aws.cloudtrail-lookup` */
export const TrailChangesFacet = z.strictObject({ changes: z.array(TrailChange) })
export type TrailChangesFacet = z.infer<typeof TrailChangesFacet>

/** `metric.MetadataNoToken` / `metric.MetadataNoTokenRejected`: an instance's CloudWatch metric series. */
export const MetricFacet = z.strictObject({
  stat: nullableString,
  /** seconds per datapoint */
  period: z.number(),
  datapoints: z.number(),
  /** epoch seconds of the first datapoint, and the end of the last one's period; null without datapoints */
  first: epoch,
  last: epoch,
  /** [epoch seconds, value] of the datapoints above zero */
  nonzero: z.array(z.tuple([z.number(), z.number()]))
})
export type MetricFacet = z.infer<typeof MetricFacet>

// ---- network flows (VPC flow logs) -------------------------------------------------------------

/** `flows.interface`: the totals of one network interface's flow-log records. */
export const FlowsInterfaceFacet = z.strictObject({
  eni: z.string(),
  account: z.string(),
  /** from a custom format's instance-id field; null when the log does not give it */
  instanceId: nullableString,
  records: z.number(),
  nodata: z.number(),
  accepted: z.number(),
  rejected: z.number(),
  bytes: z.number(),
  first: epoch,
  last: epoch,
  /** flows to the S3 service on port 80 (pkt-dst-aws-service=S3): an instance speaking HTTP to S3 */
  s3Http: z.number(),
  /**
   * the TCP ports whose inbound flows `flows.admin` itemises by source (every port of a named set,
   * port-sets.ts); absent in facts of earlier versions, which itemised 22 and 3389 only
   */
  itemisedPorts: z.array(z.number()).optional()
})
export type FlowsInterfaceFacet = z.infer<typeof FlowsInterfaceFacet>

/** Inbound TCP flows to an admin port from one source address, on one interface. */
export const AdminFlow = z.strictObject({
  eni: z.string(),
  port: z.number(),
  src: z.string(),
  flows: z.number(),
  packets: z.number(),
  bytes: z.number(),
  /**
   * flows too small to be a session (isSession): SYN-only scans, SYN-then-RST probes, a handshake
   * closed without data. (The field keeps its first name so facts stored by earlier versions read.)
   */
  synOnly: z.number(),
  /** flows whose packet and byte counts carry a session: handshake, data and close */
  sessions: z.number(),
  first: z.number(),
  last: z.number(),
  /** whether tcp-flags were in the log (without them the session/scan split rests on packet and byte counts) */
  tcpFlags: z.boolean()
})
export type AdminFlow = z.infer<typeof AdminFlow>

/**
 * `flows.admin`: an interface's inbound flows to the itemised ports (`flows.interface`'s
 * itemisedPorts: the admin ports, and since they were added the other ports of the named sets), by
 * source; written only when there are some.
 */
export const FlowsAdminFacet = z.strictObject({
  flows: z.array(AdminFlow),
  /** admin-port flows past the per-interface source cap, counted not itemised; null when under the cap */
  overflow: z.strictObject({ flows: z.number(), sessions: z.number(), synOnly: z.number() }).nullable(),
  /** flows to another itemised port past that port's source cap, counted not itemised, per port */
  portOverflow: z.array(z.strictObject({ port: z.number(), flows: z.number(), sessions: z.number(), synOnly: z.number() })).optional()
})
export type FlowsAdminFacet = z.infer<typeof FlowsAdminFacet>

/**
 * Inbound flows to one port other than 22/3389 that the interface serves (or, for protocols
 * without ports, to the protocol): what an all-traffic or port-range rule also carries. getFacts
 * turns its epoch days and seconds into dates (ServedPortFact).
 */
export const ServedPort = z.strictObject({
  eni: z.string(),
  /** IANA protocol number (6 TCP, 17 UDP, 1 ICMP) */
  protocol: z.number(),
  /** -1 for protocols without ports */
  port: z.number(),
  sessions: z.number(),
  probes: z.number(),
  /** distinct sources */
  sources: z.number(),
  ipv4: z.boolean(),
  ipv6: z.boolean(),
  /** UTC days (epoch day numbers) with a session */
  days: z.array(z.number()),
  first: z.number(),
  last: z.number(),
  /**
   * sessions from addresses outside private space (RFC 1918, CGNAT, link-local, IPv6 ULA), and up
   * to 50 of those addresses; absent in facts of earlier versions (then unknown, not none)
   */
  publicSessions: z.number().optional(),
  publicSources: z.array(z.string()).optional()
})
export type ServedPort = z.infer<typeof ServedPort>

/**
 * `flows.served`: the other ports an interface serves. Facts of interfaces read by earlier versions
 * have no such row (an absent facet: not collected, unlike `ports: []`).
 */
export const FlowsServedFacet = z.strictObject({
  ports: z.array(ServedPort),
  /** flows past the per-interface port cap, counted not itemised; null when under the cap */
  overflow: z.strictObject({ flows: z.number(), sessions: z.number() }).nullable(),
  /** the log has no flow-direction field: served ports cannot be told from connections out */
  directionUnknown: z.boolean()
})
export type FlowsServedFacet = z.infer<typeof FlowsServedFacet>

/**
 * Accepted flow records between one interface and one remote address, both directions: who the
 * interface served (the peer opened the connection) and whom it reached (it opened it), told apart
 * as the served ports are (servedPortOf). A record counts as a session or a probe (isSession; every
 * non-TCP record is a session). Written for the GuardDuty containment question: what isolating
 * the instance cuts off.
 */
export const PeerFlow = z.strictObject({
  eni: z.string(),
  peer: z.string(),
  /** records of connections the peer opened to the interface (its requests and their replies) */
  inSessions: z.number(),
  inProbes: z.number(),
  /** records of connections the interface opened to the peer */
  outSessions: z.number(),
  outProbes: z.number(),
  /** the interface's ports the peer reached (up to 10), and the peer's ports the interface reached (up to 10); -1 for protocols without ports */
  localPorts: z.array(z.number()),
  remotePorts: z.array(z.number()),
  bytes: z.number(),
  first: z.number(),
  last: z.number()
})
export type PeerFlow = z.infer<typeof PeerFlow>

/**
 * `flows.peers`: an interface's accepted flows by remote address. Facts of interfaces read by
 * earlier versions have no such row (absent: not collected, unlike `peers: []`).
 */
export const FlowsPeersFacet = z.strictObject({
  peers: z.array(PeerFlow),
  /** records past the per-interface peer cap, counted not itemised; null when under the cap */
  overflow: z.strictObject({ flows: z.number(), sessions: z.number() }).nullable(),
  /** the log has no flow-direction field: who opened a connection cannot be told */
  directionUnknown: z.boolean()
})
export type FlowsPeersFacet = z.infer<typeof FlowsPeersFacet>

/**
 * `azure.sql.config`: one Azure SQL logical server of azure/<subscription>/sql-servers.json.
 * `firewallRules` / `virtualNetworkRules` / `privateEndpoints`: null when the file does not list them.
 */
export const AzureSqlConfigFacet = z.strictObject({
  id: z.string(),
  name: nullableString,
  location: nullableString,
  tags,
  publicNetworkAccess: nullableString,
  minimalTlsVersion: nullableString,
  firewallRules: z.array(z.strictObject({ name: z.string(), start: z.string(), end: z.string() })).nullable(),
  virtualNetworkRules: z.array(z.strictObject({ name: z.string(), subnet: nullableString, state: nullableString })).nullable(),
  privateEndpoints: z.array(z.strictObject({ id: nullableString, state: nullableString })).nullable()
})
export type AzureSqlConfigFacet = z.infer<typeof AzureSqlConfigFacet>

/**
 * `azure.keyvault.config`: one vault of azure/<subscription>/key-vaults.json. `networkAcls` null: the
 * vault has none (every network allowed); `privateEndpoints` null: not said.
 */
export const AzureKeyVaultConfigFacet = z.strictObject({
  id: z.string(),
  name: nullableString,
  location: nullableString,
  tags,
  publicNetworkAccess: nullableString,
  networkAcls: z.strictObject({ defaultAction: nullableString, bypass: nullableString, ipRules: z.array(z.string()), virtualNetworkRules: z.array(z.string()) }).nullable(),
  privateEndpoints: z.array(z.strictObject({ id: nullableString, state: nullableString })).nullable()
})
export type AzureKeyVaultConfigFacet = z.infer<typeof AzureKeyVaultConfigFacet>

/**
 * `azure.callers`: who called an Azure SQL server (its SQL audit log) or a key vault (its AuditEvent
 * log), by client address: whether the address is private (a private endpoint or a virtual network),
 * the principals and applications seen from it, requests that succeeded and failed, the first and
 * last success; `trustedService` the trusted Azure service a vault's log names for the calls
 * (properties.trustedService). Up to 200 addresses; `overflow` counts the requests past them.
 */
export const AzureCallersFacet = z.strictObject({
  callers: z.array(
    z.strictObject({
      address: z.string(),
      private: z.boolean(),
      principals: z.array(z.string()),
      applications: z.array(z.string()),
      trustedService: nullableString,
      succeeded: z.number(),
      failed: z.number(),
      first: epoch,
      last: epoch
    })
  ),
  /** records with no client address (the server's own events) */
  noAddress: z.number(),
  overflow: z.number()
})
export type AzureCallersFacet = z.infer<typeof AzureCallersFacet>

// ---- the map -----------------------------------------------------------------------------------

/** Every facet the evidence stage writes, by name: the one schema of each. */
export const FACETS = {
  's3.config': S3ConfigFacet,
  'account.s3-pab': S3AccountFacet,
  'ec2.config': Ec2ConfigFacet,
  'sg.config': SgConfigFacet,
  'rds.config': RdsConfigFacet,
  'eni.config': EniConfigFacet,
  'ec2.route-table': RouteTableFacet,
  'ec2.subnet': SubnetFacet,
  'autoscaling.group': AutoScalingGroupFacet,
  'autoscaling.launch-configuration': LaunchConfigurationFacet,
  'ec2.launch-template': LaunchTemplateFacet,
  'iam.credential-report': CredentialReportFacet,
  'account.ebs-encryption': EbsEncryptionFacet,
  'account.trails': TrailsFacet,
  'eks.cluster': EksClusterFacet,
  'aks.cluster': AksClusterFacet,
  'image.ecr': EcrImageFacet,
  'azure.storage.config': AzureStorageConfigFacet,
  'azure.storage.containers': AzureBlobContainersFacet,
  'azure.nsg.config': AzureNsgConfigFacet,
  'azure.nsg.flows': AzureNsgFlowsFacet,
  'azure.sql.config': AzureSqlConfigFacet,
  'azure.keyvault.config': AzureKeyVaultConfigFacet,
  'azure.callers': AzureCallersFacet,
  'azure.entra.user': EntraUserFacet,
  'azure.entra.escalation': EntraEscalationFacet,
  'activity.aws.cloudtrail.s3-data': CloudTrailS3DataFacet,
  'activity.aws.cloudtrail-lookup.s3-data': CloudTrailS3DataFacet,
  'activity.aws.cloudtrail.s3-management': CloudTrailS3ManagementFacet,
  'activity.aws.cloudtrail-lookup.s3-management': CloudTrailS3ManagementFacet,
  'activity.aws.s3-access-logs': S3AccessLogsFacet,
  'activity.azure.storage-logs': AzureStorageLogsFacet,
  'azure.activity': AzureActivityFacet,
  'imds.role-delivery': RoleDeliveryFacet,
  creator: CreatorFacet,
  'account.trail-changes.aws.cloudtrail': TrailChangesFacet,
  'account.trail-changes.aws.cloudtrail-lookup': TrailChangesFacet,
  'metric.MetadataNoToken': MetricFacet,
  'metric.MetadataNoTokenRejected': MetricFacet,
  'flows.interface': FlowsInterfaceFacet,
  'flows.admin': FlowsAdminFacet,
  'flows.served': FlowsServedFacet,
  'flows.peers': FlowsPeersFacet,
  'resource-policy.config': ResourcePolicyFacet,
  'activity.aws.cloudtrail.calls': ResourceCallsFacet,
  'activity.aws.cloudtrail-lookup.calls': ResourceCallsFacet,
  'elbv2.config': Elbv2ConfigFacet,
  'elb.config': ElbClassicConfigFacet,
  'activity.aws.elb-access-logs': ElbAccessLogsFacet
} as const

export type FacetName = keyof typeof FACETS
/** Facet name → the type of its stored value. */
export type FacetMap = { [K in FacetName]: z.infer<(typeof FACETS)[K]> }

export function isFacetName(s: string): s is FacetName {
  return Object.prototype.hasOwnProperty.call(FACETS, s)
}
