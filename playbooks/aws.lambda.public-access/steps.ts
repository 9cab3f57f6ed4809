// Step functions of aws.lambda.public-access: does the function's policy still grant to anyone,
// and who used what the fix takes away — callers from outside the account (UNSAFE when the fix
// cuts them off), and callers of the account that no remaining statement names. Lambda Invoke is
// a CloudTrail data event: "nobody" needs a trail recording this function's, over the whole window.
// Function URL invocations are not in CloudTrail at all, so a public grant of
// lambda:InvokeFunctionUrl leaves "nobody" unknown.
import { z } from 'zod'
import { defineStep } from '../../main/controls/step'
import { accountCallersOutcome, outsideCallersOutcome, publicPolicyOutcome, type PolicyServiceSpec } from '../../main/controls/resource-policy'

export const LAMBDA: PolicyServiceSpec = {
  service: 'lambda',
  noun: 'Lambda function',
  file: 'lambda-functions.json',
  dataType: 'AWS::Lambda::Function',
  // CloudTrail names Lambda's management calls with the API version (GetFunction20150331v2); Invoke is lambda:InvokeFunction
  actionOf: (eventName) => (eventName === 'Invoke' ? 'lambda:InvokeFunction' : `lambda:${eventName.replace(/20\d{6}(v\d+)?$/, '')}`),
  unlogged: { action: 'lambda:InvokeFunctionUrl', why: 'calls to the function URL are not recorded by CloudTrail, so who uses the URL cannot be known from the logs' }
}

const FN = ['aws.lambda.function'] as const

const publicPolicy = defineStep({
  name: 'lambda.public-policy',
  summary: 'whether the function\'s resource policy still grants to anyone (Principal "*" without a condition that pins the caller), naming the statements',
  resourceTypes: FN,
  params: z.object({}).strict(),
  run: (ctx) => publicPolicyOutcome(ctx, LAMBDA)
})

const outsideCallers = defineStep({
  name: 'lambda.outside-callers',
  summary:
    'callers from other accounts, anonymous or AWS services that invoked or called the function in the window (CloudTrail) and that no statement the fix leaves allows; "no" needs CloudTrail of its Region and a trail recording its Invoke data events over the whole window',
  resourceTypes: FN,
  params: z.object({}).strict(),
  run: (ctx) => outsideCallersOutcome(ctx, LAMBDA)
})

const accountCallers = defineStep({
  name: 'lambda.account-callers',
  summary: "callers of the function's own account that no statement the fix leaves names: they keep working only through their own IAM permissions",
  resourceTypes: FN,
  params: z.object({}).strict(),
  run: (ctx) => accountCallersOutcome(ctx, LAMBDA)
})

export const LAMBDA_PUBLIC_STEPS = [publicPolicy, outsideCallers, accountCallers]
