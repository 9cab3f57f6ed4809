// aws.rds.storage-encrypted (Security Hub RDS.3) over a bundle: StorageEncrypted of each DB instance
// in inventory/rds-instances.json (DescribeDBInstances), as Security Hub, Config's
// rds-storage-encrypted and Prowler's rds_instance_storage_encrypted read it. An Aurora instance
// reports its cluster's encryption there, so it is judged the same.
import type { Evaluation } from '../../shared/contract'
import { evaluateRdsInstanceList, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory, RdsInstance } from '../../main/semantics/inventory'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

const CONTROL = 'aws.rds.storage-encrypted'

/** A missing StorageEncrypted is unknown (DescribeDBInstances always gives it: the file was cut). */
export function storageEncryptedVerdict(d: Pick<RdsInstance, 'StorageEncrypted' | 'KmsKeyId' | 'DBClusterIdentifier'>): Verdict {
  if (d.StorageEncrypted === undefined) return unknown('the instance\'s StorageEncrypted was not collected (no "StorageEncrypted" key)')
  const cluster = d.DBClusterIdentifier ? ` (its storage is the DB cluster ${d.DBClusterIdentifier}'s)` : ''
  if (d.StorageEncrypted) return pass(`StorageEncrypted is true${d.KmsKeyId ? `, with the KMS key ${d.KmsKeyId}` : ''}${cluster}`)
  return fail(`StorageEncrypted is false: its storage, automated backups, snapshots and replicas are not encrypted at rest${cluster}`)
}

export function evaluateRdsStorageEncrypted(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluateRdsInstanceList(CONTROL, inv, (d) => ({ verdict: storageEncryptedVerdict(d), field: 'StorageEncrypted' }))
}
