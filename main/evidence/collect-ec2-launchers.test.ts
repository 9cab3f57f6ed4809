// `evidence collect --provider aws`: Auto Scaling groups, their launch configurations and launch
// template versions through aws-sdk-client-mock (two Regions, a paged listing, refusals), written by
// the real collector and read back by the real readers (main/semantics/inventory-ec2-launchers.ts).
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling'
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2'
import { mockClient } from 'aws-sdk-client-mock'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { parseAutoScalingGroups, parseLaunchConfigurations, parseLaunchTemplateVersions, templateVersion } from '../semantics/inventory-ec2-launchers'
import { BundleWriter } from './bundle-writer'
import { awsClients } from './clients'
import type { GapInput, ServiceContext } from './collect-aws-services'
import { ec2Launchers } from './collect-ec2-launchers'
import { READ_ONLY_OPERATIONS } from './guard'

const ACCOUNT = '111122223333'
const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name })
const regionOf = async (getClient: () => unknown): Promise<string> => (getClient() as { config: { region(): Promise<string> } }).config.region()
const as = mockClient(AutoScalingClient)
const ec2 = mockClient(EC2Client)

function context(dir: string, regions: string[]): { x: ServiceContext; gaps: GapInput[] } {
  const gaps: GapInput[] = []
  const x: ServiceContext = {
    w: new BundleWriter(dir),
    clients: awsClients({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 }),
    regions,
    base: `aws/${ACCOUNT}`,
    account: ACCOUNT,
    from: new Date('2026-10-01T00:00:00Z'),
    to: new Date('2026-11-01T00:00:00Z'),
    gap: (g) => void gaps.push(g),
    progress: () => undefined,
    sleep: async () => undefined,
    reportPolls: 1,
    maxScanLookups: 0
  }
  return { x, gaps }
}

const nic = (publicIp?: boolean) => ({ DeviceIndex: 0, ...(publicIp === undefined ? {} : { AssociatePublicIpAddress: publicIp }), Groups: ['sg-1'] })

