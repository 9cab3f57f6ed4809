// The S3 plans' preconditions come from the verdict's own reasoning, on the playbook fixtures as
// investigated: never a fixed "the investigation must have found none" that the RCI contradicts.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb, type WritableCaseDb } from '../db/case-db'
import { listFindings } from '../case/findings'
import { buildCase } from '../demo/case-builder'
import { fixturesDir } from '../../test/casegen/generate'
import { loadPlaybooks } from '../investigate/loader'
import { plan } from '../workflow'
import { testPerson } from '../../test/fixtures/people'

// a plan request is a decision, signed with the requester's own key
const ACTOR = testPerson('Ana Analyst', 'analyst')
const NOW = () => '2026-11-21T09:00:00.000Z'
const set = loadPlaybooks()

async function investigated(playbook: string): Promise<WritableCaseDb> {
  const c = createCaseDb(join(tempDir(), 'case.lmcase'), 'fixture passphrase', { now: NOW() })
  const dir = fixturesDir(playbook)
  await buildCase(c, { exportsDir: join(dir, 'exports'), bundleDir: join(dir, 'bundle'), actor: ACTOR, playbooks: set, now: NOW })
  return c
}

const findingOf = (c: WritableCaseDb, control: string, resource: string): string => {
  const f = listFindings(c.db).find((x) => x.control === control && x.resource.id === resource)
  if (!f) throw new Error(`no ${control} finding on ${resource}`)
  return f.id
}

describe('S3 plan preconditions', () => {
  it('a RISKY HTTPS-only plan for a bucket served over HTTP by design says so, and claims no absence of HTTP clients', async () => {
    const c = await investigated('aws.s3.https-only')
    try {
      const p = plan(c, findingOf(c, 'aws.s3.https-only', 'arn:aws:s3:::acme-www-preview'), { actor: ACTOR, now: NOW, playbooks: set })
      expect(p.verdict).toBe('RISKY')
      const text = p.preconditions.join('\n')
      expect(text).not.toMatch(/must have found none/)
      expect(text).not.toMatch(/no plain-HTTP request to the bucket was found/)
      expect(text).toContain('the bucket is served over HTTP by design: the owner must confirm that path is retired')
      expect(text).toContain('static website hosting is on')
      // CloudTrail does not log the website endpoint: absence of HTTP is not known, and the plan says so
      expect(text).toContain('whether any client still uses plain HTTP is NOT known')

      const safe = plan(c, findingOf(c, 'aws.s3.https-only', 'arn:aws:s3:::acme-reports-prod'), { actor: ACTOR, now: NOW, playbooks: set })
      expect(safe.verdict).toBe('SAFE')
      expect(safe.preconditions.join('\n')).toContain('no plain-HTTP request to the bucket was found over the window — CloudTrail recorded every S3 data event')
    } finally {
      c.close()
    }
  })

  it('account-level Block Public Access is refused where a bucket it covers is UNSAFE, and a RISKY account plan names its public buckets', async () => {
    const c = await investigated('aws.s3.public-access-block')
    try {
      expect(() => plan(c, findingOf(c, 'aws.s3.public-access-block', 'AWS::::Account:111122223333'), { actor: ACTOR, now: NOW, playbooks: set })).toThrow(/UNSAFE/)
      const p = plan(c, findingOf(c, 'aws.s3.public-access-block', 'AWS::::Account:444455556666'), { actor: ACTOR, now: NOW, playbooks: set })
      expect(p.verdict).toBe('RISKY')
      const text = p.preconditions.join('\n')
      expect(text).toContain(
        'the account-level setting makes every bucket of account 444455556666 private at once; the buckets public today or possibly public, each checked by the steps below: acme-press-kit (public; its own findings: RISKY)'
      )
      expect(text).not.toContain('acme-build-cache')
      expect(text).toContain('whether anyone reads anonymously is NOT known')
      expect(text).not.toMatch(/must have found none|is meant to be public/)
    } finally {
      c.close()
    }
  })
})
