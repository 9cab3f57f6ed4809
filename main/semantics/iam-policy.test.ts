import { describe, expect, it } from 'vitest'
import { denyingStatement, httpsOnlyVerdict, limitsCaller, parsePolicy, publicGrants, type PolicyRequest, type PolicyStatement } from './iam-policy'

const B = 'arn:aws:s3:::b'
const policy = (...Statement: unknown[]): PolicyStatement[] => {
  const p = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement }))
  if (!p.ok) throw new Error(p.error)
  return p.statements
}
/** The statement AWS documents for enforcing HTTPS (FORMATS.md C1). */
const enforce = (over: Record<string, unknown> = {}) => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [B, `${B}/*`],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  ...over
})
const https = (...s: unknown[]) => httpsOnlyVerdict(policy(...s), B)

describe('parsePolicy', () => {
  it('accepts one statement object, string-or-array values, and boolean condition values', () => {
    const p = parsePolicy(
      JSON.stringify({ Statement: { Effect: 'Deny', Principal: { AWS: ['*'] }, Action: ['s3:*'], Resource: B, Condition: { Bool: { 'aws:SecureTransport': false } } } })
    )
    expect(p.ok && p.statements[0]).toMatchObject({ effect: 'Deny', principal: { AWS: ['*'] }, resource: [B], conditions: [{ base: 'Bool', values: ['false'] }] })
  })

  it('says where a policy is malformed', () => {
    expect(parsePolicy('{"Statement": [ {"Effect": "Deny",} ]}')).toEqual({
      ok: false,
      error: 'the policy is not JSON: line 1 column 35: expected a property name in double quotes, found "}"'
    })
    expect(parsePolicy('[]')).toMatchObject({ ok: false, error: 'the policy is not a JSON object' })
    expect(parsePolicy('{"Version":"2012-10-17"}')).toMatchObject({ ok: false, error: 'the policy has no Statement' })
    expect(parsePolicy(JSON.stringify({ Statement: [enforce(), { Effect: 'Maybe', Principal: '*', Action: '*' }] }))).toMatchObject({
      ok: false,
      error: 'Statement[1]: Effect must be "Allow" or "Deny"'
    })
    expect(parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] }))).toMatchObject({ error: 'Statement[0]: no Principal or NotPrincipal' })
    expect(parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: 3 }] }))).toMatchObject({ error: 'Statement[0]: Action is malformed' })
    expect(parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Deny', Principal: '*', Action: '*', Condition: { Bool: 'x' } }] }))).toMatchObject({
      error: 'Statement[0]: Condition is malformed'
    })
  })

  it('splits operators into set qualifier, base and IfExists', () => {
    const [s] = policy({ Effect: 'Allow', Principal: '*', Action: '*', Condition: { 'ForAnyValue:StringEqualsIfExists': { 'AWS:SourceVpc': ['vpc-1'] } } })
    expect(s.conditions[0]).toMatchObject({ set: 'ForAnyValue', base: 'StringEquals', ifExists: true, keyLower: 'aws:sourcevpc' })
  })
})

