// What `lastmile --help` and `lastmile <verb> --help` say: verbs grouped by the stage they serve,
// one line per option, and an example per verb. The command table (commands/index.ts) says what a
// verb does; this file says how a person is told about it. A test checks that every option a verb
// accepts is described here, so a new flag cannot ship without its line.
import type { Command } from './command'

export interface Stage {
  title: string
  verbs: readonly string[]
}

/** The five stages of DESIGN.md, plus the case itself and the demo, in the order a person meets them. */
export const STAGES: readonly Stage[] = [
  { title: 'The case', verbs: ['case create', 'demo', 'verify', 'checkpoint', 'whoami', 'join', 'people', 'grant', 'revoke'] },
  { title: '1. Ingest', verbs: ['ingest', 'controls', 'findings', 'findings decide', 'initiatives', 'initiatives split', 'initiatives merge', 'alert'] },
  { title: '2. Enrich', verbs: ['evidence add', 'evidence collect', 'evidence list', 'evidence profiles', 'evidence facts', 'evidence coverage', 'timeline', 'evaluate'] },
  { title: '3. Investigate', verbs: ['investigate', 'rci', 'playbooks'] },
  {
    title: '4. Remediate',
    verbs: ['plan', 'approvals', 'approve', 'reject', 'route', 'accept-risk', 'suppress', 'clear-decision', 'record-execution', 'four-eyes']
  },
  { title: '5. Validate and prevent', verbs: ['validate', 'board', 'workflow', 'guardrails', 'export pdf', 'export case'] }
]

/** Options every verb accepts, and what they mean everywhere. */
const COMMON_OPTIONS: Readonly<Record<string, string>> = {
  '--key-file': 'F: read the case key from the first line of file F (else LASTMILE_KEY)',
  '--as': 'NAME: the person acting: their own signing key (made on first use)',
  '--role': 'ROLE: the role acted in, as granted by the case owner',
  '--person-key': 'F: your personal signing key file (else LASTMILE_PERSON_KEY)',
  '--person-cert': 'F.p12: sign as the person an organisation certificate names',
  '--person-cert-pass-file': 'F: the passphrase of --person-cert, first line of F',
  '--format': 'NAME: read the files as this format instead of detecting it',
  '--json': 'print the result as one JSON document',
  '--help': 'show this help'
}

