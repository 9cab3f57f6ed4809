// aws.elbv2.http-redirect — Application Load Balancers should redirect all HTTP requests to HTTPS
// (Security Hub ELB.1). Which listeners still serve plain HTTP, whether the redirect has an HTTPS
// listener to land on, and who used plain HTTP in a way a redirect breaks (the access logs, with
// their coverage): the model is main/semantics/load-balancer.ts, the logs' reader
// main/evidence/elb-access-logs.ts. What playbook.yaml cannot declare: the evaluator, the steps, the
// fix with its rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateHttpRedirect } from './evaluate'
import { httpRedirectFix } from './fix'
import { httpRedirectGuardrails } from './guardrails'
import { ELB_REDIRECT_STEPS } from './steps'

export default defineControl({
  id: 'aws.elbv2.http-redirect',
  evaluate: perAccount(evaluateHttpRedirect),
  steps: ELB_REDIRECT_STEPS,
  fix: httpRedirectFix,
  guardrails: httpRedirectGuardrails
})
