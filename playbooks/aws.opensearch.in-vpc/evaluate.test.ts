import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'

const A = '111122223333'
const FILE = `aws/${A}/inventory/opensearch-domains.json`
const C = 'aws.opensearch.in-vpc'
const arn = (name: string) => `arn:aws:es:eu-west-1:${A}:domain/${name}`

describe('aws.opensearch.in-vpc evaluator', () => {
  it('over a bundle: PASS for a domain with VPCOptions, FAIL for a public endpoint, UNKNOWN without the file', async () => {
    const doc = {
      DomainStatusList: [
        { DomainName: 'public', ARN: arn('public'), Endpoint: 'search-public.eu-west-1.es.amazonaws.com', AccessPolicies: '' },
        { DomainName: 'private', ARN: arn('private'), Endpoints: { vpc: 'vpc-private.eu-west-1.es.amazonaws.com' }, VPCOptions: { VPCId: 'vpc-0abc' } }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: [C] })
    expect(findEvaluation(r, C, arn('public'))).toMatchObject({ status: 'FAIL', region: 'eu-west-1', evidence: [`${FILE}#/DomainStatusList/0`] })
    expect(findEvaluation(r, C, arn('private'))).toMatchObject({
      status: 'PASS',
      reason: expect.stringContaining('vpc-0abc'),
      evidence: [`${FILE}#/DomainStatusList/1/VPCOptions`]
    })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/kms-keys.json`]: { Keys: [] } } }), { controls: [C] })
    expect(none.evaluations.filter((e) => e.control === C)).toEqual([expect.objectContaining({ status: 'UNKNOWN', reason: expect.stringContaining('opensearch-domains.json') })])
  })
})