/** What each verb-specific option means, per verb (the same flag can mean different things). */
const OPTIONS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  'case create': { '--name': 'NAME: a name for the case (default: the file name)' },
  ingest: {
    '--partial': 'the exports are filtered (one account, one severity…): close nothing they omit',
    '--cluster': "NAME: the Kubernetes cluster of Trivy Operator reports, which do not name it (trivy k8s's ClusterName), so they meet its findings"
  },
  controls: {
    '--tool': 'TOOL: only the controls a rule of this tool maps to (prowler, securityhub, trivy…)',
    '--find': 'TEXT: the control a rule id or control id names (RDS.2), else those whose id, title or a rule id contains TEXT'
  },
  findings: {
    '--status': 'open|resolved|suppressed: only findings in this state',
    '--initiative': 'I-N: only the findings of this initiative',
    '--control': 'C: only findings of this control (e.g. aws.s3.https-only)',
    '--csv': 'print CSV for a spreadsheet (formulas neutralised)'
  },
  'findings decide': {
    '--decision': 'suppressed|risk-accepted|clear: the decision',
    '--reason': 'TEXT: why (recorded in the audit trail)',
    '--expires': 'DATE: when the decision lapses and the finding reopens (in the future; required to accept a risk)'
  },
  'initiatives split': { '--by': 'account|environment: one initiative per account or environment' },
  verify: {
    '--export-pass-file': 'F: the export passphrase of an auditor case file, first line of F',
    '--expect-signer': 'FINGERPRINT: fail unless this certificate or key signed it'
  },
  evaluate: {
    '--control': 'C: evaluate only this control (repeatable)',
    '--unused-key-days': 'N: an access key unused for N days fails (default 90)',
    '--fail-on-fail': 'exit 1 when any control fails'
  },
  checkpoint: {
    '--sign': 'CERT.p12: sign with this PKCS#12 certificate instead of the device key',
    '--sign-pass-file': "F: the certificate's passphrase, first line of F"
  },
  'export pdf': {
    '--out': 'FILE.pdf: where to write the report (never the case, its side files or a file the command reads)',
    '--force': 'replace FILE.pdf if it exists (without it, an existing file is refused)',
    '--sign': 'CERT.p12: the PKCS#12 certificate that signs the report',
    '--sign-pass-file': "F: the certificate's passphrase, first line of F",
    '--classification': 'TEXT: the classification printed on every page'
  },
  'export case': {
    '--out': 'FILE.lmaudit: where to write the case file (never the case, its side files or a file the command reads)',
    '--force': 'replace FILE if it exists (an earlier case file, if named .lmaudit)',
    '--export-pass-file': 'F: the passphrase that encrypts the case file, first line of F',
    '--sign': 'CERT.p12: sign the manifest with this certificate instead of the device key',
    '--sign-pass-file': "F: the certificate's passphrase, first line of F"
  },
  'evidence collect': {
    '--out': 'BUNDLE: the folder to write the evidence bundle to',
    '--profile': 'P: the local credential profile to use (read-only calls only)',
    '--provider': 'aws|azure: which cloud (default aws)',
    '--days': 'N: how many days of activity to gather (default 90)',
    '--region': 'R: an AWS Region to read (repeatable; default: the enabled ones)',
    '--subscription': 'S: an Azure subscription to read (repeatable)',
    '--arm-url': 'URL: the Azure Resource Manager endpoint (sovereign clouds)',
    '--cloudtrail-source':
      "files|lake[:ARN]|athena:DB.TABLE: copy the trails' log files (default), or ask CloudTrail Lake or Athena and bring back only the counts (docs/cloudtrail-at-scale.md)",
    '--athena-workgroup': 'W: the Athena workgroup to run the queries in (default primary)',
    '--athena-output': 'S3URI: where Athena writes the query results, when the workgroup sets none',
    '--terraform-state':
      'FILE: a Terraform state (`terraform show -json` or `terraform state pull` output) to copy into the bundle, sensitive values removed, so IaC findings are judged on their deployed resources (repeatable)',
    '--max-log-mb':
      'MB: the usage logs copied at most per load balancer, CloudFront distribution or OpenSearch domain (access, standard and audit logs; whole days, newest first; default 1024): the days past it are a gap'
  },
  'evidence list': { '--bundle': 'ID: only this bundle' },
  'evidence coverage': { '--from': 'T: start of the window (ISO 8601)', '--to': 'T: end of the window (ISO 8601)' },
  timeline: {
    '--from': 'T: events from this time (ISO 8601)',
    '--to': 'T: events up to this time (ISO 8601)',
    '--source': 'S: only this evidence source (repeatable)',
    '--actor': 'A: only this actor (repeatable)',
    '--events-only': 'leave out configuration snapshots and coverage notes'
  },
  investigate: {
    '--finding': 'F-ID: investigate this finding (repeatable; default: every open finding)',
    '--initiative': "I-ID: investigate this initiative's findings",
    '--playbooks': 'DIR: also load your own playbooks from DIR',
    '--profile': 'P: gather live evidence now through this read-only profile',
    '--provider': 'aws|azure: the cloud of --profile (default aws)',
    '--days': 'N: days of activity to gather with --profile (default 90)',
    '--region': 'R: a Region to read with --profile (repeatable)',
    '--cloudtrail-source': 'files|lake[:ARN]|athena:DB.TABLE: where --profile takes CloudTrail from (as evidence collect)',
    '--athena-workgroup': 'W: with --cloudtrail-source athena:…, the Athena workgroup',
    '--athena-output': 'S3URI: with --cloudtrail-source athena:…, where Athena writes the results'
  },
  playbooks: { '--playbooks': 'DIR: also list your own playbooks from DIR' },
  plan: {
    '--param': "NAME=VALUE: set one of the fix's parameters (repeatable)",
    '--out': 'DIR: write the fix, rollback and guardrail files to DIR',
    '--break-glass-role': 'ARN: a role the guardrails never block (repeatable)',
    '--exception-tag': 'KEY=VALUE: resources with this tag are exempt from the guardrails'
  },
  approvals: {
    '--verdict': 'SAFE|RISKY|UNSCORED: only plans with this verdict',
    '--initiative': 'I-ID: only plans for this initiative',
    '--requester': 'NAME: only plans this person asked for'
  },
  approve: { '--reason': 'TEXT: why you approve (recorded)', '--finding': 'F-ID: approve only this finding of the plan (repeatable)' },
  reject: { '--reason': 'TEXT: why you reject (recorded)', '--finding': 'F-ID: reject only this finding of the plan (repeatable)' },
  route: {
    '--out': 'DIR: write the routing package (Markdown, JSON, ticket CSV) to DIR',
    '--by': 'initiative|owner: one ticket per initiative or per owner',
    '--all': 'route every finding of an initiative, not only its UNSAFE ones'
  },
  'accept-risk': { '--reason': 'TEXT: the justification', '--expires': 'DATE: when the acceptance lapses' },
  suppress: { '--reason': 'TEXT: the justification', '--expires': 'DATE: when the suppression lapses (optional)' },
  'clear-decision': { '--reason': 'TEXT: why the decision ends early' },
  'record-execution': {
    '--outcome': 'executed|failed: what happened',
    '--output': "FILE: the run's output, attached to the case",
    '--finding': 'F-ID: only these findings of the plan (repeatable)'
  },
  validate: { '--bundle': 'DIR: re-evaluate this new evidence bundle', '--rescan': 'use the imports made since the fix' },
  guardrails: {
    '--out': 'DIR: write the guardrail files to DIR',
    '--break-glass-role': 'ARN: a role the guardrails never block (repeatable)',
    '--exception-tag': 'KEY=VALUE: resources with this tag are exempt'
  },
  'four-eyes': { '--reason': 'TEXT: why (recorded)' },
  grant: { '--person': 'NAME|KEY: the person of the case (lastmile people)' },
  revoke: { '--person': 'NAME|KEY: the person of the case (lastmile people)' },
  demo: { '--out': 'DIR: where to build the demo (default ./lastmile-demo)' }
}

