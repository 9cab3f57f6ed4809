// The evidence in a case, as the step functions read it: the evidence stage's facts, coverage and
// timeline (main/evidence), plus the few raw reads a step needs (a configuration facet, a stored
// file's bytes, an alert's record). Read-only, memoised for one run: a step asks the same
// question of the same resource many times across a playbook.
import type { Coverage, CoverageSource, EvidenceFileSummary, ResourceFacts, TimelineEvent } from '../../shared/evidence'
import type { Db } from '../db/case-db'
import { keptStatement } from '../db/statements'
import { getCoverage } from '../case/coverage-query'
import { getFacts } from '../case/facts'
import { listEvidence, readEvidenceBytes } from '../case/evidence'
import { timelineForResources } from '../case/timeline'
import { alertRecord } from '../case/findings'
import { indexCloudTrail, type CloudTrailIndex, type TrailFile } from '../case/cloudtrail-index'
import { latestFacet, resourcesWithFacet } from '../case/facets'
import { userArnInEvidence } from '../case/resource-config'
import type { FacetMap, FacetName } from '../semantics/facets'
import type { AlertRecord, EvidenceView } from '../controls/step'

const isoSecond = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z')

export class CaseEvidence implements EvidenceView {
  private readonly factsMemo = new Map<string, ResourceFacts>()
  private readonly coverageMemo = new Map<string, Coverage>()
  private readonly configMemo = new Map<string, { value: unknown; evidence: string[] } | null>()
  private readonly trailMemo = new Map<string, CloudTrailIndex>()
  private readonly userMemo = new Map<string, string>()
  private readonly regionsMemo = new Map<string, string[]>()
  private filesMemo: EvidenceFileSummary[] | null = null
  private collectedMemo: string | null | undefined

  constructor(private readonly db: Db) {}

  facts(resourceId: string): ResourceFacts {
    let f = this.factsMemo.get(resourceId)
    if (!f) this.factsMemo.set(resourceId, (f = getFacts(this.db, resourceId)))
    return f
  }

  coverage(source: CoverageSource, resourceId: string, window: { from: string; to: string } | null): Coverage {
    const k = `${source}\n${resourceId}\n${window?.from ?? ''}\n${window?.to ?? ''}`
    let c = this.coverageMemo.get(k)
    if (!c) this.coverageMemo.set(k, (c = getCoverage(this.db, source, resourceId, window ? { window } : {})))
    return c
  }

  config<K extends FacetName>(resourceId: string, facet: K): { value: FacetMap[K]; evidence: string[] } | null {
    const k = `${resourceId}\n${facet}`
    if (!this.configMemo.has(k)) {
      // the most recently collected bundle's value wins, as in getFacts
      const r = latestFacet(this.db, resourceId, facet)
      this.configMemo.set(k, r ? { value: r.value, evidence: r.evidence } : null)
    }
    return this.configMemo.get(k) as { value: FacetMap[K]; evidence: string[] } | null
  }

  resourcesWith(facet: FacetName): string[] {
    return resourcesWithFacet(this.db, facet)
  }

  timeline(resourceIds: readonly string[], q: { from?: string; to?: string; sources?: readonly string[]; summaries?: boolean }): TimelineEvent[] {
    return timelineForResources(this.db, resourceIds, { ...q, limit: 100_000 })
  }

  files(): EvidenceFileSummary[] {
    this.filesMemo ??= listEvidence(this.db)
    return this.filesMemo
  }

  bytes(fileId: string): Buffer | null {
    return readEvidenceBytes(this.db, fileId)
  }

  cloudTrail(account: string): CloudTrailIndex {
    let idx = this.trailMemo.get(account)
    if (!idx) {
      // CloudTrail Lake or Athena counts may cover any account of an organisation, whatever folder holds them
      const files = this.files().filter(
        (f) => ((f.kind === 'aws.cloudtrail' || f.kind === 'aws.cloudtrail-lookup') && f.path.startsWith(`aws/${account}/`)) || f.kind === 'aws.cloudtrail-query'
      )
      idx = indexCloudTrail(
        account,
        files.map((f) => ({ id: f.id, path: f.path, sha256: f.sha256, kind: f.kind as TrailFile['kind'], bytes: f.kind === 'aws.cloudtrail-query' ? null : this.bytes(f.id) }))
      )
      this.trailMemo.set(account, idx)
    }
    return idx
  }

  alertRecords(alertIds: readonly string[]): AlertRecord[] {
    return alertIds.map((id) => {
      const r = alertRecord(this.db, id)
      const row = keptStatement(this.db, 'SELECT tool, rule_id FROM alerts WHERE id = ?').get(Number(id.slice(2))) as { tool: string; rule_id: string }
      return { id, tool: row.tool, ruleId: row.rule_id, format: r.format, raw: r.raw, context: r.context }
    })
  }

  resolveUserArn(arn: string): string {
    let out = this.userMemo.get(arn)
    if (out === undefined) this.userMemo.set(arn, (out = userArnInEvidence(this.db, arn)))
    return out
  }

  regions(account: string): string[] {
    let r = this.regionsMemo.get(account)
    if (!r) {
      const out = new Set<string>()
      for (const row of this.db.prepare('SELECT scopes FROM evidence_bundles').all() as Array<{ scopes: string }>) {
        for (const s of JSON.parse(row.scopes) as Array<{ provider?: string; account?: string; regions?: string[] }>) {
          if (s.provider === 'aws' && s.account === account) for (const x of s.regions ?? []) out.add(x)
        }
      }
      const streams = this.db.prepare('SELECT DISTINCT resource_id FROM evidence_coverage WHERE resource_id LIKE ?').all(`aws-stream:${account}:%`) as Array<{
        resource_id: string
      }>
      for (const x of streams) out.add(x.resource_id.split(':')[2])
      this.regionsMemo.set(account, (r = [...out].filter(Boolean).sort()))
    }
    return r
  }

  collectedAt(): string | null {
    if (this.collectedMemo === undefined) {
      // manifests may write the zone as Z or +00:00: compare instants, not text
      const rows = this.db.prepare('SELECT collected_at FROM evidence_bundles').all() as Array<{ collected_at: string }>
      const times = rows.map((r) => Date.parse(r.collected_at)).filter(Number.isFinite)
      this.collectedMemo = times.length ? isoSecond(Math.max(...times)) : null
    }
    return this.collectedMemo
  }
}