describe('aws.s3.https-only on a policy: a Deny for everyone, on s3:*, on the bucket and its objects, under aws:SecureTransport = false', () => {
  it('PASS for the documented statement, and its equivalent spellings', () => {
    expect(https(enforce()).status).toBe('PASS')
    expect(https(enforce({ Principal: { AWS: '*' } })).status).toBe('PASS')
    expect(https(enforce({ Principal: { AWS: ['*'] } })).status).toBe('PASS')
    expect(https(enforce({ Action: '*' })).status).toBe('PASS')
    expect(https(enforce({ Action: 'S3:*' })).status).toBe('PASS')
    expect(https(enforce({ Resource: 'arn:aws:s3:::b*' })).status).toBe('PASS')
    expect(https(enforce({ Resource: '*' })).status).toBe('PASS')
    expect(https(enforce({ Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } })).status).toBe('PASS')
    expect(https(enforce({ Condition: { Bool: { 'AWS:SECURETRANSPORT': ['false'] } } })).status).toBe('PASS')
  })

  it('PASS when two Deny statements together cover the bucket and its objects', () => {
    const v = https(enforce({ Sid: 'Bucket', Resource: B }), enforce({ Sid: 'Objects', Resource: `${B}/*` }))
    expect(v).toMatchObject({ status: 'PASS', reason: expect.stringMatching(/statement 1 \(Sid "Bucket"\) and statement 2 \(Sid "Objects"\)/) })
  })

  it('PASS with NotAction/NotResource that carve out nothing of S3 or of the bucket', () => {
    const { Action: _a, Resource: _r, ...rest } = enforce()
    expect(https({ ...rest, NotAction: 'iam:*', NotResource: 'arn:aws:s3:::other-bucket/*' }).status).toBe('PASS')
  })

  it('FAIL: a Deny on one action only', () => {
    expect(https(enforce({ Action: 's3:GetObject' }))).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/denies only s3:GetObject, not s3:\*/) })
    expect(https(enforce({ Action: ['s3:GetObject', 's3:PutObject'] })).status).toBe('FAIL')
    expect(https(enforce({ Action: 's3:Get*' })).status).toBe('FAIL')
  })

  it('FAIL: a Deny on one prefix only', () => {
    const v = https(enforce({ Resource: [B, `${B}/prefix/*`] }))
    expect(v).toMatchObject({ status: 'FAIL', reason: expect.stringContaining(`does not cover every object (${B}/*)`) })
  })

  it('FAIL: a Deny on the objects but not the bucket, or the bucket but not the objects', () => {
    expect(https(enforce({ Resource: `${B}/*` }))).toMatchObject({ status: 'FAIL', reason: expect.stringContaining(`the bucket itself (${B})`) })
    expect(https(enforce({ Resource: B }))).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('every object') })
  })

  it('FAIL: NotPrincipal exempts principals from the Deny', () => {
    const { Principal: _p, ...rest } = enforce()
    const v = https({ ...rest, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/legacy' } })
    expect(v).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/NotPrincipal, which exempts AWS: arn:aws:iam::111122223333:role\/legacy/) })
  })

  it('FAIL: a Deny for some principals only', () => {
    expect(https(enforce({ Principal: { AWS: 'arn:aws:iam::111122223333:root' } }))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringMatching(/applies only to AWS: arn:aws:iam::111122223333:root/)
    })
  })

  it('FAIL: NotAction that exempts S3 actions', () => {
    const { Action: _a, ...rest } = enforce()
    expect(https({ ...rest, NotAction: 's3:GetObject' })).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/NotAction exempts s3:GetObject/) })
  })

  it('FAIL: NotResource that carves out objects', () => {
    const { Resource: _r, ...rest } = enforce()
    expect(https({ ...rest, NotResource: `${B}/public/*` }).status).toBe('FAIL')
  })

  it('FAIL: an extra condition narrows the Deny to some requests', () => {
    const v = https(enforce({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, StringEquals: { 'aws:SourceVpce': 'vpce-1' } } }))
    expect(v).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/also requires StringEquals aws:SourceVpce/) })
  })

  it('FAIL: a Deny with a TLS-version condition alone does not refuse HTTP', () => {
    const v = https(enforce({ Sid: 'TlsFloor', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } }))
    expect(v).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/TLS-version floor \(s3:TlsVersion\), which plain-HTTP requests do not carry/) })
  })

  it('PASS: the TLS floor combined with the SecureTransport Deny, as two statements or one with IfExists', () => {
    expect(https(enforce(), enforce({ Sid: 'TlsFloor', Condition: { NumericLessThan: { 's3:TlsVersion': '1.2' } } })).status).toBe('PASS')
    const oneStatement = enforce({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, NumericLessThanIfExists: { 's3:TlsVersion': '1.2' } } })
    expect(https(oneStatement).status).toBe('PASS')
  })

  it('FAIL: the TLS floor ANDed into the same statement without IfExists never matches an HTTP request', () => {
    const v = https(enforce({ Condition: { Bool: { 'aws:SecureTransport': 'false' }, NumericLessThan: { 's3:TlsVersion': '1.2' } } }))
    expect(v).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/NumericLessThan s3:TlsVersion/) })
  })

  it('FAIL: an Allow or a Deny with SecureTransport "true" is not enforcement', () => {
    expect(https(enforce({ Effect: 'Allow' })).status).toBe('FAIL')
    expect(https(enforce({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } })).status).toBe('FAIL')
    expect(https(enforce({ Condition: { 'ForAnyValue:Bool': { 'aws:SecureTransport': 'false' } } })).status).toBe('FAIL')
  })

  it('FAIL: a policy about something else entirely', () => {
    expect(https({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111122223333:root' }, Action: 's3:*', Resource: B })).toMatchObject({
      status: 'FAIL',
      reason: expect.stringMatching(/no Deny statement for aws:SecureTransport = false/)
    })
  })
})

