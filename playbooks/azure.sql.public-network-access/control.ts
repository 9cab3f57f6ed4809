// azure.sql.public-network-access — Azure SQL servers should not accept logins over their public
// endpoint. What playbook.yaml cannot declare: the evaluator over sql-servers.json, the step functions,
// the fix with its rollback (publicNetworkAccess saved, then Disabled; the rollback puts the saved
// value back) and the guardrail (the built-in Azure Policy definition with the Deny effect).
import { defineControl } from '../../main/controls/control'
import { evaluateSqlPublicNetworkAccess } from './evaluate'
import { sqlPublicAccessFix } from './fix'
import { sqlPublicAccessGuardrails } from './guardrails'
import { SQL_PUBLIC_STEPS } from './steps'

export default defineControl({
  id: 'azure.sql.public-network-access',
  evaluate: evaluateSqlPublicNetworkAccess,
  steps: SQL_PUBLIC_STEPS,
  fix: sqlPublicAccessFix,
  guardrails: sqlPublicAccessGuardrails
})