/** One example per verb, as a person would type it. */
const EXAMPLES: Readonly<Record<string, string>> = {
  'case create': 'lastmile case create acme.lmcase --name "Acme Q4" --key-file acme.key',
  demo: 'lastmile demo --out ./lastmile-demo',
  verify: 'lastmile verify acme-review.lmaudit --export-pass-file pass.txt',
  checkpoint: 'lastmile checkpoint acme.lmcase --key-file acme.key',
  ingest: 'lastmile ingest acme.lmcase securityhub.json prowler.ocsf.json --key-file acme.key',
  findings: 'lastmile findings acme.lmcase --status open --control aws.s3.https-only --key-file acme.key',
  'findings decide': 'lastmile findings decide acme.lmcase F-12 --decision suppressed --reason "test account" --key-file acme.key',
  initiatives: 'lastmile initiatives acme.lmcase --key-file acme.key',
  'initiatives split': 'lastmile initiatives split acme.lmcase I-3 --by account --key-file acme.key',
  'initiatives merge': 'lastmile initiatives merge acme.lmcase I-3 I-7 --key-file acme.key',
  alert: 'lastmile alert acme.lmcase A-42 --key-file acme.key',
  'evidence add': 'lastmile evidence add acme.lmcase ./evidence-2026-11 --key-file acme.key',
  'evidence collect': 'lastmile evidence collect --out ./evidence-now --profile audit-ro --region eu-west-1',
  'evidence list': 'lastmile evidence list acme.lmcase --key-file acme.key',
  'evidence profiles': 'lastmile evidence profiles',
  'evidence facts': 'lastmile evidence facts acme.lmcase arn:aws:s3:::acme-logs --key-file acme.key',
  'evidence coverage': 'lastmile evidence coverage acme.lmcase aws.cloudtrail.s3-data arn:aws:s3:::acme-logs --key-file acme.key',
  timeline: 'lastmile timeline acme.lmcase F-12 --from 2026-10-01 --key-file acme.key',
  evaluate: 'lastmile evaluate ./evidence-2026-11 --control aws.s3.https-only',
  investigate: 'lastmile investigate acme.lmcase --initiative I-3 --key-file acme.key',
  rci: 'lastmile rci acme.lmcase F-12 --key-file acme.key',
  playbooks: 'lastmile playbooks --playbooks ./our-playbooks',
  controls: 'lastmile controls --find RDS.2',
  plan: 'lastmile plan acme.lmcase I-3 --out ./fix-I-3 --as "Ana Analyst" --role analyst --key-file acme.key',
  approvals: 'lastmile approvals acme.lmcase --verdict RISKY --key-file acme.key',
  approve: 'lastmile approve acme.lmcase P-2 --finding F-12 --reason "owner agreed" --as "Bo Approver" --role approver --key-file acme.key',
  reject: 'lastmile reject acme.lmcase P-2 --reason "needs a window" --as "Bo Approver" --role approver --key-file acme.key',
  route: 'lastmile route acme.lmcase I-5 --out ./to-owners --by owner --key-file acme.key',
  'accept-risk': 'lastmile accept-risk acme.lmcase F-12 --reason "legacy partner" --expires 2027-03-31 --as "Bo Approver" --role approver --key-file acme.key',
  suppress: 'lastmile suppress acme.lmcase F-12 --reason "false positive" --as "Bo Approver" --role approver --key-file acme.key',
  'clear-decision': 'lastmile clear-decision acme.lmcase F-12 --reason "partner moved" --as "Bo Approver" --role approver --key-file acme.key',
  'record-execution': 'lastmile record-execution acme.lmcase P-2 --outcome executed --output run.log --key-file acme.key',
  'four-eyes': 'lastmile four-eyes acme.lmcase off --reason "single-person lab" --as "Cy Owner" --key-file acme.key',
  whoami: 'lastmile whoami --as "Bo Approver"',
  join: 'lastmile join acme.lmcase --as "Bo Approver" --key-file acme.key',
  people: 'lastmile people acme.lmcase --key-file acme.key',
  grant: 'lastmile grant acme.lmcase --person "Bo Approver" --role approver --as "Cy Owner" --key-file acme.key',
  revoke: 'lastmile revoke acme.lmcase --person "Bo Approver" --role approver --as "Cy Owner" --key-file acme.key',
  validate: 'lastmile validate acme.lmcase P-2 --bundle ./evidence-after --key-file acme.key',
  board: 'lastmile board acme.lmcase --key-file acme.key',
  workflow: 'lastmile workflow acme.lmcase F-12 --key-file acme.key',
  guardrails: 'lastmile guardrails acme.lmcase I-3 --out ./guardrails --key-file acme.key',
  'export pdf': 'lastmile export pdf acme.lmcase --out acme-report.pdf --sign org.p12 --sign-pass-file p12.pass --key-file acme.key',
  'export case': 'lastmile export case acme.lmcase --out acme-review.lmaudit --export-pass-file pass.txt --key-file acme.key'
}

