// aws.lambda.public-access (Security Hub Lambda.1) over a bundle: the resource policy of each
// function in inventory/lambda-functions.json (ListFunctions + GetPolicy), public when a statement
// grants to anyone without a condition pinning the caller (main/semantics/iam-policy.ts), as
// Config's lambda-function-public-access-prohibited and Prowler's
// awslambda_function_not_publicly_accessible read it.
import type { Evaluation } from '../../shared/contract'
import { accountUnknown, evaluation, listingGapRows, namelessProblems, regionFor, type EvaluationContext } from '../../main/controls/evaluation'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { resourcePolicyVerdict } from '../../main/semantics/inventory-resource-policies'
import { parseArn } from '../../main/semantics/ids'
import { unknown } from '../../main/semantics/verdict'

const CONTROL = 'aws.lambda.public-access'

export function evaluateLambdaPublicAccess(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  const f = inv.lambdaFunctions
  if (f.state !== 'ok') return [accountUnknown(CONTROL, inv, f, 'the Lambda functions')]
  const out = namelessProblems(CONTROL, inv, f.rel, f.value, 'Lambda functions')
  for (const item of f.value) {
    if (!item.ok) {
      if (item.name === null) continue
      const where = regionFor(null, inv)
      const region = 'region' in where ? where.region : null
      out.push(
        evaluation(CONTROL, `arn:aws:lambda:${region ?? ''}:${inv.account}:function:${item.name}`, unknown(`${f.rel}: ${item.error}`), {
          account: inv.account,
          region,
          evidence: [`${f.rel}#${item.pointer}`]
        })
      )
      continue
    }
    const fn = item.value
    const arn = parseArn(fn.FunctionArn)
    const v = resourcePolicyVerdict('lambda', fn.policy, `function ${fn.FunctionName}`)
    out.push(evaluation(CONTROL, fn.FunctionArn, v, { account: arn?.account || inv.account, region: arn?.region || null, evidence: [`${f.rel}#${item.pointer}/policy`] }))
  }
  out.push(...listingGapRows(CONTROL, inv, 'ListFunctions', 'the Lambda functions'))
  return out
}
