// Read-only investigation, enforced below the playbooks (DESIGN.md): every AWS SDK client Lastmile
// builds carries this middleware at the `initialize` step — the first step, before the request is
// serialised, built or signed — and it refuses any command that is not on an explicit allow-list.
// An allow-list, not a deny-list: a new write API AWS adds tomorrow is refused by default.
import { LastmileError } from '../errors'

/**
 * The operations Lastmile may call, per client. Only Describe*, Get*, List*, Head* and
 * LookupEvents, and only those a collector or a live check actually uses: a name here is a
 * reviewed decision, not a pattern.
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
  ])
}

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
