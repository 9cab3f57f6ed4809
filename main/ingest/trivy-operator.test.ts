import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ANALYST, caseForEachTest, FIXTURES } from '../../test/fixtures/ingest/support'
import { listFindings } from '../case/findings'
import { loadControls } from '../controls/catalogue'
import { LastmileError } from '../errors'
import { imageRepository } from './formats/trivy-operator'
import { importFile } from './importer'
import type { ImportSummary } from './types'

// Trivy Operator's reports (test/fixtures/ingest/written/trivy-operator, written from the CRDs and
// their documentation: see the fixtures' README) land on the controls and resources `trivy k8s`
// JSON gives for the same cluster.
const t = caseForEachTest('trivy-operator')
// the control a Trivy check lands on is the catalogue's (a control folder may claim it): the same as `trivy k8s` JSON's
const CONTROLS = loadControls()
const ksv = (n: string): string => CONTROLS.resolve('trivy', `AVD-KSV-${n}`, 'misconfiguration', 'kubernetes.pod')
// every check these fixtures fail is a catalogued one (an unknown rule would become its own control, trivy.<id>)
for (const n of ['0012', '0014', '0017', '0041', '0044', '0046']) if (ksv(n).startsWith('trivy.')) throw new Error(`KSV-${n} is not in the catalogue`)
const OP = join(FIXTURES, 'written/trivy-operator')
const LIST = join(OP, 'reports-list.json')

function imp(path: string, opts: { cluster?: string; partial?: boolean } = {}): ImportSummary {
  return importFile(t.c, path, { actor: ANALYST, now: t.now, displayName: path.slice(path.lastIndexOf('/') + 1), ...opts })
}

type Row = { tool: string; tool_finding_id: string; rule_id: string; rule_kind: string; control: string; title: string; severity: number; resource: string; resource_type: string }
function alertsOf(s: ImportSummary): Row[] {
  return t.c.db
    .prepare(
      `SELECT a.tool, a.tool_finding_id, a.rule_id, a.rule_kind, a.control, a.title, a.severity, r.canonical_id AS resource, r.type AS resource_type
       FROM alerts a JOIN resources r ON r.id = a.resource_id WHERE a.last_import = ? ORDER BY a.record_no, a.rule_id`
    )
    .all(s.importId) as Row[]
}

const view = (rows: Row[]): string[] => rows.map((a) => `${a.rule_kind} ${a.rule_id} -> ${a.control} on ${a.resource}`)

