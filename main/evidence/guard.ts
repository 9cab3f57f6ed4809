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
 *
 * The CloudTrail questions asked where the events are (`evidence collect --cloudtrail-source`,
 * collect-cloudtrail-query.ts) need the query APIs, and exactly these:
 * - CloudTrail Lake: ListEventDataStores (which store, when the user names none), GetEventDataStore
 *   (its selectors, Regions, organisation and retention: what it can hold), StartQuery (run one
 *   question), DescribeQuery (its status), GetQueryResults (its rows, page by page).
 * - Athena: StartQueryExecution (run one question), GetQueryExecution (its status), GetQueryResults
 *   (its rows). Lastmile never creates a table: the user's administrator runs the documented DDL.
 * StartQuery and StartQueryExecution are the two reviewed exceptions besides GenerateCredentialReport
 * (READ_EFFECT_EXCEPTIONS), allowed only for a statement that is a single SELECT (QUERY_INPUT below,
 * checked before anything is sent: no DDL, no INSERT, no CREATE TABLE AS, no UNLOAD, no second
 * statement):
 * - StartQuery changes no configuration of the account; CloudTrail keeps the results itself for
 *   seven days. Its DeliveryS3Uri (a copy of the results to S3) is refused: never set.
 * - StartQueryExecution writes the results (a CSV and its metadata) to the workgroup's S3 output
 *   location — the one write side effect inherent to Athena: no query runs without it. The user opts
 *   in with --cloudtrail-source athena:…, and docs/cloudtrail-at-scale.md says so.
 * Both are billed by the data scanned; neither stops, deletes or changes anything that records.
 *
 * CloudWatch Logs FilterLogEvents is a read whose verb is not one of the above (READ_EFFECT_EXCEPTIONS):
 * it returns the events of a log group in a time range that match an (optional) pattern — an OpenSearch
 * domain's audit log, day by day. It creates, changes or deletes no log group, stream, filter or
 * retention; AWS's ReadOnlyAccess and CloudWatchLogsReadOnlyAccess managed policies grant
 * logs:FilterLogEvents. Its sibling GetLogEvents reads one stream only (an audit log has many), and
 * StartQuery (Logs Insights) is not used.
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
  CloudTrailClient: new Set([
    'DescribeTrails',
    'GetTrailStatus',
    'GetEventSelectors',
    'LookupEvents',
    'ListEventDataStores',
    'GetEventDataStore',
    'StartQuery',
    'DescribeQuery',
    'GetQueryResults'
  ]),
  AthenaClient: new Set(['StartQueryExecution', 'GetQueryExecution', 'GetQueryResults']),
  // Not DescribeInstanceAttribute: its userData attribute is where people put secrets.
  // DescribeNetworkInterfaces: which interfaces a security group or an RDS instance's flow logs are recorded under
  // DescribeSubnets, DescribeRouteTables: whether a subnet hands out public addresses and where its internet route goes (EC2.9, EC2.15)
  // DescribeLaunchTemplateVersions: whether the launch templates Auto Scaling groups use ask for a public address (EC2.15); the collector drops their UserData
  EC2Client: new Set([
    'DescribeInstances',
    'DescribeSecurityGroups',
    'DescribeFlowLogs',
    'DescribeNetworkInterfaces',
    'GetEbsEncryptionByDefault',
    'GetEbsDefaultKmsKeyId',
    'DescribeSubnets',
    'DescribeRouteTables',
    'DescribeLaunchTemplateVersions'
  ]),
  RDSClient: new Set(['DescribeDBInstances']),
  STSClient: new Set(['GetCallerIdentity']),
  // ListVirtualMFADevices: whose MFA is a virtual device — the root user's, for IAM.6 (the seeds and QR codes are only
  // returned for a device just created, never listed; the collector drops them anyway)
  IAMClient: new Set(['GenerateCredentialReport', 'GetCredentialReport', 'GetAccountAuthorizationDetails', 'ListVirtualMFADevices']),
  S3ControlClient: new Set(['GetPublicAccessBlock']),
  CloudWatchClient: new Set(['GetMetricData']),
  ECSClient: new Set(['ListClusters', 'ListTasks', 'DescribeTasks']),
  EKSClient: new Set(['ListClusters', 'DescribeCluster']),
  ECRClient: new Set(['DescribeRepositories', 'DescribeImages', 'DescribeImageScanFindings']),
  CloudFrontClient: new Set(['ListDistributions', 'GetDistributionConfig']),
  // DescribeListeners, DescribeRules: which listeners serve plain HTTP; DescribeLoadBalancerAttributes: whether access logs are on (aws.elbv2.http-redirect)
  ElasticLoadBalancingV2Client: new Set([
    'DescribeLoadBalancers',
    'DescribeTargetGroups',
    'DescribeTargetHealth',
    'DescribeListeners',
    'DescribeRules',
    'DescribeLoadBalancerAttributes'
  ]),
  // Classic Load Balancers: DescribeLoadBalancers (their listeners), DescribeLoadBalancerAttributes (access logs) (aws.elb.tls-listeners)
  ElasticLoadBalancingClient: new Set(['DescribeLoadBalancers', 'DescribeLoadBalancerAttributes']),
  // ListFunctions: the functions of a Region; GetPolicy: a function's resource policy (who may invoke it)
  LambdaClient: new Set(['ListFunctions', 'GetPolicy']),
  // ListQueues: the queues of a Region; GetQueueAttributes (All): a queue's attributes, its Policy among them
  SQSClient: new Set(['ListQueues', 'GetQueueAttributes']),
  // ListTopics: the topics of a Region; GetTopicAttributes: a topic's attributes, its Policy among them
  SNSClient: new Set(['ListTopics', 'GetTopicAttributes']),
  // ListKeys: the keys of a Region; DescribeKey: who manages a key and its state; GetKeyPolicy: its key policy (never key material)
  KMSClient: new Set(['ListKeys', 'DescribeKey', 'GetKeyPolicy']),
  // ListDomainNames: the domains of a Region; DescribeDomains: their endpoint, VPC, access policy, fine-grained access control and log publishing
  OpenSearchClient: new Set(['ListDomainNames', 'DescribeDomains']),
  // DescribeAutoScalingGroups: which groups launch into a subnet and with what; DescribeLaunchConfigurations: whether their configurations ask for a public address (EC2.15)
  AutoScalingClient: new Set(['DescribeAutoScalingGroups', 'DescribeLaunchConfigurations']),
  // FilterLogEvents: an OpenSearch domain's audit log, from the log group it publishes to, day by day (collect-usage-logs.ts)
  CloudWatchLogsClient: new Set(['FilterLogEvents'])
}

