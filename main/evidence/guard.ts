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
    'GetBucketLocation',
    'GetBucketPolicy',
    'GetPublicAccessBlock',
    'GetBucketEncryption',
    'GetBucketVersioning',
    'GetBucketLogging',
    'GetBucketAcl',
    'GetBucketTagging',
    'GetBucketWebsite'
  ]),
  CloudTrailClient: new Set(['DescribeTrails', 'GetTrailStatus', 'GetEventSelectors', 'LookupEvents']),
  // Not DescribeInstanceAttribute: its userData attribute is where people put secrets.
  // DescribeNetworkInterfaces: which interfaces a security group or an RDS instance's flow logs are recorded under
  EC2Client: new Set(['DescribeInstances', 'DescribeSecurityGroups', 'DescribeFlowLogs', 'DescribeNetworkInterfaces', 'GetEbsEncryptionByDefault', 'GetEbsDefaultKmsKeyId']),
  RDSClient: new Set(['DescribeDBInstances']),
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
      opts: { step: 'initialize'; priority: 'high' }
    ): void
  }
}

/** Module-private: nothing outside can name it to remove it (middlewareStack.remove takes a reference). */
const readOnlyGuard: Parameters<GuardableClient['middlewareStack']['add']>[0] = (next, context) => async (args) => {
  if (!isAllowed(context.clientName, context.commandName)) {
    throw new ReadOnlyViolation(context.clientName ?? 'unknown client', (context.commandName ?? 'unknown command').replace(/Command$/, ''))
  }
  return next(args)
}

const guarded = new WeakSet<object>()

/**
 * Add the guard to a client (idempotent). Returns the client.
 *
 * The guard has no name, on purpose: the SDK lets any middleware added with `override: true` —
 * on the client, or on one command's own stack, which is merged into the client's at send time —
 * replace a middleware of the same name, and `remove` and `addRelativeTo` find middleware by name.
 * Nameless, it can be neither replaced, removed nor wrapped; added first at the first step, it
 * runs before anything added later. The stack itself cannot be swapped for an unguarded one.
 */
export function withReadOnlyGuard<C>(client: C): C {
  const c = client as unknown as GuardableClient
  if (guarded.has(c)) return client
  c.middlewareStack.add(readOnlyGuard, { step: 'initialize', priority: 'high' })
  Object.defineProperty(c, 'middlewareStack', { value: c.middlewareStack, writable: false, configurable: false, enumerable: true })
  guarded.add(c)
  return client
}
