import { describe, expect, it } from 'vitest'
import { legacyControlId } from './formats/asff'

describe('Security Hub legacy (standard-specific) control ids', () => {
  it('strips the ruleset and standards ARN prefixes and /rule/, keeping the standard and version', () => {
    expect(legacyControlId('arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.10')).toBe('cis-aws-foundations-benchmark/v/1.2.0/1.10')
    expect(legacyControlId('arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0/1.10')).toBe('cis-aws-foundations-benchmark/v/1.4.0/1.10')
    expect(legacyControlId('cis-aws-foundations-benchmark/v/1.4.0/3.7')).toBe('cis-aws-foundations-benchmark/v/1.4.0/3.7')
    expect(legacyControlId('pci-dss/v/3.2.1/PCI.IAM.4')).toBe('pci-dss/v/3.2.1/PCI.IAM.4')
  })

  it('gives the consolidated id for FSBP, NIST 800-53 and Control Tower, whose control ids are the consolidated ones', () => {
    expect(legacyControlId('aws-foundational-security-best-practices/v/1.0.0/S3.5')).toBe('S3.5')
    expect(legacyControlId('nist-800-53/v/5.0.0/S3.5')).toBe('S3.5')
    expect(legacyControlId('nist-800-171/v/2.0.0/ACM.1')).toBe('ACM.1')
    expect(legacyControlId('service-managed-aws-control-tower/v/1.0.0/CloudTrail.2')).toBe('CloudTrail.2')
    expect(legacyControlId('security-control/EC2.8')).toBe('EC2.8')
  })

  it('has no id for a GeneratorId that names no standard control', () => {
    expect(legacyControlId('')).toBeNull()
    expect(legacyControlId('AWSInspector')).toBeNull()
  })
})
