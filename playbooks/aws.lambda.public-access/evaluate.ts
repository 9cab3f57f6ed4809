// aws.lambda.public-access (Security Hub Lambda.1) over a bundle: the resource policy of each
// function in inventory/lambda-functions.json (ListFunctions + GetPolicy), public when a statement
// grants to anyone without a condition pinning the caller (main/semantics/iam-policy.ts), as
// Config's lambda-function-public-access-prohibited and Prowler's
// awslambda_function_not_publicly_accessible read it.
import type { Evaluation } from '../../shared/contract'
import type { EvaluationContext } from '../../main/controls/evaluation'
import { evaluatePolicyFile } from '../../main/controls/resource-policy'
import type { AwsAccountInventory } from '../../main/semantics/inventory'
import { LAMBDA } from './steps'

export function evaluateLambdaPublicAccess(_ctx: EvaluationContext, inv: AwsAccountInventory): Evaluation[] {
  return evaluatePolicyFile('aws.lambda.public-access', LAMBDA, inv, inv.lambdaFunctions, { listing: 'ListFunctions', what: 'the Lambda functions', policyPointer: '/policy' })
}
