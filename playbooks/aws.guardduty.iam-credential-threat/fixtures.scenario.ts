// aws.guardduty.iam-credential-threat's fixture world: four access keys GuardDuty reports (through
// Security Hub), one for each way the containment question can end (none SAFE: a log shows use,
// not disuse). CloudTrail covers the whole
// window in the workloads account; the legacy account's CloudTrail was not collected.
import { asffGuardDuty, at, managementRecord, role, user, type Expected, type Json, type Principal, type World } from '../../test/casegen/world'

const R = 'us-east-1'
const ACCOUNT = '777766665555'
const LEGACY = '777766664444'

/** A management event signed by `who`, from `ip` when given (an attacker's address). */
function call(w: World, account: string, o: { day: number; hour: number; source: string; name: string; who: Principal; ip?: string }): Json {
  const r = managementRecord({ time: at(o.day, o.hour), account, region: R, source: o.source, name: o.name, who: o.who })
  if (o.ip) {
    r.sourceIPAddress = o.ip
    r.userAgent = 'python-requests/2.31.0'
  }
  w.ct(account, R, r)
  return r
}

const keyOf = (r: Json): string => (r.userIdentity as { accessKeyId: string }).accessKeyId

function apiFinding(o: {
  account: string
  type: string
  title: string
  key: string
  principalType: 'IAMUser' | 'AssumedRole'
  principal: string
  ip: string
  api: string
  service: string
  anomalous: string
}): Json {
  return asffGuardDuty({
    account: o.account,
    region: R,
    type: o.type,
    title: o.title,
    severity: 5,
    resource: {
      Type: 'AwsIamAccessKey',
      Id: `AWS::IAM::AccessKey:${o.key}`,
      Details: { AwsIamAccessKey: { PrincipalId: `AIDA${o.principal.toUpperCase().replace(/[^A-Z0-9]/g, '')}`, PrincipalType: o.principalType, PrincipalName: o.principal } }
    },
    fields: {
      'action/actionType': 'AWS_API_CALL',
      'action/awsApiCallAction/api': o.api,
      'action/awsApiCallAction/serviceName': o.service,
      'action/awsApiCallAction/callerType': 'Remote IP',
      'action/awsApiCallAction/remoteIpDetails/ipAddressV4': o.ip,
      'action/awsApiCallAction/remoteIpDetails/organization/asnOrg': 'EXAMPLE-VPS',
      'action/awsApiCallAction/remoteIpDetails/country/countryName': 'Moldova',
      'additionalInfo/anomalies/anomalousAPIs': o.anomalous,
      resourceRole: 'TARGET'
    },
    count: 3,
    firstSeen: at(87, 2),
    lastSeen: at(88, 4)
  })
}

