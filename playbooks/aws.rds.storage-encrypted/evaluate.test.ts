import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { storageEncryptedVerdict } from './evaluate'

const A = '111122223333'
const FILE = `aws/${A}/inventory/rds-instances.json`
const arn = (id: string) => `arn:aws:rds:us-east-1:${A}:db:${id}`
const CONTROL = 'aws.rds.storage-encrypted'

describe('aws.rds.storage-encrypted evaluator', () => {
  it("FAIL when StorageEncrypted is false, PASS when true (naming the key), UNKNOWN when it was not collected; an Aurora instance says its storage is the cluster's", () => {
    expect(storageEncryptedVerdict({ StorageEncrypted: false })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('not encrypted at rest') })
    expect(storageEncryptedVerdict({ StorageEncrypted: true, KmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k1' })).toMatchObject({
      status: 'PASS',
      reason: expect.stringContaining('key/k1')
    })
    expect(storageEncryptedVerdict({ StorageEncrypted: false, DBClusterIdentifier: 'c1' })).toMatchObject({ status: 'FAIL', reason: expect.stringContaining("DB cluster c1's") })
    expect(storageEncryptedVerdict({})).toMatchObject({ status: 'UNKNOWN' })
  })

  it('over a bundle: one row per instance named by its ARN, a bad element UNKNOWN in its place, and an account-level UNKNOWN without the file', async () => {
    const doc = {
      DBInstances: [
        { DBInstanceIdentifier: 'plain', DBInstanceArn: arn('plain'), StorageEncrypted: false },
        { DBInstanceIdentifier: 'sealed', DBInstanceArn: arn('sealed'), StorageEncrypted: true, KmsKeyId: 'k' },
        // no ARN: named from its Availability Zone
        { DBInstanceIdentifier: 'old', AvailabilityZone: 'eu-west-1b', StorageEncrypted: false },
        { DBInstanceIdentifier: 'cut', DBInstanceArn: arn('cut') },
        { DBInstanceIdentifier: 'bad', DBInstanceArn: arn('bad'), StorageEncrypted: 'yes' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: [CONTROL] })
    expect(findEvaluation(r, CONTROL, arn('plain'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/DBInstances/0/StorageEncrypted`] })
    expect(findEvaluation(r, CONTROL, arn('sealed'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, CONTROL, `arn:aws:rds:eu-west-1:${A}:db:old`)).toMatchObject({ status: 'FAIL' })
    expect(findEvaluation(r, CONTROL, arn('cut'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('StorageEncrypted') })
    expect(r.evaluations.find((e) => e.resource.endsWith(':db:bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('StorageEncrypted') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), { controls: [CONTROL] })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: CONTROL, resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})
