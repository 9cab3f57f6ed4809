// Every AWS SDK client Lastmile builds comes from here, so every one carries the read-only guard.
// Credentials come from the user's local profile (shared config/credentials files, SSO cache,
// role chaining) through the SDK's own provider chain: Lastmile never sees or stores a secret.
import { AthenaClient } from '@aws-sdk/client-athena'
import { AutoScalingClient } from '@aws-sdk/client-auto-scaling'
import { CloudFrontClient } from '@aws-sdk/client-cloudfront'
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch'
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { EC2Client } from '@aws-sdk/client-ec2'
import { ECRClient } from '@aws-sdk/client-ecr'
import { ECSClient } from '@aws-sdk/client-ecs'
import { EKSClient } from '@aws-sdk/client-eks'
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2'
import { ElasticLoadBalancingClient } from '@aws-sdk/client-elastic-load-balancing'
import { IAMClient } from '@aws-sdk/client-iam'
import { KMSClient } from '@aws-sdk/client-kms'
import { LambdaClient } from '@aws-sdk/client-lambda'
import { RDSClient } from '@aws-sdk/client-rds'
import { S3Client } from '@aws-sdk/client-s3'
import { S3ControlClient } from '@aws-sdk/client-s3-control'
import { SNSClient } from '@aws-sdk/client-sns'
import { SQSClient } from '@aws-sdk/client-sqs'
import { OpenSearchClient } from '@aws-sdk/client-opensearch'
import { STSClient } from '@aws-sdk/client-sts'
import { withReadOnlyGuard } from './guard'

export interface AwsClientOptions {
  /** a profile from ~/.aws/config or ~/.aws/credentials; default: the SDK's default chain */
  profile?: string
  region: string
  /** tests: s3rver on 127.0.0.1 */
  endpoint?: string
  forcePathStyle?: boolean
  /** tests only: static test credentials */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }
  /** tests: a handler that records requests */
  requestHandler?: unknown
  /** retries for throttling and 5xx (adaptive mode slows down when AWS throttles) */
  maxAttempts?: number
}

