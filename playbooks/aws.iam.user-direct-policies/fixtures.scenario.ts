// aws.iam.user-direct-policies' fixture world: three IAM users of one account, one for each way the investigation
// can end — a deploy user holding a customer managed policy and an inline one (SAFE: a new
// group takes them all; the plan is run in moto), an old operations user already in ten groups (RISKY: it cannot
// join another), and a user whose policies were moved after the scan (SAFE: nothing to move).
import { addIamAuthorization, asffControl, prowlerFinding, type Expected, type Json, type World } from '../../test/casegen/world'

const A = '111122223333'
const R = 'us-east-1'
const arn = (kind: string, path: string) => `arn:aws:iam::${A}:${kind}/${path}`
/** as GetAccountAuthorizationDetails returns a document: URL-encoded JSON */
const enc = (doc: Json) => encodeURIComponent(JSON.stringify(doc))

const DEPLOY_DOC = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'PutArtifacts', Effect: 'Allow', Action: ['s3:PutObject', 's3:GetObject'], Resource: 'arn:aws:s3:::acme-artifacts/${aws:username}/*' }]
}
const REPORTS_DOC = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::acme-reports' }] }

function group(name: string, policies: string[] = []): Json {
  return {
    Path: '/',
    GroupName: name,
    GroupId: `AGPA${name
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .padEnd(17, 'X')
      .slice(0, 17)}`,
    Arn: arn('group', name),
    GroupPolicyList: [],
    AttachedManagedPolicies: policies.map((p) => ({ PolicyName: p.split('/').pop(), PolicyArn: p }))
  }
}

export function scenario(w: World): void {
  const a = w.account(A, 'acme-prod', 'prod')
  a.regions.add(R)
  const deployPolicy = arn('policy', 'ci/DeployArtifacts')
  const legacyGroups = Array.from({ length: 10 }, (_, i) => `ops-team-${i + 1}`)
  addIamAuthorization(a, {
    UserDetailList: [
      {
        Path: '/ci/',
        UserName: 'deploy.bot',
        UserId: 'AIDADEPLOYBOT',
        Arn: arn('user', 'ci/deploy.bot'),
        GroupList: ['developers'],
        AttachedManagedPolicies: [{ PolicyName: 'DeployArtifacts', PolicyArn: deployPolicy }],
        UserPolicyList: [{ PolicyName: 'reports-bucket', PolicyDocument: enc(REPORTS_DOC) }]
      },
      {
        Path: '/',
        UserName: 'ops.legacy',
        UserId: 'AIDAOPSLEGACY',
        Arn: arn('user', 'ops.legacy'),
        GroupList: legacyGroups,
        AttachedManagedPolicies: [{ PolicyName: 'PowerUserAccess', PolicyArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }],
        UserPolicyList: [],
        PermissionsBoundary: { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/PowerUserAccess' }
      },
      { Path: '/', UserName: 'k.brandt', UserId: 'AIDAKBRANDT', Arn: arn('user', 'k.brandt'), GroupList: ['developers'], AttachedManagedPolicies: [], UserPolicyList: [] }
    ],
    GroupDetailList: [group('developers', ['arn:aws:iam::aws:policy/ReadOnlyAccess']), ...legacyGroups.map((g) => group(g))],
    RoleDetailList: [],
    Policies: [
      {
        PolicyName: 'DeployArtifacts',
        PolicyId: 'ANPADEPLOYARTIFACTS',
        Arn: deployPolicy,
        Path: '/ci/',
        DefaultVersionId: 'v1',
        AttachmentCount: 1,
        IsAttachable: true,
        PolicyVersionList: [{ Document: enc(DEPLOY_DOC), VersionId: 'v1', IsDefaultVersion: true, CreateDate: '2024-02-01T10:00:00Z' }]
      }
    ]
  })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>]> = [
    [
      arn('user', 'ci/deploy.bot'),
      'SAFE',
      { 'own-policies': 'yes', 'group-fits': 'yes' },
      'a new group dedicated to the user takes its managed policy and its inline one',
      { 'own-policies': 'managed ci/DeployArtifacts; inline reports-bucket', 'group-fits': 'a new group /dedicated-to-user/deploy.bot-policies' }
    ],
    [
      arn('user', 'ops.legacy'),
      'RISKY',
      { 'own-policies': 'yes', 'group-fits': 'no' },
      'the user is in ten groups already and cannot join the new one',
      { 'group-fits': 'the user is in 10 groups already', 'own-policies': 'its permissions boundary arn:aws:iam::aws:policy/PowerUserAccess caps' }
    ]
  ]
  for (const [resource, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: A,
        region: R,
        control: 'IAM.2',
        title: 'IAM users should not have IAM policies attached',
        severity: 'Low',
        resourceType: 'AwsIamUser',
        resourceId: resource
      })
    )
    w.expect({ control: 'aws.iam.user-direct-policies', resource, verdict, steps, why, says })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: A,
      region: R,
      check: 'iam_policy_attached_only_to_group_or_roles',
      title: 'Ensure IAM policies are attached only to groups or roles',
      severity: 'Low',
      service: 'iam',
      resourceType: 'AwsIamUser',
      resourceUid: arn('user', 'k.brandt'),
      resourceName: 'k.brandt',
      detail: 'User k.brandt has the policy AmazonS3ReadOnlyAccess attached.'
    })
  )
  w.expect({
    control: 'aws.iam.user-direct-policies',
    resource: arn('user', 'k.brandt'),
    verdict: 'SAFE',
    steps: { 'own-policies': 'no' },
    why: 'a stale finding: the policy was moved to a group after the scan',
    says: { 'own-policies': 'holds no policy of its own any more' }
  })
}
