import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { isLastmileError } from '../errors'
import { defaultControlsPath, loadControls, parseControls } from '../controls/catalogue'
import { canonicalResource, toolTypeName } from './resource-id'
import type { ResourceDraft } from './types'

function r(d: Partial<ResourceDraft>): ReturnType<typeof canonicalResource> {
  return canonicalResource({ id: null, type: null, name: null, provider: null, account: null, region: null, ...d })
}

describe('canonical resource ids', () => {
  it('keeps an ARN and reads its type, account and region', () => {
    const x = r({ id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0', provider: 'aws' })
    expect(x).toMatchObject({
      id: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-0123456789abcdef0',
      canonical: true,
      type: 'aws.ec2.security-group',
      account: '111122223333',
      region: 'eu-west-1'
    })
    expect(r({ id: 'arn:aws:s3:::logs', provider: 'aws', account: '1', region: 'us-east-1' })).toMatchObject({ type: 'aws.s3.bucket', region: 'us-east-1' })
    // SQS and SNS ARNs end with the bare name: the type is the service's one kind (an SNS subscription names its topic too)
    expect(r({ id: 'arn:aws:sqs:us-east-1:111122223333:jobs', provider: 'aws' })).toMatchObject({ type: 'aws.sqs.queue', name: 'jobs' })
    expect(r({ id: 'arn:aws:sns:us-east-1:111122223333:alerts', provider: 'aws' })).toMatchObject({ type: 'aws.sns.topic', name: 'alerts' })
    expect(r({ id: 'arn:aws:sns:us-east-1:111122223333:alerts:0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0', provider: 'aws' })).toMatchObject({ type: 'aws.sns.subscription' })
    // an EC2 ARN with the bare id (Inspector's ASFF sample): the prefix names the kind, the ARN is EC2's own <kind>/<id>
    expect(r({ id: 'arn:aws:ec2:us-east-1:111122223333:i-11111111111111111', type: 'AwsEc2Instance', provider: 'aws' })).toMatchObject({
      id: 'arn:aws:ec2:us-east-1:111122223333:instance/i-11111111111111111',
      type: 'aws.ec2.instance',
      name: 'i-11111111111111111'
    })
    expect(r({ id: 'arn:aws:ec2:us-east-1:111122223333:sg-0123456789abcdef0', provider: 'aws' })).toMatchObject({ type: 'aws.ec2.security-group' })
    // a kind EC2 ids do not name stays as the ARN says
    expect(r({ id: 'arn:aws:ec2:us-east-1:111122223333:launch-template/lt-0123456789abcdef0', provider: 'aws' })).toMatchObject({ type: 'aws.ec2.launch-template' })
  })

  it('builds the ARN from a name only where name, account and region determine it', () => {
    expect(r({ id: 'analytics-staging', type: 'AwsS3Bucket', provider: 'aws', account: '555566667777', region: 'eu-west-1' }).id).toBe('arn:aws:s3:::analytics-staging')
    expect(r({ id: 'i-0aa11bb22cc33dd44', type: 'AwsEc2Instance', provider: 'aws', account: '555566667777', region: 'eu-west-1' }).id).toBe(
      'arn:aws:ec2:eu-west-1:555566667777:instance/i-0aa11bb22cc33dd44'
    )
    // no region: an instance id alone cannot be placed, so it is kept as given
    const noRegion = r({ id: 'i-0aa11bb22cc33dd44', type: 'AwsEc2Instance', provider: 'aws', account: '555566667777' })
    expect(noRegion).toMatchObject({ id: 'i-0aa11bb22cc33dd44', canonical: false })
    // an EKS cluster's ARN is its name in the account and Region
    expect(r({ id: 'prod-eksc', type: 'AwsEksCluster', provider: 'aws', account: '555566667777', region: 'eu-central-1' })).toMatchObject({
      id: 'arn:aws:eks:eu-central-1:555566667777:cluster/prod-eksc',
      type: 'aws.eks.cluster',
      canonical: true
    })
    // a tool that names the kind but no resource: an unnamed resource of that kind, apart from other kinds in the same place
    const user = r({ type: 'AwsIamUser', provider: 'aws', account: '555566667777', region: 'us-east-1' })
    const sg = r({ type: 'AwsEc2SecurityGroup', provider: 'aws', account: '555566667777', region: 'us-east-1' })
    expect(user).toMatchObject({ id: '(no resource given)', type: 'aws.iam.user', canonical: false })
    expect(sg).toMatchObject({ id: '(no resource given)', type: 'aws.ec2.security-group', canonical: false })
    expect(user.key).not.toBe(sg.key)
    expect(r({ provider: 'aws', account: '555566667777', region: 'us-east-1' })).toMatchObject({ id: '(no resource given)', type: 'unknown' })
    // an IAM user's ARN holds a path the name does not give
    expect(r({ id: 'deploy-bot', type: 'AwsIamUser', provider: 'aws', account: '555566667777', region: 'us-east-1' })).toMatchObject({ id: 'deploy-bot', canonical: false })
  })

  it('types Elastic Load Balancing ARNs by generation, as the tools do (AwsElbv2LoadBalancer, AwsElbLoadBalancer), and builds a Classic one from its name', () => {
    const lb = 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:loadbalancer'
    expect(r({ id: `${lb}/app/shop-web/50dc6c495c0c9188`, type: 'AwsElbv2LoadBalancer', provider: 'aws' })).toMatchObject({
      type: 'aws.elbv2.load-balancer',
      name: 'shop-web',
      account: '111122223333',
      region: 'eu-west-1'
    })
    expect(r({ id: `${lb}/net/edge/1a2b3c4d5e6f7a8b`, provider: 'aws' })).toMatchObject({ type: 'aws.elbv2.load-balancer', name: 'edge' })
    expect(r({ id: `${lb}/legacy-web`, type: 'AwsElbLoadBalancer', provider: 'aws' })).toMatchObject({ type: 'aws.elb.load-balancer', name: 'legacy-web' })
    expect(r({ id: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:listener/app/shop-web/50dc6c495c0c9188/f2f7dc8efc522ab2', provider: 'aws' }).type).toBe(
      'aws.elbv2.listener'
    )
    expect(r({ id: 'arn:aws:elasticloadbalancing:eu-west-1:111122223333:targetgroup/web/73e2d6bc24d8a067', provider: 'aws' }).type).toBe('aws.elbv2.target-group')
    // Prowler 2 names a Classic Load Balancer: its ARN is its name in the account and Region
    expect(r({ id: 'legacy-web', type: 'AwsElbLoadBalancer', provider: 'aws', account: '111122223333', region: 'eu-west-1' })).toMatchObject({
      id: `${lb}/legacy-web`,
      type: 'aws.elb.load-balancer',
      canonical: true
    })
  })

  it('never merges a kept-as-given id across accounts or regions', () => {
    const a = r({ id: 'db-main', type: 'rds', provider: 'aws', account: '111111111111', region: 'us-east-1' })
    const b = r({ id: 'db-main', type: 'rds', provider: 'aws', account: '222222222222', region: 'us-east-1' })
    const c = r({ id: 'db-main', type: 'rds', provider: 'aws', account: '111111111111', region: 'eu-west-1' })
    expect(new Set([a.key, b.key, c.key]).size).toBe(3)
  })

  it('places account-wide settings in their region: Security Hub accounts and Prowler templates agree', () => {
    const sh = r({ id: 'AWS::::Account:111122223333', type: 'AwsAccount', provider: 'aws', account: '111122223333', region: 'us-east-1' })
    const prowler = r({ id: 'arn:aws:ec2:us-east-1:111122223333:volume', type: 'Other', provider: 'aws', account: '111122223333', region: 'us-east-1' })
    const other = r({ id: 'AWS::::Account:111122223333', type: 'AwsAccount', provider: 'aws', account: '111122223333', region: 'eu-west-1' })
    expect(sh.key).toBe('AWS::::Account:111122223333@us-east-1')
    expect(prowler.key).toBe(sh.key)
    expect(other.key).not.toBe(sh.key)
  })

  it('lower-cases Azure ids, which Azure compares case-insensitively', () => {
    const a = r({
      id: '/subscriptions/0B6E7B1C-2222-4444-8888-ABCDEF012345/resourceGroups/Payments-RG/providers/Microsoft.Storage/storageAccounts/PaymentsDiag',
      provider: 'azure'
    })
    const b = r({ id: '/subscriptions/0b6e7b1c-2222-4444-8888-abcdef012345/resourcegroups/payments-rg/providers/microsoft.storage/storageaccounts/paymentsdiag' })
    expect(a.key).toBe(b.key)
    expect(a).toMatchObject({ type: 'azure.storage.account', account: '0b6e7b1c-2222-4444-8888-abcdef012345', canonical: true })
    // a child resource's type names each level below its parent's; a blob container (Wiz reports them) is the catalogue's name for it
    const sub = '/subscriptions/0b6e7b1c-2222-4444-8888-abcdef012345/resourcegroups/payments-rg/providers'
    expect(r({ id: `${sub}/Microsoft.Storage/storageAccounts/PaymentsDiag/blobServices/default/containers/exports` }).type).toBe('azure.storage.blob-container')
    expect(r({ id: `${sub}/Microsoft.Storage/storageAccounts/PaymentsDiag/blobServices/default` }).type).toBe('azure.storage.account.blobservices')
    expect(r({ id: `${sub}/microsoft.sql/servers/db1/databases/orders` }).type).toBe('azure.sql.server.databases')
    // an extension resource is typed by its own provider (the last /providers/)
    expect(r({ id: `${sub}/microsoft.compute/virtualmachines/vm1/providers/microsoft.security/assessments/x1` }).type).toBe('azure.security.assessments')
    expect(r({ id: `${sub}/microsoft.compute/virtualmachines` }).type).toBe('azure.resource')
  })

  it('identifies container images by digest, and keeps a tag as given', () => {
    const digest = `sha256:${'ab'.repeat(32)}`
    const ecr = r({ id: `arn:aws:ecr:eu-central-1:123456789012:repository/repo-os/${digest}`, provider: 'aws' })
    expect(ecr).toMatchObject({ id: `123456789012.dkr.ecr.eu-central-1.amazonaws.com/repo-os@${digest}`, type: 'container.image', canonical: true })
    const trivy = r({ image: { repository: '123456789012.dkr.ecr.eu-central-1.amazonaws.com/repo-os', digest, reference: 'repo-os:1' } })
    expect(trivy.key).toBe(ecr.key)
    expect(r({ image: { repository: 'teamdojo', digest: null, reference: 'teamdojo:latest' } })).toMatchObject({
      id: 'teamdojo:latest',
      canonical: false,
      account: null,
      region: null
    })
  })

  it('places an ECR image in the account and Region its registry names, when the tool (Trivy) gives neither', () => {
    const digest = `sha256:${'cd'.repeat(32)}`
    const repository = '111122223333.dkr.ecr.ap-southeast-2.amazonaws.com/team/payments-api'
    expect(r({ image: { repository, digest, reference: `${repository}:2026.09.30` } })).toMatchObject({
      id: `${repository}@${digest}`,
      account: '111122223333',
      region: 'ap-southeast-2'
    })
    const tagOnly = r({ image: { repository, digest: null, reference: `${repository}:2026.09.30` } })
    expect(tagOnly).toMatchObject({ account: '111122223333', region: 'ap-southeast-2', canonical: false })
    expect(tagOnly.key).toBe(`given:container:::${repository}:2026.09.30`)
    expect(r({ image: { repository: '123456789012.dkr.ecr-fips.us-gov-west-1.amazonaws.com/x', digest, reference: 'x' } })).toMatchObject({
      account: '123456789012',
      region: 'us-gov-west-1'
    })
    expect(r({ image: { repository: 'ghcr.io/acme/payments', digest, reference: 'ghcr.io/acme/payments:1' } })).toMatchObject({ account: null, region: null })
  })

  it('identifies IaC results by file and Terraform address', () => {
    expect(r({ iac: { file: './infra/s3.tf', address: 'aws_s3_bucket.logs', line: 3 } })).toMatchObject({
      id: 'infra/s3.tf#aws_s3_bucket.logs',
      type: 'iac.aws_s3_bucket',
      canonical: true
    })
    expect(r({ iac: { file: 'file://infra/s3.tf', address: 'module.web.aws_instance.this', line: null } }).type).toBe('iac.aws_instance')
    expect(r({ iac: { file: 'infra/s3.tf', address: null, line: 12 } })).toMatchObject({ id: 'infra/s3.tf#L12', canonical: false })
  })

  it('reads the environment from tags', () => {
    expect(r({ id: 'arn:aws:s3:::x', tags: { Environment: 'Production' } }).environment).toBe('prod')
    expect(r({ id: 'arn:aws:s3:::x', tags: { stage: 'qa' } }).environment).toBe('test')
    expect(r({ id: 'arn:aws:s3:::x', tags: { Owner: 'me' } }).environment).toBeNull()
  })
})

describe('tool type names', () => {
  it('splits an ASFF type after its whole service name, as its ARN is typed', () => {
    // the catalogue's row for CloudFront.3 said aws.cloud.front-distribution while the findings' ARNs say aws.cloudfront.distribution
    expect(toolTypeName('aws', 'AwsCloudFrontDistribution')).toBe('aws.cloudfront.distribution')
    expect(r({ id: 'arn:aws:cloudfront::111122223333:distribution/E2ABCDEF123456', provider: 'aws' }).type).toBe('aws.cloudfront.distribution')
    expect(toolTypeName('aws', 'AwsCloudTrailTrail')).toBe('aws.cloudtrail.trail')
    expect(toolTypeName('aws', 'AwsGuardDutyDetector')).toBe('aws.guardduty.detector')
    expect(toolTypeName('aws', 'AwsIoTEventsAlarmModel')).toBe('aws.iotevents.alarm-model')
    expect(toolTypeName('aws', 'AwsApiGatewayV2Stage')).toBe('aws.apigatewayv2.stage')
    expect(toolTypeName('aws', 'AwsEc2SecurityGroup')).toBe('aws.ec2.security-group')
    expect(toolTypeName('aws', 'AwsRoute53HostedZone')).toBe('aws.route53.hosted-zone')
    expect(toolTypeName('aws', 'AwsAccount')).toBe('aws.account')
    // Prowler's spellings of Security Hub's types name the same type
    expect(toolTypeName('aws', 'AwsAmazonMQBroker')).toBe(toolTypeName('aws', 'AwsAmazonMqBroker'))
    expect(toolTypeName('aws', 'AwsAppSyncGraphQLApi')).toBe(toolTypeName('aws', 'AwsAppSyncGraphQlApi'))
    expect(toolTypeName('aws', 'AwsAcmPcaCertificateAuthority')).toBe(toolTypeName('aws', 'AwsAcmpcaCertificateAuthority'))
    expect(toolTypeName('aws', 'AwsElasticLoadBalancingV2LoadBalancer')).toBe('aws.elbv2.load-balancer')
  })

  it("gives every type of Security Hub's controls its CloudFormation type's service and resource", () => {
    // securityhub-controls.tsv pairs each ASFF type with the CloudFormation type it came from, where
    // the service and the resource are separated (AWS::CloudFront::Distribution): the ASFF name ends
    // with the resource, so what precedes it is the service, whatever its words
    const tsv = readFileSync(join(__dirname, '../../playbooks/catalogue/sources/securityhub-controls.tsv'), 'utf8').trim().split('\n')
    const head = tsv[0].split('\t')
    const [asffCol, cfnCol] = [head.indexOf('resource_types'), head.indexOf('config_resource_types')]
    const acronyms = (s: string): string =>
      s.replace(/[A-Z]{2,}/g, (run, at: number) =>
        /[a-z]/.test(s[at + run.length] ?? '') ? run[0] + run.slice(1, -1).toLowerCase() + run.slice(-1) : run[0] + run.slice(1).toLowerCase()
      )
    const words = (s: string): string =>
      acronyms(s)
        .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
        .toLowerCase()
    const checked = new Set<string>()
    for (const line of tsv.slice(1)) {
      const cols = line.split('\t')
      const asff = cols[asffCol].split(',').filter(Boolean)
      const cfn = cols[cfnCol].split(',').filter((t) => /^AWS::[A-Za-z0-9]+::[A-Za-z0-9]+$/.test(t))
      for (const a of asff) {
        const resource = cfn.map((t) => t.split('::')[2]).find((x) => a.toLowerCase().endsWith(acronyms(x).toLowerCase()) && a.length > 3 + x.length)
        if (!resource || checked.has(a)) continue
        checked.add(a)
        const service = a.slice(3, a.length - resource.length).toLowerCase()
        expect(toolTypeName('aws', a), a).toBe(`aws.${service === 'elasticloadbalancingv2' ? 'elbv2' : service}.${words(resource)}`)
      }
    }
    expect(checked.size).toBeGreaterThan(150)
  })
})

describe('control table (playbooks/controls.yaml)', () => {
  it('passes its own schema check and maps every playbook control', () => {
    const t = loadControls()
    expect(t.controls.map((c) => c.id)).toEqual(
      expect.arrayContaining([
        'aws.ec2.ebs-default-encryption',
        'aws.ec2.imdsv2',
        'aws.ec2.sg-open-admin-ports',
        'aws.iam.unused-access-key',
        'aws.s3.https-only',
        'aws.s3.public-access',
        'aws.s3.public-access-block',
        'azure.storage.secure-transfer',
        'container.image.vulnerable'
      ])
    )
    expect(t.resolve('securityhub', 'S3.5', 'check', 'aws.s3.bucket')).toBe('aws.s3.https-only')
    expect(t.resolve('prowler', 's3_bucket_secure_transport_policy', 'check', 'aws.s3.bucket')).toBe('aws.s3.https-only')
    expect(t.resolve('checkov', 'ckv_aws_79', 'misconfiguration', 'iac.aws_instance')).toBe('aws.ec2.imdsv2')
    expect(t.resolve('defender', '1c5de8e1-f68d-6a17-e0d2-ec259c42768c', 'check', 'azure.storage.account')).toBe('azure.storage.secure-transfer')
    expect(t.resolve('trivy', 'CVE-2024-2961', 'vulnerability', 'container.image')).toBe('container.image.vulnerable')
  })

  it('namespaces an unmapped rule by its tool', () => {
    const t = loadControls()
    expect(t.resolve('prowler', 'acme_check_not_yet_released', 'check', 'aws.other')).toBe('prowler.acme_check_not_yet_released')
    expect(t.resolve('checkov', 'CKV_ACME_1', 'misconfiguration', 'iac.acme_thing')).toBe('checkov.CKV_ACME_1')
    expect(t.isMapped('prowler.acme_check_not_yet_released')).toBe(false)
    // a vulnerability is taken by kind: every CVE on a host or a repository is one remediation unit
    expect(t.resolve('trivy', 'CVE-2021-33503', 'vulnerability', 'file')).toBe('software.package.vulnerable')
  })

  it('refuses a catalogue that maps one rule to two controls (a control folder against the table), with the file and line', () => {
    const table = readFileSync(defaultControlsPath(), 'utf8')
    const folder = (id: string) => join(dirname(defaultControlsPath()), id, 'playbook.yaml')
    const https = { path: 'aws.s3.https-only/playbook.yaml', text: readFileSync(folder('aws.s3.https-only'), 'utf8') }
    const text = readFileSync(folder('aws.ec2.imdsv2'), 'utf8').replace(
      'prowler: [ec2_instance_imdsv2_enabled]',
      'prowler: [ec2_instance_imdsv2_enabled, s3_bucket_secure_transport_policy]'
    )
    try {
      parseControls(table, 'controls.yaml', [https, { path: 'aws.ec2.imdsv2/playbook.yaml', text }])
      throw new Error('accepted')
    } catch (e) {
      expect(isLastmileError(e)).toBe(true)
      expect((e as Error).message).toMatch(
        /^aws\.ec2\.imdsv2\/playbook\.yaml: line \d+: prowler rule s3_bucket_secure_transport_policy is mapped to both aws\.s3\.https-only and aws\.ec2\.imdsv2/
      )
    }
  })

  it("takes each control folder's entry into the catalogue, and refuses a broken one with its file and line", () => {
    const t = loadControls()
    expect(t.title('aws.ec2.imdsv2')).toMatch(/IMDSv2/)
    const table = readFileSync(defaultControlsPath(), 'utf8')
    expect(() =>
      parseControls(table, 'controls.yaml', [
        { path: 'x/playbook.yaml', text: 'id: x\ncontrols:\n  - id: aws.x.y\n    title: T\n    effect: additive\n    rules:\n      snyk: [A]\n' }
      ])
    ).toThrow(/^x\/playbook\.yaml: line 7: control aws\.x\.y: unknown tool snyk/)
    // a control someone defines says what its fix does: no default stands in for a person's word
    expect(() =>
      parseControls(table, 'controls.yaml', [{ path: 'x/playbook.yaml', text: 'id: x\ncontrols:\n  - id: aws.x.y\n    title: T\n    rules:\n      prowler: [a]\n' }])
    ).toThrow(
      /^x\/playbook\.yaml: line 3: controls\.0\.effect: control aws\.x\.y does not say what its fix does to the running system: add effect: additive, restrictive or replacing/
    )
    expect(() =>
      parseControls(table, 'controls.yaml', [
        { path: 'x/playbook.yaml', text: 'id: x\ncontrols:\n  - id: aws.x.y\n    title: T\n    effect: harmless\n    rules:\n      prowler: [a]\n' }
      ])
    ).toThrow(/^x\/playbook\.yaml: line 5: controls\.0\.effect: /)
    expect(t.row('aws.ec2.imdsv2')).toMatchObject({ effect: 'restrictive', effectBy: 'declared by playbooks/aws.ec2.imdsv2/playbook.yaml' })
  })

  it("maps by match from a control folder's entry (container images, by kind and resource type), and refuses an unknown kind with its file and line", () => {
    const t = loadControls()
    expect(t.title('container.image.vulnerable')).toBe('Container images with known vulnerabilities')
    expect(t.resolve('grype', 'CVE-2024-3094', 'vulnerability', 'container.image')).toBe('container.image.vulnerable')
    expect(t.resolve('trivy', 'CVE-2024-3094', 'misconfiguration', 'container.image')).toBe('trivy.CVE-2024-3094')
    const table = readFileSync(defaultControlsPath(), 'utf8')
    const folder = readFileSync(join(dirname(defaultControlsPath()), 'container.image.vulnerable', 'playbook.yaml'), 'utf8')
    const text = folder.replace('- kind: vulnerability', '- kind: cve')
    expect(text).not.toBe(folder)
    expect(() => parseControls(table, 'controls.yaml', [{ path: 'container.image.vulnerable/playbook.yaml', text }])).toThrow(
      new RegExp(`^container\\.image\\.vulnerable/playbook\\.yaml: line ${text.split('\n').findIndex((l) => l.includes('- kind: cve')) + 1}: controls\\.0\\.match\\.0\\.kind: `)
    )
  })

  it('refuses unknown tools and malformed entries', () => {
    expect(() => parseControls('version: 1\ntools: [prowler]\ncontrols:\n  - id: aws.x.y\n    title: T\n    effect: additive\n    rules:\n      snyk: [A]\n', 'c.yaml')).toThrow(
      /c\.yaml: line 8: control aws\.x\.y: unknown tool snyk/
    )
    expect(() => parseControls('version: 1\ntools: [prowler]\ncontrols:\n  - id: Bad Id\n    title: T\n    effect: additive\n    rules: {prowler: [a]}\n', 'c.yaml')).toThrow(
      /c\.yaml: line 4: controls\.0\.id: a control id is lower-case/
    )
  })
})