export function scenario(w: World): void {
  w.account(ACCOUNT, 'acme-workloads-iam', 'prod').regions.add(R)
  const legacyAccount = w.account(LEGACY, 'acme-legacy', 'prod')
  legacyAccount.regions.add(R)
  legacyAccount.trailNotCollected.add(R)
  const cases: Array<{ finding: Json; key: string; verdict: Expected['verdict']; steps: Record<string, 'yes' | 'no' | 'unknown'>; why: string; says?: Record<string, string> }> = []

  // a reporting user whose key nobody used for months, until someone listed the account from abroad
  const reports = user(ACCOUNT, 'svc-reports', 'AKIAGD00000000000001')
  call(w, ACCOUNT, { day: 87, hour: 2, source: 'ec2.amazonaws.com', name: 'DescribeInstances', who: reports, ip: '203.0.113.200' })
  call(w, ACCOUNT, { day: 88, hour: 4, source: 's3.amazonaws.com', name: 'ListBuckets', who: reports, ip: '203.0.113.200' })
  cases.push({
    finding: apiFinding({
      account: ACCOUNT,
      type: 'TTPs/Discovery/IAMUser-AnomalousBehavior',
      title: 'User svc-reports is anomalously invoking APIs commonly used in Discovery tactics.',
      key: 'AKIAGD00000000000001',
      principalType: 'IAMUser',
      principal: 'svc-reports',
      ip: '203.0.113.200',
      api: 'DescribeInstances',
      service: 'ec2.amazonaws.com',
      anomalous: 'ec2.amazonaws.com:[DescribeInstances:success] , s3.amazonaws.com:[ListBuckets:success]'
    }),
    key: 'AKIAGD00000000000001',
    // the management events hold nothing else, but a job reading its reports from S3 (GetObject, a data event) would not be in them
    verdict: 'RISKY',
    steps: { active: 'yes', threat: 'yes', key: 'yes', 'other-calls': 'unknown', 'role-sessions': 'no' },
    why: 'the key signed nothing but the two anomalous calls in the management events of 90 days; calls on data are not in them',
    says: { 'other-calls': "the only calls signed with AKIAGD00000000000001 in the log are GuardDuty's anomalous ones" }
  })

  // the deploy pipeline's user: its key uploads artefacts every day; someone else read secrets with it
  const deployer = user(ACCOUNT, 'ci-deployer', 'AKIAGD00000000000002')
  for (let d = 2; d < 90; d += 3) call(w, ACCOUNT, { day: d, hour: 6, source: 'cloudformation.amazonaws.com', name: 'DescribeStacks', who: deployer })
  call(w, ACCOUNT, { day: 88, hour: 3, source: 'secretsmanager.amazonaws.com', name: 'GetSecretValue', who: deployer, ip: '198.51.100.250' })
  cases.push({
    finding: apiFinding({
      account: ACCOUNT,
      type: 'TTPs/Credential Access/CredentialAccess:IAMUser-AnomalousBehavior',
      title: 'User ci-deployer is anomalously invoking APIs commonly used in CredentialAccess tactics.',
      key: 'AKIAGD00000000000002',
      principalType: 'IAMUser',
      principal: 'ci-deployer',
      ip: '198.51.100.250',
      api: 'GetSecretValue',
      service: 'secretsmanager.amazonaws.com',
      anomalous: 'secretsmanager.amazonaws.com:[GetSecretValue:success]'
    }),
    key: 'AKIAGD00000000000002',
    verdict: 'UNSAFE',
    steps: { key: 'yes', 'other-calls': 'yes', 'role-sessions': 'no' },
    why: 'the pipeline signs DescribeStacks with the key every three days',
    says: { 'other-calls': 'cloudformation DescribeStacks' }
  })

  // an instance role's credentials used from outside AWS; the role's instances keep calling with their own sessions
  const stolen = call(w, ACCOUNT, { day: 88, hour: 1, source: 'sts.amazonaws.com', name: 'GetCallerIdentity', who: role(ACCOUNT, 'orders-app'), ip: '192.0.2.10' })
  for (let d = 1; d < 90; d += 2)
    call(w, ACCOUNT, {
      day: d,
      hour: 9,
      source: 'dynamodb.amazonaws.com',
      name: 'DescribeTable',
      who: { kind: 'instance', account: ACCOUNT, name: 'orders-app', instance: 'i-0e7d0000000000001' }
    })
  cases.push({
    finding: apiFinding({
      account: ACCOUNT,
      type: 'TTPs/Initial Access/UnauthorizedAccess:IAMUser-InstanceCredentialExfiltration.OutsideAWS',
      title: 'Credentials for instance role orders-app used from external IP address.',
      key: keyOf(stolen),
      principalType: 'AssumedRole',
      principal: 'orders-app',
      ip: '192.0.2.10',
      api: 'GetCallerIdentity',
      service: 'sts.amazonaws.com',
      anomalous: 'sts.amazonaws.com:[GetCallerIdentity:success]'
    }),
    key: keyOf(stolen),
    verdict: 'RISKY',
    steps: { key: 'no', 'other-calls': 'unknown', 'role-sessions': 'yes' },
    why: "revoking the role's older sessions stops its instance until it refreshes",
    says: { 'role-sessions': 'i-0e7d0000000000001' }
  })

  // a legacy account whose CloudTrail is not in the evidence
  cases.push({
    finding: apiFinding({
      account: LEGACY,
      type: 'TTPs/Persistence/Persistence:IAMUser-AnomalousBehavior',
      title: 'User legacy-sync is anomalously invoking APIs commonly used in Persistence tactics.',
      key: 'AKIAGD00000000000004',
      principalType: 'IAMUser',
      principal: 'legacy-sync',
      ip: '203.0.113.201',
      api: 'CreateAccessKey',
      service: 'iam.amazonaws.com',
      anomalous: 'iam.amazonaws.com:[CreateAccessKey:success]'
    }),
    key: 'AKIAGD00000000000004',
    verdict: 'RISKY',
    steps: { key: 'yes', 'other-calls': 'unknown' },
    why: "the account's CloudTrail was not collected",
    says: { 'other-calls': 'CloudTrail in us-east-1' }
  })

  for (const c of cases) {
    w.findings.asff.push(c.finding)
    const type = (c.finding.Types as string[])[0].split('/').filter(Boolean).slice(-2)
    const tail = type[1].includes(':') ? type[1] : `${type[0].replace(/\s+/g, '')}:${type[1]}`
    const control = `aws.guardduty.${tail.toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
    w.expect({ control, resource: `AWS::IAM::AccessKey:${c.key}`, verdict: c.verdict, steps: c.steps, why: c.why, ...(c.says ? { says: c.says } : {}) })
  }
}