function common(o: AwsClientOptions) {
  return {
    region: o.region,
    ...(o.profile ? { profile: o.profile } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
    ...(o.credentials ? { credentials: o.credentials } : {}),
    ...(o.requestHandler ? { requestHandler: o.requestHandler as never } : {}),
    maxAttempts: o.maxAttempts ?? 8,
    retryMode: 'adaptive' as const
  }
}

export function s3Client(o: AwsClientOptions): S3Client {
  // followRegionRedirects: one client reads buckets of every region (S3 answers 301 otherwise).
  return withReadOnlyGuard(new S3Client({ ...common(o), forcePathStyle: o.forcePathStyle, followRegionRedirects: true }))
}

export function cloudTrailClient(o: AwsClientOptions): CloudTrailClient {
  return withReadOnlyGuard(new CloudTrailClient(common(o)))
}

export function ec2Client(o: AwsClientOptions): EC2Client {
  return withReadOnlyGuard(new EC2Client(common(o)))
}

function stsClient(o: AwsClientOptions): STSClient {
  return withReadOnlyGuard(new STSClient(common(o)))
}

export function iamClient(o: AwsClientOptions): IAMClient {
  return withReadOnlyGuard(new IAMClient(common(o)))
}

function s3ControlClient(o: AwsClientOptions): S3ControlClient {
  return withReadOnlyGuard(new S3ControlClient(common(o)))
}

function cloudWatchClient(o: AwsClientOptions): CloudWatchClient {
  return withReadOnlyGuard(new CloudWatchClient(common(o)))
}

export function ecsClient(o: AwsClientOptions): ECSClient {
  return withReadOnlyGuard(new ECSClient(common(o)))
}

function eksClient(o: AwsClientOptions): EKSClient {
  return withReadOnlyGuard(new EKSClient(common(o)))
}

function rdsClient(o: AwsClientOptions): RDSClient {
  return withReadOnlyGuard(new RDSClient(common(o)))
}

function ecrClient(o: AwsClientOptions): ECRClient {
  return withReadOnlyGuard(new ECRClient(common(o)))
}

function cloudFrontClient(o: AwsClientOptions): CloudFrontClient {
  return withReadOnlyGuard(new CloudFrontClient(common(o)))
}

function elbv2Client(o: AwsClientOptions): ElasticLoadBalancingV2Client {
  return withReadOnlyGuard(new ElasticLoadBalancingV2Client(common(o)))
}

function elbClassicClient(o: AwsClientOptions): ElasticLoadBalancingClient {
  return withReadOnlyGuard(new ElasticLoadBalancingClient(common(o)))
}

export function athenaClient(o: AwsClientOptions): AthenaClient {
  return withReadOnlyGuard(new AthenaClient(common(o)))
}

function lambdaClient(o: AwsClientOptions): LambdaClient {
  return withReadOnlyGuard(new LambdaClient(common(o)))
}

function sqsClient(o: AwsClientOptions): SQSClient {
  return withReadOnlyGuard(new SQSClient(common(o)))
}

function snsClient(o: AwsClientOptions): SNSClient {
  return withReadOnlyGuard(new SNSClient(common(o)))
}

function kmsClient(o: AwsClientOptions): KMSClient {
  return withReadOnlyGuard(new KMSClient(common(o)))
}

function autoScalingClient(o: AwsClientOptions): AutoScalingClient {
  return withReadOnlyGuard(new AutoScalingClient(common(o)))
}

function logsClient(o: AwsClientOptions): CloudWatchLogsClient {
  return withReadOnlyGuard(new CloudWatchLogsClient(common(o)))
}

function opensearchClient(o: AwsClientOptions): OpenSearchClient {
  return withReadOnlyGuard(new OpenSearchClient(common(o)))
}

export interface AwsClients {
  s3: S3Client
  /** who the profile is (the account id) */
  sts: STSClient
  /** IAM and CloudFront are global services; S3 Control's account settings are account-wide */
  iam: IAMClient
  s3Control: S3ControlClient
  cloudFront: CloudFrontClient
  cloudTrail(region: string): CloudTrailClient
  ec2(region: string): EC2Client
  cloudWatch(region: string): CloudWatchClient
  ecs(region: string): ECSClient
  eks(region: string): EKSClient
  ecr(region: string): ECRClient
  elbv2(region: string): ElasticLoadBalancingV2Client
  /** Classic Load Balancers */
  elb(region: string): ElasticLoadBalancingClient
  rds(region: string): RDSClient
  /** resource policies (collect-resource-policies.ts) */
  lambda(region: string): LambdaClient
  sqs(region: string): SQSClient
  sns(region: string): SNSClient
  kms(region: string): KMSClient
  /** OpenSearch domains and their access policies (collect-resource-policies.ts) */
  opensearch(region: string): OpenSearchClient
  /** Auto Scaling groups and launch configurations: what launches into a subnet (collect-ec2-launchers.ts) */
  autoScaling(region: string): AutoScalingClient
  /** CloudWatch Logs: OpenSearch audit logs (collect-usage-logs.ts) */
  logs(region: string): CloudWatchLogsClient
  /** only with --cloudtrail-source athena:… (collect-cloudtrail-query.ts) */
  athena(region: string): AthenaClient
}

/** One client per region, built on first use. */
function perRegion<C>(make: (region: string) => C): (region: string) => C {
  const m = new Map<string, C>()
  return (r) => {
    let c = m.get(r)
    if (!c) m.set(r, (c = make(r)))
    return c
  }
}

/**
 * The clients of one collection run: the global ones (S3, STS, IAM, S3 Control, CloudFront) once,
 * the regional ones per region. Every one comes from a builder above, so every one is guarded.
 */
export function awsClients(o: Omit<AwsClientOptions, 'region'> & { region?: string }): AwsClients {
  const region = o.region ?? 'us-east-1'
  return {
    s3: s3Client({ ...o, region }),
    sts: stsClient({ ...o, region }),
    iam: iamClient({ ...o, region }),
    s3Control: s3ControlClient({ ...o, region }),
    // CloudFront's API lives in us-east-1 whatever the profile's region.
    cloudFront: cloudFrontClient({ ...o, region: 'us-east-1' }),
    cloudTrail: perRegion((r) => cloudTrailClient({ ...o, region: r })),
    ec2: perRegion((r) => ec2Client({ ...o, region: r })),
    cloudWatch: perRegion((r) => cloudWatchClient({ ...o, region: r })),
    ecs: perRegion((r) => ecsClient({ ...o, region: r })),
    eks: perRegion((r) => eksClient({ ...o, region: r })),
    ecr: perRegion((r) => ecrClient({ ...o, region: r })),
    elbv2: perRegion((r) => elbv2Client({ ...o, region: r })),
    elb: perRegion((r) => elbClassicClient({ ...o, region: r })),
    rds: perRegion((r) => rdsClient({ ...o, region: r })),
    lambda: perRegion((r) => lambdaClient({ ...o, region: r })),
    sqs: perRegion((r) => sqsClient({ ...o, region: r })),
    sns: perRegion((r) => snsClient({ ...o, region: r })),
    kms: perRegion((r) => kmsClient({ ...o, region: r })),
    opensearch: perRegion((r) => opensearchClient({ ...o, region: r })),
    autoScaling: perRegion((r) => autoScalingClient({ ...o, region: r })),
    logs: perRegion((r) => logsClient({ ...o, region: r })),
    athena: perRegion((r) => athenaClient({ ...o, region: r }))
  }
}
