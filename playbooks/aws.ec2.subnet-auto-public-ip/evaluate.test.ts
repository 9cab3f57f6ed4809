import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { evaluateBundle, findEvaluation } from '../../main/evaluate'
import { writeBundle } from '../../main/semantics/bundle-builder.test-helper'
import { subnetVerdict } from './evaluate'

const A = '111122223333'
const FILE = `aws/${A}/inventory/subnets.json`
const arn = (id: string) => `arn:aws:ec2:us-east-1:${A}:subnet/${id}`

describe('aws.ec2.subnet-auto-public-ip evaluator', () => {
  it('FAIL when MapPublicIpOnLaunch is true, PASS when false, UNKNOWN when it was not collected', () => {
    expect(subnetVerdict({ MapPublicIpOnLaunch: true })).toMatchObject({ status: 'FAIL' })
    expect(subnetVerdict({ MapPublicIpOnLaunch: false })).toMatchObject({ status: 'PASS' })
    expect(subnetVerdict({})).toMatchObject({ status: 'UNKNOWN' })
  })

  it('over a bundle: one row per subnet named by its ARN (the Region from "Region" or its zone), a bad element UNKNOWN in its place, and an account-level UNKNOWN without the file', async () => {
    const doc = {
      Subnets: [
        { SubnetId: 'subnet-pub', Region: 'us-east-1', MapPublicIpOnLaunch: true },
        { SubnetId: 'subnet-priv', AvailabilityZone: 'us-east-1b', MapPublicIpOnLaunch: false },
        { SubnetId: 'subnet-bad', Region: 'us-east-1', MapPublicIpOnLaunch: 'yes' }
      ]
    }
    const r = await evaluateBundle(writeBundle(tempDir(), { files: { [FILE]: doc } }), { controls: ['aws.ec2.subnet-auto-public-ip'] })
    expect(findEvaluation(r, 'aws.ec2.subnet-auto-public-ip', arn('subnet-pub'))).toMatchObject({ status: 'FAIL', evidence: [`${FILE}#/Subnets/0`] })
    expect(findEvaluation(r, 'aws.ec2.subnet-auto-public-ip', arn('subnet-priv'))).toMatchObject({ status: 'PASS' })
    expect(findEvaluation(r, 'aws.ec2.subnet-auto-public-ip', arn('subnet-bad'))).toMatchObject({ status: 'UNKNOWN', reason: expect.stringContaining('MapPublicIpOnLaunch') })
    const none = await evaluateBundle(writeBundle(tempDir(), { files: { [`aws/${A}/inventory/s3-account.json`]: { publicAccessBlock: null } } }), {
      controls: ['aws.ec2.subnet-auto-public-ip']
    })
    expect(none.evaluations).toEqual([expect.objectContaining({ resource: `AWS::::Account:${A}`, status: 'UNKNOWN' })])
  })
})
