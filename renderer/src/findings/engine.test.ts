import { describe, expect, it } from 'vitest'
import type { FindingsTable } from '../../../shared/findings-table'
import { FindingsStore, shortName, type ColumnId } from './engine'

interface Spec {
  id: number
  control: string
  title: string
  severity: number
  status?: number
  rci?: number
  stage?: number
  initiative?: number
  resource: string
  account?: string
  environment?: string
  tools: string
  alerts?: number
}

/** A table as `findings.table` encodes it: repeated strings once in `strings`. */
function table(rows: Spec[]): FindingsTable {
  const strings: string[] = []
  const code = (s: string | undefined): number => {
    if (!s) return -1
    let i = strings.indexOf(s)
    if (i < 0) i = strings.push(s) - 1
    return i
  }
  const a = (f: (r: Spec) => number): Int32Array => Int32Array.from(rows.map(f))
  return {
    count: rows.length,
    strings,
    id: a((r) => r.id),
    control: a((r) => code(r.control)),
    title: a((r) => code(r.title)),
    severity: a((r) => r.severity),
    status: a((r) => r.status ?? 0),
    rci: a((r) => r.rci ?? 3),
    rciGeneric: a(() => 0),
    stage: a((r) => r.stage ?? 0),
    regression: a(() => 0),
    initiative: a((r) => r.initiative ?? -1),
    resource: rows.map((r) => r.resource),
    resourceName: a(() => -1),
    resourceType: a(() => code('aws.s3.bucket')),
    provider: a(() => code('aws')),
    account: a((r) => code(r.account)),
    region: a(() => code('us-east-1')),
    environment: a((r) => code(r.environment)),
    owner: a(() => -1),
    tools: a((r) => code(r.tools)),
    alerts: a((r) => r.alerts ?? 1),
    firstSeen: a(() => code('2025-03-01T10:00:00.000Z')),
    lastSeen: a(() => code('2025-03-01T10:00:00.000Z'))
  }
}

const store = new FindingsStore(
  table([
    {
      id: 1,
      control: 'aws.ec2.imdsv2',
      title: 'EC2 instances should use IMDSv2',
      severity: 3,
      resource: 'arn:aws:ec2:us-east-1:111:instance/i-0abc',
      account: '111',
      environment: 'prod',
      tools: 'prowler, securityhub',
      initiative: 2
    },
    {
      id: 2,
      control: 'aws.s3.https-only',
      title: 'S3 buckets should require HTTPS',
      severity: 2,
      resource: 'arn:aws:s3:::Payments-Data',
      account: '111',
      environment: 'prod',
      tools: 'securityhub',
      initiative: 1,
      rci: 2,
      stage: 6
    },
    {
      id: 3,
      control: 'aws.s3.https-only',
      title: 'S3 buckets should require HTTPS',
      severity: 2,
      resource: 'arn:aws:s3:::logs',
      account: '222',
      tools: 'prowler',
      initiative: 1,
      status: 2,
      stage: 7
    },
    {
      id: 4,
      control: 'aws.rds.public',
      title: 'RDS should not be public',
      severity: 4,
      resource: 'arn:aws:rds:us-east-1:222:db:db-1',
      account: '222',
      environment: 'dev',
      tools: 'securityhub',
      initiative: 3,
      alerts: 3
    }
  ])
)

const ids = (rows: Int32Array): string[] => Array.from(rows, (i) => store.idOf(i))
const q = (over: Partial<Parameters<FindingsStore['view']>[0]> = {}) =>
  store.view({ filters: [], search: '', sort: [], groupBy: null, expanded: {}, textColumns: new Set<ColumnId>(['title', 'resource']), ...over })

