// aws.rds.storage-encrypted (Security Hub RDS.3): replace the unencrypted DB instance by an encrypted
// copy, the way AWS documents it (Amazon RDS User Guide, "Encrypting Amazon RDS resources": an
// unencrypted instance cannot be encrypted in place). Three scripts, so that nothing is done to the
// original until a person cuts over:
// 1. fix.sh — snapshot the instance, copy the snapshot encrypted with a KMS key (CopyDBSnapshot
//    KmsKeyId), restore a new instance `<id>-encrypted` from the copy with the original's settings
//    (class, storage, subnet group, security groups, parameter and option groups, Multi-AZ, port,
//    public accessibility, backup retention), and wait until it is available. The original serves
//    on, untouched; what is written to it after the snapshot is not in the copy, hence the downtime
//    window: writes stop before fix.sh and resume after cutover.sh.
// 2. cutover.sh — the gated step: rename the original to `<id>-unencrypted`, then the new instance
//    to `<id>` (ModifyDBInstance NewDBInstanceIdentifier), so the endpoint clients use resolves to
//    the encrypted instance; deletion protection back as it was.
// 3. delete-after-observation.sh — later, once the new instance has served a while: delete the old
//    instance (with a final snapshot) and the unencrypted snapshot.
// The rollback returns to the original exactly: names swapped back when the cut-over ran, the new
// instance deleted (with a final snapshot once it has served writes, so none is lost silently), the
// snapshots the fix made deleted. It refuses when the original is gone.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, shellVar, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { blockers, downtimeEstimate, iamAuthNote, missingSettings } from './storage'

/** An RDS identifier of at most 63 characters ending in `suffix` (letters, digits, single hyphens). */
export function derivedIdentifier(id: string, suffix: string): string {
  return `${id.slice(0, 63 - suffix.length).replace(/-+$/, '')}${suffix}`
}

interface Values {
  identifier: string
  account: string
  region: string
  engine: string
  address: string | null
  port: number
  instanceClass: string
  subnetGroup: string
  securityGroups: string[]
  parameterGroup: string | null
  optionGroup: string | null
  multiAz: boolean
  publiclyAccessible: boolean
  storageType: string | null
  iops: number | null
  backupRetentionDays: number
  deletionProtection: boolean
  iamAuth: boolean
  /** what the IAM database authentication grants need before the cut-over, or null */
  iamNote: string | null
  allocatedGiB: number
}

