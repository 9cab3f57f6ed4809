// aws.iam.full-admin-policy's fixture world: three customer managed policies of one account, one
// for each way the investigation can end — held by a group and a role whose calls CloudTrail shows
// (RISKY), held by nobody (SAFE: the plan disables it), and no longer administrator in its default
// version (SAFE: nothing to do). CloudTrail covers the whole window in both Regions.
import { addIamAuthorization, asffControl, at, managementRecord, prowlerFinding, role, user, type Expected, type Json, type World } from '../../test/casegen/world'

const A = '111122223333'
const R = 'us-east-1'
const EU = 'eu-west-1'
const ADMIN = { Version: '2012-10-17', Statement: [{ Sid: 'FullAdmin', Effect: 'Allow', Action: '*', Resource: '*' }] }
const SCOPED = { Version: '2012-10-17', Statement: [{ Sid: 'OpsRead', Effect: 'Allow', Action: ['ec2:Describe*', 'cloudwatch:Get*'], Resource: '*' }] }
/** as GetAccountAuthorizationDetails returns a document: URL-encoded JSON */
const enc = (doc: Json) => encodeURIComponent(JSON.stringify(doc))
const arn = (kind: string, path: string) => `arn:aws:iam::${A}:${kind}/${path}`

function policy(name: string, path: string, versions: Array<[string, Json]>, attachments: number): Json {
  return {
    PolicyName: name,
    PolicyId: `ANPA${name.toUpperCase().padEnd(17, 'X').slice(0, 17)}`,
    Arn: arn('policy', `${path.replace(/^\//, '')}${name}`),
    Path: path,
    DefaultVersionId: versions[versions.length - 1][0],
    AttachmentCount: attachments,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    CreateDate: '2021-04-01T10:00:00Z',
    UpdateDate: '2025-09-01T10:00:00Z',
    PolicyVersionList: versions.map(([id, doc], i) => ({ Document: enc(doc), VersionId: id, IsDefaultVersion: i === versions.length - 1, CreateDate: '2021-04-01T10:00:00Z' }))
  }
}

export function scenario(w: World): void {
  const a = w.account(A, 'acme-prod', 'prod')
  a.regions.add(R).add(EU)
  const acme = policy('AcmeAdmins', '/', [['v1', ADMIN]], 2)
  const legacy = policy('LegacyFullAccess', '/legacy/', [['v1', ADMIN]], 0)
  const ops = policy(
    'OpsBreakGlass',
    '/',
    [
      ['v1', ADMIN],
      ['v2', SCOPED]
    ],
    1
  )
  addIamAuthorization(a, {
    UserDetailList: [
      { Path: '/', UserName: 'alice.ng', UserId: 'AIDAALICE', Arn: arn('user', 'alice.ng'), GroupList: ['platform-admins'], AttachedManagedPolicies: [], UserPolicyList: [] },
      { Path: '/', UserName: 'bruno.k', UserId: 'AIDABRUNO', Arn: arn('user', 'bruno.k'), GroupList: ['platform-admins'], AttachedManagedPolicies: [], UserPolicyList: [] },
      {
        Path: '/',
        UserName: 'carla.d',
        UserId: 'AIDACARLA',
        Arn: arn('user', 'carla.d'),
        GroupList: [],
        AttachedManagedPolicies: [{ PolicyName: 'OpsBreakGlass', PolicyArn: ops.Arn }]
      }
    ],
    GroupDetailList: [
      {
        Path: '/',
        GroupName: 'platform-admins',
        GroupId: 'AGPAPLATFORM',
        Arn: arn('group', 'platform-admins'),
        GroupPolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: 'AcmeAdmins', PolicyArn: acme.Arn }]
      }
    ],
    RoleDetailList: [
      {
        Path: '/',
        RoleName: 'deploy-pipeline',
        RoleId: 'AROADEPLOY',
        Arn: arn('role', 'deploy-pipeline'),
        AssumeRolePolicyDocument: enc({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
        RolePolicyList: [],
        AttachedManagedPolicies: [{ PolicyName: 'AcmeAdmins', PolicyArn: acme.Arn }]
      }
    ],
    Policies: [acme, legacy, ops]
  })
  // alice administers IAM; the pipeline deploys stacks; bruno made no call
  const calls: Array<[number, string, string, string, ReturnType<typeof user>]> = [
    [10, R, 'iam.amazonaws.com', 'CreateUser', user(A, 'alice.ng')],
    [10, R, 'iam.amazonaws.com', 'AttachUserPolicy', user(A, 'alice.ng')],
    [12, EU, 'ec2.amazonaws.com', 'DescribeInstances', user(A, 'alice.ng')],
    [20, R, 'cloudformation.amazonaws.com', 'CreateStack', role(A, 'deploy-pipeline')],
    [50, R, 'cloudformation.amazonaws.com', 'UpdateStack', role(A, 'deploy-pipeline')],
    [51, EU, 's3.amazonaws.com', 'CreateBucket', role(A, 'deploy-pipeline')]
  ]
  for (const [d, region, source, name, who] of calls) w.ct(A, region, managementRecord({ time: at(d, 14, 5), account: A, region, source, name, who }))

  const cases: Array<[Json, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      acme,
      'RISKY',
      { admin: 'yes', attached: 'yes', used: 'yes' },
      'held by the platform admins and the deploy pipeline, who use IAM and CloudFormation',
      { used: 'IAM or Organizations writes: user/alice.ng (iam:AttachUserPolicy, iam:CreateUser)', attached: 'group platform-admins (members alice.ng, bruno.k)' }
    ],
    [legacy, 'SAFE', { admin: 'yes', attached: 'no' }, 'nobody holds it'],
    [ops, 'SAFE', { admin: 'no' }, 'a stale finding: its default version was narrowed']
  ]
  for (const [p, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: A,
        region: R,
        control: 'IAM.1',
        title: 'IAM policies should not allow full "*" administrative privileges',
        severity: 'High',
        resourceType: 'AwsIamPolicy',
        resourceId: String(p.Arn)
      })
    )
    w.expect({ control: 'aws.iam.full-admin-policy', resource: String(p.Arn), verdict, steps, why, ...(says ? { says } : {}) })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: A,
      region: R,
      check: 'iam_customer_attached_policy_no_administrative_privileges',
      title: 'Ensure IAM Customer-Managed policies that are attached that allow full "*:*" administrative privileges are not created',
      severity: 'High',
      service: 'iam',
      resourceType: 'AwsIamPolicy',
      resourceUid: String(acme.Arn),
      resourceName: 'AcmeAdmins',
      detail: 'Custom Policy AcmeAdmins is attached and allows "*:*" administrative privileges.'
    })
  )
}
