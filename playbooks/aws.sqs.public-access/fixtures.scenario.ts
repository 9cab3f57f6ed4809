// aws.sqs.public-access's fixture world: four queues of one account, one for each way the
// investigation can end. The account's trail records management events all day (the render's
// background) and, with an advanced selector, the SQS data events of the queues named in it.
import { asffControl, at, prowlerFinding, resourceCallRecord, role, type Expected, type Principal, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const PARTNER = '444455556666'
const R = 'us-east-1'

const arnOf = (name: string) => `arn:aws:sqs:${R}:${ACCOUNT}:${name}`
const urlOf = (name: string) => `https://sqs.${R}.amazonaws.com/${ACCOUNT}/${name}`

const statement = (name: string, sid: string, principal: unknown, action: string | string[]) => ({
  Sid: sid,
  Effect: 'Allow',
  Principal: principal,
  Action: action,
  Resource: arnOf(name)
})

function queue(w: World, name: string, statements: unknown[]): void {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  a.sqsQueues.push({
    QueueUrl: urlOf(name),
    Attributes: {
      QueueArn: arnOf(name),
      VisibilityTimeout: '30',
      CreatedTimestamp: '1747040400',
      ...(statements.length ? { Policy: JSON.stringify({ Version: '2012-10-17', Id: `${name}-policy`, Statement: statements }) } : {})
    }
  })
}

/** SendMessage (a data event) on `name` by `who` every `every` days. */
function sends(w: World, name: string, who: Principal, every: number, action = 'SendMessage'): void {
  for (let d = 0; d < 90; d += every)
    w.ct(
      ACCOUNT,
      R,
      resourceCallRecord({
        time: at(d, 9, 40),
        account: ACCOUNT,
        region: R,
        source: 'sqs.amazonaws.com',
        name: action,
        type: 'AWS::SQS::Queue',
        arn: arnOf(name),
        who,
        data: true,
        requestParameters: { queueUrl: urlOf(name) }
      })
    )
}

export function scenario(w: World): void {
  const a = w.account(ACCOUNT, 'acme-prod', 'prod')
  // a partner's producer sends orders through the public grant
  queue(w, 'partner-orders', [statement('partner-orders', 'PublicSend', '*', 'sqs:SendMessage')])
  sends(w, 'partner-orders', role(PARTNER, 'partner-order-producer'), 2)
  // the account's own workers, granted by name; the public statement is a leftover (a statement naming only the
  // account would keep them only if their own IAM policies allowed SendMessage, which the evidence does not hold)
  queue(w, 'audit-events', [
    statement('audit-events', 'Workers', { AWS: [`arn:aws:iam::${ACCOUNT}:role/audit-shipper`, `arn:aws:iam::${ACCOUNT}:role/audit-indexer`] }, 'sqs:*'),
    statement('audit-events', 'Leftover', { AWS: '*' }, 'sqs:SendMessage')
  ])
  sends(w, 'audit-events', role(ACCOUNT, 'audit-shipper'), 1)
  sends(w, 'audit-events', role(ACCOUNT, 'audit-indexer'), 1, 'ReceiveMessage')
  // its data events are not selected by the trail: who uses it is unknown
  queue(w, 'legacy-jobs', [statement('legacy-jobs', 'AnyoneSendReceive', '*', ['sqs:SendMessage', 'sqs:ReceiveMessage'])])
  // already fixed: only the account may use it
  queue(w, 'billing-jobs', [statement('billing-jobs', 'AccountOnly', { AWS: ACCOUNT }, 'sqs:*')])
  a.dataEventSelectors.push({
    Name: 'SQS data events of the order and audit queues',
    FieldSelectors: [
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: ['AWS::SQS::Queue'] },
      { Field: 'resources.ARN', Equals: [arnOf('audit-events'), arnOf('billing-jobs'), arnOf('partner-orders')] }
    ]
  })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'partner-orders',
      'UNSAFE',
      { public: 'yes', 'outside-callers': 'yes' },
      'a producer of another account sends through the public grant',
      { 'outside-callers': `arn:aws:iam::${PARTNER}:role/partner-order-producer` }
    ],
    [
      'audit-events',
      'SAFE',
      { public: 'yes', 'outside-callers': 'no', 'account-callers': 'no' },
      'only the account’s own roles use it, granted by name',
      { 'account-callers': 'audit-indexer' }
    ],
    [
      'legacy-jobs',
      'RISKY',
      { public: 'yes', 'outside-callers': 'unknown' },
      'its SQS data events are not recorded',
      { 'outside-callers': 'no logging trail of the account records' }
    ],
    ['billing-jobs', 'SAFE', { public: 'no' }, 'a stale finding: only the account may use it']
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'SQS.3',
        title: 'SQS queue access policies should not allow public access',
        severity: 'High',
        resourceType: 'AwsSqsQueue',
        resourceId: arnOf(name)
      })
    )
    w.expect({ control: 'aws.sqs.public-access', resource: arnOf(name), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the order queue too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'sqs_queues_not_publicly_accessible',
      title: 'Check if SQS queues have policy set as Public',
      severity: 'Critical',
      service: 'sqs',
      resourceType: 'AwsSqsQueue',
      resourceUid: arnOf('partner-orders'),
      resourceName: urlOf('partner-orders'),
      detail: 'SQS queue partner-orders is public.'
    })
  )
}