/** The flags a verb accepts, in the order its spec lists them, then the common ones it uses. */
export function optionsOf(command: Command): Array<[flag: string, text: string]> {
  const own = [...(command.args.values ?? []), ...(command.args.switches ?? [])]
  const described = OPTIONS[command.name] ?? {}
  const common = Object.keys(COMMON_OPTIONS).filter((f) => f === '--help' || command.usage.includes(f))
  return [...own.map((f): [string, string] => [f, described[f] ?? '']), ...common.map((f): [string, string] => [f, COMMON_OPTIONS[f]])]
}

export function exampleOf(command: Command): string | undefined {
  return EXAMPLES[command.name]
}

/** `lastmile <verb> --help`: usage, what it does, one line per option, an example. */
export function verbHelp(command: Command): string {
  const options = optionsOf(command)
  const width = Math.max(...options.map(([f]) => f.length))
  const example = exampleOf(command)
  return [
    `usage: lastmile ${command.usage}`,
    '',
    ...wrap(command.summary, 79),
    '',
    'options:',
    ...options.map(([f, text]) => `  ${f.padEnd(width)}  ${text}`),
    ...(example ? ['', 'example:', `  ${example}`] : [])
  ].join('\n')
}

/** `lastmile --help`: the verbs grouped by stage, each with its summary's first clause. */
export function topHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  const listed = new Set(STAGES.flatMap((s) => s.verbs))
  const others = commands.filter((c) => !listed.has(c.name)).map((c) => c.name)
  const groups = others.length ? [...STAGES, { title: 'Other', verbs: others }] : STAGES
  const byName = new Map(commands.map((c) => [c.name, c]))
  return [
    'lastmile — carry cloud-security findings the last mile (headless command line)',
    '',
    'usage: lastmile <verb> … [--json] [--key-file F] [--as NAME --role ROLE]',
    ...groups.flatMap((g) => [
      '',
      `${g.title}:`,
      ...g.verbs.flatMap((v) => {
        const c = byName.get(v)
        return c ? [`  ${v.padEnd(width)}  ${shortSummary(c.summary, 79 - width - 4)}`] : []
      })
    ]),
    '',
    'The case key: the first line of --key-file F, or the LASTMILE_KEY variable.',
    'Exit codes: 0 ok; 1 a problem found (verification failed, nothing matched);',
    '2 bad usage or bad input.',
    'lastmile <verb> --help shows the options of one verb and an example.'
  ].join('\n')
}

/**
 * The summary shortened to its first clause (before a parenthesis, semicolon, colon or comma, in
 * that order of preference) so the list stays one line of 80 columns a verb.
 */
function shortSummary(summary: string, room: number): string {
  let s = summary
  for (const sep of [' (', '; ', ': ', ', ']) {
    if (s.length <= room) break
    const at = s.indexOf(sep)
    if (at > 0) s = s.slice(0, at)
  }
  if (s.length <= room) return s
  const cut = s.lastIndexOf(' ', room - 1)
  return `${s.slice(0, cut > 0 ? cut : room - 1)}…`
}

/** Wrap a paragraph at word boundaries. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else line = line ? `${line} ${word}` : word
  }
  if (line) lines.push(line)
  return lines
}

/** Edit distance between two words (for "did you mean"). */
function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]
    prev[0] = i
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j]
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1))
      diag = up
    }
  }
  return prev[b.length]
}

/** The verb a mistyped word most likely meant, if one is close enough. */
export function didYouMean(word: string, commands: readonly Command[]): string | undefined {
  const names = [...new Set(commands.flatMap((c) => [c.name, c.name.split(' ')[0]]))]
  let best: string | undefined
  let bestD = Infinity
  for (const n of names) {
    const d = distance(word.toLowerCase(), n)
    if (d < bestD) {
      best = n
      bestD = d
    }
  }
  return best !== undefined && bestD <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined
}