/** A variant of a fixture, written to the test's folder. */
function variant(name: string, value: unknown): string {
  const p = join(t.dir, name)
  writeFileSync(p, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
  return p
}

const list = (): { items: Array<Record<string, unknown>> } & Record<string, unknown> => JSON.parse(readFileSync(LIST, 'utf8'))

function refusal(path: string, opts: { cluster?: string } = {}): string {
  try {
    imp(path, opts)
  } catch (e) {
    expect(e).toBeInstanceOf(LastmileError)
    return (e as Error).message
  }
  throw new Error(`${path} was imported`)
}

const LIST_ALERTS = [
  `misconfiguration AVD-KSV-0012 -> ${ksv('0012')} on k8s:prod-eks/kube-system/DaemonSet/aws-node`,
  `misconfiguration AVD-KSV-0017 -> ${ksv('0017')} on k8s:prod-eks/kube-system/DaemonSet/aws-node`,
  `misconfiguration AVD-KSV-0014 -> ${ksv('0014')} on k8s:prod-eks/payments/ReplicaSet/api-5b7f9c6d48`,
  'vulnerability CVE-2023-45853 -> container.image.vulnerable on registry.example.com/payments/api@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c',
  'vulnerability CVE-2024-2961 -> container.image.vulnerable on registry.example.com/payments/api@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c',
  'vulnerability CVE-2023-44487 -> container.image.vulnerable on nginx@sha256:5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d5d',
  'secret aws-access-key-id -> secret.trivy.aws-access-key-id on registry.example.com/payments/api@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c',
  `misconfiguration AVD-KSV-0041 -> ${ksv('0041')} on k8s:prod-eks/kube-system/Role/system:controller:token-cleaner`,
  `misconfiguration AVD-KSV-0044 -> ${ksv('0044')} on k8s:prod-eks//ClusterRole/deploy-bot`,
  `misconfiguration AVD-KSV-0046 -> ${ksv('0046')} on k8s:prod-eks//ClusterRole/deploy-bot`,
  'misconfiguration AVD-KCV-0020 -> iac.trivy.kcv-0020 on k8s:prod-eks/kube-system/Pod/kube-apiserver-ip-10-0-1-23',
  'misconfiguration AVD-KCV-0083 -> iac.trivy.kcv-0083 on k8s:prod-eks//Node/ip-10-0-1-23.ec2.internal'
]

describe('Trivy Operator reports', () => {
  it('reads every kind of a kubectl List: failing checks on the object the labels name, vulnerabilities and secrets on the image', () => {
    const s = imp(LIST, { cluster: 'prod-eks' })
    expect(s.format).toBe('trivy-operator-json')
    expect(s.scope.source).toBe('trivy-operator')
    expect(s.records).toBe(10)
    // the ClusterConfigAuditReport passes every check: nothing of it is an alert
    expect(s.skipped).toBe(1)
    const alerts = alertsOf(s)
    expect(view(alerts)).toEqual(LIST_ALERTS)
    expect(new Set(alerts.map((a) => a.tool))).toEqual(new Set(['trivy']))
    expect(alerts[1].title).toBe('Privileged (container aws-node)')
    expect(alerts[1].tool_finding_id).toBe('trivy-operator:prod-eks/kube-system/daemonset-aws-node|AVD-KSV-0017|aws-node')
    expect(alerts.find((a) => a.rule_id === 'CVE-2024-2961')?.title).toBe(
      'CVE-2024-2961 libc6 2.36-9+deb12u4 (fixed in 2.36-9+deb12u7): glibc: Out of bounds write in iconv may lead to remote code execution'
    )
    expect(s.catalogue.failing).toBe(12)
    expect(s.catalogue.catalogued).toBe(12)
  })

  it('reads the same reports as one object, a JSON array and a dict of lists', () => {
    const items = list().items
    const one = alertsOf(imp(join(OP, 'vulnerabilityreport.json'), { cluster: 'prod-eks', partial: true }))
    expect(view(one)).toEqual(LIST_ALERTS.filter((a) => a.includes('api@sha256') && a.startsWith('vulnerability')))
    const array = alertsOf(imp(variant('array.json', items), { cluster: 'prod-eks', partial: true }))
    expect(view(array)).toEqual(LIST_ALERTS)
    // DefectDojo's shape: lists keyed by the resources' plural names (an SBOM report holds no finding)
    const byPlural: Record<string, unknown[]> = {
      'sbomreports.aquasecurity.github.io': [{ apiVersion: 'aquasecurity.github.io/v1alpha1', kind: 'SbomReport', metadata: {}, report: {} }]
    }
    for (const item of items) {
      const key = `${String(item.kind).toLowerCase()}s.aquasecurity.github.io`
      ;(byPlural[key] ??= []).push(item)
    }
    const dict = imp(variant('dict.json', byPlural), { cluster: 'prod-eks', partial: true })
    expect(dict.format).toBe('trivy-operator-json')
    expect([...view(alertsOf(dict))].sort()).toEqual([...LIST_ALERTS].sort())
  })

  it('deduplicates with trivy k8s JSON of the same cluster: the same check on the same object, the same CVE on the same image digest', () => {
    imp(join(FIXTURES, 'written/trivy-k8s.json'))
    const before = listFindings(t.c.db)
    imp(LIST, { cluster: 'prod-eks' })
    const after = listFindings(t.c.db)
    const key = (f: { control: string; resource: { id: string } }): string => `${f.control} ${f.resource.id}`
    const privileged = after.find((f) => key(f) === `${ksv('0017')} k8s:prod-eks/kube-system/DaemonSet/aws-node`)
    const image = after.find(
      (f) => key(f) === 'container.image.vulnerable registry.example.com/payments/api@sha256:3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c'
    )
    expect(before.map(key)).toEqual(expect.arrayContaining([key(privileged!), key(image!)]))
    // one finding each, holding both streams' alerts
    expect(privileged!.alerts.map((a) => a.toolFindingId.startsWith('trivy-operator:'))).toEqual(expect.arrayContaining([true, false]))
    expect(image!.alerts.map((a) => a.ruleId)).toEqual(expect.arrayContaining(['CVE-2024-2961', 'CVE-2023-45853']))
    expect(image!.alerts.filter((a) => a.ruleId === 'CVE-2024-2961')).toHaveLength(2)
    // every other finding of the operator is new: the List adds 12 alerts on 11 findings, 2 of them shared
    const operatorFindings = new Set(after.filter((f) => f.alerts.some((a) => a.toolFindingId.startsWith('trivy-operator:'))).map(key))
    expect(operatorFindings.size).toBe(11)
    expect(after.length).toBe(before.length + 9)
  })

  it('without --cluster names the objects without one, and never closes another cluster\u2019s alerts', () => {
    const s = imp(LIST)
    expect(view(alertsOf(s))[1]).toBe(`misconfiguration AVD-KSV-0017 -> ${ksv('0017')} on k8s:/kube-system/DaemonSet/aws-node`)
    const other = imp(LIST, { cluster: 'prod-eks' })
    expect(other.closed).toBe(0)
    expect(other.new).toBe(12)
  })

  it('a rescan closes what the reports of its kinds no longer say, and nothing of the kinds it leaves out', () => {
    imp(LIST, { cluster: 'prod-eks' })
    const doc = list()
    // the api ReplicaSet's ConfigAuditReport now passes; the RBAC reports are not in this export
    const audit = doc.items[1] as { report: { checks: Array<{ success: boolean }> } }
    audit.report.checks[0].success = true
    doc.items = doc.items.filter((i) => !/RbacAssessmentReport$/.test(String(i.kind)))
    const s = imp(variant('rescan.json', doc), { cluster: 'prod-eks' })
    expect(s.closed).toBe(1)
    expect(s.findings.resolved).toBe(1)
    const open = listFindings(t.c.db, { status: 'open' }).map((f) => `${f.control} ${f.resource.id}`)
    expect(open).not.toContain(`${ksv('0014')} k8s:prod-eks/payments/ReplicaSet/api-5b7f9c6d48`)
    expect(open).toContain(`${ksv('0041')} k8s:prod-eks/kube-system/Role/system:controller:token-cleaner`)
  })

  it('reads a ClusterComplianceReport of reportType all: each failing check on the object its target names', () => {
    const s = imp(join(OP, 'compliance-detail.json'), { cluster: 'prod-eks' })
    expect(view(alertsOf(s))).toEqual([
      `misconfiguration AVD-KSV-0014 -> ${ksv('0014')} on k8s:prod-eks/payments/ReplicaSet/api-5b7f9c6d48`,
      `misconfiguration AVD-KSV-0014 -> ${ksv('0014')} on k8s:prod-eks/kube-system/DaemonSet/aws-node`,
      `misconfiguration AVD-KSV-0017 -> ${ksv('0017')} on k8s:prod-eks/kube-system/DaemonSet/aws-node`
    ])
    // beside the ConfigAuditReport it summarises: the same findings
    imp(LIST, { cluster: 'prod-eks' })
    const ksv14 = listFindings(t.c.db).find((f) => f.control === ksv('0014') && f.resource.id === 'k8s:prod-eks/payments/ReplicaSet/api-5b7f9c6d48')
    expect(ksv14?.alerts).toHaveLength(2)
  })

  it('refuses a ClusterComplianceReport of reportType summary alone, saying what to export, and reads the reports beside one', () => {
    const summary = join(OP, 'compliance-summary.json')
    expect(refusal(summary)).toMatch(
      /^compliance-summary\.json: line 1, byte offset 0, record 1: the ClusterComplianceReport nsa is of reportType summary: a summary holds only counts per control .*Set its spec\.reportType to all .* kubectl get configauditreports,.* -A -o json$/
    )
    const report = JSON.parse(readFileSync(summary, 'utf8'))
    expect(refusal(variant('summaries.json', { apiVersion: 'v1', items: [report, report], kind: 'List', metadata: {} }))).toMatch(
      /^summaries\.json: the file holds only ClusterComplianceReports of reportType summary \(2\): a summary holds only counts/
    )
    const doc = list()
    doc.items.unshift(report)
    const s = imp(variant('with-summary.json', doc), { cluster: 'prod-eks' })
    expect(view(alertsOf(s))).toEqual(LIST_ALERTS)
    expect(listFindings(t.c.db)).toHaveLength(11)
  })

  it('names Docker Hub images as Docker and Trivy do', () => {
    expect(imageRepository('index.docker.io', 'library/nginx')).toBe('nginx')
    expect(imageRepository('docker.io', 'bitnami/redis')).toBe('bitnami/redis')
    expect(imageRepository('registry.example.com', 'library/nginx')).toBe('registry.example.com/library/nginx')
    expect(imageRepository('123456789012.dkr.ecr.eu-west-1.amazonaws.com', 'payments/api')).toBe('123456789012.dkr.ecr.eu-west-1.amazonaws.com/payments/api')
  })
})

describe('bad Trivy Operator files', () => {
  it('names the file, the place and what is wrong, and leaves the case as it was', () => {
    imp(LIST, { cluster: 'prod-eks' })
    const findings = listFindings(t.c.db).length
    const text = readFileSync(LIST, 'utf8')
    const cases: Array<[string, unknown, RegExp]> = [
      ['truncated.json', text.slice(0, Math.floor(text.length * 0.6)), /^truncated\.json: line \d+, byte offset \d+, record (\d+): the file ends inside record \1 .*truncated/],
      [
        'no-checkid.json',
        edit((d) => delete (d.items[0] as Record<string, any>).report.checks[0].checkID),
        /^no-checkid\.json: line 4, byte offset \d+, record 1: the ConfigAuditReport kube-system\/daemonset-aws-node: report\.checks\[0\] fails but has no checkID/
      ],
      [
        'no-success.json',
        edit((d) => delete (d.items[1] as Record<string, any>).report.checks[0].success),
        /record 2: the ConfigAuditReport payments\/replicaset-api-5b7f9c6d48: report\.checks\[0\] has no success true or false/
      ],
      [
        'checks-object.json',
        edit((d) => ((d.items[0] as Record<string, any>).report.checks = {})),
        /record 1: the ConfigAuditReport kube-system\/daemonset-aws-node: report\.checks is not a list/
      ],
      [
        'no-labels.json',
        edit((d) => delete (d.items[0] as Record<string, any>).metadata.labels),
        /record 1: the ConfigAuditReport kube-system\/daemonset-aws-node has no trivy-operator\.resource\.kind and trivy-operator\.resource\.name labels/
      ],
      [
        'no-report.json',
        edit((d) => delete (d.items[3] as Record<string, any>).report),
        /record 4: the VulnerabilityReport payments\/replicaset-api-5b7f9c6d48-api has no report object/
      ],
      [
        'no-vuln-id.json',
        edit((d) => delete (d.items[3] as Record<string, any>).report.vulnerabilities[1].vulnerabilityID),
        /record 4: .*report\.vulnerabilities\[1\] has no vulnerabilityID/
      ],
      ['no-image.json', edit((d) => delete (d.items[5] as Record<string, any>).report.artifact), /record 6: the ExposedSecretReport .* has no report\.artifact\.repository/],
      ['not-an-object.json', edit((d) => d.items.splice(2, 0, { findings: [] } as never)), /record 3: not a Kubernetes object \(no apiVersion and kind\)/]
    ]
    for (const [name, doc, message] of cases) {
      expect(refusal(variant(name, doc), { cluster: 'prod-eks' }), name).toMatch(message)
    }
    expect(listFindings(t.c.db)).toHaveLength(findings)
  })

  it('says what an empty kubectl List is', () => {
    expect(refusal(variant('empty.json', { apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } }))).toMatch(
      /^empty\.json: an empty Kubernetes List: kubectl found no objects of the kinds asked for .*nothing to import/
    )
  })

  it('skips other Kubernetes objects of the List and refuses what is not a report at all', () => {
    const doc = list()
    doc.items.push({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'storefront' }, spec: {} })
    const s = imp(variant('with-pod.json', doc), { cluster: 'prod-eks' })
    expect(s.skipped).toBe(2)
    expect(view(alertsOf(s))).toEqual(LIST_ALERTS)
  })
})