describe('public bucket policies (S3 "The meaning of public")', () => {
  const allow = (over: Record<string, unknown> = {}) => ({ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${B}/*`, ...over })
  const isPublic = (...s: unknown[]) => publicGrants(policy(...s)).length > 0

  it('an Allow to everyone with no condition is public, in every spelling', () => {
    expect(isPublic(allow())).toBe(true)
    expect(isPublic(allow({ Principal: { AWS: '*' } }))).toBe(true)
    expect(isPublic(allow({ Principal: { AWS: ['arn:aws:iam::111122223333:root', '*'] } }))).toBe(true)
    expect(isPublic(allow({ Principal: { AWS: 'arn:aws:iam::*:root' } }))).toBe(true)
    const { Principal: _p, ...rest } = allow()
    expect(isPublic({ ...rest, NotPrincipal: { AWS: 'arn:aws:iam::111122223333:root' } })).toBe(true)
  })

  it("S3's own examples: a web-identity Federated principal and a wildcard SourceVpc are public", () => {
    expect(isPublic(allow({ Principal: { Federated: 'graph.facebook.com' }, Resource: '*', Action: 's3:PutObject' }))).toBe(true)
    expect(isPublic(allow({ Condition: { StringLike: { 'aws:SourceVpc': 'vpc-*' } } }))).toBe(true)
    expect(isPublic(allow({ Condition: { StringEquals: { 'aws:SourceVpc': 'vpc-91237329' } } }))).toBe(false)
  })

  it('fixed principals are not public; a SAML provider ARN is one provider of one account', () => {
    expect(isPublic(allow({ Principal: { AWS: 'arn:aws:iam::444455556666:role/reader' } }))).toBe(false)
    expect(isPublic(allow({ Principal: { Service: 'cloudtrail.amazonaws.com' } }))).toBe(false)
    expect(isPublic(allow({ Principal: { Federated: 'arn:aws:iam::111122223333:saml-provider/corp' } }))).toBe(false)
  })

  it('Deny statements grant nothing', () => {
    expect(isPublic({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' })).toBe(false)
  })

  it('conditions that pin the caller to fixed values make it non-public', () => {
    for (const [op, key, value] of [
      ['StringEquals', 'aws:PrincipalOrgID', 'o-a1b2c3d4e5'],
      ['StringEquals', 'aws:PrincipalAccount', '111122223333'],
      ['StringEquals', 'aws:SourceAccount', '111122223333'],
      ['ArnEquals', 'aws:SourceArn', 'arn:aws:cloudfront::111122223333:distribution/E2ABC'],
      ['StringEquals', 'aws:SourceVpce', 'vpce-0a1b2c3d'],
      ['StringEquals', 'aws:SourceOwner', '111122223333'],
      ['IpAddress', 'aws:SourceIp', '203.0.113.0/24'],
      ['IpAddress', 'aws:SourceIp', '10.0.0.0/8'],
      ['IpAddress', 'aws:SourceIp', '2001:db8::/32'],
      ['StringLike', 'aws:userid', 'AROAEXAMPLEID1234:*'],
      ['StringLike', 's3:DataAccessPointArn', 'arn:aws:s3:us-west-2:111122223333:accesspoint/*'],
      ['StringEquals', 's3:DataAccessPointAccount', '111122223333']
    ]) {
      expect({ key, public: isPublic(allow({ Condition: { [op]: { [key]: value } } })) }).toEqual({ key, public: false })
    }
  })

  it('conditions that do not limit the caller leave it public', () => {
    for (const cond of [
      { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } }, // everyone except
      { StringEqualsIfExists: { 'aws:SourceVpc': 'vpc-1' } }, // absent key → true: the internet gets in
      { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } },
      { IpAddress: { 'aws:SourceIp': '0.0.0.0/1' } }, // "very broad IP ranges … are evaluated as public"
      { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24', '0.0.0.0/7'] } }, // one broad value is enough
      { IpAddress: { 'aws:SourceIp': '2001:db8::/31' } }, // broader than /32 for IPv6
      { StringEquals: { 'aws:PrincipalOrgID': '${aws:PrincipalTag/org}' } }, // a policy variable is not fixed
      { StringLike: { 'aws:userid': 'AIDA*' } },
      { StringLike: { 's3:DataAccessPointArn': 'arn:aws:s3:us-west-2:*:accesspoint/*' } },
      { StringEquals: { 's3:prefix': 'home/' } }, // not about the caller
      { Bool: { 'aws:SecureTransport': 'true' } },
      { Null: { 'aws:SourceVpc': 'false' } },
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-1' } } // true when the key is absent
    ]) {
      expect({ cond, public: isPublic(allow({ Condition: cond })) }).toEqual({ cond, public: true })
    }
  })

  it('names the statement and why it is public', () => {
    const g = publicGrants(policy(allow({ Sid: 'Web' }), allow({ Principal: { AWS: 'arn:aws:iam::444455556666:root' } })))
    expect(g).toEqual([{ statement: 'statement 1 (Sid "Web")', why: 'statement 1 (Sid "Web") allows s3:GetObject to Principal "*" with no condition', index: 0, sid: 'Web' }])
  })

  it('limitsCaller refuses an IP key under a string operator and a string key under IpAddress', () => {
    const [s] = policy(allow({ Condition: { StringEquals: { 'aws:SourceIp': '203.0.113.1/32' }, IpAddress: { 'aws:SourceVpc': 'vpc-1' } } }))
    expect(s.conditions.map(limitsCaller)).toEqual([false, false])
  })
})

describe('request evaluation (SCP and RCP Deny statements)', () => {
  const scp = (...Statement: unknown[]): PolicyStatement[] => {
    const p = parsePolicy(JSON.stringify({ Version: '2012-10-17', Statement }), { requirePrincipal: false })
    if (!p.ok) throw new Error(p.error)
    return p.statements
  }
  const req = (action: string, resource: string, context: PolicyRequest['context'] = {}): PolicyRequest => ({ action, resource, context })
  const denied = (s: PolicyStatement[], r: PolicyRequest) => denyingStatement(s, r)?.sid ?? null

  it('parses an SCP only when asked not to require a Principal', () => {
    expect(parsePolicy(JSON.stringify({ Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] })).ok).toBe(false)
    expect(scp({ Effect: 'Deny', Action: '*', Resource: '*' })).toHaveLength(1)
  })

  it('negated operators hold when the key is absent; IfExists and positive operators follow AWS', () => {
    const s = scp({ Sid: 'A', Effect: 'Deny', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } } })
    expect(denied(s, req('ec2:RunInstances', 'arn:aws:ec2:us-east-1:1:instance/i-1', { 'ec2:MetadataHttpTokens': 'required' }))).toBeNull()
    expect(denied(s, req('ec2:runinstances', 'x', { 'EC2:MetadataHttpTokens': 'optional' }))).toBe('A')
    expect(denied(s, req('ec2:RunInstances', 'x'))).toBe('A')
    const ifExists = scp({ Sid: 'B', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-1' } } })
    expect(denied(ifExists, req('s3:GetObject', 'x'))).toBe('B')
    expect(
      denied(scp({ Sid: 'C', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-1' } } }), req('s3:GetObject', 'x'))
    ).toBeNull()
    const pos = scp({ Sid: 'D', Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: { BoolIfExists: { 'aws:SecureTransport': 'false' } } })
    expect(denied(pos, req('s3:PutObject', 'x', { 'aws:SecureTransport': 'true' }))).toBeNull()
    expect(denied(pos, req('s3:PutObject', 'x', { 'aws:SecureTransport': 'false' }))).toBe('D')
    expect(denied(pos, req('s3:PutObject', 'x'))).toBe('D')
  })

  it('ANDs condition entries, ORs values; NotResource and ArnNotLike carve out', () => {
    const s = scp({
      Sid: 'E',
      Effect: 'Deny',
      Action: ['ec2:DisableEbsEncryptionByDefault'],
      NotResource: ['arn:aws:ec2:*:*:volume/keep'],
      Condition: { StringEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] }, ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/break-glass' } }
    })
    const r = (region: string, who: string, resource = '*') => req('ec2:DisableEbsEncryptionByDefault', resource, { 'aws:RequestedRegion': region, 'aws:PrincipalArn': who })
    expect(denied(s, r('us-east-1', 'arn:aws:iam::111122223333:role/ops'))).toBe('E')
    expect(denied(s, r('ap-southeast-2', 'arn:aws:iam::111122223333:role/ops'))).toBeNull()
    expect(denied(s, r('us-east-1', 'arn:aws:iam::111122223333:role/break-glass'))).toBeNull()
    expect(denied(s, r('us-east-1', 'arn:aws:iam::111122223333:role/ops', 'arn:aws:ec2:us-east-1:1:volume/keep'))).toBeNull()
    const num = scp({ Sid: 'F', Effect: 'Deny', Action: '*', Resource: '*', Condition: { NumericLessThan: { 'ec2:RoleDelivery': '2.0' } } })
    expect(denied(num, req('s3:GetObject', 'x', { 'ec2:RoleDelivery': '1.0' }))).toBe('F')
    expect(denied(num, req('s3:GetObject', 'x', { 'ec2:RoleDelivery': '2.0' }))).toBeNull()
    expect(denied(num, req('s3:GetObject', 'x'))).toBeNull()
  })
})
