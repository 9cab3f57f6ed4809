// aws.rds.storage-encrypted's guardrails: an SCP refusing unencrypted new databases, and the AWS
// Config managed rule rds-storage-encrypted.
//
// The SCP uses rds:StorageEncrypted, the condition key the Service Authorization Reference gives
// CreateDBInstance and CreateDBCluster ("Filters access by the value that specifies whether the DB
// instance storage should be encrypted"). With Bool it refuses a request that asks for unencrypted
// storage (an Aurora instance takes its cluster's encryption, so CreateDBCluster is refused the same
// way). A request that leaves StorageEncrypted out may carry no key, and Bool then does not match:
// BoolIfExists would refuse it, but also every Aurora instance, whose request never sets the key.
// What the key does not see: RestoreDBInstanceFromDBSnapshot of an unencrypted snapshot and
// CreateDBInstanceReadReplica of an unencrypted source make unencrypted instances with no such key
// (the storage follows the snapshot or the source): the Config rule reports those.
import type { GuardrailView } from '../../shared/remediation'
import type { GuardrailContext } from '../../main/controls/control'
import { breakGlassNote, configRules, exceptedScopes, principalException, regionalDeny } from '../../main/controls/guardrail-aws'

export function rdsStorageEncryptedGuardrails({ control, exceptions, opts, policy: policyJson }: GuardrailContext): GuardrailView[] {
  const principal = principalException(opts)
  const scp = policyJson(
    'scp',
    `${control} SCP`,
    regionalDeny(
      control,
      'DenyUnencryptedDatabases',
      { Effect: 'Deny', Action: ['rds:CreateDBInstance', 'rds:CreateDBCluster'], Resource: '*', Condition: { Bool: { 'rds:StorageEncrypted': 'false' } } },
      exceptions,
      principal
    )
  )
  return [
    {
      kind: 'aws-scp',
      language: 'json',
      name: `${control}.scp.json`,
      content: scp,
      control,
      prevents: `creating an RDS DB instance or DB cluster with unencrypted storage (${breakGlassNote(opts)}); restores of unencrypted snapshots and replicas of unencrypted sources are reported by the Config rule, not refused`,
      wouldBreak: [
        'templates and scripts that create databases without StorageEncrypted true (CloudFormation, Terraform storage_encrypted, the console default on older engines)',
        'engines or classes without encryption support: previous-generation db.m1, db.m2 and db.t1.micro classes',
        ...exceptedScopes(exceptions)
      ],
      exceptions: exceptions.map((e) => e.resourceId)
    },
    configRules(
      control,
      'RDS DB instances with unencrypted storage',
      [
        {
          name: 'rds-storage-encrypted',
          identifier: 'RDS_STORAGE_ENCRYPTED',
          resourceTypes: ['AWS::RDS::DBInstance'],
          description: 'RDS DB instances must have storage encryption enabled'
        }
      ],
      exceptions,
      ['nothing: Config rules only report']
    )
  ]
}
