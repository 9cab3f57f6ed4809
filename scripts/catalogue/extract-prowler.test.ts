// The Prowler tables extract-prowler.ts writes: how it reads a check's metadata, which releases and
// renames it trusts, and that the committed tables hold together (a retired check is no current one,
// a rename names a current check of the same provider).
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { appRoot } from '../../main/platform/app-root'
import { MisnamedCheck, RELEASE_TAG, RENAME_SUBJECT, compareTags, parseMetadata, renderOther, renderRetired } from './extract-prowler'

const SOURCES = join(appRoot(), 'playbooks', 'catalogue', 'sources')

function tsv(name: string): { head: string[]; rows: Array<Record<string, string>> } {
  const [head, ...lines] = readFileSync(join(SOURCES, name), 'utf8').split('\n')
  const cols = head.split('\t')
  const rows = lines
    .filter((l) => l !== '')
    .map((l, i) => {
      const cells = l.split('\t')
      if (cells.length !== cols.length) throw new Error(`${name}:${i + 2}: ${cells.length} cells, ${cols.length} columns`)
      return Object.fromEntries(cells.map((v, j) => [cols[j], v]))
    })
  return { head: cols, rows }
}

const PATH = 'prowler/providers/gcp/services/compute/compute_firewall_rdp_access_from_the_internet_allowed/compute_firewall_rdp_access_from_the_internet_allowed.metadata.json'

describe('extract-prowler', () => {
  it("reads a check's metadata: id, provider (its folder), service, resource type, severity, title in one line, aliases", () => {
    const c = parseMetadata(
      PATH,
      JSON.stringify({
        Provider: 'gcp',
        CheckID: 'compute_firewall_rdp_access_from_the_internet_allowed',
        CheckTitle: 'Firewall rule does not allow\tingress\nfrom 0.0.0.0/0 to TCP port 3389 (RDP)',
        ServiceName: 'compute',
        Severity: 'Critical',
        ResourceType: 'compute.googleapis.com/Firewall',
        CheckAliases: ['compute_rdp_access_from_the_internet_allowed']
      })
    )
    expect(c).toMatchObject({
      provider: 'gcp',
      check_id: 'compute_firewall_rdp_access_from_the_internet_allowed',
      service: 'compute',
      resource_type: 'compute.googleapis.com/Firewall',
      severity: 'critical',
      title: 'Firewall rule does not allow ingress from 0.0.0.0/0 to TCP port 3389 (RDP)',
      aliases: ['compute_rdp_access_from_the_internet_allowed']
    })
    expect(renderOther([c]).split('\n')[1].split('\t')).toHaveLength(6)
    expect(
      renderRetired([{ ...c, last_release: '3.6.1', renamed_to: '', renamed_by: '' }])
        .split('\n')[1]
        .split('\t')
    ).toHaveLength(9)
  })

  it('refuses a file that is no metadata JSON, and tells apart a copy naming another check (which some releases shipped)', () => {
    expect(() => parseMetadata(PATH, '{"CheckID": ')).toThrow(/compute_firewall_rdp.*metadata\.json: not JSON/)
    expect(() => parseMetadata('prowler/providers/gcp/services/compute/x.json', '{}')).toThrow(/not a check's metadata file/)
    expect(() => parseMetadata(PATH, JSON.stringify({ CheckID: 'compute_firewall_ssh_access_from_the_internet_allowed' }))).toThrow(MisnamedCheck)
  })

  it('reads the releases 3.x to 5.x in version order, and trusts a deleting commit only when its subject says it renames', () => {
    expect(['5.10.0', '3.2.4', '5.9.1', '4.0.0'].filter((t) => RELEASE_TAG.test(t)).sort(compareTags)).toEqual(['3.2.4', '4.0.0', '5.9.1', '5.10.0'])
    expect(RELEASE_TAG.test('2.12.1')).toBe(false)
    expect(RELEASE_TAG.test('5.0.0-rc1')).toBe(false)
    expect(RENAME_SUBJECT.test('fix(ec2_elastic_ip_unassigned): rename check (#2882)')).toBe(true)
    expect(RENAME_SUBJECT.test('fix(APIGateway): Improve check naming (#2952)')).toBe(true)
    expect(RENAME_SUBJECT.test('fix(check): change cloudformation_outputs_find_secrets name (#2027)')).toBe(true)
    expect(RENAME_SUBJECT.test('feat(gcp): add CIS checks (#2544)')).toBe(false)
    expect(RENAME_SUBJECT.test('feat(iam): improve disable credentials checks (#2909)')).toBe(false)
  })

  it('commits tables that hold together: other providers only, retired checks no longer current, renames to current checks of the same provider', () => {
    const reference = tsv('prowler-checks.tsv')
    const other = tsv('prowler-checks-other.tsv')
    const retired = tsv('prowler-checks-retired.tsv')
    expect(other.head).toEqual(reference.head)
    expect(retired.head).toEqual([...reference.head, 'last_release', 'renamed_to', 'renamed_by'])
    const current = new Set([...reference.rows, ...other.rows].map((r) => `${r.provider}/${r.check_id}`))
    expect(current.size).toBe(reference.rows.length + other.rows.length)
    for (const r of other.rows) expect(['aws', 'azure'], r.check_id).not.toContain(r.provider)
    for (const r of [...other.rows, ...retired.rows]) {
      expect(r.check_id, r.check_id).toMatch(/^[A-Za-z0-9]+(_[A-Za-z0-9]+)+$/)
      expect(r.title, r.check_id).not.toBe('')
    }
    for (const r of retired.rows) {
      expect(current.has(`${r.provider}/${r.check_id}`), r.check_id).toBe(false)
      expect(r.last_release, r.check_id).toMatch(RELEASE_TAG)
      if (r.renamed_to) expect(current.has(`${r.provider}/${r.renamed_to}`), `${r.check_id} -> ${r.renamed_to}`).toBe(true)
      expect(Boolean(r.renamed_to), r.check_id).toBe(Boolean(r.renamed_by))
    }
  })
})