export const rdsStorageEncryptedFix: Omit<FixRenderer, 'control'> = {
  summary: 'replace the unencrypted RDS DB instance by one restored from an encrypted copy of its snapshot, with a gated cut-over (rename swap) and a rollback to the original',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'rds.config', 'inventory/rds-instances.json')
    const d = cfg.value
    const s = d.settings
    if (!s)
      throw new LastmileError('not-found', `${target.finding}: the storage settings of ${d.identifier} were read by an earlier version of Lastmile; add the evidence bundle again`)
    if (s.encrypted !== false)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${d.identifier} is ${s.encrypted ? 'encrypted already' : 'of unknown encryption (no StorageEncrypted)'} in the evidence; validate the finding instead`
      )
    const blocked = [...blockers(s), ...(s.replicas.length ? [`its read replicas ${s.replicas.join(', ')} would keep replicating from the old instance`] : [])]
    if (blocked.length) throw new LastmileError('conflict', `${target.finding}: ${d.identifier} cannot be replaced this way: ${blocked.join('; ')}`)
    const missing = missingSettings(d, s)
    if (missing.length)
      throw new LastmileError('not-found', `${target.finding}: inventory/rds-instances.json lacks ${missing.join(', ')} of ${d.identifier}; collect the evidence again`)
    const values: Values = {
      identifier: d.identifier,
      account: d.account,
      region: d.region,
      engine: d.engine!,
      address: d.address,
      port: d.port!,
      instanceClass: s.instanceClass!,
      subnetGroup: s.subnetGroup!,
      securityGroups: d.securityGroups,
      // the engine's default groups (default.postgres15, default:postgres-15) are what a restore
      // takes when none is named; a group of the account's own must be named
      parameterGroup: s.parameterGroups.find((g) => !g.startsWith('default.')) ?? null,
      optionGroup: s.optionGroups.find((g) => !g.startsWith('default:')) ?? null,
      multiAz: s.multiAz!,
      publiclyAccessible: d.publiclyAccessible!,
      storageType: s.storageType,
      iops: s.iops,
      backupRetentionDays: s.backupRetentionDays!,
      deletionProtection: s.deletionProtection!,
      iamAuth: s.iamAuth!,
      iamNote: iamAuthNote(s),
      allocatedGiB: s.allocatedGiB!
    }
    return { values: values as unknown as Record<string, unknown>, evidence: [...cfg.evidence].sort(), collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Values
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const r = `--region ${sq(region)}`
    const ORIG = v.identifier
    const NEW = derivedIdentifier(ORIG, '-encrypted')
    const OLD = derivedIdentifier(ORIG, '-unencrypted')
    const SNAP = `lastmile-${derivedIdentifier(ORIG, '-unencrypted')}`
    const COPY = `lastmile-${derivedIdentifier(ORIG, '-encrypted')}`
    const FINAL = `lastmile-${derivedIdentifier(ORIG, '-rolled-back')}`
    const estimate = downtimeEstimate(v.allocatedGiB)
    const marker = '"$ROLLBACK_DIR/cutover.done"'
    const before = '"$ROLLBACK_DIR/instance.before.json"'
    const fns = [
      `db_json() { aws rds describe-db-instances ${r} --db-instance-identifier "$1" --output json 2>/dev/null | jq -c '.DBInstances[0]' || true; }`,
      // the plan's three instance names in one call: id, status, encryption, deletion protection, and
      // whether this fix made it (its tag: a same-named instance the fix did not make is never taken for it)
      // (into S, in this shell: a failed call stops the script rather than read as "not there")
      `names() { S="$(aws rds describe-db-instances ${r} --filters ${sq(`Name=db-instance-id,Values=${ORIG},${NEW},${OLD}`)} --output json)" || fail 'cannot list the DB instances'; S="$(jq -c ${sq(
        `[.DBInstances[] | {id: .DBInstanceIdentifier, status: .DBInstanceStatus, enc: .StorageEncrypted, dp: .DeletionProtection, ours: ([.TagList[]? | select(.Key == "lastmile:replaces") | .Value][0] == ${JSON.stringify(ORIG)})}]`
      )} <<<"$S")"; }`,
      // the fix's two snapshots, into T
      `snaps() { T="$(aws rds describe-db-snapshots ${r} --filters ${sq(`Name=db-snapshot-id,Values=${SNAP},${COPY}`)} --output json)" || fail 'cannot list the DB snapshots'; T="$(jq -c '[.DBSnapshots[] | {id: .DBSnapshotIdentifier, status: .Status, enc: .Encrypted}]' <<<"$T")"; }`,
      // has LIST NAME TEST: the list (from names or snaps) holds NAME, and TEST (jq) holds for it
      'has() { jq -e --arg n "$2" "any(.[]; .id == \\$n and ($3))" <<<"$1" >/dev/null; }',
      // a rename is asynchronous: poll until the old name is gone and the new one is available
      'wait_renamed() { for _ in $(seq 1 240); do names; ! has "$S" "$1" true && has "$S" "$2" \'.status == "available"\' && return 0; sleep 15; done; fail "$1 is not renamed $2 after an hour"; }',
      'wait_available() { for _ in $(seq 1 240); do names; has "$S" "$1" \'.status == "available"\' && return 0; sleep 15; done; fail "$1 is not available after an hour"; }'
    ]
    // the fix's two snapshots, deleted by the rollback and after observation
    const deleteSnapshots = {
      title: `delete the snapshots ${SNAP} and ${COPY}`,
      check: `snaps; [ "$T" = '[]' ]`,
      already: 'the snapshots are deleted',
      apply: [
        `! has "$T" ${sq(SNAP)} true || aws rds delete-db-snapshot ${r} --db-snapshot-identifier ${sq(SNAP)} --output json >/dev/null`,
        `! has "$T" ${sq(COPY)} true || aws rds delete-db-snapshot ${r} --db-snapshot-identifier ${sq(COPY)} --output json >/dev/null`
      ]
    }
    const restoreArgs = [
      `--db-instance-identifier ${sq(NEW)}`,
      `--db-snapshot-identifier ${sq(COPY)}`,
      `--db-instance-class ${sq(v.instanceClass)}`,
      `--db-subnet-group-name ${sq(v.subnetGroup)}`,
      `--vpc-security-group-ids ${v.securityGroups.map(sq).join(' ')}`,
      ...(v.parameterGroup ? [`--db-parameter-group-name ${sq(v.parameterGroup)}`] : []),
      ...(v.optionGroup ? [`--option-group-name ${sq(v.optionGroup)}`] : []),
      v.multiAz ? '--multi-az' : '--no-multi-az',
      v.publiclyAccessible ? '--publicly-accessible' : '--no-publicly-accessible',
      `--port ${v.port}`,
      ...(v.storageType ? [`--storage-type ${sq(v.storageType)}`] : []),
      ...(v.iops ? [`--iops ${v.iops}`] : []),
      `--backup-retention-period ${v.backupRetentionDays}`,
      v.iamAuth ? '--enable-iam-database-authentication' : '--no-enable-iam-database-authentication',
      '--copy-tags-to-snapshot',
      '--no-deletion-protection',
      `--tags Key=lastmile:replaces,Value=${sq(ORIG)}`
    ]
    const fix = bashScript({
      title: `Fix (1 of 2): an encrypted copy of the RDS DB instance ${ORIG}, restored as ${NEW}; ${ORIG} is not changed`,
      lines: [
        ...header,
        `RDS cannot encrypt ${ORIG} in place: this snapshots it, copies the snapshot encrypted with the KMS key`,
        "LASTMILE_RDS_KMS_KEY names (default alias/aws/rds, the account's AWS managed key for RDS), and restores",
        `${NEW} from the copy with ${ORIG}'s settings. ${t.finding}.cutover.sh then swaps the names.`,
        `DOWNTIME: what is written to ${ORIG} after step 3's snapshot is not in the copy. Stop the applications'`,
        `writes before running this, and resume them after the cut-over: ${estimate.text}.`
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [...fns, 'KMS_KEY="${LASTMILE_RDS_KMS_KEY:-alias/aws/rds}"'],
      steps: [
        {
          title: `save ${ORIG} as it is (rollback capture)`,
          check: `[ -s ${before} ]`,
          already: `${ORIG} was saved by an earlier run`,
          apply: [`db_json ${sq(ORIG)} > ${before}`, `[ -s ${before} ] || fail ${sq(`${ORIG} does not exist in ${region}; nothing was changed`)}`]
        },
        {
          title: `refuse unless ${ORIG} is an unencrypted standalone instance without read replicas`,
          check: `jq -e '.StorageEncrypted == false and (.DBClusterIdentifier // "") == "" and (.ReadReplicaSourceDBInstanceIdentifier // "") == "" and ((.ReadReplicaDBInstanceIdentifiers // []) | length) == 0' ${before} >/dev/null`,
          already: `${ORIG} was unencrypted, standalone and without replicas`,
          apply: [`fail ${sq(`${ORIG} is no longer what the evidence showed (encrypted, in a cluster, or with replicas): investigate again; nothing was changed`)}`]
        },
        {
          title: `snapshot ${ORIG} as ${SNAP}`,
          check: `snaps; has "$T" ${sq(SNAP)} '.status == "available"'`,
          already: `${SNAP} exists`,
          apply: [
            `has "$T" ${sq(SNAP)} true || aws rds create-db-snapshot ${r} --db-instance-identifier ${sq(ORIG)} --db-snapshot-identifier ${sq(SNAP)} --output json >/dev/null`,
            `aws rds wait db-snapshot-available ${r} --db-snapshot-identifier ${sq(SNAP)}`
          ]
        },
        {
          title: `copy ${SNAP} encrypted with the KMS key ${shellVar('KMS_KEY')} as ${COPY}`,
          check: `snaps; has "$T" ${sq(COPY)} '.status == "available" and .enc'`,
          already: `${COPY} exists, encrypted`,
          apply: [
            `has "$T" ${sq(COPY)} true || aws rds copy-db-snapshot ${r} --source-db-snapshot-identifier ${sq(SNAP)} --target-db-snapshot-identifier ${sq(COPY)} --kms-key-id "$KMS_KEY" --copy-tags --output json >/dev/null`,
            `aws rds wait db-snapshot-available ${r} --db-snapshot-identifier ${sq(COPY)}`
          ],
          verify: `snaps; has "$T" ${sq(COPY)} .enc`
        },
        {
          title: `restore ${NEW} from ${COPY} with ${ORIG}'s settings`,
          check: `names; has "$S" ${sq(NEW)} .ours`,
          already: `${NEW} exists, restored by an earlier run`,
          apply: [
            `! has "$S" ${sq(NEW)} true || fail ${sq(`an instance named ${NEW} exists that this fix did not make; nothing of ${ORIG} was changed`)}`,
            `aws rds restore-db-instance-from-db-snapshot ${r} ${restoreArgs.join(' ')} --output json >/dev/null`,
            `wait_available ${sq(NEW)}`
          ],
          verify: `names; has "$S" ${sq(NEW)} .enc`,
          verifyFailure: `${NEW} is not encrypted`
        }
      ],
      done: `${NEW} is available and encrypted; ${ORIG} is unchanged. Check ${NEW}, then run ${t.finding}.cutover.sh`
    })
    const cutover = bashScript({
      title: `Fix (2 of 2), the cut-over: ${ORIG} becomes the encrypted instance (rename swap)`,
      lines: [
        ...header,
        `Renames ${ORIG} to ${OLD}, then ${NEW} to ${ORIG}: ${v.address ?? `${ORIG}'s endpoint`} then resolves to the encrypted`,
        "instance (clients reconnect once DNS follows, within minutes). Run it with the applications' writes still stopped.",
        `The old instance stays, renamed, until ${t.finding}.delete-after-observation.sh.`
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `check ${NEW} (or ${ORIG} after an earlier run) is the encrypted copy, available`,
          check: `names; has "$S" ${sq(NEW)} '.ours and .enc' || has "$S" ${sq(ORIG)} .ours`,
          already: 'the encrypted copy is there',
          apply: [`fail ${sq(`${NEW} is not there or not encrypted: run ${t.finding}.fix.sh first; nothing was changed`)}`]
        },
        {
          title: `rename ${ORIG} to ${OLD}`,
          check: `names; has "$S" ${sq(ORIG)} .ours || has "$S" ${sq(OLD)} true`,
          already: `${ORIG} was renamed ${OLD}`,
          apply: [
            `[ -s ${before} ] || fail 'no saved state: run fix.sh from this directory first'`,
            `date -u +%Y-%m-%dT%H:%M:%SZ > ${marker}`,
            `aws rds modify-db-instance ${r} --db-instance-identifier ${sq(ORIG)} --new-db-instance-identifier ${sq(OLD)} --apply-immediately --output json >/dev/null`,
            `wait_renamed ${sq(ORIG)} ${sq(OLD)}`
          ]
        },
        {
          title: `rename ${NEW} to ${ORIG}`,
          check: `names; has "$S" ${sq(ORIG)} .ours`,
          already: `${ORIG} is the encrypted instance`,
          apply: [
            `date -u +%Y-%m-%dT%H:%M:%SZ > ${marker}`,
            `aws rds modify-db-instance ${r} --db-instance-identifier ${sq(NEW)} --new-db-instance-identifier ${sq(ORIG)} --apply-immediately --output json >/dev/null`,
            `wait_renamed ${sq(NEW)} ${sq(ORIG)}`
          ],
          verify: `names; has "$S" ${sq(ORIG)} '.ours and .enc'`
        },
        ...(v.deletionProtection
          ? [
              {
                title: `turn deletion protection on for ${ORIG}, as it was`,
                check: `names; has "$S" ${sq(ORIG)} .dp`,
                already: 'deletion protection is on',
                apply: [`aws rds modify-db-instance ${r} --db-instance-identifier ${sq(ORIG)} --deletion-protection --apply-immediately --output json >/dev/null`]
              }
            ]
          : [])
      ],
      done: `${ORIG} is the encrypted instance; the old one is ${OLD}. Resume the applications' writes`
    })
    const deleteLater = bashScript({
      title: `After observation: delete the old unencrypted instance ${OLD} and the unencrypted snapshot`,
      lines: [
        ...header,
        `Run once ${ORIG} (encrypted) has served long enough that no rollback will be wanted: the rollback needs ${OLD}.`,
        `${OLD} is deleted with a final snapshot (lastmile-${OLD}-final), which is unencrypted: delete it too when the retention rules allow.`
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `check ${ORIG} is the encrypted instance`,
          check: `names; has "$S" ${sq(ORIG)} '.ours and .enc'`,
          already: `${ORIG} is encrypted`,
          apply: [`fail ${sq(`${ORIG} is not the encrypted instance: the cut-over has not run; nothing was deleted`)}`]
        },
        {
          title: `delete ${OLD}`,
          check: `names; ! has "$S" ${sq(OLD)} true`,
          already: `${OLD} is deleted`,
          apply: [
            `aws rds modify-db-instance ${r} --db-instance-identifier ${sq(OLD)} --no-deletion-protection --apply-immediately --output json >/dev/null`,
            `aws rds delete-db-instance ${r} --db-instance-identifier ${sq(OLD)} --final-db-snapshot-identifier ${sq(`lastmile-${OLD}-final`)} --output json >/dev/null`,
            `aws rds wait db-instance-deleted ${r} --db-instance-identifier ${sq(OLD)}`
          ]
        },
        deleteSnapshots
      ],
      done: `${OLD} and the fix's snapshots are deleted`
    })
    const rollback = bashScript({
      title: `Rollback: ${ORIG} back to the original unencrypted instance, exactly as it was`,
      lines: [
        ...header,
        `Swaps the names back when the cut-over ran (${ORIG} → ${NEW}, ${OLD} → ${ORIG}), deletes ${NEW} and the fix's snapshots.`,
        `Once the cut-over ran, ${NEW} may hold writes made since: it is deleted with a final snapshot, ${FINAL} (encrypted), to merge them by hand.`,
        `Refuses when the original is gone (deleted after observation): then there is nothing to return to.`
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `check the original is still there (as ${ORIG} or ${OLD})`,
          check: `names; has "$S" ${sq(ORIG)} '.ours | not' || has "$S" ${sq(OLD)} true`,
          already: 'the original is there',
          apply: [`fail ${sq(`neither ${ORIG} (unencrypted) nor ${OLD} exists: the original was deleted; nothing was changed`)}`]
        },
        {
          title: `rename the encrypted ${ORIG} back to ${NEW}`,
          check: `names; ! has "$S" ${sq(ORIG)} .ours`,
          already: `${ORIG} is not the encrypted copy`,
          apply: [
            `aws rds modify-db-instance ${r} --db-instance-identifier ${sq(ORIG)} --new-db-instance-identifier ${sq(NEW)} --apply-immediately --output json >/dev/null`,
            `wait_renamed ${sq(ORIG)} ${sq(NEW)}`
          ]
        },
        {
          title: `rename ${OLD} back to ${ORIG}`,
          check: `names; ! has "$S" ${sq(OLD)} true`,
          already: `${ORIG} has its name`,
          apply: [
            `aws rds modify-db-instance ${r} --db-instance-identifier ${sq(OLD)} --new-db-instance-identifier ${sq(ORIG)} --apply-immediately --output json >/dev/null`,
            `wait_renamed ${sq(OLD)} ${sq(ORIG)}`
          ],
          verify: `names; has "$S" ${sq(ORIG)} '(.ours | not) and (.enc | not)'`
        },
        {
          title: `delete ${NEW}`,
          check: `names; ! has "$S" ${sq(NEW)} .ours`,
          already: `${NEW} is deleted`,
          apply: [
            `! has "$S" ${sq(NEW)} .dp || aws rds modify-db-instance ${r} --db-instance-identifier ${sq(NEW)} --no-deletion-protection --apply-immediately --output json >/dev/null`,
            `if [ -e ${marker} ]; then final=(--final-db-snapshot-identifier ${sq(FINAL)}); else final=(--skip-final-snapshot); fi`,
            `aws rds delete-db-instance ${r} --db-instance-identifier ${sq(NEW)} "\${final[@]}" --output json >/dev/null`,
            `aws rds wait db-instance-deleted ${r} --db-instance-identifier ${sq(NEW)}`
          ]
        },
        deleteSnapshots
      ],
      done: `${ORIG} is the original unencrypted instance again`
    })
    return {
      artefacts: [
        artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `restore an encrypted copy of ${ORIG} as ${NEW} (${ORIG} untouched)`, fix),
        artefact(ctx, 'aws-cli', 'bash', 'cutover.sh', `cut over: rename ${ORIG} to ${OLD} and ${NEW} to ${ORIG}`, cutover),
        artefact(ctx, 'aws-cli', 'bash', 'delete-after-observation.sh', `later: delete the old unencrypted ${OLD} and the unencrypted snapshot`, deleteLater)
      ],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `return to the original ${ORIG}: swap the names back, delete ${NEW} and the snapshots`, rollback)],
      preconditions: [
        'AWS CLI and jq on PATH',
        `credentials for account ${account} allowed, on ${ORIG} and its snapshots in ${region}: rds:DescribeDBInstances, rds:DescribeDBSnapshots, rds:CreateDBSnapshot, rds:CopyDBSnapshot, rds:RestoreDBInstanceFromDBSnapshot, rds:AddTagsToResource, rds:ModifyDBInstance, rds:DeleteDBInstance, rds:DeleteDBSnapshot, and kms:CreateGrant/kms:DescribeKey on the KMS key`,
        ...(v.iamNote ? [v.iamNote] : []),
        `a downtime window agreed with ${ORIG}'s owners: the applications stop writing before fix.sh and resume after cutover.sh (${estimate.text})`,
        'a customer managed key (LASTMILE_RDS_KMS_KEY) must be in the same Region and its key policy must let RDS use it for the account (kms:CreateGrant, kms:Decrypt, kms:GenerateDataKey* via rds.<region>.amazonaws.com)'
      ],
      validation: validationText(t),
      notes: [
        `the fix REPLACES the instance: ${ORIG} after the cut-over is a new DB instance (new resource id and ARN suffix, same name and endpoint) restored from an encrypted snapshot`,
        'the restored instance loads its blocks from the snapshot lazily: the first reads of each block are slower until the volume is warm',
        `the master password, Performance Insights, enhanced monitoring, CloudWatch log exports and maintenance/backup windows are not all carried by a restore: check them on ${NEW} before the cut-over`,
        `for a shorter window, replicate into the encrypted copy with AWS DMS (full load and change data capture) instead of stopping writes for the whole copy`
      ]
    }
  }
}
