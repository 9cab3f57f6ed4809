// Every AWS SDK client Lastmile builds comes from here, so every one carries the read-only guard.
// Credentials come from the user's local profile (shared config/credentials files, SSO cache,
// role chaining) through the SDK's own provider chain: Lastmile never sees or stores a secret.
import { CloudTrailClient } from '@aws-sdk/client-cloudtrail'
import { EC2Client } from '@aws-sdk/client-ec2'
import { S3Client } from '@aws-sdk/client-s3'
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

export interface AwsClients {
  s3: S3Client
  cloudTrail(region: string): CloudTrailClient
  ec2(region: string): EC2Client
}

/** The clients of one collection run: one S3 client, CloudTrail and EC2 clients per region. */
export function awsClients(o: Omit<AwsClientOptions, 'region'> & { region?: string }): AwsClients {
  const region = o.region ?? 'us-east-1'
  const ct = new Map<string, CloudTrailClient>()
  const ec2 = new Map<string, EC2Client>()
  return {
    s3: s3Client({ ...o, region }),
    cloudTrail: (r) => ct.get(r) ?? (ct.set(r, cloudTrailClient({ ...o, region: r })), ct.get(r)!),
    ec2: (r) => ec2.get(r) ?? (ec2.set(r, ec2Client({ ...o, region: r })), ec2.get(r)!)
  }
}