function edit(change: (d: ReturnType<typeof list>) => void): ReturnType<typeof list> {
  const d = list()
  change(d)
  return d
}

describe('a ClusterVulnerabilityReport', () => {
  it('puts the CVEs of the cluster\u2019s own Kubernetes release on that release (an upgrade, not an image rebuild)', () => {
    const report = {
      apiVersion: 'aquasecurity.github.io/v1alpha1',
      kind: 'ClusterVulnerabilityReport',
      metadata: {
        labels: {
          'trivy-operator.container.name': 'k8s-cluster',
          'trivy-operator.resource.kind': 'ClusterSbomReport',
          'trivy-operator.resource.name': '584b5cdcd5',
          'trivy-operator.resource.namespace': ''
        },
        name: 'clustersbomreport-584b5cdcd5-k8s-cluster'
      },
      report: {
        artifact: { repository: 'kubernetes', tag: '1.21.1' },
        registry: { server: 'k8s.io' },
        updateTimestamp: '2026-11-30T08:29:42Z',
        vulnerabilities: [
          {
            fixedVersion: '1.21.14',
            installedVersion: '1.21.1',
            resource: 'k8s.io/kubelet',
            severity: 'HIGH',
            target: '',
            title: 'kubelet bypass',
            vulnerabilityID: 'CVE-2021-25741'
          }
        ]
      }
    }
    const s = imp(variant('cluster-vuln.json', report), { cluster: 'prod-eks' })
    expect(alertsOf(s).map((a) => [a.rule_kind, a.rule_id, a.control, a.resource, a.resource_type, a.title])).toEqual([
      [
        'vulnerability',
        'CVE-2021-25741',
        'software.package.vulnerable',
        'k8s:prod-eks/k8s.io/kubernetes:1.21.1',
        'kubernetes.component',
        'CVE-2021-25741 k8s.io/kubelet 1.21.1 (fixed in 1.21.14): kubelet bypass'
      ]
    ])
  })
})
