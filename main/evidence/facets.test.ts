// The writer side of the evidence facets: everything analyzeBundle records is exactly what
// main/semantics/facets.ts declares (strict schemas, after the JSON round trip the store makes),
// over every fixture bundle in the tree and the demo's, and an S3 bucket whose policy was not
// collected keeps that apart from one that has none.
import { mkdtempSync, readdirSync, existsSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { FACETS, isFacetName, type FacetName } from '../semantics/facets'
import { readBundle } from '../semantics/bundle'
import { DEFAULT_LIMITS } from '../semantics/limits'
import { ACCOUNT, ctFile, gz, managementEvent, s3DataEvent, writeBundle } from '../../test/fixtures/evidence/bundle-builder'
import { writeScenario } from '../../test/fixtures/evidence/scenario'
import { analyzeBundle } from './analyze'

const ROOT = join(__dirname, '..', '..')

/** Every evidence bundle the repository ships: the playbook fixtures (old and new layout) and the demo's. */
function shippedBundles(): string[] {
  const out: string[] = []
  const playbooks = join(ROOT, 'playbooks')
  for (const d of readdirSync(playbooks)) {
    for (const b of [join(playbooks, d, 'fixtures', 'bundle'), join(playbooks, d, 'bundle')]) if (existsSync(join(b, 'manifest.json'))) out.push(b)
  }
  const old = join(playbooks, 'fixtures')
  if (existsSync(old)) for (const d of readdirSync(old)) if (existsSync(join(old, d, 'bundle', 'manifest.json'))) out.push(join(old, d, 'bundle'))
  out.push(join(ROOT, 'resources', 'demo', 'evidence'))
  return [...new Set(out)]
}

async function factsOf(dir: string): Promise<Array<{ resourceId: string; facet: string; value: unknown }>> {
  const a = await analyzeBundle(await readBundle(dir), { limits: DEFAULT_LIMITS, threads: 0 })
  // what the store keeps: JSON (undefined keys vanish)
  return a.facts.map((f) => ({ resourceId: f.resourceId, facet: f.facet, value: JSON.parse(JSON.stringify(f.value)) as unknown }))
}

const tmp: string[] = []
afterAll(() => tmp.forEach((d) => rmSync(d, { recursive: true, force: true })))

describe('evidence facets as written', () => {
  it('every fact of every shipped bundle and of the evidence scenario matches its declared schema, and every declared facet is written', async () => {
    const scenario = mkdtempSync(join(tmpdir(), 'lastmile-facets-'))
    tmp.push(scenario)
    writeScenario(scenario)
    // what neither writes: an EKS cluster, trail changes in the trail and in event history, S3 data
    // events in event history, the MetadataNoTokenRejected metric
    const rest = mkdtempSync(join(tmpdir(), 'lastmile-facets-'))
    tmp.push(rest)
    const a = `aws/${ACCOUNT}`
    const lookup = (records: Array<Record<string, unknown>>) =>
      JSON.stringify({ Events: records.map((r, i) => ({ EventId: `e${i}`, EventName: r.eventName, CloudTrailEvent: JSON.stringify(r) })) })
    const trailChange = (time: string) => managementEvent({ time, source: 'cloudtrail.amazonaws.com', name: 'PutEventSelectors', requestParameters: { trailName: 'main' } })
    writeBundle(rest, {
      files: {
        [`${a}/inventory/eks-clusters.json`]: JSON.stringify({
          clusters: [
            {
              name: 'prod',
              arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`,
              version: '1.31',
              status: 'ACTIVE',
              resourcesVpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ['0.0.0.0/0'] }
            }
          ]
        }),
        [`${a}/cloudtrail/AWSLogs/${ACCOUNT}/CloudTrail/us-east-1/2026/11/01/${ACCOUNT}_CloudTrail_us-east-1_20261101T0000Z_a.json.gz`]: gz(
          ctFile([trailChange('2026-11-01T00:00:00Z')])
        ),
        [`${a}/cloudtrail-lookup/page-1.json`]: lookup([
          trailChange('2026-11-02T00:00:00Z'),
          s3DataEvent({ time: '2026-11-02T01:00:00Z', bucket: 'b1' }),
          // a KMS key used from event history (management events): the callers of a resource-policy resource
          {
            ...managementEvent({ time: '2026-11-02T02:00:00Z', source: 'kms.amazonaws.com', name: 'Decrypt', readOnly: true }),
            resources: [{ accountId: ACCOUNT, type: 'AWS::KMS::Key', ARN: `arn:aws:kms:us-east-1:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab` }]
          }
        ]),
        [`${a}/cloudwatch/metrics.json`]: JSON.stringify({
          metrics: [
            {
              namespace: 'AWS/EC2',
              name: 'MetadataNoTokenRejected',
              dimensions: { InstanceId: 'i-0abc' },
              stat: 'Sum',
              period: 300,
              timestamps: ['2026-11-10T12:00:00Z'],
              values: [2]
            }
          ]
        })
      }
    })
    const bundles = [...shippedBundles(), scenario, rest]
    expect(bundles.length).toBeGreaterThan(5)
    const seen = new Set<FacetName>()
    for (const dir of bundles) {
      for (const f of await factsOf(dir)) {
        expect(isFacetName(f.facet), `${dir}: facet ${f.facet} has no schema in main/semantics/facets.ts`).toBe(true)
        if (!isFacetName(f.facet)) continue
        seen.add(f.facet)
        const r = FACETS[f.facet].safeParse(f.value)
        expect(r.success, `${dir}: ${f.facet} of ${f.resourceId}: ${r.success ? '' : r.error.message}`).toBe(true)
      }
    }
    expect([...seen].sort()).toEqual(Object.keys(FACETS).sort())
  })

  it('an S3 bucket whose policy and ACL were not collected has no such keys; one with none has null', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lastmile-facets-'))
    tmp.push(dir)
    writeBundle(dir, {
      files: {
        [`aws/${ACCOUNT}/inventory/s3-buckets.json`]: JSON.stringify({
          buckets: [
            { Name: 'unread', Region: 'us-east-1' },
            { Name: 'none', Region: 'us-east-1', Policy: null, PublicAccessBlock: null, Acl: null },
            {
              Name: 'public',
              Region: 'us-east-1',
              Policy: JSON.stringify({ Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::public/*' }] })
            }
          ]
        })
      },
      gaps: [{ source: 'aws.inventory', scope: ACCOUNT, resource: 'arn:aws:s3:::unread', operation: 'GetBucketPolicy', problem: 'GetBucketPolicy unread: AccessDenied' }]
    })
    const facts = await factsOf(dir)
    const cfg = (name: string) => FACETS['s3.config'].parse(facts.find((f) => f.facet === 's3.config' && f.resourceId === `arn:aws:s3:::${name}`)!.value)
    const unread = cfg('unread')
    expect('policy' in unread || 'policyPublic' in unread || 'acl' in unread || 'aclPublic' in unread || 'publicAccessBlock' in unread).toBe(false)
    const none = cfg('none')
    expect(none).toMatchObject({ policy: null, policyPublic: [], policyError: null, publicAccessBlock: null, acl: null, aclPublic: [] })
    expect(cfg('public').policyPublic).toEqual(['statement 1 allows s3:GetObject to everyone'])
    // and a value with a key the schema does not declare is refused
    expect(FACETS['s3.config'].safeParse({ ...none, extra: 1 }).success).toBe(false)
  })
})
