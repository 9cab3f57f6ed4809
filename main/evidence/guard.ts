// Read-only investigation, enforced below the playbooks (DESIGN.md): every AWS SDK client Lastmile
// builds carries this middleware at the `initialize` step — the first step, before the request is
// serialised, built or signed — and it refuses any command that is not on an explicit allow-list.
// An allow-list, not a deny-list: a new write API AWS adds tomorrow is refused by default.
import { LastmileError } from '../errors'

/**
 * The operations Lastmile may call, per client. Only Describe*, Get*, List*, Head* and
 * LookupEvents — plus GenerateCredentialReport, the one reviewed exception below — and only those a
 * collector or a live check actually uses: a name here is a reviewed decision, not a pattern.
 *
 * IAM GenerateCredentialReport has a write-sounding name but no effect on the account's
 * configuration, so it is allowed, by name (READ_EFFECT_EXCEPTIONS), not by a Generate* pattern:
 * - AWS's API reference says it "generates a credential report for the AWS account": a CSV that IAM
 *   derives from the users and credentials that already exist. It creates, changes or deletes no
 *   user, role, policy, key or password, and changes no setting.
 * - The IAM User Guide ("Getting credential reports") makes it idempotent in effect: when a report
 *   was generated in the last four hours IAM returns that one (State COMPLETE) and builds nothing.
 * - GetCredentialReport cannot be used without it: with no report, or an expired one, Get answers
 *   ReportNotPresent / ReportExpired and AWS's own remedy is "use GenerateCredentialReport".
 * - AWS's read-only managed policies (SecurityAudit, ReadOnlyAccess) grant iam:GenerateCredentialReport
 *   for this reason, so a read-only audit profile is allowed to call it.
 * Its sibling GenerateServiceLastAccessedDetails is not used, so it is not listed.
 */
export const READ_ONLY_OPERATIONS: Readonly<Record<string, ReadonlySet<string>>> = {
  S3Client: new Set([
    'ListBuckets',
    'ListObjectsV2',
    'GetObject',
    'HeadObject',
    'HeadBucket',
    'GetBucketLocation',
    'GetBucketPolicy',
    'GetBucketPolicyStatus',
    'GetPublicAccessBlock',
    'GetBucketEncryption',
    'GetBucketVersioning',
    'GetBucketLogging',
    'GetBucketAcl',
    'GetBucketTagging',
    'GetBucketWebsite',
    'GetBucketOwnershipControls'
  ]),
  CloudTrailClient: new Set(['DescribeTrails', 'ListTrails', 'GetTrail', 'GetTrailStatus', 'GetEventSelectors', 'LookupEvents']),
  EC2Client: new Set([
    'DescribeInstances',
    'DescribeSecurityGroups',
    'DescribeNetworkInterfaces',
    'DescribeFlowLogs',
    'DescribeRegions',
    'DescribeVolumes',
    'GetEbsEncryptionByDefault',
    'GetEbsDefaultKmsKeyId',
    'DescribeInstanceAttribute'
  ]),
  STSClient: new Set(['GetCallerIdentity']),
  IAMClient: new Set(['GenerateCredentialReport', 'GetCredentialReport']),
  S3ControlClient: new Set(['GetPublicAccessBlock']),
  CloudWatchClient: new Set(['GetMetricData']),
  ECSClient: new Set(['ListClusters', 'ListTasks', 'DescribeTasks']),
  EKSClient: new Set(['ListClusters', 'DescribeCluster']),
  ECRClient: new Set(['DescribeRepositories', 'DescribeImages', 'DescribeImageScanFindings']),
  CloudFrontClient: new Set(['ListDistributions']),
  ElasticLoadBalancingV2Client: new Set(['DescribeLoadBalancers', 'DescribeTargetGroups', 'DescribeTargetHealth'])
}

/** Operations allowed although their verb is not a read verb: each one reviewed above. */
export const READ_EFFECT_EXCEPTIONS: ReadonlySet<string> = new Set(['IAMClient GenerateCredentialReport'])

export const GUARD_NAME = 'lastmileReadOnlyGuard'

export class ReadOnlyViolation extends LastmileError {
  constructor(
    readonly client: string,
    readonly operation: string
  ) {
    super('read-only', `${client} ${operation}: refused: Lastmile only makes read-only calls (not on the allow-list); no request was sent`)
  }
}

export function isAllowed(clientName: string | undefined, commandName: string | undefined): boolean {
  if (!clientName || !commandName) return false
  const op = commandName.replace(/Command$/, '')
  return READ_ONLY_OPERATIONS[clientName]?.has(op) === true
}

interface GuardableClient {
  middlewareStack: {
    add(
      mw: (next: (args: unknown) => Promise<unknown>, context: { clientName?: string; commandName?: string }) => (args: unknown) => Promise<unknown>,
      opts: { step: 'initialize'; name: string; priority: 'high'; override?: boolean }
    ): void
  }
}

/** Add the guard to a client (idempotent). Returns the client. */
export function withReadOnlyGuard<C>(client: C): C {
  ;(client as unknown as GuardableClient).middlewareStack.add(
    (next, context) => async (args) => {
      if (!isAllowed(context.clientName, context.commandName)) {
        throw new ReadOnlyViolation(context.clientName ?? 'unknown client', (context.commandName ?? 'unknown command').replace(/Command$/, ''))
      }
      return next(args)
    },
    { step: 'initialize', name: GUARD_NAME, priority: 'high', override: true }
  )
  return client
}