describe('the findings engine', () => {
  it('makes a row only when asked, with what the columns hold', () => {
    expect(store.row(1)).toMatchObject({
      id: 'F-2',
      severity: 'medium',
      status: 'open',
      rci: 'UNSAFE',
      initiative: 'I-1',
      resourceName: 'Payments-Data',
      account: '111',
      owner: null
    })
    expect(store.row(2).status).toBe('suppressed')
    expect(shortName('arn:aws:rds:us-east-1:222:db:db-1')).toBe('db-1')
  })

  it('filters by a select value, a tool of the set, and text (case-insensitive)', () => {
    expect(ids(q({ filters: [{ id: 'account', value: '222' }] }).rows)).toEqual(['F-3', 'F-4'])
    expect(ids(q({ filters: [{ id: 'environment', value: '—' }] }).rows)).toEqual(['F-3'])
    expect(ids(q({ filters: [{ id: 'tools', value: 'prowler' }] }).rows)).toEqual(['F-1', 'F-3'])
    expect(ids(q({ filters: [{ id: 'resource', value: 'payments' }] }).rows)).toEqual(['F-2'])
    expect(
      ids(
        q({
          filters: [
            { id: 'title', value: 'https' },
            { id: 'account', value: '111' }
          ]
        }).rows
      )
    ).toEqual(['F-2'])
    expect(ids(q({ filters: [{ id: 'severity', value: 'critical' }] }).rows)).toEqual(['F-4'])
    expect(ids(q({ filters: [{ id: 'rci', value: 'not scored' }] }).rows)).toEqual(['F-1', 'F-3', 'F-4'])
    expect(ids(q({ filters: [{ id: 'stage', value: 'Routed' }] }).rows)).toEqual(['F-2'])
    expect(ids(q({ filters: [{ id: 'stage', value: 'Set aside' }] }).rows)).toEqual(['F-3'])
    expect(store.row(1).stage).toBe('routed')
  })

  it('searches ids, titles, resources, accounts and initiatives', () => {
    expect(ids(q({ search: 'F-4' }).rows)).toEqual(['F-4'])
    expect(ids(q({ search: 'imdsv2' }).rows)).toEqual(['F-1'])
    expect(ids(q({ search: 'LOGS' }).rows)).toEqual(['F-3'])
    expect(ids(q({ search: 'i-3' }).rows)).toEqual(['F-4'])
    expect(ids(q({ search: 'nothing like it' }).rows)).toEqual([])
  })

  it('sorts by several columns, ties in the order of the case', () => {
    expect(ids(q({ sort: [{ id: 'severity', desc: true }] }).rows)).toEqual(['F-4', 'F-1', 'F-2', 'F-3'])
    expect(
      ids(
        q({
          sort: [
            { id: 'account', desc: false },
            { id: 'alerts', desc: true }
          ]
        }).rows
      )
    ).toEqual(['F-1', 'F-2', 'F-4', 'F-3'])
    expect(ids(q({ sort: [{ id: 'resource', desc: false }] }).rows)).toEqual(['F-1', 'F-4', 'F-2', 'F-3'])
    // findings with no environment come last, whichever way
    expect(ids(q({ sort: [{ id: 'environment', desc: false }] }).rows).at(-1)).toBe('F-3')
  })

  it('groups: a heading per value, its findings when expanded', () => {
    const v = q({ groupBy: 'control', expanded: { 'control:aws.s3.https-only': true } })
    expect(v.groups.map((g) => [g.label, g.count])).toEqual([
      ['aws.s3.https-only', 2],
      ['aws.ec2.imdsv2', 1],
      ['aws.rds.public', 1]
    ])
    expect(Array.from(v.items, (x) => (x < 0 ? v.groups[-1 - x]!.label : store.idOf(x)))).toEqual(['aws.s3.https-only', 'F-2', 'F-3', 'aws.ec2.imdsv2', 'aws.rds.public'])
    expect(q({ groupBy: 'control', expanded: true }).items.length).toBe(7)
  })

  it("groups severity most severe first, RCI unsafe first, stages in the board's order, unless sorted otherwise", () => {
    const labels = (by: ColumnId, sort: Array<{ id: ColumnId; desc: boolean }> = []): string[] => q({ groupBy: by, sort }).groups.map((g) => g.label)
    expect(labels('severity')).toEqual(['critical', 'high', 'medium'])
    expect(labels('severity', [{ id: 'severity', desc: false }])).toEqual(['medium', 'high', 'critical'])
    expect(labels('rci')).toEqual(['UNSAFE', 'not scored'])
    expect(labels('stage')).toEqual(['New', 'Routed', 'Set aside'])
  })

  it('counts the values a filter offers, over a subset too', () => {
    expect(store.facet('tools')).toEqual([
      ['securityhub', 3],
      ['prowler', 2]
    ])
    const ini = store.where('initiative', 'I-1')
    expect(ids(ini)).toEqual(['F-2', 'F-3'])
    expect(store.facet('account', ini)).toEqual([
      ['111', 1],
      ['222', 1]
    ])
    expect(ids(q({ subset: ini, filters: [{ id: 'account', value: '222' }] }).rows)).toEqual(['F-3'])
  })
})
