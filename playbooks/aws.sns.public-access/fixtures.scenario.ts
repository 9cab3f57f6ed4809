// aws.sns.public-access's fixture world: four topics of one account, one for each way the
// investigation can end. The account's trail records management events all day (the render's
// background) and, with an advanced selector, the SNS Publish data events of the topics named in it.
import { asffControl, at, prowlerFinding, resourceCallRecord, role, type Expected, type Principal, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const VENDOR = '777788889999'
const R = 'us-east-1'

const arnOf = (name: string) => `arn:aws:sns:${R}:${ACCOUNT}:${name}`

const statement = (name: string, sid: string, principal: unknown, action: string | string[], condition?: unknown) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: arnOf(name),
  ...(condition ? { Condition: condition } : {})
})

function topic(w: World, name: string, statements: unknown[]): void {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  a.snsTopics.push({
    TopicArn: arnOf(name),
    Attributes: {
      TopicArn: arnOf(name),
      Owner: ACCOUNT,
      DisplayName: name,
      SubscriptionsConfirmed: '2',
      Policy: JSON.stringify({ Version: '2008-10-17', Id: '__default_policy_ID', Statement: statements })
    }
  })
}

/** Publish (a data event) to `name` by `who` every `every` days. */
function publishes(w: World, name: string, who: Principal, every: number): void {
  for (let d = 0; d < 90; d += every)
    w.ct(
      ACCOUNT,
      R,
      resourceCallRecord({
        time: at(d, 11, 20),
        account: ACCOUNT,
        region: R,
        source: 'sns.amazonaws.com',
        name: 'Publish',
        type: 'AWS::SNS::Topic',
        arn: arnOf(name),
        who,
        data: true,
        requestParameters: { topicArn: arnOf(name) }
      })
    )
}

const owner = (name: string) =>
  statement(name, '__default_statement_ID', { AWS: '*' }, ['SNS:Publish', 'SNS:Subscribe', 'SNS:GetTopicAttributes'], { StringEquals: { 'AWS:SourceOwner': ACCOUNT } })

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  // a vendor's monitoring publishes alerts through the public grant
  topic(w, 'vendor-alerts', [owner('vendor-alerts'), statement('vendor-alerts', 'AnyonePublish', { AWS: '*' }, 'SNS:Publish')])
  publishes(w, 'vendor-alerts', role(VENDOR, 'vendor-monitoring'), 3)
  // only the account's own deploy role publishes, granted by account: the public statement is a leftover
  topic(w, 'deploy-events', [
    owner('deploy-events'),
    statement('deploy-events', 'AccountPublish', { AWS: `arn:aws:iam::${ACCOUNT}:root` }, 'SNS:Publish'),
    statement('deploy-events', 'PublicSubscribe', '*', 'SNS:Subscribe')
  ])
  publishes(w, 'deploy-events', role(ACCOUNT, 'deploy-pipeline'), 5)
  // its Publish data events are not selected by the trail: who publishes is unknown
  topic(w, 'legacy-notify', [statement('legacy-notify', 'AnyoneAll', '*', ['SNS:Publish', 'SNS:Subscribe'])])
  // already fixed: the owner account only
  topic(w, 'billing-notify', [owner('billing-notify')])
  a.dataEventSelectors.push({
    Name: 'SNS Publish of the alert, deploy and billing topics',
    FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: ['AWS::SNS::Topic'] },
      { Field: 'resources.ARN', Equals: [arnOf('billing-notify'), arnOf('deploy-events'), arnOf('vendor-alerts')] }
    ]
  })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'vendor-alerts',
      'UNSAFE',
      { public: 'yes', 'outside-callers': 'yes' },
      'a vendor account publishes through the public grant',
      { 'outside-callers': `arn:aws:iam::${VENDOR}:role/vendor-monitoring` }
    ],
    [
      'deploy-events',
      'SAFE',
      { public: 'yes', 'outside-callers': 'no', 'account-callers': 'no' },
      'only the account’s own role publishes, through the account statement the fix keeps',
      { 'account-callers': 'deploy-pipeline' }
    ],
    [
      'legacy-notify',
      'RISKY',
      { public: 'yes', 'outside-callers': 'unknown' },
      'its Publish data events are not recorded',
      { 'outside-callers': 'no logging trail of the account records' }
    ],
    ['billing-notify', 'SAFE', { public: 'no' }, 'a stale finding: the owner account only']
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'SNS.4',
        title: 'SNS topic access policies should not allow public access',
        severity: 'Critical',
        resourceType: 'AwsSnsTopic',
        resourceId: arnOf(name)
      })
    )
    w.expect({ control: 'aws.sns.public-access', resource: arnOf(name), verdict, steps, why, ...(says ? { says } : {}) })
  }
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'sns_topics_not_publicly_accessible',
      title: 'Check if SNS topics have policy set as Public',
      severity: 'High',
      service: 'sns',
      resourceType: 'AwsSnsTopic',
      resourceUid: arnOf('vendor-alerts'),
      resourceName: 'vendor-alerts',
      detail: 'SNS topic vendor-alerts is public.'
    })
  )
}
