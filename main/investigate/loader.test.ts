import { controlSteps } from '../controls/registry'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { LastmileError } from '../errors'
import { builtinPlaybooksDir, loadPlaybooks, parsePlaybook, summarise } from './loader'
import { GENERIC_STEPS } from './steps/generic'
import { STEP_FUNCTIONS } from './steps'

const HTTPS = readFileSync(join(builtinPlaybooksDir(), 'aws.s3.https-only', 'playbook.yaml'), 'utf8')
/** the built-in HTTPS playbook, without its fixtures (a text loaded from elsewhere) */
const base = HTTPS.replace(/^fixtures:.*$/m, '')

function refusal(text: string, file = 'custom/x.yaml'): string {
  try {
    parsePlaybook(text, file, { custom: true })
  } catch (e) {
    expect(e).toBeInstanceOf(LastmileError)
    return (e as Error).message
  }
  throw new Error('the playbook was accepted')
}

/** the 1-based line of the first line containing `needle` */
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1

describe('playbook loading', () => {
  it('loads the built-in playbooks, each naming its controls, rule ids, steps and verdicts', () => {
    const set = loadPlaybooks()
    const nine = [
      'aws.ec2.ebs-default-encryption',
      'aws.ec2.imdsv2',
      'aws.ec2.sg-open-admin-ports',
      'aws.iam.unused-access-key',
      'aws.s3.https-only',
      'aws.s3.public-access',
      'aws.s3.public-access-block',
      'azure.storage.secure-transfer',
      'container.image.vulnerable'
    ]
    // one playbook per control folder; the first nine can each give all three verdicts
    expect(set.playbooks.map((p) => p.id)).toEqual(expect.arrayContaining(nine))
    for (const pb of set.playbooks) {
      expect(pb.custom).toBe(false)
      if (nine.includes(pb.id)) expect(pb.verdicts).toEqual(['SAFE', 'RISKY', 'UNSAFE'])
      expect(pb.sha256).toMatch(/^[0-9a-f]{64}$/)
    }
    const https = summarise(set.forControl('aws.s3.https-only')!)
    // the rule ids come from the playbook and agree with playbooks/controls.yaml
    // (with the standard-specific ids AWS's consolidation table gives S3.5, from the generated catalogue)
    expect(https.controls[0].rules.securityhub).toEqual(['S3.5', 'cis-aws-foundations-benchmark/v/1.4.0/2.1.2', 'pci-dss/v/3.2.1/PCI.S3.5'])
    expect(https.controls[0].rules.prowler).toEqual(['s3_bucket_secure_transport_policy'])
    expect(https.steps.map((s) => s.id)).toEqual(['already-enforced', 'plain-http', 'empty-unused', 'http-by-design'])
    // its fix is its code (playbooks/aws.s3.https-only/control.ts), not a template
    expect([...https.fix, ...https.rollback, ...https.guardrails]).toEqual([])
    // Block Public Access (S3.8 bucket, S3.1 account) is investigated with the public-access steps
    const bpa = set.forControl('aws.s3.public-access-block')!
    expect(bpa.def.resourceTypes).toEqual(['aws.s3.bucket', 'aws.account'])
    expect(bpa.steps.map((s) => s.id)).toEqual(set.forControl('aws.s3.public-access')!.steps.map((s) => s.id))
    expect(bpa.rules.map((r) => [r.when, r.verdict])).toEqual(set.forControl('aws.s3.public-access')!.rules.map((r) => [r.when, r.verdict]))
  })

  it('every step function has a unique name and answers for at least one resource type', () => {
    const all = [...controlSteps(), ...GENERIC_STEPS]
    expect(STEP_FUNCTIONS.size).toBe(all.length)
    for (const s of all) expect(s.resourceTypes.length).toBeGreaterThan(0)
  })

  it('names the file and line of a schema error', () => {
    const text = base.replace('verdict: UNSAFE', 'verdict: MAYBE')
    expect(refusal(text)).toMatch(new RegExp(`^custom/x\\.yaml: line ${lineOf(text, 'verdict: MAYBE')}: verdict\\.1\\.verdict: `))
  })

  it('takes a catalogue entry that maps by match only with a kind an alert can have, at its line', () => {
    const image = readFileSync(join(builtinPlaybooksDir(), 'container.image.vulnerable', 'playbook.yaml'), 'utf8').replace(/^fixtures:.*$/m, '')
    expect(() => parsePlaybook(image, 'custom/image.yaml', { custom: true })).not.toThrow()
    const text = image.replace('- kind: vulnerability', '- kind: cve')
    expect(refusal(text)).toMatch(new RegExp(`^custom/x\\.yaml: line ${lineOf(text, '- kind: cve')}: controls\\.0\\.match\\.0\\.kind: `))
  })

  it('names the line of a YAML syntax error', () => {
    const text = base.replace('window:\n  days: 90', 'window:\n  days: [90')
    expect(refusal(text)).toMatch(/^custom\/x\.yaml: line \d+: /)
  })

  it('refuses a step function that does not exist, at its line', () => {
    const text = base.replace('function: s3.empty-and-unused', 'function: s3.empty-and-forgotten')
    expect(refusal(text)).toBe(
      `custom/x.yaml: line ${lineOf(text, 's3.empty-and-forgotten')}: step empty-unused: no step function "s3.empty-and-forgotten" (known: ${[...STEP_FUNCTIONS.keys()].sort().join(', ')})`
    )
  })

  it("refuses parameters the step function does not take, at the parameter's line", () => {
    const text = base.replace('    function: s3.plain-http-requests\n', '    function: s3.plain-http-requests\n    params:\n      days: 30\n')
    expect(refusal(text)).toBe(`custom/x.yaml: line ${lineOf(text, 'days: 30')}: step plain-http: params.days: Unrecognized key: "days"`)
  })

  it('refuses a step function for another resource type', () => {
    const text = base.replace('function: s3.empty-and-unused', 'function: ec2.imdsv1-calls')
    expect(refusal(text)).toContain('step empty-unused: ec2.imdsv1-calls answers for aws.ec2.instance, not aws.s3.bucket')
  })

  it('refuses a SAFE rule that holds when a step is unknown (the cap would always lower it)', () => {
    const text = base.replace('  - when: { plain-http: no }', '  - when: { plain-http: [no, unknown] }')
    expect(refusal(text)).toContain(`line ${lineOf(text, 'plain-http: [no, unknown]')}: rule 5: SAFE when plain-http is unknown can never hold`)
  })

  it('refuses rules whose default is not last, or that name a step that does not exist', () => {
    expect(refusal(base.replace('  - when: { empty-unused: yes }\n', '  - when: {}\n'))).toContain('rule 4 has no "when"')
    expect(refusal(base.replace('when: { empty-unused: yes }', 'when: { empty-used: yes }'))).toContain('rule 4: no step "empty-used" in this playbook')
    expect(refusal(base.replace('requires: [http-by-design]', 'requires: [http-by-accident]'))).toContain('requires step "http-by-accident"')
  })

  it('refuses a template placeholder that is not a declared parameter, at the template', () => {
    // a user's playbook carries its fix as templates, with the parameters they fill
    const text =
      base +
      "parameters:\n  bucket:\n    source: resource.native-id\n    description: the bucket's name\n" +
      "fix:\n  - kind: aws-cli\n    title: Save the bucket policy\n    template: aws s3api get-bucket-policy --bucket '{{bucket_name}}'\n" +
      "rollback:\n  - kind: aws-cli\n    title: Nothing to undo\n    template: echo '{{bucket}}'\n"
    expect(refusal(text)).toMatch(
      new RegExp(
        `line ${lineOf(text, '{{bucket_name}}')}: fix\\[0\\] \\(Save the bucket policy\\): placeholder \\{\\{bucket_name\\}\\} is not a declared parameter \\(declared: bucket\\)`
      )
    )
    expect(() => parsePlaybook(text.replace('{{bucket_name}}', '{{bucket}}'), 'custom/x.yaml', { custom: true })).not.toThrow()
  })

  it('refuses a tool rule id that playbooks/controls.yaml maps to another control', () => {
    const text = base.replace('securityhub: [S3.5]', 'securityhub: [S3.5, S3.8]')
    expect(refusal(text)).toContain('securityhub rule S3.8 is mapped to aws.s3.public-access-block in playbooks/controls.yaml, not to aws.s3.https-only')
  })

  it("loads a user's own playbooks from a folder, marked custom, and refuses a second playbook for a control", () => {
    const dir = tempDir()
    // a playbook for the control Prowler's minimum-TLS check lands in (unmapped in controls.yaml)
    const custom = readFileSync(join(builtinPlaybooksDir(), 'azure.storage.secure-transfer', 'playbook.yaml'), 'utf8')
      .replace(/^fixtures:.*$/m, '')
      .replace('id: azure.storage.secure-transfer', 'id: acme.azure.minimum-tls')
      .replace(/controls:\n(?: {2}.*\n)+/, 'controls:\n  - id: azure.storage.ensure-minimum-tls-version-12\n')
    writeFileSync(join(dir, 'acme.azure.minimum-tls.yaml'), custom)
    mkdirSync(join(dir, 'notes'))
    const set = loadPlaybooks({ customDir: dir })
    const pb = set.forControl('azure.storage.ensure-minimum-tls-version-12')!
    expect(pb.id).toBe('acme.azure.minimum-tls')
    expect(pb.custom).toBe(true)
    expect(set.playbooks).toHaveLength(loadPlaybooks().playbooks.length + 1)

    writeFileSync(join(dir, 'zz-copy.yaml'), base.replace('id: aws.s3.https-only', 'id: acme.s3.https'))
    expect(() => loadPlaybooks({ customDir: dir })).toThrow(/zz-copy\.yaml: line 1: control aws\.s3\.https-only is already served by playbook aws\.s3\.https-only/)
  })

  it('parses a playbook again only when its text changed, and refuses it again when it breaks', () => {
    const dir = tempDir()
    const file = join(dir, 'acme.s3.https.yaml')
    const custom = base.replace('id: aws.s3.https-only', 'id: acme.s3.https').replace(/controls:\n(?: {2}.*\n)+/, 'controls:\n  - id: acme.s3.https-only\n')
    writeFileSync(file, custom)
    const first = loadPlaybooks({ customDir: dir }).forControl('acme.s3.https-only')!
    expect(loadPlaybooks({ customDir: dir }).forControl('acme.s3.https-only')).toBe(first)
    // the same text in another file, or as a built-in, is a playbook of its own
    writeFileSync(
      join(dir, 'acme.s3.https.copy.yaml'),
      custom.replace('id: acme.s3.https\n', 'id: acme.s3.https2\n').replace('- id: acme.s3.https-only', '- id: acme.s3.https-only2')
    )
    expect(
      loadPlaybooks({ customDir: dir })
        .playbooks.filter((p) => p.custom)
        .map((p) => p.file)
    ).toEqual([join(dir, 'acme.s3.https.copy.yaml'), file])
    writeFileSync(file, custom.replace(/^title: .*$/m, 'title: Edited on disk'))
    const edited = loadPlaybooks({ customDir: dir }).forControl('acme.s3.https-only')!
    expect(edited).not.toBe(first)
    expect(edited.def.title).toBe('Edited on disk')
    expect(edited.sha256).not.toBe(first.sha256)
    writeFileSync(file, custom.replace(/^steps:/m, 'stepz:'))
    expect(() => loadPlaybooks({ customDir: dir })).toThrow(/acme\.s3\.https\.yaml: line \d+:/)
    expect(() => loadPlaybooks({ customDir: dir })).toThrow(/acme\.s3\.https\.yaml: line \d+:/)
  })

  it('says which folder cannot be read', () => {
    expect(() => loadPlaybooks({ customDir: '/nonexistent/playbooks' })).toThrow('/nonexistent/playbooks: cannot read the playbook folder: there is no such file or folder')
  })
})
