// The readers of the IaC scanners' rule metadata, on small made-up files in each tool's layout.
import { describe, expect, it } from 'vitest'
import { checkovIdAndName, regoMetadata, ruleLongIds, type AvdRule } from './iac-rules'

const noBase = () => undefined

describe("a Checkov check's id and name", () => {
  it('are read from variables the check passes to its base class', () => {
    const text = [
      'class Example(BaseResourceValueCheck):',
      '    def __init__(self):',
      '        name = "Ensure the thing is on"',
      '        id = "CKV_AWS_999"',
      '        super().__init__(name=name, id=id, categories=c)'
    ].join('\n')
    expect(checkovIdAndName(text, noBase)).toEqual({ id: 'CKV_AWS_999', name: 'Ensure the thing is on' })
  })

  it('join adjacent string literals in parentheses and take literal keyword arguments', () => {
    const split = ['        name = ("Ensure the thing "', '                "is on")', '        super().__init__(name=name, id="CKV2_AZURE_7")'].join('\n')
    expect(checkovIdAndName(split, noBase)).toEqual({ id: 'CKV2_AZURE_7', name: 'Ensure the thing is on' })
  })

  it('take the name the base class builds from the arguments (f-string and printf forms)', () => {
    const check = [
      'from checkov.terraform.checks.resource.aws.AbsPortCheck import AbsPortCheck',
      'class P(AbsPortCheck):',
      '    def __init__(self):',
      '        super().__init__(check_id="CKV_AWS_998", port=-1)'
    ].join('\n')
    const fString = [
      'class AbsPortCheck(BaseResourceCheck):',
      '    def __init__(self, check_id, port):',
      '        name = f"Ensure no group allows port {port}"',
      '        super().__init__(name=name, id=check_id)'
    ].join('\n')
    const printf = fString.replace('f"Ensure no group allows port {port}"', '"Ensure no group allows port %d" % port')
    const base = (text: string) => (path: string) => (path === 'checkov/terraform/checks/resource/aws/AbsPortCheck.py' ? text : undefined)
    expect(checkovIdAndName(check, base(fString))).toEqual({ id: 'CKV_AWS_998', name: 'Ensure no group allows port -1' })
    expect(checkovIdAndName(check, base(printf))).toEqual({ id: 'CKV_AWS_998', name: 'Ensure no group allows port -1' })
    expect(checkovIdAndName(check, noBase)).toEqual({ id: 'CKV_AWS_998', name: undefined })
  })

  it('is nothing for a file that registers no check', () => {
    expect(checkovIdAndName('def helper(conf):\n    return conf.get("id")\n', noBase)).toBeUndefined()
  })
})

describe("a rego check's METADATA", () => {
  it('gives the title, the custom keys, the aliases and whether it is deprecated', () => {
    const text = [
      '# METADATA',
      '# title: "Thing should be on"',
      '# scope: package',
      '# custom:',
      '#   id: AWS-0999',
      '#   long_id: aws-thing-be-on',
      '#   aliases:',
      '#     - AVD-AWS-0999',
      '#     - be-on',
      '#     - aws-oldservice-be-on',
      '#   provider: aws',
      '#   deprecated: true',
      'package builtin.aws.thing.aws0999'
    ].join('\n')
    const meta = regoMetadata(text)
    expect(meta.title).toBe('Thing should be on')
    expect(meta.custom.get('id')).toBe('AWS-0999')
    expect(meta.custom.get('long_id')).toBe('aws-thing-be-on')
    expect(meta.custom.get('provider')).toBe('aws')
    expect(meta.aliases).toEqual(['AVD-AWS-0999', 'be-on', 'aws-oldservice-be-on'])
    expect(meta.deprecated).toBe(true)
  })

  it('is empty for a file without one', () => {
    expect(regoMetadata('package x\n')).toEqual({ title: undefined, custom: new Map(), aliases: [], deprecated: false })
  })
})

describe("an AVD rule's long ids", () => {
  const rule = (longIds: string[], aliases: string[] = []): AvdRule => ({ avdId: 'AVD-AWS-0999', title: 't', path: 'p', longIds, aliases, deprecated: false })

  it("keep Trivy's and tfsec's own ids and the aliases that rename the service of the same check", () => {
    expect(ruleLongIds(rule(['aws-ec2-enable-volume-encryption'], ['aws-ebs-enable-volume-encryption']), rule(['aws-ebs-enable-volume-encryption']))).toEqual([
      'aws-ec2-enable-volume-encryption',
      'aws-ebs-enable-volume-encryption'
    ])
  })

  it('leave out an alias copied from another check', () => {
    expect(ruleLongIds(rule(['aws-ec2-no-secrets-in-user-data'], ['aws-autoscaling-no-public-ip']), undefined)).toEqual(['aws-ec2-no-secrets-in-user-data'])
  })

  it('are the tfsec ids alone for a check Trivy no longer has', () => {
    expect(ruleLongIds(undefined, rule(['aws-rds-no-public-db-access']))).toEqual(['aws-rds-no-public-db-access'])
  })
})
