import { describe, expect, it } from 'vitest'
import { blockedActionsOfLogOp } from './grants'

describe('blockedActionsOfLogOp', () => {
  it('reads the server access log operations of the blocked actions', () => {
    expect(blockedActionsOfLogOp('REST.PUT.BUCKETPOLICY')).toEqual(['s3:PutBucketPolicy'])
    expect(blockedActionsOfLogOp('REST.DELETE.BUCKETPOLICY')).toEqual(['s3:DeleteBucketPolicy'])
    expect(blockedActionsOfLogOp('REST.PUT.ENCRYPTION')).toEqual(['s3:PutEncryptionConfiguration'])
    expect(blockedActionsOfLogOp('REST.DELETE.ENCRYPTION')).toEqual(['s3:PutEncryptionConfiguration'])
    // one operation name for bucket and object ACLs: it stands for both
    expect(blockedActionsOfLogOp('REST.PUT.ACL')).toEqual(['s3:PutBucketAcl', 's3:PutObjectAcl'])
    // spelled otherwise by some writers: still read as the action, never as "not called"
    expect(blockedActionsOfLogOp('REST.PUT.BUCKET.ACL')).toEqual(['s3:PutBucketAcl', 's3:PutObjectAcl'])
  })

  it('leaves reads and the other writes alone', () => {
    for (const op of [
      'REST.GET.ACL',
      'REST.GET.BUCKETPOLICY',
      'REST.PUT.OBJECT',
      'REST.GET.OBJECT',
      'REST.PUT.PUBLIC_ACCESS_BLOCK',
      'REST.PUT.LOGGING_STATUS',
      'S3.EXPIRE.OBJECT',
      'PutBucketPolicy'
    ])
      expect(blockedActionsOfLogOp(op)).toEqual([])
  })
})