describe('evidence collect (AWS): Auto Scaling groups and what they launch with (mocked SDK)', () => {
  const root = mkdtempSync(join(tmpdir(), 'lm-collect-launchers-'))
  afterEach(() => {
    as.reset()
    ec2.reset()
  })
  afterAll(() => {
    as.restore()
    ec2.restore()
  })

  it('pages the groups, reads only the configurations and template versions they name (without UserData), and records every refusal as a gap', async () => {
    as.on(DescribeAutoScalingGroupsCommand).callsFake(async (input: { NextToken?: string }, getClient) => {
      if ((await regionOf(getClient)) === 'eu-west-1') throw awsError('AccessDenied', 'not authorized to perform autoscaling:DescribeAutoScalingGroups')
      if (input.NextToken === 'p2')
        return {
          AutoScalingGroups: [
            {
              AutoScalingGroupName: 'eks-workers-1a2b',
              VPCZoneIdentifier: 'subnet-public',
              MixedInstancesPolicy: {
                LaunchTemplate: {
                  LaunchTemplateSpecification: { LaunchTemplateName: 'eks-workers', Version: '$Default' },
                  Overrides: [{ InstanceType: 'm5.large', LaunchTemplateSpecification: { LaunchTemplateId: 'lt-gone', Version: '3' } }]
                }
              },
              MinSize: 2,
              MaxSize: 6,
              DesiredCapacity: 2,
              Tags: [{ Key: 'eks:nodegroup-name', Value: 'workers' }]
            },
            { AutoScalingGroupName: 'legacy', VPCZoneIdentifier: 'subnet-public', LaunchConfigurationName: 'legacy-lc', MinSize: 0, MaxSize: 0 }
          ]
        }
      return {
        AutoScalingGroups: [
          {
            AutoScalingGroupName: 'web',
            AutoScalingGroupARN: `arn:aws:autoscaling:us-east-1:${ACCOUNT}:autoScalingGroup:1234:autoScalingGroupName/web`,
            VPCZoneIdentifier: 'subnet-public,subnet-other',
            LaunchTemplate: { LaunchTemplateId: 'lt-web', Version: '$Latest' },
            MinSize: 1,
            MaxSize: 4,
            DesiredCapacity: 2,
            Instances: [{ InstanceId: 'i-1' }, { InstanceId: 'i-2' }]
          }
        ],
        NextToken: 'p2'
      }
    })
    as.on(DescribeLaunchConfigurationsCommand).resolves({
      LaunchConfigurations: [
        {
          LaunchConfigurationName: 'legacy-lc',
          ImageId: 'ami-1',
          InstanceType: 't3.micro',
          AssociatePublicIpAddress: true,
          SecurityGroups: ['sg-legacy'],
          UserData: 'c2VjcmV0',
          CreatedTime: new Date()
        }
      ]
    })
    ec2.on(DescribeLaunchTemplateVersionsCommand).callsFake(async (input: { LaunchTemplateId?: string; LaunchTemplateName?: string; Versions?: string[] }) => {
      if (input.LaunchTemplateId === 'lt-gone') throw awsError('InvalidLaunchTemplateId.NotFound', 'The specified launch template, with template ID lt-gone, does not exist.')
      if (input.LaunchTemplateId === 'lt-web') {
        expect(input.Versions).toEqual(['$Latest'])
        return {
          LaunchTemplateVersions: [
            {
              LaunchTemplateId: 'lt-web',
              LaunchTemplateName: 'web',
              VersionNumber: 7,
              DefaultVersion: false,
              LaunchTemplateData: { NetworkInterfaces: [nic()], UserData: 'c2VjcmV0' }
            }
          ]
        }
      }
      expect(input).toMatchObject({ LaunchTemplateName: 'eks-workers', Versions: ['$Default'] })
      return {
        LaunchTemplateVersions: [
          { LaunchTemplateId: 'lt-eks', LaunchTemplateName: 'eks-workers', VersionNumber: 1, DefaultVersion: true, LaunchTemplateData: { NetworkInterfaces: [nic(false)] } }
        ]
      }
    })

    const dir = join(root, 'b')
    const { x, gaps } = context(dir, ['us-east-1', 'eu-west-1'])
    await ec2Launchers(x)
    const read = (f: string): unknown => JSON.parse(readFileSync(join(dir, `aws/${ACCOUNT}/inventory/${f}`), 'utf8'))
    for (const f of ['launch-configurations.json', 'launch-template-versions.json']) expect(JSON.stringify(read(f))).not.toContain('UserData')

    const groups = parseAutoScalingGroups(read('auto-scaling-groups.json'), 'auto-scaling-groups.json', ACCOUNT, null)
    expect(groups.map((g) => [g.name, g.region, g.subnets, g.launchTemplates, g.launchConfiguration, g.maxSize, g.instances, g.nodegroup])).toEqual([
      ['web', 'us-east-1', ['subnet-public', 'subnet-other'], [{ id: 'lt-web', name: null, version: '$Latest' }], null, 4, 2, null],
      [
        'eks-workers-1a2b',
        'us-east-1',
        ['subnet-public'],
        [
          { id: null, name: 'eks-workers', version: '$Default' },
          { id: 'lt-gone', name: null, version: '3' }
        ],
        null,
        6,
        0,
        'workers'
      ],
      ['legacy', 'us-east-1', ['subnet-public'], [], 'legacy-lc', 0, 0, null]
    ])
    expect(parseLaunchConfigurations(read('launch-configurations.json'), 'f', ACCOUNT, null)).toEqual([
      { account: ACCOUNT, region: 'us-east-1', name: 'legacy-lc', associatePublicIp: true, securityGroups: ['sg-legacy'] }
    ])
    const templates = parseLaunchTemplateVersions(read('launch-template-versions.json'), 'f', ACCOUNT, null)
    expect(templates.map((t) => [t.id, t.name, templateVersion(t, '$Latest')?.associatePublicIp, templateVersion(t, '$Default')?.number ?? null])).toEqual([
      ['lt-web', 'web', null, null],
      ['lt-eks', 'eks-workers', false, 1]
    ])
    expect(templates.map((t) => t.versions.map((v) => v.interfaceGroups))).toEqual([[[['sg-1']]], [[['sg-1']]]])

    // the refused Region and the template that is gone: gaps naming the operation, the Region, the template
    expect(gaps.map((g) => [g.operation, g.region, g.resource ?? null])).toEqual([
      ['DescribeLaunchTemplateVersions', 'us-east-1', 'lt-gone'],
      ['DescribeAutoScalingGroups', 'eu-west-1', null]
    ])
    // exactly the allow-listed reads
    const sent = (m: { calls(): Array<{ args: unknown[] }> }) => [...new Set(m.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')))].sort()
    expect(sent(as)).toEqual([...READ_ONLY_OPERATIONS.AutoScalingClient].sort())
    expect(sent(ec2).every((op) => READ_ONLY_OPERATIONS.EC2Client.has(op))).toBe(true)
  })

  it('writes nothing when no Region’s groups can be listed: unknown, never "no launcher"', async () => {
    as.on(DescribeAutoScalingGroupsCommand).rejects(awsError('AccessDenied', 'denied'))
    const dir = join(root, 'none')
    const { x, gaps } = context(dir, ['us-east-1'])
    await ec2Launchers(x)
    expect(existsSync(join(dir, `aws/${ACCOUNT}/inventory/auto-scaling-groups.json`))).toBe(false)
    expect(gaps).toMatchObject([{ source: 'aws.inventory', operation: 'DescribeAutoScalingGroups', region: 'us-east-1' }])
  })
})

describe('what a launch template puts its instances in', () => {
  const version = (n: number, data: object) => ({ LaunchTemplateId: 'lt-1', VersionNumber: n, DefaultVersion: n === 1, LaunchTemplateData: data, Region: 'us-east-1' })
  it('reads one list of groups per new interface; an interface naming none is in the default group', () => {
    const [t] = parseLaunchTemplateVersions(
      {
        LaunchTemplateVersions: [
          // instance-level groups, by id and by name (a default VPC)
          version(1, { SecurityGroupIds: ['sg-a', 'sg-b'], SecurityGroups: ['web'] }),
          // no group anywhere: the instance gets the VPC's default group
          version(2, { InstanceType: 't3.micro' }),
          // per interface: the primary names its group, the secondary none; an existing interface attached is no new one
          version(3, {
            NetworkInterfaces: [{ DeviceIndex: 0, Groups: ['sg-a'] }, { DeviceIndex: 1 }, { DeviceIndex: 2, NetworkInterfaceId: 'eni-0123' }]
          })
        ]
      },
      'launch-template-versions.json',
      '111122223333',
      null
    )
    expect(t.versions.map((v) => [v.number, v.interfaceGroups])).toEqual([
      [1, [['sg-a', 'sg-b', 'web']]],
      [2, [[]]],
      [3, [['sg-a'], []]]
    ])
  })
})
