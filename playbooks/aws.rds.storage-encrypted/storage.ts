// What the steps and the fix of aws.rds.storage-encrypted share: the instance's storage and build
// settings as the evidence holds them, what keeps the snapshot → encrypted copy → restore path from
// encrypting it, and the downtime that path takes.
//
// AWS's rules (Amazon RDS User Guide, "Encrypting Amazon RDS resources", Overview.Encryption.html,
// and its "Limitations of Amazon RDS encrypted DB instances"):
// - an existing unencrypted DB instance cannot be encrypted in place: the way is a snapshot, an
//   encrypted copy of it (CopyDBSnapshot with KmsKeyId), and a new instance restored from the copy;
// - an Aurora instance's storage is its cluster's (CreateDBInstance StorageEncrypted: "doesn't apply
//   to Amazon Aurora DB instances. The encryption for DB instances is managed by the DB cluster"):
//   an instance snapshot cannot be taken of it, the cluster must be copied and restored;
// - "You can't create an encrypted read replica from an unencrypted DB instance"
//   (CreateDBInstanceReadReplica KmsKeyId), and a snapshot restored from a replica is a standalone
//   instance: a replica is encrypted only by encrypting its source and recreating the replica;
// - the read replicas of the instance keep replicating from the old instance after the cut-over:
//   they must be recreated from the new one;
// - some previous-generation DB instance classes do not support encryption ("Availability of Amazon
//   RDS encryption": db.m1, db.m2 and db.t1.micro). Should that list be short of a class, the plan is
//   still harmless: the restore onto it fails before anything is done to the original.
import type { RdsConfig } from '../../main/controls/rds-clients'

export type RdsSettings = NonNullable<RdsConfig['settings']>

/** Previous-generation instance classes without encryption support (see the header). */
export const UNENCRYPTABLE_CLASS = /^db\.(m1|m2)\.|^db\.t1\.micro$/

/** Why the snapshot → encrypted copy → restore path cannot encrypt this instance as it stands, or [] */
export function blockers(s: RdsSettings): string[] {
  const out: string[] = []
  if (s.cluster)
    out.push(
      `it is a member of the DB cluster ${s.cluster}, whose storage and encryption are the cluster's: the cluster must be snapshotted, copied encrypted and restored as a cluster (restore-db-cluster-from-snapshot), not this instance`
    )
  if (s.replicaOf)
    out.push(
      `it is a read replica of ${s.replicaOf}: an encrypted replica of an unencrypted source cannot exist, and a restored snapshot of it is a standalone database — encrypt ${s.replicaOf} first, then recreate this replica from it`
    )
  if (s.instanceClass && UNENCRYPTABLE_CLASS.test(s.instanceClass))
    out.push(
      `its class ${s.instanceClass} is a previous generation that does not support RDS encryption: the copy must be restored onto a current class, which changes its capacity and cost`
    )
  return out
}

/** The settings a restore must reproduce that the evidence does not hold. */
export function missingSettings(d: RdsConfig, s: RdsSettings): string[] {
  const missing: string[] = []
  if (!s.instanceClass) missing.push('DBInstanceClass')
  if (!d.engine) missing.push('Engine')
  if (d.port === null) missing.push('Endpoint.Port')
  if (!s.subnetGroup) missing.push('DBSubnetGroup')
  if (!d.securityGroups.length) missing.push('VpcSecurityGroups')
  if (s.multiAz === null) missing.push('MultiAZ')
  if (d.publiclyAccessible === null) missing.push('PubliclyAccessible')
  if (s.backupRetentionDays === null) missing.push('BackupRetentionPeriod')
  if (s.deletionProtection === null) missing.push('DeletionProtection')
  if (s.allocatedGiB === null) missing.push('AllocatedStorage')
  if (s.iamAuth === null) missing.push('IAMDatabaseAuthenticationEnabled')
  return missing
}

/**
 * The downtime the path takes, as an estimate (AWS publishes no copy rate): the snapshot of an
 * instance never snapshotted and its encrypted copy each read every allocated block, here taken at
 * 30 to 100 MB/s; the restore takes ~10 to 20 minutes whatever the size (the new instance then loads
 * its blocks from the snapshot lazily: first reads are slow), the rename swap a few minutes more.
 */
/**
 * IAM database authentication grants (rds-db:connect) name the instance's resource id,
 * `arn:aws:rds-db:<region>:<account>:dbuser:<DbiResourceId>/<user>` (Amazon RDS User Guide, "Creating
 * and using an IAM policy for IAM database access"): the restored instance has a new one.
 */
export function iamAuthNote(s: RdsSettings): string | null {
  if (!s.iamAuth) return null
  return `IAM database authentication is on: policies granting rds-db:connect name the resource id ${s.resourceId ?? '(not in the evidence)'}, and the new instance gets another — add it to those policies before the cut-over, or those database users cannot log in`
}

export function downtimeEstimate(gib: number): { low: number; high: number; text: string } {
  const mb = gib * 1073.741824
  const pass = (rate: number) => mb / rate / 60
  const low = Math.ceil(2 * pass(100) + 10 + 5)
  const high = Math.ceil(2 * pass(30) + 20 + 10)
  const fmt = (m: number) => (m < 120 ? `${m} minutes` : `${(m / 60).toFixed(1)} hours`)
  return {
    low,
    high,
    text: `about ${fmt(low)} to ${fmt(high)} for ${gib} GiB (an estimate: the snapshot and its encrypted copy each read the whole volume, taken at 30–100 MB/s, plus 10–20 minutes to restore and a few to swap the names; measure it on a rehearsal)`
  }
}
