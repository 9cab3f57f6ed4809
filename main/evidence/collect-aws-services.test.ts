// `evidence collect --provider aws` beyond CloudTrail: every service answers through
// aws-sdk-client-mock (generic matchers registered first, TOOLCHAIN §2.6), two regions, several
// pages per listing, and failures in the middle. The bundle it writes is then read back by both
// readers — the evidence service (facts, links, coverage) and the control evaluators — which is
// what "the same format" means.
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs'
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribeLaunchConfigurationsCommand } from '@aws-sdk/client-auto-scaling'
import { CloudFrontClient, GetDistributionConfigCommand, ListDistributionsCommand } from '@aws-sdk/client-cloudfront'
import { CloudTrailClient, DescribeTrailsCommand, LookupEventsCommand } from '@aws-sdk/client-cloudtrail'
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch'
import {
  DescribeFlowLogsCommand,
  DescribeInstancesCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  GetEbsDefaultKmsKeyIdCommand,
  GetEbsEncryptionByDefaultCommand
} from '@aws-sdk/client-ec2'
import { DescribeImageScanFindingsCommand, DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr'
import { DescribeTasksCommand, ECSClient, ListClustersCommand as EcsListClusters, ListTasksCommand } from '@aws-sdk/client-ecs'
import { DescribeClusterCommand, EKSClient, ListClustersCommand as EksListClusters } from '@aws-sdk/client-eks'
import { DescribeDBInstancesCommand, RDSClient } from '@aws-sdk/client-rds'
import {
  DescribeListenersCommand,
  DescribeLoadBalancerAttributesCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client
} from '@aws-sdk/client-elastic-load-balancing-v2'
import {
  DescribeLoadBalancerAttributesCommand as DescribeClassicAttributesCommand,
  DescribeLoadBalancersCommand as DescribeClassicCommand,
  ElasticLoadBalancingClient
} from '@aws-sdk/client-elastic-load-balancing'
import { GenerateCredentialReportCommand, GetAccountAuthorizationDetailsCommand, GetCredentialReportCommand, IAMClient, ListVirtualMFADevicesCommand } from '@aws-sdk/client-iam'
import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetBucketVersioningCommand,
  GetBucketWebsiteCommand,
  GetPublicAccessBlockCommand,
  ListBucketsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  S3Client
} from '@aws-sdk/client-s3'
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient, ListKeysCommand } from '@aws-sdk/client-kms'
import { OpenSearchClient } from '@aws-sdk/client-opensearch'
import { GetPolicyCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda'
import { ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns'
import { ListQueuesCommand, SQSClient } from '@aws-sdk/client-sqs'
import { mockClient } from 'aws-sdk-client-mock'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gunzipSync, gzipSync } from 'node:zlib'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ACCOUNT } from '../../test/fixtures/evidence/bundle-builder'
import { createCaseDb } from '../db/case-db'
import { evaluateBundle, findEvaluation } from '../evaluate/evaluate'
import { loadBundle } from '../semantics/inventory'
import { policyHolders, rootVirtualDevices } from '../semantics/inventory-iam'
import { awsClients } from './clients'
import { collectAws } from './collect-aws'
import { READ_ONLY_OPERATIONS } from './guard'
import { addEvidenceBundle } from './service'
import { getCoverage } from '../case/coverage-query'
import { getFacts } from '../case/facts'

const NOW = new Date('2026-11-20T00:00:00Z')
const CF_LOG_KEY = 'site/E1.2026-11-19-10.a1b2c3d4.gz'
const CF_LOG =
  '#Version: 1.0\n#Fields: date time x-edge-location sc-bytes c-ip cs-method cs(Host) cs-uri-stem sc-status cs(Referer) cs(User-Agent) cs-protocol\n2026-11-19\t10:00:01\tFRA56-P1\t512\t198.51.100.2\tGET\td1.cloudfront.net\t/\t200\t-\tcurl/8.4.0\thttp\n'
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }
const D1 = `sha256:${'a1'.repeat(32)}`
const D2 = `sha256:${'b2'.repeat(32)}`
const D3 = `sha256:${'c3'.repeat(32)}`
const awsError = (name: string, message: string): Error => Object.assign(new Error(message), { name })
const regionOf = async (getClient: () => unknown): Promise<string> => (getClient() as { config: { region(): Promise<string> } }).config.region()

const REPORT = [
  'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service',
  `<root_account>,arn:aws:iam::${ACCOUNT}:root,2020-01-01T00:00:00+00:00,not_supported,2026-11-01T00:00:00+00:00,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A`,
  `deploy,arn:aws:iam::${ACCOUNT}:user/deploy,2024-03-01T00:00:00+00:00,false,N/A,false,true,2024-03-01T00:00:00+00:00,2026-05-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A`,
  ''
].join('\n')

const mocks = {
  sts: mockClient(STSClient),
  ct: mockClient(CloudTrailClient),
  ec2: mockClient(EC2Client),
  s3: mockClient(S3Client),
  s3c: mockClient(S3ControlClient),
  iam: mockClient(IAMClient),
  cw: mockClient(CloudWatchClient),
  ecs: mockClient(ECSClient),
  eks: mockClient(EKSClient),
  ecr: mockClient(ECRClient),
  cf: mockClient(CloudFrontClient),
  elb: mockClient(ElasticLoadBalancingV2Client),
  clb: mockClient(ElasticLoadBalancingClient),
  rds: mockClient(RDSClient),
  lambda: mockClient(LambdaClient),
  sqs: mockClient(SQSClient),
  sns: mockClient(SNSClient),
  kms: mockClient(KMSClient),
  opensearch: mockClient(OpenSearchClient),
  autoScaling: mockClient(AutoScalingClient),
  logs: mockClient(CloudWatchLogsClient)
}
/** What these tests use of a mock, whatever its client. */
interface Stub {
  calls(): Array<{ args: unknown[] }>
  commandCalls(command: never): unknown[]
  reset(): unknown
  restore(): void
}
const all = Object.values(mocks) as unknown as Stub[]

