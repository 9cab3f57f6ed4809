// Step functions of aws.lambda.public-access (the kit's three resource-policy steps, main/controls/
// resource-policy.ts): does the function's policy still grant to anyone, and who used what the fix
// takes away — callers from outside the account (UNSAFE when the fix cuts them off), and callers of
// the account that no remaining statement names. Lambda Invoke is a CloudTrail data event: "nobody"
// needs a trail recording this function's, over the whole window. Function URL invocations are not
// in CloudTrail at all, so a public grant of lambda:InvokeFunctionUrl leaves "nobody" unknown.
import { resourcePolicySteps, type PolicyServiceSpec } from '../../main/controls/resource-policy'

export const LAMBDA: PolicyServiceSpec = {
  service: 'lambda',
  noun: 'Lambda function',
  file: 'lambda-functions.json',
  dataType: 'AWS::Lambda::Function',
  // CloudTrail names Lambda's management calls with the API version (GetFunction20150331v2); Invoke is lambda:InvokeFunction
  actionOf: (eventName) => (eventName === 'Invoke' ? 'lambda:InvokeFunction' : `lambda:${eventName.replace(/20\d{6}(v\d+)?$/, '')}`),
  unlogged: { action: 'lambda:InvokeFunctionUrl', why: 'calls to the function URL are not recorded by CloudTrail, so who uses the URL cannot be known from the logs' }
}

export const LAMBDA_PUBLIC_STEPS = resourcePolicySteps(LAMBDA, 'lambda', 'aws.lambda.function')
