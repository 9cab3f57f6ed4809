// Reading a stored facet: the newest bundle's value, and of one bundle that describes a resource
// twice (two accounts' inventories naming the same bucket, stored {merged: [...]}), the later file's
// — the same for the step functions' view, the fixes' latestConfig and getFacts.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeBundle } from '../../test/fixtures/evidence/bundle-builder'
import { createCaseDb } from '../db/case-db'
import { addEvidenceBundle } from '../evidence/service'
import { CaseEvidence } from '../investigate/evidence-view'
import { facetValues, latestFacet, resourcesWithFacet } from './facets'
import { getFacts } from './facts'
import { latestConfig } from './resource-config'

const dir = mkdtempSync(join(tmpdir(), 'lastmile-case-facets-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const BUCKET = 'arn:aws:s3:::shared-bucket'
const buckets = (policy: string | null) => JSON.stringify({ buckets: [{ Name: 'shared-bucket', Region: 'us-east-1', Policy: policy }] })

describe('stored facets, read typed', () => {
  it('a resource described twice in one bundle reads as its later file, everywhere', async () => {
    const bundle = join(dir, 'b')
    writeBundle(bundle, {
      files: { 'aws/111122223333/inventory/s3-buckets.json': buckets(null), 'aws/444455556666/inventory/s3-buckets.json': buckets('{"Statement":[]}') },
      scopes: [
        { provider: 'aws', account: '111122223333', regions: ['us-east-1'] },
        { provider: 'aws', account: '444455556666', regions: ['us-east-1'] }
      ]
    })
    const c = createCaseDb(join(dir, 'c.lmcase'), 'correct horse battery', { now: '2026-11-21T09:00:00Z' })
    await addEvidenceBundle(c, bundle, { actor: { kind: 'person', name: 'Ana', role: 'analyst' }, now: () => '2026-11-21T09:00:00Z', threads: 0 })
    const stored = (c.db.prepare("SELECT value FROM evidence_facts WHERE facet = 's3.config'").get() as { value: string }).value
    expect(facetValues(stored).map((v) => (v as { account: string }).account)).toEqual(['111122223333', '444455556666'])
    expect(latestFacet(c.db, BUCKET, 's3.config')?.value).toMatchObject({ account: '444455556666', policy: '{"Statement":[]}' })
    expect(new CaseEvidence(c.db).config(BUCKET, 's3.config')?.value.policy).toBe('{"Statement":[]}')
    expect(latestConfig(c.db, ` ${BUCKET}`, 's3.config')?.value.account).toBe('444455556666')
    expect(getFacts(c.db, BUCKET).s3?.policy).toBe('{"Statement":[]}')
    expect(resourcesWithFacet(c.db, 's3.config')).toEqual([BUCKET])
    expect(latestFacet(c.db, BUCKET, 'ec2.config')).toBeNull()
    c.close()
  })
})
