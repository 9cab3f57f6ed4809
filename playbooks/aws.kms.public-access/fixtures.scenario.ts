// aws.kms.public-access's fixture world: keys of two accounts, one for each way the investigation can
// end. acme-prod's trail records every management event (the render's background), KMS's reads
// included; acme-data's trail leaves kms.amazonaws.com out of its management events, as trails often
// do for KMS's volume, so who uses its key cannot be known.
import { asffControl, at, resourceCallRecord, role, type Expected, type Principal, type World } from '../../test/casegen/world'

const PROD = '111122223333'
const DATA = '777788889999'
const PARTNER = '444455556666'
const R = 'us-east-1'

const KEY_IDS: Record<string, string> = {
  'partner-key': '1f0c6a52-3b7e-4d19-9a8e-5c2b7d4e6f01',
  'batch-key': '2a1d7b63-4c8f-4e2a-8b9f-6d3c8e5f7a02',
  'audit-key': '3b2e8c74-5d9a-4f3b-9cab-7e4d9f6a8b03',
  'billing-key': '4c3f9d85-6eab-4a4c-8dbc-8f5eab7b9c04',
  'ebs-managed-key': '5d4aae96-7fbc-4b5d-9ecd-9a6fbc8cad05',
  'analytics-key': '6e5bbfa7-8acd-4c6e-8fde-ab7acd9dbe06',
  'reports-key': '7f6cc0b8-9bde-4d7f-9aef-bc8bdeaecf07'
}
const arnOf = (account: string, name: string) => `arn:aws:kms:${R}:${account}:key/${KEY_IDS[name]}`

const statement = (sid: string, principal: unknown, action: string | string[], condition?: unknown) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: '*',
  ...(condition ? { Condition: condition } : {})
})
const root = (account: string) => statement('EnableIamPolicies', { AWS: `arn:aws:iam::${account}:root` }, 'kms:*')

function key(w: World, account: string, name: string, statements: unknown[], manager: 'CUSTOMER' | 'AWS' = 'CUSTOMER'): void {
  const a = w.account(account)
  a.regions.add(R)
  a.kmsKeys.push({
    KeyId: KEY_IDS[name],
    KeyArn: arnOf(account, name),
    KeyMetadata: {
      AWSAccountId: account,
      KeyId: KEY_IDS[name],
      Arn: arnOf(account, name),
      CreationDate: '2025-02-03T10:00:00Z',
      Enabled: true,
      Description: manager === 'AWS' ? 'Default key that protects my EBS volumes when no other key is defined' : name,
      KeyUsage: 'ENCRYPT_DECRYPT',
      KeyState: 'Enabled',
      Origin: 'AWS_KMS',
      KeyManager: manager,
      KeySpec: 'SYMMETRIC_DEFAULT'
    },
    Policy: JSON.stringify({ Version: '2012-10-17', Id: `${name}-policy`, Statement: statements })
  })
}

/** `action` (a management read event) on the key `name` of `account` by `who` every `every` days. */
function uses(w: World, account: string, name: string, who: Principal, every: number, action = 'Decrypt'): void {
  for (let d = 0; d < 90; d += every)
    w.ct(
      account,
      R,
      resourceCallRecord({
        time: at(d, 11, 5),
        account,
        region: R,
        source: 'kms.amazonaws.com',
        name: action,
        type: 'AWS::KMS::Key',
        arn: arnOf(account, name),
        who,
        data: false,
        requestParameters: { keyId: arnOf(account, name), encryptionAlgorithm: 'SYMMETRIC_DEFAULT' }
      })
    )
}

