// Writes playbooks/catalogue/sources/guardduty-finding-types.tsv: every active Amazon GuardDuty
// finding type with its default severity and one-line title, and the rule id Lastmile's ASFF
// adapter gives a finding of that type.
//
//   npx tsx scripts/catalogue/extract-guardduty.ts <dgwhited/guardduty-runbooks git dir> [commit]
//
// Where the facts come from: AWS's GuardDuty user guide (its per-resource finding-type pages,
// which the "GuardDuty active finding types" table links to). AWS archived the guide's own repo
// (awsdocs/amazon-guardduty-user-guide, frozen in 2022, before Runtime Monitoring, EKS, RDS,
// Lambda and attack-sequence findings), so the pages are read from dgwhited/guardduty-runbooks,
// which a scheduled job regenerates from the live guide: runbooks/<type>.md holds one finding
// type's section (heading = the type, `### <title>`, `Default severity: <High|Medium|…>`).
// resource_type is the type's ResourceTypeAffected part (ThreatPurpose:ResourceTypeAffected/
// ThreatFamilyName…, the guide's "GuardDuty finding format").
//
// rule_id: Security Hub carries a GuardDuty finding's type in ASFF Types[0] as
// `<namespace>/<category>/<Purpose>:<Resource>-<Family>` (the finding type with its `/` turned
// into `-`, e.g. TTPs/Defense Evasion/DefenseEvasion:EC2-UnusualDNSResolver), and the adapter's
// rule id is what main/ingest/formats/asff.ts makes of it: the script runs the adapter itself on
// that Types[0], so the column is exactly what an import emits.
// asff_doc_rule_id: AWS's "Integrating with AWS Security Hub CSPM" page (GuardDuty guide,
// securityhub-integration) lists a few types whose ASFF type breaks that pattern; where the
// adapter makes a different rule id of the page's ASFF type, it is this column, so a catalogue
// can list both (the page is not always what Security Hub sends: it gives
// TTPs/DefenseEvasion/EC2:Unusual-DNS-Resolver, real exports carry the regular form).
import { asff } from '../../main/ingest/formats/asff'
import { JsonContext } from '../../main/ingest/formats/adapter'
import { args, cell, writeTable } from './rulelists'

export const GUARDDUTY_COLUMNS = ['finding_type', 'resource_type', 'severity', 'title', 'rule_id', 'asff_doc_rule_id'] as const

/** A finding type: ThreatPurpose:ResourceTypeAffected/ThreatFamilyName[.Variant][!Artifact] */
const TYPE = /^([A-Za-z0-9]+):([A-Za-z0-9]+)\/([A-Za-z0-9&.!-]+)$/

/** The ASFF Types[0] Security Hub gives a GuardDuty finding of this type (the regular pattern). */
export function asffType(findingType: string): string {
  const m = TYPE.exec(findingType)
  if (!m) throw new Error(`not a GuardDuty finding type: ${findingType}`)
  return `TTPs/${m[1]}/${m[1]}:${m[2]}-${m[3]}`
}

