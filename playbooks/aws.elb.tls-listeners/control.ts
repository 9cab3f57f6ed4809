// aws.elb.tls-listeners — Classic Load Balancer listeners should use HTTPS or TLS termination
// (Security Hub ELB.3). Which listeners are plain, whether each has a secure counterpart, and who
// connected unencrypted (the access logs, read as for aws.elbv2.http-redirect: the model is
// main/semantics/load-balancer.ts). What playbook.yaml cannot declare: the evaluator, the steps, the
// fix with its rollback, the guardrails.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateTlsListeners } from './evaluate'
import { tlsListenersFix } from './fix'
import { tlsListenersGuardrails } from './guardrails'
import { ELB_CLASSIC_STEPS } from './steps'

export default defineControl({
  id: 'aws.elb.tls-listeners',
  evaluate: perAccount(evaluateTlsListeners),
  steps: ELB_CLASSIC_STEPS,
  fix: tlsListenersFix,
  guardrails: tlsListenersGuardrails
})