export function scenario(w: World): void {
  w.account(PROD, 'acme-prod', 'prod')
  // a partner's role decrypts exports through the public grant
  key(w, PROD, 'partner-key', [root(PROD), statement('AnyoneDecrypt', '*', 'kms:Decrypt')])
  uses(w, PROD, 'partner-key', role(PARTNER, 'partner-export-reader'), 2)
  // the account's batch worker is allowed only by the public statement: the key policy does not delegate to IAM
  key(w, PROD, 'batch-key', [
    statement('KeyAdministrators', { AWS: `arn:aws:iam::${PROD}:role/key-admin` }, ['kms:Describe*', 'kms:Get*', 'kms:PutKeyPolicy', 'kms:ScheduleKeyDeletion']),
    statement('AnyoneUse', { AWS: '*' }, ['kms:Decrypt', 'kms:GenerateDataKey'])
  ])
  uses(w, PROD, 'batch-key', role(PROD, 'batch-worker'), 1)
  // the account's own roles, allowed through the account statement; the public one is a leftover
  key(w, PROD, 'audit-key', [root(PROD), statement('Leftover', { AWS: '*' }, 'kms:Encrypt')])
  uses(w, PROD, 'audit-key', role(PROD, 'audit-shipper'), 1, 'GenerateDataKey')
  uses(w, PROD, 'audit-key', role(PROD, 'audit-indexer'), 3)
  // the account's reporting role decrypts; after the fix only the statement naming the account allows it, which
  // delegates to IAM policies the evidence does not hold
  key(w, PROD, 'reports-key', [root(PROD), statement('AnyoneDecrypt', { AWS: '*' }, 'kms:Decrypt')])
  uses(w, PROD, 'reports-key', role(PROD, 'report-reader'), 2)
  // already fixed: only the account
  key(w, PROD, 'billing-key', [root(PROD)])
  // an AWS managed key whose policy a scanner reads as public (a statement pinned by kms:ViaService only,
  // constructed here to walk the no-fix path): AWS writes its policy, nothing can be changed
  key(
    w,
    PROD,
    'ebs-managed-key',
    [statement('AllowThroughEbs', { AWS: '*' }, ['kms:Encrypt', 'kms:Decrypt', 'kms:GenerateDataKey*'], { StringEquals: { 'kms:ViaService': `ec2.${R}.amazonaws.com` } })],
    'AWS'
  )
  // acme-data: its trail leaves KMS out, so no use of its key is recorded
  w.account(DATA, 'acme-data', 'prod').excludedManagementSources.push('kms.amazonaws.com')
  key(w, DATA, 'analytics-key', [root(DATA), statement('AnyoneDecrypt', '*', ['kms:Decrypt', 'kms:DescribeKey'])])

  const cases: Array<[string, string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      PROD,
      'partner-key',
      'UNSAFE',
      { public: 'yes', 'aws-managed': 'no', 'outside-callers': 'yes' },
      'a role of another account decrypts through the public grant',
      { 'outside-callers': `arn:aws:iam::${PARTNER}:role/partner-export-reader` }
    ],
    [
      PROD,
      'batch-key',
      'UNSAFE',
      { public: 'yes', 'aws-managed': 'no', 'outside-callers': 'no', 'account-callers': 'yes' },
      'the account’s own worker is allowed only by the public statement',
      { 'account-callers': 'batch-worker' }
    ],
    [
      PROD,
      'audit-key',
      'SAFE',
      { public: 'yes', 'aws-managed': 'no', 'outside-callers': 'no', 'account-callers': 'no' },
      'only the account’s own roles use it, allowed by the account statement',
      { 'account-callers': 'audit-indexer' }
    ],
    [
      PROD,
      'reports-key',
      'RISKY',
      { public: 'yes', 'aws-managed': 'no', 'outside-callers': 'no', 'account-callers': 'unknown' },
      'the account’s own role keeps it only through IAM policies not in the evidence',
      { 'account-callers': 'delegates to its IAM policies' }
    ],
    [PROD, 'billing-key', 'SAFE', { public: 'no' }, 'a stale finding: only the account may use it'],
    [PROD, 'ebs-managed-key', 'RISKY', { public: 'yes', 'aws-managed': 'yes' }, 'an AWS managed key: no fix', { 'aws-managed': 'KeyManager AWS' }],
    [
      DATA,
      'analytics-key',
      'RISKY',
      { public: 'yes', 'aws-managed': 'no', 'outside-callers': 'unknown' },
      'the trail leaves KMS’s management events out',
      { 'outside-callers': 'management read events of kms.amazonaws.com' }
    ]
  ]
  for (const [account, name, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account,
        region: R,
        control: 'KMS.5',
        title: 'KMS keys should not be publicly accessible',
        severity: 'Critical',
        resourceType: 'AwsKmsKey',
        resourceId: arnOf(account, name)
      })
    )
    w.expect({ control: 'aws.kms.public-access', resource: arnOf(account, name), verdict, steps, why, ...(says ? { says } : {}) })
  }
}
