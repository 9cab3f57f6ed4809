// aws.lambda.public-access's fixture world: five functions of one account, one for each way the
// investigation can end. The account's trail records the Invoke data events of the functions named
// in lambdaDataEvents (a basic selector by ARN), and management events all day (the render's
// background), so CloudTrail of us-east-1 covers the window.
import { asffControl, at, lambdaInvokeRecord, prowlerFinding, role, type Expected, type Principal, type World } from '../../test/casegen/world'

const ACCOUNT = '111122223333'
const PARTNER = '444455556666'
const R = 'us-east-1'

const arnOf = (name: string) => `arn:aws:lambda:${R}:${ACCOUNT}:function:${name}`

interface Fn {
  name: string
  statements: Array<Record<string, unknown>>
  url?: 'NONE' | 'AWS_IAM'
  recorded: boolean
  owner: string
}

/** A statement as Lambda's AddPermission writes it. */
function grant(name: string, sid: string, principal: unknown, o: { action?: string; condition?: Record<string, Record<string, string>> } = {}): Record<string, unknown> {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: principal,
    Action: o.action ?? 'lambda:InvokeFunction',
    Resource: arnOf(name),
    ...(o.condition ? { Condition: o.condition } : {})
  }
}

function fn(w: World, f: Fn): void {
  const a = w.account(ACCOUNT)
  a.regions.add(R)
  a.lambdaFunctions.push({
    FunctionName: f.name,
    FunctionArn: arnOf(f.name),
    Runtime: 'python3.12',
    Role: `arn:aws:iam::${ACCOUNT}:role/${f.name}-exec`,
    Handler: 'app.handler',
    LastModified: '2026-05-12T09:30:11.000+0000',
    policy: f.statements.length ? JSON.stringify({ Version: '2012-10-17', Id: 'default', Statement: f.statements }) : null,
    urlConfig: f.url ? { FunctionUrl: `https://${f.name}.lambda-url.${R}.on.aws/`, AuthType: f.url } : null
  })
  if (f.recorded) a.lambdaDataEvents.push(arnOf(f.name))
}

/** Invokes of `name` by `who` every `every` days from `from` to the window's end. */
function invokes(w: World, name: string, who: Principal, every: number, from = 0): void {
  for (let d = from; d < 90; d += every) w.ct(ACCOUNT, R, lambdaInvokeRecord({ time: at(d, 14, 5), account: ACCOUNT, region: R, functionArn: arnOf(name), who }))
}

export function scenario(w: World): void {
  w.account(ACCOUNT, 'acme-prod', 'prod')
  const everyone = '*'
  // a partner's application invokes the webhook through the public grant
  fn(w, { name: 'orders-webhook', statements: [grant('orders-webhook', 'public-invoke', everyone)], recorded: true, owner: 'orders-team' })
  invokes(w, 'orders-webhook', role(PARTNER, 'partner-orders-sync'), 3)
  // the partner is granted by account too: the public statement is a leftover
  fn(w, {
    name: 'reports-export',
    statements: [grant('reports-export', 'partner-invoke', { AWS: `arn:aws:iam::${PARTNER}:root` }), grant('reports-export', 'public-invoke', everyone)],
    recorded: true,
    owner: 'finance'
  })
  invokes(w, 'reports-export', role(PARTNER, 'partner-reporting'), 7)
  // its Invoke data events are not recorded: who calls it is unknown. Its policy was written by hand
  // (PutResourcePolicy) with a condition AddPermission cannot write back, so no fix is rendered for it
  fn(w, {
    name: 'legacy-cron',
    statements: [grant('legacy-cron', 'scheduler-invoke', everyone, { condition: { StringLike: { 'aws:UserAgent': 'legacy-scheduler/*' } } })],
    recorded: false,
    owner: 'platform'
  })
  // a public function URL: its calls are never in CloudTrail
  fn(w, {
    name: 'signup-form',
    statements: [
      grant('signup-form', 'FunctionURLAllowPublicAccess', everyone, { action: 'lambda:InvokeFunctionUrl', condition: { StringEquals: { 'lambda:FunctionUrlAuthType': 'NONE' } } })
    ],
    url: 'NONE',
    recorded: true,
    owner: 'growth'
  })
  // already fixed: only the S3 bucket of the account may invoke it
  fn(w, {
    name: 'billing-ingest',
    statements: [
      grant(
        'billing-ingest',
        's3-invoke',
        { Service: 's3.amazonaws.com' },
        { condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::acme-billing-drop' }, StringEquals: { 'AWS:SourceAccount': ACCOUNT } } }
      )
    ],
    recorded: true,
    owner: 'finance'
  })

  const cases: Array<[string, Expected['verdict'], Record<string, 'yes' | 'no' | 'unknown'>, string, Record<string, string>?]> = [
    [
      'orders-webhook',
      'UNSAFE',
      { public: 'yes', 'outside-callers': 'yes' },
      'a partner role of another account invokes it through the public grant',
      { 'outside-callers': `arn:aws:iam::${PARTNER}:role/partner-orders-sync` }
    ],
    [
      'reports-export',
      'SAFE',
      { public: 'yes', 'outside-callers': 'no', 'account-callers': 'no' },
      'the partner that invokes it is granted by account, which the fix keeps',
      { 'outside-callers': 'partner-invoke' }
    ],
    [
      'legacy-cron',
      'RISKY',
      { public: 'yes', 'outside-callers': 'unknown' },
      'its Invoke data events are not recorded',
      { 'outside-callers': 'no logging trail of the account records' }
    ],
    [
      'signup-form',
      'RISKY',
      { public: 'yes', 'outside-callers': 'unknown' },
      'a public function URL, whose calls CloudTrail does not record',
      { 'outside-callers': 'lambda:InvokeFunctionUrl' }
    ],
    ['billing-ingest', 'SAFE', { public: 'no' }, 'a stale finding: only the account’s bucket may invoke it']
  ]
  for (const [name, verdict, steps, why, says] of cases) {
    w.findings.asff.push(
      asffControl({
        account: ACCOUNT,
        region: R,
        control: 'Lambda.1',
        title: 'Lambda function policies should prohibit public access',
        severity: 'Critical',
        resourceType: 'AwsLambdaFunction',
        resourceId: arnOf(name)
      })
    )
    w.expect({ control: 'aws.lambda.public-access', resource: arnOf(name), verdict, steps, why, ...(says ? { says } : {}) })
  }
  // Prowler reports the webhook too: one finding with Security Hub's
  w.findings.prowler.push(
    prowlerFinding({
      provider: 'aws',
      account: ACCOUNT,
      region: R,
      check: 'awslambda_function_not_publicly_accessible',
      title: 'Check if Lambda functions have resource-based policy set as Public.',
      severity: 'Critical',
      service: 'lambda',
      resourceType: 'AwsLambdaFunction',
      resourceUid: arnOf('orders-webhook'),
      resourceName: 'orders-webhook',
      detail: 'Lambda function orders-webhook has a resource-based policy with public access.'
    })
  )
}
