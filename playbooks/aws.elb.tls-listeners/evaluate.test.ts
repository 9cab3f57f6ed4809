import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { tlsListenersVerdict } from './evaluate'

const A = '111122223333'
const FILE = `aws/${A}/inventory/load-balancers.json`
const arn = (name: string) => `arn:aws:elasticloadbalancing:eu-west-1:${A}:loadbalancer/${name}`
const listener = (Protocol: string, LoadBalancerPort: number, cert?: string) => ({
  Listener: { Protocol, LoadBalancerPort, InstanceProtocol: 'HTTP', InstancePort: 8080, ...(cert ? { SSLCertificateId: cert } : {}) },
  PolicyNames: []
})
const lb = (LoadBalancerName: string, ListenerDescriptions?: unknown[]) => ({
  LoadBalancerName,
  AvailabilityZones: ['eu-west-1a'],
  ...(ListenerDescriptions ? { ListenerDescriptions } : {})
})

describe('aws.elb.tls-listeners evaluator', () => {
  it('FAIL when a listener is HTTP or TCP, PASS when every one is HTTPS or SSL, UNKNOWN when the listeners were not collected', () => {
    expect(tlsListenersVerdict(lb('web', [listener('HTTP', 80), listener('HTTPS', 443, 'arn:cert')]) as never)).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('HTTP:80')
    })
    expect(tlsListenersVerdict(lb('mqtt', [listener('TCP', 1883)]) as never)).toMatchObject({ status: 'FAIL', reason: expect.stringContaining('TCP:1883') })
    expect(tlsListenersVerdict(lb('tls', [listener('HTTPS', 443, 'arn:cert'), listener('SSL', 8883, 'arn:cert')]) as never)).toMatchObject({ status: 'PASS' })
    expect(tlsListenersVerdict(lb('none') as never)).toMatchObject({ status: 'UNKNOWN' })
  })

  it('over a bundle: the Classic Load Balancers of "LoadBalancerDescriptions" named by the ARN their name, Region and account give, a bad one UNKNOWN, and an account-level UNKNOWN without them', async () => {
    const doc = {
      LoadBalancerDescriptions: [lb('web', [listener('HTTP', 80)]), lb('tls', [listener('HTTPS', 443, 'arn:cert')]), { LoadBalancerName: 'bad', ListenerDescriptions: 'x' }]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc }, manifest: { scopes: [{ provider: 'aws', account: A, regions: ['eu-west-1'] }] } }), {
      controls: ['aws.elb.tls-listeners']
    })
    expect(findEvaluation(r, 'aws.elb.tls-listeners', arn('web'))).toMatchObject({ status: 'FAIL', region: 'eu-west-1', evidence: [`${FILE}#/LoadBalancerDescriptions/0`] })
    expect(findEvaluation(r, 'aws.elb.tls-listeners', arn('tls'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.elb.tls-listeners', arn('bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('ListenerDescriptions') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: { LoadBalancers: [] } } }), { controls: ['aws.elb.tls-listeners'] })
    expect(none.evaluations).toEqual([expect.objectContaining({ control: 'aws.elb.tls-listeners', resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})