/** Operations allowed although their verb is not a read verb: each one reviewed above. */
export const READ_EFFECT_EXCEPTIONS: ReadonlySet<string> = new Set([
  'IAMClient GenerateCredentialReport',
  'CloudTrailClient StartQuery',
  'AthenaClient StartQueryExecution',
  'CloudWatchLogsClient FilterLogEvents'
])

/** A single SELECT: no other statement kind, no second statement, no comment to hide one in. */
const ONE_SELECT = /^SELECT\s[^;]*$/
const noComment = (sql: string): boolean => !sql.includes('--') && !sql.includes('/*')

/** The input the query starters are allowed with (their reason is above). */
const QUERY_INPUT: Readonly<Record<string, (input: Record<string, unknown>) => string | null>> = {
  'CloudTrailClient StartQuery': (i) =>
    i.DeliveryS3Uri !== undefined
      ? 'DeliveryS3Uri would copy the results into S3'
      : i.QueryAlias !== undefined || i.QueryParameters !== undefined
        ? 'only a QueryStatement is allowed'
        : typeof i.QueryStatement === 'string' && ONE_SELECT.test(i.QueryStatement) && noComment(i.QueryStatement)
          ? null
          : 'the statement is not a single SELECT',
  'AthenaClient StartQueryExecution': (i) =>
    typeof i.QueryString === 'string' && ONE_SELECT.test(i.QueryString) && noComment(i.QueryString) ? null : 'the statement is not a single SELECT'
}

export class ReadOnlyViolation extends LastmileError {
  constructor(
    readonly client: string,
    readonly operation: string,
    why = 'not on the allow-list'
  ) {
    super('read-only', `${client} ${operation}: refused: Lastmile only makes read-only calls (${why}); no request was sent`)
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
  const client = context.clientName ?? 'unknown client'
  const op = (context.commandName ?? 'unknown command').replace(/Command$/, '')
  if (!isAllowed(context.clientName, context.commandName)) throw new ReadOnlyViolation(client, op)
  const check = QUERY_INPUT[`${client} ${op}`]
  const why = check ? check(((args as { input?: Record<string, unknown> }).input ?? {}) as Record<string, unknown>) : null
  if (why) throw new ReadOnlyViolation(client, op, why)
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