/** An account in us-east-1 and eu-west-1, each listing paged, with failures here and there. */
function mockAccount(): void {
  const { sts, ct, ec2, s3, s3c, iam, cw, ecs, eks, ecr, cf, elb, clb, rds, lambda, sqs, sns, kms, autoScaling } = mocks
  // launchers (collect-ec2-launchers.test.ts tests them in depth): a group on a launch template, one on a launch configuration
  autoScaling.on(DescribeAutoScalingGroupsCommand).callsFake(async (_i, getClient) =>
    (await regionOf(getClient)) === 'us-east-1'
      ? {
          AutoScalingGroups: [
            { AutoScalingGroupName: 'web', VPCZoneIdentifier: 'subnet-a', LaunchTemplate: { LaunchTemplateId: 'lt-web', Version: '$Latest' }, MinSize: 1, MaxSize: 2 },
            { AutoScalingGroupName: 'legacy', VPCZoneIdentifier: 'subnet-b', LaunchConfigurationName: 'legacy-lc', MinSize: 1, MaxSize: 1 }
          ]
        }
      : { AutoScalingGroups: [] }
  )
  autoScaling
    .on(DescribeLaunchConfigurationsCommand)
    .resolves({ LaunchConfigurations: [{ LaunchConfigurationName: 'legacy-lc', ImageId: 'ami-1', InstanceType: 't3.micro', UserData: 'c2VjcmV0', CreatedTime: new Date() }] })
  ec2.on(DescribeLaunchTemplateVersionsCommand).resolves({
    LaunchTemplateVersions: [{ LaunchTemplateId: 'lt-web', VersionNumber: 4, DefaultVersion: false, LaunchTemplateData: { UserData: 'c2VjcmV0', ImageId: 'ami-2' } }]
  })
  // resource policies (collect-resource-policies.test.ts pages and refuses them): one function and one key in us-east-1
  lambda
    .on(ListFunctionsCommand)
    .callsFake(async (_i, getClient) =>
      (await regionOf(getClient)) === 'us-east-1' ? { Functions: [{ FunctionName: 'api', FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api` }] } : { Functions: [] }
    )
  lambda.on(GetPolicyCommand).rejects(awsError('ResourceNotFoundException', 'The resource you requested does not exist.'))
  sqs.on(ListQueuesCommand).resolves({})
  sns.on(ListTopicsCommand).resolves({ Topics: [] })
  kms
    .on(ListKeysCommand)
    .callsFake(async (_i, getClient) =>
      (await regionOf(getClient)) === 'us-east-1' ? { Keys: [{ KeyId: 'k1', KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1` }] } : { Keys: [] }
    )
  kms.on(DescribeKeyCommand).resolves({ KeyMetadata: { KeyId: 'k1', KeyManager: 'CUSTOMER', KeyState: 'Enabled' } })
  kms.on(GetKeyPolicyCommand).rejects(awsError('AccessDeniedException', 'not authorized to perform kms:GetKeyPolicy'))
  // RDS: in us-east-1, 'orders' has its own groups (its interface is found), 'report-a' and 'report-b'
  // share subnets and groups (whose interface is whose cannot be told); eu-west-1 refuses the listing
  const dbNet = (groups: string[]) => ({
    VpcSecurityGroups: groups.map((g) => ({ VpcSecurityGroupId: g })),
    DBSubnetGroup: { VpcId: 'vpc-1', Subnets: [{ SubnetIdentifier: 'subnet-a' }, { SubnetIdentifier: 'subnet-b' }] }
  })
  rds.on(DescribeDBInstancesCommand).callsFake(async (input: { Marker?: string }, getClient) => {
    if ((await regionOf(getClient)) === 'eu-west-1') throw Object.assign(new Error('not authorized to perform rds:DescribeDBInstances'), { name: 'AccessDenied' })
    if (input.Marker === 'm2')
      return { DBInstances: [{ DBInstanceIdentifier: 'report-b', DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:report-b`, ...dbNet(['sg-report']) }] }
    return {
      DBInstances: [
        { DBInstanceIdentifier: 'orders', DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:orders`, PubliclyAccessible: true, ...dbNet(['sg-orders']) },
        { DBInstanceIdentifier: 'report-a', DBInstanceArn: `arn:aws:rds:us-east-1:${ACCOUNT}:db:report-a`, ...dbNet(['sg-report']) }
      ],
      Marker: 'm2'
    }
  })
  ec2.on(DescribeNetworkInterfacesCommand).resolves({
    NetworkInterfaces: [
      { NetworkInterfaceId: 'eni-orders', SubnetId: 'subnet-a', PrivateIpAddress: '10.0.1.15', Groups: [{ GroupId: 'sg-orders' }], RequesterId: 'amazon-rds' },
      { NetworkInterfaceId: 'eni-report', SubnetId: 'subnet-b', PrivateIpAddress: '10.0.2.9', Groups: [{ GroupId: 'sg-report' }], RequesterId: 'amazon-rds' }
    ]
  })
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/Audit/me`, UserId: 'AROA:me' })
  ct.on(DescribeTrailsCommand).resolves({ trailList: [] })
  ct.on(LookupEventsCommand).resolves({ Events: [] })
  ec2.on(DescribeInstancesCommand).callsFake(async (input: { NextToken?: string }, getClient) => {
    const region = await regionOf(getClient)
    if (region === 'eu-west-1') return { Reservations: [{ OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-3', Placement: { AvailabilityZone: 'eu-west-1a' } }] }] }
    if (input.NextToken === 'n2') return { Reservations: [{ OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-2', Placement: { AvailabilityZone: 'us-east-1b' } }] }] }
    return {
      Reservations: [
        { OwnerId: ACCOUNT, Instances: [{ InstanceId: 'i-1', Placement: { AvailabilityZone: 'us-east-1a' }, PublicDnsName: 'ec2-198-51-100-7.compute-1.amazonaws.com' }] }
      ],
      NextToken: 'n2'
    }
  })
  ec2.on(DescribeSecurityGroupsCommand).resolves({ SecurityGroups: [] })
  ec2.on(GetEbsEncryptionByDefaultCommand).resolves({ EbsEncryptionByDefault: true })
  ec2.on(GetEbsDefaultKmsKeyIdCommand).resolves({ KmsKeyId: 'alias/aws/ebs' })
  ec2.on(DescribeFlowLogsCommand).resolves({ FlowLogs: [] })

  // S3: generic answers first, then the two buckets' own (TOOLCHAIN §2.6)
  s3.on(ListBucketsCommand).resolves({
    Buckets: [
      { Name: 'gappy-bucket', CreationDate: new Date('2025-01-01T00:00:00Z') },
      { Name: 'site-assets', CreationDate: new Date('2025-02-01T00:00:00Z') }
    ]
  })
  s3.on(GetBucketLocationCommand).resolves({ LocationConstraint: undefined })
  s3.on(GetBucketLocationCommand, { Bucket: 'gappy-bucket' }).resolves({ LocationConstraint: 'eu-west-1' })
  s3.on(GetBucketPolicyCommand).rejects(awsError('NoSuchBucketPolicy', 'The bucket policy does not exist'))
  s3.on(GetBucketPolicyCommand, { Bucket: 'gappy-bucket' }).rejects(awsError('AccessDenied', 'Access Denied'))
  s3.on(GetPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found'))
  s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } })
  s3.on(GetBucketVersioningCommand).resolves({})
  s3.on(GetBucketLoggingCommand).resolves({})
  s3.on(GetBucketAclCommand).resolves({ Owner: { ID: 'owner' }, Grants: [{ Grantee: { Type: 'CanonicalUser', ID: 'owner' }, Permission: 'FULL_CONTROL' }] })
  s3.on(GetBucketAclCommand, { Bucket: 'gappy-bucket' }).rejects(awsError('SlowDown', 'Please reduce your request rate.'))
  s3.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 'The TagSet does not exist'))
  s3.on(GetBucketWebsiteCommand).rejects(awsError('NoSuchWebsiteConfiguration', 'The specified bucket does not have a website configuration'))
  s3.on(ListObjectsV2Command).resolves({ KeyCount: 2, Contents: [{ Key: 'a' }, { Key: 'b' }] })

  s3c
    .on(GetAccountPublicAccessBlockCommand)
    .resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false } })

  iam.on(GenerateCredentialReportCommand).resolvesOnce({ State: 'STARTED' }).resolvesOnce({ State: 'INPROGRESS' }).resolves({ State: 'COMPLETE' })
  iam.on(GetCredentialReportCommand).resolves({ Content: new Uint8Array(Buffer.from(REPORT)), ReportFormat: 'text/csv', GeneratedTime: NOW })
  iam.on(GetAccountAuthorizationDetailsCommand).resolves({ UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [], IsTruncated: false })
  iam.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false })

  // CloudWatch: i-1's series comes on two pages; i-3's query fails in eu-west-1
  cw.on(GetMetricDataCommand).callsFake(
    async (input: { NextToken?: string; MetricDataQueries: Array<{ Id: string; MetricStat: { Metric: { Dimensions: Array<{ Value: string }> } } }> }, getClient) => {
      const region = await regionOf(getClient)
      const id = (q: { MetricStat: { Metric: { Dimensions: Array<{ Value: string }> } } }): string => q.MetricStat.Metric.Dimensions[0].Value
      if (region === 'eu-west-1')
        return { MetricDataResults: input.MetricDataQueries.map((q) => ({ Id: q.Id, Label: id(q), StatusCode: 'InternalError', Timestamps: [], Values: [] })) }
      if (input.NextToken === 'cw2') {
        return {
          MetricDataResults: input.MetricDataQueries.filter((q) => id(q) === 'i-1').map((q) => ({
            Id: q.Id,
            StatusCode: 'Complete',
            Timestamps: [new Date('2026-11-02T10:00:00Z')],
            Values: [0]
          }))
        }
      }
      return {
        MetricDataResults: input.MetricDataQueries.map((q) =>
          id(q) === 'i-1'
            ? { Id: q.Id, StatusCode: 'PartialData', Timestamps: [new Date('2026-11-01T10:00:00Z')], Values: [5] }
            : { Id: q.Id, StatusCode: 'Complete', Timestamps: [], Values: [] }
        ),
        NextToken: 'cw2'
      }
    }
  )

  // ECS: two pages of clusters, two pages of tasks, one task DescribeTasks cannot find; eu-west-1 throttled past retries
  ecs.on(EcsListClusters).callsFake(async (input: { nextToken?: string }, getClient) => {
    if ((await regionOf(getClient)) === 'eu-west-1') throw awsError('ThrottlingException', 'Rate exceeded')
    return input.nextToken === 'c2'
      ? { clusterArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/batch`] }
      : { clusterArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`], nextToken: 'c2' }
  })
  ecs.on(ListTasksCommand).resolves({ taskArns: [] })
  ecs.on(ListTasksCommand, { cluster: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web` }).resolves({ taskArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/t1`], nextToken: 't2' })
  ecs.on(ListTasksCommand, { cluster: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`, nextToken: 't2' }).resolves({ taskArns: [`arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/t2`] })
  ecs.on(DescribeTasksCommand).resolves({
    tasks: [
      {
        taskArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/t1`,
        clusterArn: `arn:aws:ecs:us-east-1:${ACCOUNT}:cluster/web`,
        lastStatus: 'RUNNING',
        desiredStatus: 'RUNNING',
        createdAt: new Date('2026-11-19T00:00:00Z'),
        containers: [{ name: 'web', image: `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/web:1.4`, imageDigest: D1, lastStatus: 'RUNNING' }]
      }
    ],
    failures: [{ arn: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/t2`, reason: 'MISSING' }]
  })

  eks.on(EksListClusters).callsFake(async (_input, getClient) => ((await regionOf(getClient)) === 'eu-west-1' ? { clusters: [] } : { clusters: ['prod'] }))
  eks.on(DescribeClusterCommand).resolves({
    cluster: {
      name: 'prod',
      arn: `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`,
      version: '1.31',
      status: 'ACTIVE',
      endpoint: 'https://ABC.gr7.us-east-1.eks.amazonaws.com',
      createdAt: new Date('2025-06-01T00:00:00Z'),
      resourcesVpcConfig: { vpcId: 'vpc-1', endpointPublicAccess: true, endpointPrivateAccess: false, publicAccessCidrs: ['0.0.0.0/0'] }
    }
  })

  // ECR: two pages of images; D2 has enhanced scanning (no summary in DescribeImages), D3 no scan
  ecr
    .on(DescribeRepositoriesCommand)
    .callsFake(async (_input, getClient) =>
      (await regionOf(getClient)) === 'eu-west-1'
        ? { repositories: [] }
        : { repositories: [{ repositoryName: 'web', registryId: ACCOUNT, repositoryArn: `arn:aws:ecr:us-east-1:${ACCOUNT}:repository/web` }] }
    )
  ecr.on(DescribeImagesCommand).resolves({
    imageDetails: [
      {
        registryId: ACCOUNT,
        repositoryName: 'web',
        imageDigest: D1,
        imageTags: ['1.4'],
        imagePushedAt: new Date('2026-10-01T00:00:00Z'),
        imageScanStatus: { status: 'COMPLETE', description: 'The scan was completed successfully.' },
        imageScanFindingsSummary: { imageScanCompletedAt: new Date('2026-10-01T00:05:00Z'), findingSeverityCounts: { HIGH: 2, LOW: 5 } }
      }
    ],
    nextToken: 'i2'
  })
  ecr.on(DescribeImagesCommand, { nextToken: 'i2' }).resolves({
    imageDetails: [
      { registryId: ACCOUNT, repositoryName: 'web', imageDigest: D2, imageTags: ['1.5'], imageScanStatus: { status: 'ACTIVE', description: 'Continuous scan is selected' } },
      { registryId: ACCOUNT, repositoryName: 'web', imageDigest: D3, imageTags: [] }
    ]
  })
  ecr.on(DescribeImageScanFindingsCommand).resolves({
    imageScanStatus: { status: 'ACTIVE', description: 'Continuous scan is selected' },
    imageScanFindings: { imageScanCompletedAt: new Date('2026-11-18T00:00:00Z'), findingSeverityCounts: { MEDIUM: 1 } }
  })

  // CloudFront: Marker paging
  const dist = (id: string, origin: string) => ({
    Id: id,
    ARN: `arn:aws:cloudfront::${ACCOUNT}:distribution/${id}`,
    DomainName: `${id.toLowerCase()}.cloudfront.net`,
    Status: 'Deployed',
    Origins: { Quantity: 1, Items: [{ Id: 'o1', DomainName: origin }] }
  })
  cf.on(ListDistributionsCommand).resolves({
    DistributionList: { Marker: '', MaxItems: 1, IsTruncated: true, NextMarker: 'E2', Quantity: 1, Items: [dist('E1', 'site-assets.s3.us-east-1.amazonaws.com')] as never }
  })
  cf.on(ListDistributionsCommand, { Marker: 'E2' }).resolves({
    DistributionList: { Marker: 'E2', MaxItems: 1, IsTruncated: false, Quantity: 1, Items: [dist('E2', 'ec2-198-51-100-7.compute-1.amazonaws.com')] as never }
  })

  // GetDistributionConfig: E1 logs to cf-logs/site/ (one log file in the window), E2's cannot be read
  cf.on(GetDistributionConfigCommand, { Id: 'E1' }).resolves({
    ETag: 'E1ETAG',
    DistributionConfig: {
      CallerReference: 'r1',
      Comment: '',
      Enabled: true,
      Origins: { Quantity: 1, Items: [{ Id: 'o1', DomainName: 'site-assets.s3.us-east-1.amazonaws.com' }] },
      DefaultCacheBehavior: { TargetOriginId: 'o1', ViewerProtocolPolicy: 'allow-all' },
      Logging: { Enabled: true, IncludeCookies: false, Bucket: 'cf-logs.s3.amazonaws.com', Prefix: 'site/' }
    } as never
  })
  cf.on(GetDistributionConfigCommand, { Id: 'E2' }).rejects(awsError('AccessDenied', 'User is not authorized to perform: cloudfront:GetDistributionConfig'))
  s3.on(ListObjectsV2Command, { Bucket: 'cf-logs' }).callsFake(async (input: { Prefix?: string }) => ({
    KeyCount: 1,
    Contents: CF_LOG_KEY.startsWith(input.Prefix ?? '') ? [{ Key: CF_LOG_KEY }] : []
  }))
  s3.on(GetObjectCommand, { Bucket: 'cf-logs', Key: CF_LOG_KEY }).callsFake(async () => ({ Body: Readable.from([gzipSync(CF_LOG)]) as never }))

  // ELB: Marker paging; the second load balancer's target groups cannot be read
  const lb = (n: string) => ({
    LoadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:loadbalancer/app/${n}/1`,
    LoadBalancerName: n,
    DNSName: `${n}.elb.amazonaws.com`,
    Scheme: 'internet-facing' as const,
    Type: 'application' as const
  })
  elb.on(DescribeLoadBalancersCommand).callsFake(async (input: { Marker?: string }, getClient) => {
    if ((await regionOf(getClient)) === 'eu-west-1') return { LoadBalancers: [] }
    return input.Marker === 'lb2' ? { LoadBalancers: [lb('internal')] } : { LoadBalancers: [lb('public')], NextMarker: 'lb2' }
  })
  elb.on(DescribeTargetGroupsCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: elasticloadbalancing:DescribeTargetGroups'))
  elb
    .on(DescribeTargetGroupsCommand, { LoadBalancerArn: lb('public').LoadBalancerArn })
    .resolves({ TargetGroups: [{ TargetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/web/1`, TargetType: 'instance', Port: 80 }] })
  elb.on(DescribeTargetHealthCommand).resolves({ TargetHealthDescriptions: [{ Target: { Id: 'i-1', Port: 80 }, TargetHealth: { State: 'healthy' } }] })
  // listeners (paged) of the public one, with the HTTP listener's rules; the internal one's cannot be read
  const listenerArn = (port: number) => `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:listener/app/public/1/${port}`
  const forward = [{ Type: 'forward' as const, TargetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT}:targetgroup/web/1` }]
  elb.on(DescribeListenersCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: elasticloadbalancing:DescribeListeners'))
  elb
    .on(DescribeListenersCommand, { LoadBalancerArn: lb('public').LoadBalancerArn })
    .resolves({ Listeners: [{ ListenerArn: listenerArn(80), Port: 80, Protocol: 'HTTP', DefaultActions: forward }], NextMarker: 'l2' })
  elb.on(DescribeListenersCommand, { LoadBalancerArn: lb('public').LoadBalancerArn, Marker: 'l2' }).resolves({
    Listeners: [
      { ListenerArn: listenerArn(443), Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: 'arn:aws:acm:us-east-1:1:certificate/c' }], DefaultActions: forward }
    ]
  })
  elb.on(DescribeRulesCommand, { ListenerArn: listenerArn(80) }).resolves({ Rules: [{ RuleArn: 'r-default', Priority: 'default', IsDefault: true, Actions: forward }] })
  elb.on(DescribeLoadBalancerAttributesCommand).resolves({ Attributes: [{ Key: 'access_logs.s3.enabled', Value: 'false' }] })
  // Classic: Marker paging in us-east-1, none in eu-west-1; the second one's attributes cannot be read
  const classic = (n: string) => ({
    LoadBalancerName: n,
    DNSName: `${n}-1.us-east-1.elb.amazonaws.com`,
    Scheme: 'internet-facing',
    AvailabilityZones: ['us-east-1a'],
    ListenerDescriptions: [{ Listener: { Protocol: 'HTTP', LoadBalancerPort: 80, InstanceProtocol: 'HTTP', InstancePort: 80 }, PolicyNames: [] }]
  })
  clb.on(DescribeClassicCommand).callsFake(async (input: { Marker?: string }, getClient) => {
    if ((await regionOf(getClient)) === 'eu-west-1') return { LoadBalancerDescriptions: [] }
    return input.Marker === 'c2' ? { LoadBalancerDescriptions: [classic('legacy-api')] } : { LoadBalancerDescriptions: [classic('legacy-web')], NextMarker: 'c2' }
  })
  clb.on(DescribeClassicAttributesCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: elasticloadbalancing:DescribeLoadBalancerAttributes'))
  clb
    .on(DescribeClassicAttributesCommand, { LoadBalancerName: 'legacy-web' })
    .resolves({ LoadBalancerAttributes: { AccessLog: { Enabled: true, S3BucketName: 'logs', EmitInterval: 60 } } })
}

const commandsSent = (m: Stub): string[] => [...new Set(m.calls().map((c) => (c.args[0] as object).constructor.name.replace(/Command$/, '')))]

describe('evidence collect (AWS): STS, S3 Control, IAM, CloudWatch, ECS, EKS, ECR, CloudFront, ELB (mocked SDK)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lm-collect-svc-'))
  afterEach(() => all.forEach((m) => m.reset()))
  afterAll(() => all.forEach((m) => m.restore()))

  it('pages every listing, records each failure as a gap with its operation and region, and writes the readers’ shapes', async () => {
    mockAccount()
    const out = join(dir, 'full')
    const waits: number[] = []
    const r = await collectAws({
      out,
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1', 'eu-west-1'],
      days: 30,
      now: NOW,
      sleep: async (ms) => void waits.push(ms)
    })
    const base = `aws/${ACCOUNT}`
    const read = (rel: string): unknown => JSON.parse(readFileSync(join(out, base, rel), 'utf8'))
    expect(r.manifest.scopes).toEqual([{ provider: 'aws', account: ACCOUNT, regions: ['us-east-1', 'eu-west-1'] }])
    const paths = r.manifest.files.map((f) => f.path.slice(base.length + 1))
    expect(paths).toEqual(
      expect.arrayContaining([
        'inventory/s3-account.json',
        'inventory/iam-credential-report.csv',
        'cloudwatch/metrics.json',
        'inventory/ecs-tasks.json',
        'inventory/eks-clusters.json',
        'inventory/ecr-images.json',
        'inventory/cloudfront-distributions.json',
        'inventory/load-balancers.json',
        'inventory/rds-instances.json',
        'inventory/lambda-functions.json',
        'inventory/sqs-queues.json',
        'inventory/sns-topics.json',
        'inventory/kms-keys.json',
        'inventory/auto-scaling-groups.json',
        'inventory/launch-configurations.json',
        'inventory/launch-template-versions.json'
      ])
    )
    // launchers: UserData (where people put secrets) never reaches the bundle
    expect(JSON.stringify([read('inventory/launch-configurations.json'), read('inventory/launch-template-versions.json')])).not.toContain('UserData')
    // RDS: every page; an instance's interfaces where they can be told apart, none (and a gap) where not
    // a key whose policy cannot be read: a gap naming it, and no Policy (unknown), never "no policy"
    expect(r.manifest.gaps?.filter((g) => g.operation === 'GetKeyPolicy').map((g) => g.resource)).toEqual([`arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`])
    expect(read('inventory/kms-keys.json')).toEqual({
      Keys: [{ KeyId: 'k1', KeyArn: `arn:aws:kms:us-east-1:${ACCOUNT}:key/k1`, KeyMetadata: { KeyId: 'k1', KeyManager: 'CUSTOMER', KeyState: 'Enabled' } }]
    })
    expect(read('inventory/lambda-functions.json')).toEqual({ Functions: [{ FunctionName: 'api', FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:api`, policy: null }] })
    const dbs = (read('inventory/rds-instances.json') as { DBInstances: Array<{ DBInstanceIdentifier: string; NetworkInterfaces?: unknown[] }> }).DBInstances
    expect(dbs.map((d) => [d.DBInstanceIdentifier, d.NetworkInterfaces])).toEqual([
      ['orders', [{ NetworkInterfaceId: 'eni-orders', PrivateIpAddress: '10.0.1.15' }]],
      ['report-a', undefined],
      ['report-b', undefined]
    ])
    expect(r.manifest.gaps?.filter((g) => /RDS|DescribeDBInstances/.test(g.problem)).map((g) => g.problem)).toEqual([
      expect.stringMatching(/^RDS instance report-a: its network interfaces cannot be told from those of report-b .*who connected to it is unknown$/),
      expect.stringMatching(/^RDS instance report-b: its network interfaces cannot be told from those of report-a /),
      expect.stringMatching(/^DescribeDBInstances in eu-west-1: .*not authorized/)
    ])
    // pods are not in the EKS API: no eks-pods.json (an empty one would say "nothing runs")
    expect(paths).not.toContain('inventory/eks-pods.json')

    // paging: every page was asked for (the paginators reuse one input object, so the tokens are
    // seen in the pages' contents below: i-2, t2, D2 and D3, E2, "internal", the 2 Nov point)
    const calls = (m: unknown, c: unknown): number => (m as Stub).commandCalls(c as never).length
    expect([
      calls(mocks.ec2, DescribeInstancesCommand),
      calls(mocks.ecs, EcsListClusters),
      calls(mocks.ecs, ListTasksCommand),
      calls(mocks.ecr, DescribeImagesCommand),
      calls(mocks.cf, ListDistributionsCommand),
      calls(mocks.elb, DescribeLoadBalancersCommand),
      calls(mocks.cw, GetMetricDataCommand)
    ]).toEqual([3, 3, 3, 2, 2, 3, 3])
    expect(
      (read('inventory/ec2-instances.json') as { Reservations: Array<{ Instances: Array<{ InstanceId: string }> }> }).Reservations.flatMap((x) =>
        x.Instances.map((i) => i.InstanceId)
      )
    ).toEqual(['i-1', 'i-2', 'i-3'])
    expect((read('inventory/cloudfront-distributions.json') as { DistributionList: { Items: Array<{ Id: string }> } }).DistributionList.Items.map((d) => d.Id)).toEqual([
      'E1',
      'E2'
    ])
    // GetDistributionConfig of each: E1 with its ETag and Logging; E2's refused, left out and said as a gap (its logging is unknown, not off)
    expect(read('inventory/cloudfront-distribution-configs.json')).toEqual({
      Distributions: [
        expect.objectContaining({
          Id: 'E1',
          ARN: `arn:aws:cloudfront::${ACCOUNT}:distribution/E1`,
          ETag: 'E1ETAG',
          DistributionConfig: expect.objectContaining({ Logging: expect.anything() })
        })
      ]
    })
    expect(r.manifest.gaps?.filter((g) => g.operation === 'GetDistributionConfig').map((g) => g.resource)).toEqual([`arn:aws:cloudfront::${ACCOUNT}:distribution/E2`])
    // E1's standard logs, as delivered, under cloudfront-logs/<distribution id>/
    expect(paths.filter((p) => p.startsWith('cloudfront-logs/'))).toEqual(['cloudfront-logs/E1/E1.2026-11-19-10.a1b2c3d4.gz'])
    expect(gunzipSync(readFileSync(join(out, base, 'cloudfront-logs/E1/E1.2026-11-19-10.a1b2c3d4.gz'))).toString()).toBe(CF_LOG)
    const mq = mocks.cw.commandCalls(GetMetricDataCommand)[0].args[0].input
    expect(mq.MetricDataQueries?.[0]).toMatchObject({ MetricStat: { Metric: { Namespace: 'AWS/EC2', MetricName: 'MetadataNoToken' }, Period: 300, Stat: 'Sum' } })
    expect(mq.StartTime).toEqual(new Date('2026-10-21T00:00:00Z'))
    // only the one scanned image without a summary was looked up
    expect(mocks.ecr.commandCalls(DescribeImageScanFindingsCommand).map((c) => c.args[0].input.imageId?.imageDigest)).toEqual([D2])
    // the credential report was asked for until COMPLETE, with growing waits
    expect(mocks.iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3)
    expect(waits).toEqual([1000, 2000])

    // the files, in the AWS APIs' own shapes
    expect(read('inventory/s3-account.json')).toEqual({
      publicAccessBlock: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: false }
    })
    expect(readFileSync(join(out, base, 'inventory/iam-credential-report.csv'), 'utf8')).toBe(REPORT)
    const metrics = (read('cloudwatch/metrics.json') as { metrics: Array<Record<string, unknown>> }).metrics
    expect(metrics).toEqual([
      {
        namespace: 'AWS/EC2',
        name: 'MetadataNoToken',
        dimensions: { InstanceId: 'i-1' },
        region: 'us-east-1',
        stat: 'Sum',
        period: 300,
        timestamps: ['2026-11-01T10:00:00.000Z', '2026-11-02T10:00:00.000Z'],
        values: [5, 0]
      },
      { namespace: 'AWS/EC2', name: 'MetadataNoToken', dimensions: { InstanceId: 'i-2' }, region: 'us-east-1', stat: 'Sum', period: 300, timestamps: [], values: [] }
    ])
    expect((read('inventory/ecs-tasks.json') as { tasks: unknown[] }).tasks).toEqual([
      expect.objectContaining({ taskArn: expect.stringMatching(/task\/web\/t1$/), containers: [expect.objectContaining({ imageDigest: D1 })] })
    ])
    expect(
      (read('inventory/ecr-images.json') as { imageDetails: Array<{ imageDigest: string; imageScanFindingsSummary?: unknown }> }).imageDetails.map((i) => [
        i.imageDigest,
        i.imageScanFindingsSummary ? 'summary' : 'none'
      ])
    ).toEqual([
      [D1, 'summary'],
      [D2, 'summary'],
      [D3, 'none']
    ])
    const lbFile = read('inventory/load-balancers.json') as { LoadBalancers: Array<Record<string, unknown>>; LoadBalancerDescriptions: Array<Record<string, unknown>> }
    const lbs = lbFile.LoadBalancers
    // Classic Load Balancers beside them, with their attributes where they could be read
    expect(
      lbFile.LoadBalancerDescriptions.map((l) => [l.LoadBalancerName, 'ListenerDescriptions' in l, (l.Attributes as { AccessLog?: unknown } | undefined)?.AccessLog ?? null])
    ).toEqual([
      ['legacy-web', true, { Enabled: true, S3BucketName: 'logs', EmitInterval: 60 }],
      ['legacy-api', true, null]
    ])
    expect(lbs.map((l) => [l.LoadBalancerName, 'TargetGroups' in l, 'Listeners' in l, 'Attributes' in l])).toEqual([
      ['public', true, true, true],
      ['internal', false, false, true]
    ])
    // every listener page; the rules of the HTTP listener only (an HTTPS listener serves no plain HTTP)
    const listeners = lbs[0].Listeners as Array<{ Port: number; Rules?: unknown[] }>
    expect(listeners.map((l) => [l.Port, l.Rules?.length ?? null])).toEqual([
      [80, 1],
      [443, null]
    ])
    const buckets = (read('inventory/s3-buckets.json') as { buckets: Array<Record<string, unknown>> }).buckets
    const gappy = buckets.find((b) => b.name === 'gappy-bucket')!
    const site = buckets.find((b) => b.name === 'site-assets')!
    // the evaluator's bug report: a policy that could not be read has no key; "none" is null
    expect('policy' in gappy).toBe(false)
    expect('acl' in gappy).toBe(false)
    expect(gappy).toMatchObject({ region: 'eu-west-1', publicAccessBlock: null, tags: {}, website: false, objectCount: 2 })
    expect(site).toMatchObject({ region: 'us-east-1', policy: null, acl: { Grants: [expect.anything()] } })

    // every failure is a gap, with the operation and the region as fields
    const gaps = r.manifest.gaps ?? []
    const g = (operation: string, resource?: string) => gaps.filter((x) => x.operation === operation && (resource === undefined || x.resource === resource))
    expect(g('GetBucketPolicy')).toEqual([
      {
        source: 'aws.inventory',
        scope: ACCOUNT,
        resource: 'arn:aws:s3:::gappy-bucket',
        operation: 'GetBucketPolicy',
        region: 'eu-west-1',
        problem: 'GetBucketPolicy gappy-bucket: AccessDenied: Access Denied'
      }
    ])
    expect(g('GetBucketAcl')).toMatchObject([{ region: 'eu-west-1', problem: 'GetBucketAcl gappy-bucket: SlowDown: Please reduce your request rate.' }])
    expect(g('ListClusters')).toEqual([
      { source: 'aws.inventory', scope: ACCOUNT, operation: 'ListClusters', region: 'eu-west-1', problem: 'ListClusters in eu-west-1: ThrottlingException: Rate exceeded (ECS)' }
    ])
    expect(g('DescribeTasks')).toMatchObject([{ region: 'us-east-1', resource: `arn:aws:ecs:us-east-1:${ACCOUNT}:task/web/t2`, problem: expect.stringMatching(/MISSING$/) }])
    // i-1's PartialData on the first page was completed by the next page: no gap for it
    expect(g('GetMetricData')).toMatchObject([
      {
        source: 'aws.cloudwatch.metadata-no-token',
        region: 'eu-west-1',
        resource: `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-3`,
        problem: expect.stringMatching(/status InternalError/)
      }
    ])
    expect(g('DescribeTargetGroups')).toMatchObject([{ region: 'us-east-1', resource: expect.stringMatching(/loadbalancer\/app\/internal\//) }])
    expect(g('DescribeListeners')).toMatchObject([
      { region: 'us-east-1', resource: expect.stringMatching(/loadbalancer\/app\/internal\//), problem: expect.stringMatching(/AccessDenied/) }
    ])
    const pods = gaps.filter((x) => x.resource === `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/prod`)
    expect(pods).toHaveLength(1)
    expect(pods[0].problem).toMatch(/^EKS cluster prod: its pods were not collected: .*Kubernetes API .*kubectl get pods -A -o json.*eks-pods\.json/)
    expect(pods[0].operation).toBeUndefined()

    // the guard allows exactly the operations this collection uses, for every client it added
    const sent = (m: unknown): string[] => commandsSent(m as Stub)
    const used: Record<string, string[]> = {
      STSClient: sent(mocks.sts),
      IAMClient: sent(mocks.iam),
      S3ControlClient: sent(mocks.s3c),
      CloudWatchClient: sent(mocks.cw),
      ECSClient: sent(mocks.ecs),
      EKSClient: sent(mocks.eks),
      ECRClient: sent(mocks.ecr),
      CloudFrontClient: sent(mocks.cf),
      ElasticLoadBalancingV2Client: sent(mocks.elb),
      ElasticLoadBalancingClient: sent(mocks.clb),
      RDSClient: sent(mocks.rds),
      AutoScalingClient: sent(mocks.autoScaling)
    }
    for (const [client, ops] of Object.entries(used)) expect(ops.sort(), client).toEqual([...READ_ONLY_OPERATIONS[client]].sort())
    expect(sent(mocks.ec2).sort()).toEqual([...READ_ONLY_OPERATIONS.EC2Client].sort())
    // CloudTrail: this collection has no trail, so no GetTrailStatus/GetEventSelectors (collect-aws.test.ts has one)
    for (const op of sent(mocks.ct)) expect(READ_ONLY_OPERATIONS.CloudTrailClient.has(op), `CloudTrailClient ${op}`).toBe(true)
    // S3: every operation of the allow-list (GetObject here fetches CloudFront's standard logs; trail log files in collect-aws.test.ts, on s3rver)
    expect(sent(mocks.s3).sort()).toEqual([...READ_ONLY_OPERATIONS.S3Client].sort())

    // read back by the evidence service: no unreadable file, and the facts and links they carry
    const c = createCaseDb(join(dir, 'c.lmcase'), 'correct horse battery', { now: NOW.toISOString() })
    try {
      const added = await addEvidenceBundle(c, out, { actor: { kind: 'engine', name: 'test' }, threads: 0 })
      expect(added.unreadable).toEqual([])
      expect(added.notes).toEqual([])
      const i1 = `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/i-1`
      expect(getFacts(c.db, i1).ec2?.metadataNoToken).toMatchObject({ sum: 5, datapoints: 2, lastNonZero: expect.stringMatching(/^2026-11-01T10:/) })
      expect(
        getFacts(c.db, i1)
          .dependencies.map((d) => d.kind)
          .sort()
      ).toEqual(['cloudfront-fronts', 'load-balancer-fronts'])
      expect(getCoverage(c.db, 'aws.cloudwatch.metadata-no-token', `arn:aws:ec2:eu-west-1:${ACCOUNT}:instance/i-3`).gaps).toEqual([
        expect.objectContaining({ reason: 'collection-failed' })
      ])
      expect(getFacts(c.db, 'arn:aws:s3:::site-assets').dependencies).toEqual([
        expect.objectContaining({ kind: 'cloudfront-fronts', resourceId: `arn:aws:cloudfront::${ACCOUNT}:distribution/E1` })
      ])
      expect(getFacts(c.db, D1).image).toMatchObject({ repositories: ['web'], tags: ['1.4'], running: [expect.objectContaining({ kind: 'ecs-task' })] })
      expect(getFacts(c.db, `AWS::::Account:${ACCOUNT}`).awsAccount?.s3PublicAccessBlock).toEqual({
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: false
      })
      expect(getFacts(c.db, `arn:aws:iam::${ACCOUNT}:user/deploy`).iamUser?.accessKeys).toEqual([expect.objectContaining({ slot: 1, active: true })])
      // a policy nobody could read leaves the bucket's exposure unknown, with the reason
      const ex = getFacts(c.db, 'arn:aws:s3:::gappy-bucket').exposure
      expect(ex.public).toBeNull()
      expect(ex.reasons).toContain('the bucket policy and the ACL could not be collected')
    } finally {
      c.close()
    }

    // read back by the control evaluators
    const loaded = await loadBundle(out)
    const inv = loaded.aws[0]
    expect(loaded.notes).toEqual([])
    for (const k of ['s3Buckets', 's3Account', 'credentialReport', 'ecsTasks', 'ecrImages'] as const) expect(inv[k].state, k).toBe('ok')
    expect(inv.eksPods.state).toBe('absent')
    expect(inv.gaps.find((x) => x.operation === 'GetBucketPolicy')).toMatchObject({ region: 'eu-west-1', resource: 'arn:aws:s3:::gappy-bucket' })
    const ev = await evaluateBundle(out, { controls: ['aws.s3.https-only', 'container.image.vulnerable'] })
    expect(findEvaluation(ev, 'aws.s3.https-only', 'arn:aws:s3:::gappy-bucket')?.status).toBe('UNKNOWN')
    expect(findEvaluation(ev, 'aws.s3.https-only', 'arn:aws:s3:::site-assets')?.status).toBe('FAIL')
    expect(findEvaluation(ev, 'container.image.vulnerable', D1)).toMatchObject({ status: 'FAIL', reason: expect.stringMatching(/2 HIGH/) })
  })

  it('an account with nothing in it writes empty lists that read as "none", not files that fail to read', async () => {
    mockAccount()
    mocks.ecs.on(EcsListClusters).resolves({ clusterArns: [] })
    mocks.eks.on(EksListClusters).resolves({ clusters: [] })
    mocks.ecr.on(DescribeRepositoriesCommand).resolves({ repositories: [] })
    mocks.cf.on(ListDistributionsCommand).resolves({ DistributionList: { Marker: '', MaxItems: 100, IsTruncated: false, Quantity: 0 } })
    mocks.elb.on(DescribeLoadBalancersCommand).resolves({ LoadBalancers: [] })
    mocks.clb.on(DescribeClassicCommand).resolves({ LoadBalancerDescriptions: [] })
    const out = join(dir, 'empty')
    const r = await collectAws({ out, clients: awsClients({ credentials: creds }), regions: ['us-east-1'], days: 90, now: NOW, sleep: async () => undefined })
    expect(r.manifest.gaps?.filter((g) => /ECS|EKS|ECR|Distributions|LoadBalancers/.test(g.problem))).toEqual([])
    expect(JSON.parse(readFileSync(join(out, `aws/${ACCOUNT}/inventory/cloudfront-distributions.json`), 'utf8'))).toEqual({
      DistributionList: { Quantity: 0, IsTruncated: false, Items: [] }
    })
    // a 90-day window is older than CloudWatch keeps 5-minute data: hourly periods
    expect(mocks.cw.commandCalls(GetMetricDataCommand)[0].args[0].input.MetricDataQueries?.[0].MetricStat?.Period).toBe(3600)
    const c = createCaseDb(join(dir, 'e.lmcase'), 'correct horse battery', { now: NOW.toISOString() })
    try {
      const added = await addEvidenceBundle(c, out, { actor: { kind: 'engine', name: 'test' }, threads: 0 })
      expect(added.unreadable).toEqual([])
    } finally {
      c.close()
    }
  })

  it('the credential report: polled a bounded number of times, then a gap; a report not yet served is asked for again', async () => {
    mockAccount()
    mocks.iam.reset()
    mocks.iam.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' })
    const waits: number[] = []
    const r = await collectAws({
      out: join(dir, 'report-slow'),
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 7,
      now: NOW,
      reportPolls: 4,
      sleep: async (ms) => void waits.push(ms)
    })
    expect(mocks.iam.commandCalls(GenerateCredentialReportCommand)).toHaveLength(4)
    expect(mocks.iam.commandCalls(GetCredentialReportCommand)).toHaveLength(0)
    expect(waits).toEqual([1000, 2000, 4000])
    expect(r.manifest.gaps?.find((g) => g.source === 'aws.iam.credential-report')).toMatchObject({
      operation: 'GenerateCredentialReport',
      region: 'us-east-1',
      problem: 'GenerateCredentialReport: the report was not ready after 4 checks over 7 s; run evidence collect again later'
    })
    expect(r.manifest.files.some((f) => f.path.endsWith('iam-credential-report.csv'))).toBe(false)

    mocks.iam.reset()
    mocks.iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' })
    mocks.iam
      .on(GetCredentialReportCommand)
      .rejectsOnce(awsError('CredentialReportNotReadyException', 'Report is in progress'))
      .resolves({ Content: Buffer.from(REPORT) })
    const r2 = await collectAws({
      out: join(dir, 'report-late'),
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 7,
      now: NOW,
      sleep: async () => undefined
    })
    expect(mocks.iam.commandCalls(GetCredentialReportCommand)).toHaveLength(2)
    expect(r2.manifest.files.some((f) => f.path.endsWith('iam-credential-report.csv'))).toBe(true)
    expect(r2.manifest.gaps?.filter((g) => g.source === 'aws.iam.credential-report')).toEqual([])

    mocks.iam.reset()
    mocks.iam.on(GenerateCredentialReportCommand).rejects(awsError('AccessDenied', 'User is not authorized to perform: iam:GenerateCredentialReport'))
    const r3 = await collectAws({
      out: join(dir, 'report-denied'),
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 7,
      now: NOW,
      sleep: async () => undefined
    })
    expect(r3.manifest.gaps?.find((g) => g.source === 'aws.iam.credential-report')?.problem).toBe(
      'GenerateCredentialReport: AccessDenied: User is not authorized to perform: iam:GenerateCredentialReport'
    )
  })

  it('IAM authorization details: every page merged into one GetAccountAuthorizationDetails document; a failed page is a gap and no file', async () => {
    mockAccount()
    const doc = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }))
    const policy = {
      PolicyName: 'Admins',
      Arn: `arn:aws:iam::${ACCOUNT}:policy/Admins`,
      DefaultVersionId: 'v1',
      PolicyVersionList: [{ VersionId: 'v1', IsDefaultVersion: true, Document: doc }]
    }
    mocks.iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async (input: { Marker?: string }) =>
      input.Marker
        ? {
            UserDetailList: [],
            GroupDetailList: [{ GroupName: 'admins', Arn: `arn:aws:iam::${ACCOUNT}:group/admins`, AttachedManagedPolicies: [{ PolicyArn: policy.Arn }] }],
            RoleDetailList: [],
            Policies: [policy],
            IsTruncated: false
          }
        : {
            UserDetailList: [{ UserName: 'ann', Arn: `arn:aws:iam::${ACCOUNT}:user/ann`, GroupList: ['admins'] }],
            GroupDetailList: [],
            RoleDetailList: [],
            Policies: [],
            IsTruncated: true,
            Marker: 'page-2'
          }
    )
    const out = join(dir, 'iam-auth')
    const r = await collectAws({ out, clients: awsClients({ credentials: creds }), regions: ['us-east-1'], days: 7, now: NOW, sleep: async () => undefined })
    expect(mocks.iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(2)
    expect(r.manifest.gaps?.filter((g) => g.operation === 'GetAccountAuthorizationDetails')).toEqual([])
    const inv = (await loadBundle(out)).aws[0]
    expect(inv.iamAuthorization.state).toBe('ok')
    if (inv.iamAuthorization.state !== 'ok') return
    expect(inv.iamAuthorization.value.UserDetailList.map((u) => u.UserName)).toEqual(['ann'])
    expect(inv.iamAuthorization.value.Policies.map((p) => p.PolicyName)).toEqual(['Admins'])
    expect(policyHolders(inv.iamAuthorization.value, policy.Arn).groups).toEqual([
      { name: 'admins', arn: `arn:aws:iam::${ACCOUNT}:group/admins`, members: [`arn:aws:iam::${ACCOUNT}:user/ann`] }
    ])

    mocks.iam.on(GetAccountAuthorizationDetailsCommand).rejects(awsError('AccessDenied', 'not authorized to perform: iam:GetAccountAuthorizationDetails'))
    const r2 = await collectAws({
      out: join(dir, 'iam-auth-denied'),
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 7,
      now: NOW,
      sleep: async () => undefined
    })
    expect(r2.manifest.gaps?.find((g) => g.operation === 'GetAccountAuthorizationDetails')?.problem).toBe(
      'GetAccountAuthorizationDetails: AccessDenied: not authorized to perform: iam:GetAccountAuthorizationDetails'
    )
    expect(r2.manifest.files.some((f) => f.path.endsWith('iam-authorization.json'))).toBe(false)
  })

  it("virtual MFA devices: every page of ListVirtualMFADevices (assigned or not) merged; the root user's device is read as virtual; a failed page is a gap and no file", async () => {
    mockAccount()
    const root = {
      SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/root-account-mfa-device`,
      User: { Arn: `arn:aws:iam::${ACCOUNT}:root`, UserId: ACCOUNT },
      EnableDate: new Date('2023-01-05T10:00:00Z')
    }
    const spare = { SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/spare` }
    mocks.iam.on(ListVirtualMFADevicesCommand).callsFake(async (input: { Marker?: string; AssignmentStatus?: string }) => {
      expect(input.AssignmentStatus).toBe('Any')
      return input.Marker ? { VirtualMFADevices: [spare], IsTruncated: false } : { VirtualMFADevices: [root], IsTruncated: true, Marker: 'page-2' }
    })
    const out = join(dir, 'virtual-mfa')
    const r = await collectAws({ out, clients: awsClients({ credentials: creds }), regions: ['us-east-1'], days: 7, now: NOW, sleep: async () => undefined })
    expect(mocks.iam.commandCalls(ListVirtualMFADevicesCommand)).toHaveLength(2)
    expect(r.manifest.gaps?.filter((g) => g.operation === 'ListVirtualMFADevices')).toEqual([])
    const inv = (await loadBundle(out)).aws[0]
    expect(inv.iamVirtualMfaDevices.state).toBe('ok')
    if (inv.iamVirtualMfaDevices.state !== 'ok') return
    expect(inv.iamVirtualMfaDevices.value.VirtualMFADevices.map((d) => d.SerialNumber)).toEqual([root.SerialNumber, spare.SerialNumber])
    expect(rootVirtualDevices(inv.iamVirtualMfaDevices.value, ACCOUNT).map((d) => d.SerialNumber)).toEqual([root.SerialNumber])

    mocks.iam.on(ListVirtualMFADevicesCommand).rejects(awsError('AccessDenied', 'not authorized to perform: iam:ListVirtualMFADevices'))
    const r2 = await collectAws({
      out: join(dir, 'virtual-mfa-denied'),
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 7,
      now: NOW,
      sleep: async () => undefined
    })
    expect(r2.manifest.gaps?.find((g) => g.operation === 'ListVirtualMFADevices')?.problem).toBe(
      'ListVirtualMFADevices: AccessDenied: not authorized to perform: iam:ListVirtualMFADevices'
    )
    expect(r2.manifest.files.some((f) => f.path.endsWith('iam-virtual-mfa-devices.json'))).toBe(false)
  })

  it('the account: from STS; when STS and the inventory cannot name it, the account-level public access block is a gap saying why', async () => {
    mockAccount()
    mocks.sts.on(GetCallerIdentityCommand).rejects(awsError('ExpiredToken', 'The security token included in the request is expired'))
    mocks.ec2.on(DescribeInstancesCommand).resolves({ Reservations: [] })
    const r = await collectAws({
      out: join(dir, 'no-account'),
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 7,
      now: NOW,
      sleep: async () => undefined
    })
    expect(r.manifest.scopes?.[0].account).toBe('unknown')
    expect(mocks.s3c.commandCalls(GetAccountPublicAccessBlockCommand)).toHaveLength(0)
    expect(r.manifest.gaps?.find((g) => g.operation === 'GetPublicAccessBlock' && !g.resource)?.problem).toBe(
      'GetPublicAccessBlock: the account-level S3 public access block needs the account id, which is unknown (GetCallerIdentity: ExpiredToken: The security token included in the request is expired)'
    )
  })

  it('S3 Control: no account-level configuration is a fact (null); a refused call is a gap and no file', async () => {
    mockAccount()
    mocks.s3c.on(GetAccountPublicAccessBlockCommand).rejects(awsError('NoSuchPublicAccessBlockConfiguration', 'The public access block configuration was not found'))
    const a = await collectAws({ out: join(dir, 'pab-none'), clients: awsClients({ credentials: creds }), regions: ['us-east-1'], days: 7, now: NOW, sleep: async () => undefined })
    expect(JSON.parse(readFileSync(join(a.out, `aws/${ACCOUNT}/inventory/s3-account.json`), 'utf8'))).toEqual({ publicAccessBlock: null })
    expect(mocks.s3c.commandCalls(GetAccountPublicAccessBlockCommand)[0].args[0].input).toEqual({ AccountId: ACCOUNT })

    mocks.s3c.on(GetAccountPublicAccessBlockCommand).rejects(awsError('AccessDenied', 'Access Denied'))
    const b = await collectAws({
      out: join(dir, 'pab-denied'),
      clients: awsClients({ credentials: creds }),
      regions: ['us-east-1'],
      days: 7,
      now: NOW,
      sleep: async () => undefined
    })
    expect(b.manifest.files.some((f) => f.path.endsWith('s3-account.json'))).toBe(false)
    expect(b.manifest.gaps?.find((g) => g.operation === 'GetPublicAccessBlock' && !g.resource)).toMatchObject({
      region: 'us-east-1',
      problem: 'GetPublicAccessBlock: AccessDenied: Access Denied (the account-level setting, through S3 Control)'
    })
    const loaded = await loadBundle(b.out)
    expect(loaded.aws[0].s3Account.state).toBe('absent')
  })
})