/** The ASFF type AWS's securityhub-integration page gives where it breaks the regular pattern, else null. */
export function asffDocType(findingType: string): string | null {
  const literal: Record<string, string> = {
    'DefenseEvasion:EC2/UnusualDNSResolver': 'TTPs/DefenseEvasion/EC2:Unusual-DNS-Resolver',
    'DefenseEvasion:EC2/UnusualDoHActivity': 'TTPs/DefenseEvasion/EC2:Unusual-DoH-Activity',
    'DefenseEvasion:EC2/UnusualDoTActivity': 'TTPs/DefenseEvasion/EC2:Unusual-DoT-Activity'
  }
  if (literal[findingType]) return literal[findingType]
  // TTPs/AttackSequence:IAM/CompromisedCredentials, TTPs/PenTest:IAMUser/KaliLinux: the type itself
  if (/^AttackSequence:/.test(findingType) || /^PenTest:IAMUser\//.test(findingType)) return `TTPs/${findingType}`
  // CredentialAccess:Kubernetes/AnomalousBehavior.SecretsAccessed -> TTPs/AnomalousBehavior/CredentialAccess:Kubernetes-SecretsAccessed
  const k = /^([A-Za-z]+):Kubernetes\/AnomalousBehavior\.(.+)$/.exec(findingType)
  if (k) return `TTPs/AnomalousBehavior/${k[1]}:Kubernetes-${k[2]}`
  return null
}

/** The rule id the ASFF adapter gives a GuardDuty finding whose Types[0] is `type`. */
export function adapterRuleId(type: string): string {
  const finding = {
    SchemaVersion: '2018-10-08',
    Id: 'arn:aws:guardduty:us-east-1:123456789012:detector/d/finding/f',
    ProductArn: 'arn:aws:securityhub:us-east-1::product/aws/guardduty',
    GeneratorId: 'arn:aws:guardduty:us-east-1:123456789012:detector/d',
    AwsAccountId: '123456789012',
    Types: [type],
    Title: type,
    Severity: { Label: 'MEDIUM' },
    Resources: [{ Type: 'Other', Id: 'resource' }]
  }
  const out = asff.normalise(finding, new JsonContext())
  const draft = Array.isArray(out) ? out[0] : out
  if (!draft || draft.tool !== 'guardduty') throw new Error(`the ASFF adapter did not read ${type} as a GuardDuty finding`)
  return draft.ruleId
}

/** One runbook page: its finding type, title and default severity. */
export function runbookEntry(path: string, md: string): { type: string; title: string; severity: string } {
  const lines = md.split('\n').map((l) => l.trim())
  const type = lines[0]
  if (!TYPE.test(type)) throw new Error(`${path}: line 1: ${JSON.stringify(type)} is not a finding type`)
  const title = lines.find((l) => l.startsWith('### '))?.slice(4)
  if (!title) throw new Error(`${path}: no '### <title>' line`)
  const sev = /Default severity:\s*([A-Za-z]+)/.exec(md)
  if (!sev) throw new Error(`${path}: no 'Default severity' line`)
  const word = sev[1].toLowerCase()
  // Variable / "Varies depending on the detected threat": no default
  const severity = ['critical', 'high', 'medium', 'low'].includes(word) ? word : ''
  return { type, title: cell(title), severity }
}

function main(): void {
  const tree = args('extract-guardduty.ts', 'dgwhited/guardduty-runbooks')
  const paths = tree.files('runbooks').filter((p) => p.endsWith('.md') && !p.endsWith('/README.md'))
  const texts = tree.read(paths)
  const byType = new Map<string, Record<string, string>>()
  for (const p of paths) {
    const e = runbookEntry(p, texts.get(p)!)
    const ruleId = adapterRuleId(asffType(e.type))
    const doc = asffDocType(e.type)
    const docRule = doc ? adapterRuleId(doc) : ''
    const row = {
      finding_type: e.type,
      resource_type: TYPE.exec(e.type)![2],
      severity: e.severity,
      title: e.title,
      rule_id: ruleId,
      asff_doc_rule_id: docRule !== ruleId ? docRule : ''
    }
    const prev = byType.get(e.type)
    // the generator has written one page twice (runbooks/.md); the same facts are one row
    if (prev && JSON.stringify(prev) !== JSON.stringify(row)) throw new Error(`${p}: ${e.type} read twice with different facts`)
    byType.set(e.type, row)
  }
  if (byType.size < 150) throw new Error(`${tree.repo}@${tree.commit}: only ${byType.size} finding types read`)
  const file = writeTable('guardduty-finding-types.tsv', GUARDDUTY_COLUMNS, [...byType.values()])
  console.log(`${file}: ${byType.size} finding types from ${tree.repo}@${tree.commit}`)
}

if (require.main === module) main()
