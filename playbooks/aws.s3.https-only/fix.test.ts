// The HTTPS-only fix merges a Deny into the bucket's live policy, so it needs that policy as
// collected: a bucket whose policy nobody read gets no fix, while one known to have none does.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { testPerson } from '../../test/fixtures/people'
import { createCaseDb } from '../../main/db/case-db'
import { addEvidenceBundle } from '../../main/evidence/service'
import { readFixInputs } from '../../main/remediate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const NOW = () => '2026-11-21T09:00:00.000Z'
const target = (bucket: string) => ({
  finding: 'F-1',
  control: 'aws.s3.https-only',
  resourceId: `arn:aws:s3:::${bucket}`,
  resourceType: 'aws.s3.bucket',
  account: '111122223333',
  region: 'us-east-1',
  name: bucket
})

describe('aws.s3.https-only fix inputs', () => {
  it('refuses a bucket whose policy was not collected, and takes "no policy" as known', async () => {
    const c = createCaseDb(join(tempDir(), 'case.lmcase'), 'fixture passphrase', { now: NOW() })
    try {
      const buckets = {
        buckets: [
          { name: 'unread', region: 'us-east-1' },
          { name: 'bare', region: 'us-east-1', policy: null }
        ]
      }
      const dir = writeBundle(tempDir(), { files: { 'aws/111122223333/inventory/s3-buckets.json': buckets } })
      await addEvidenceBundle(c, dir, { actor: testPerson('Ana Analyst', 'analyst'), now: NOW, threads: 0 })
      expect(() => readFixInputs(c.db, target('unread'))).toThrow(/F-1: the policy of unread was not collected/)
      expect(readFixInputs(c.db, target('bare')).values).toMatchObject({ bucket: 'bare', policy: null })
    } finally {
      c.close()
    }
  })
})
