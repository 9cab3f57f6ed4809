import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { httpRedirectVerdict } from './evaluate'

const A = '111122223333'
const FILE = `aws/${A}/inventory/load-balancers.json`
const arn = (name: string, kind = 'app') => `arn:aws:elasticloadbalancing:eu-west-1:${A}:loadbalancer/${kind}/${name}/50dc6c495c0c9188`
const forward = { Type: 'forward', TargetGroupArn: `arn:aws:elasticloadbalancing:eu-west-1:${A}:targetgroup/web/73e2d6bc24d8a067` }
const redirect = { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }
const listener = (port: number, protocol: string, actions: unknown[], rules?: unknown[]) => ({
  ListenerArn: `listener-${port}`,
  Port: port,
  Protocol: protocol,
  DefaultActions: actions,
  ...(rules ? { Rules: [...rules, { Priority: 'default', IsDefault: true, Actions: actions }] } : {})
})

describe('aws.elbv2.http-redirect evaluator', () => {
  it('FAIL when an HTTP listener forwards (by default or through a rule), PASS when every HTTP listener redirects to HTTPS, UNKNOWN when listeners or rules were not collected', () => {
    const v = (Listeners: unknown[] | undefined) => httpRedirectVerdict({ LoadBalancerName: 'web', Type: 'application', Listeners: Listeners as never })
    expect(v([listener(80, 'HTTP', [forward], []), listener(443, 'HTTPS', [forward], [])])).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('HTTP:80 forwards to web')
    })
    expect(v([listener(80, 'HTTP', [redirect], [{ Priority: '5', Actions: [forward] }])])).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('rule') })
    expect(v([listener(80, 'HTTP', [redirect], []), listener(443, 'HTTPS', [forward], [])])).toMatchObject({ status: 'PASS' })
    // a redirect to HTTP is no fix
    expect(v([listener(80, 'HTTP', [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTP', Port: '8080' } }], [])])).toMatchObject({ status: 'FAIL' })
    expect(v([listener(443, 'HTTPS', [forward], [])])).toMatchObject({ status: 'PASS' })
    expect(v([listener(80, 'HTTP', [redirect])])).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('DescribeRules') })
    expect(v(undefined)).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('DescribeListeners') })
  })

  it('over a bundle: one row per Application Load Balancer (a Network Load Balancer is not judged), a bad element UNKNOWN in its place, and an account-level UNKNOWN without the file or its "LoadBalancers"', async () => {
    const doc = {
      LoadBalancers: [
        { LoadBalancerArn: arn('web'), LoadBalancerName: 'web', Type: 'application', Listeners: [listener(80, 'HTTP', [forward], [])] },
        { LoadBalancerArn: arn('docs'), LoadBalancerName: 'docs', Type: 'application', Listeners: [listener(80, 'HTTP', [redirect], [])] },
        { LoadBalancerArn: arn('edge', 'net'), LoadBalancerName: 'edge', Type: 'network', Listeners: [listener(80, 'TCP', [forward], [])] },
        { LoadBalancerArn: arn('bad'), LoadBalancerName: 'bad', Type: 'application', Listeners: [{ Port: '80' }] }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.elbv2.http-redirect'] })
    expect(findEvaluation(r, 'aws.elbv2.http-redirect', arn('web'))).toMatchObject({ status: 'FAIL', region: 'eu-west-1', evidence: [`${FILE}#/LoadBalancers/0/Listeners`] })
    expect(findEvaluation(r, 'aws.elbv2.http-redirect', arn('docs'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.elbv2.http-redirect', arn('bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('Listeners') })
    expect(r.evaluations.some((e) => e.resource === arn('edge', 'net'))).toBe(false)
    const bundles: Array<Record<string, object>> = [{ [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } }, { [FILE]: { LoadBalancerDescriptions: [] } }]
    for (const files of bundles) {
      const none = await evaluateBundle(writeBundle(tempDir(), { files }), { controls: ['aws.elbv2.http-redirect'] })
      expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.elbv2.http-redirect', resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
    }
  })
})
