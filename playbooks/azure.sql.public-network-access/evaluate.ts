// azure.sql.public-network-access: an Azure SQL logical server has public network access disabled
// (properties.publicNetworkAccess "Disabled") — Defender for Cloud's "Public network access on Azure
// SQL Database should be disabled". "Enabled" fails; a value the file does not give (an old listing)
// or another one ("SecuredByPerimeter") is not judged. Read from sql-servers.json (ARM list or `az sql
// server list`; main/semantics/inventory-azure-data.ts).
import { evaluateAzureList, type EvaluationContext } from '../../main/controls/evaluation'
import type { Evaluation } from '../../shared/contract'
import { fail, pass, unknown, type Verdict } from '../../main/semantics/verdict'

export const CONTROL = 'azure.sql.public-network-access'

export function sqlPublicVerdict(s: { publicNetworkAccess: string | null }): Verdict {
  const v = s.publicNetworkAccess
  if (v === null) return unknown('the listing does not give publicNetworkAccess (list the servers again with api-version 2021-11-01 or later)')
  if (/^disabled$/i.test(v)) return pass('publicNetworkAccess is Disabled: only private endpoint connections are accepted')
  if (/^enabled$/i.test(v)) return fail('publicNetworkAccess is Enabled: logins matching an IP or virtual network firewall rule are accepted over the public endpoint')
  return unknown(`publicNetworkAccess is ${v}, neither Enabled nor Disabled`)
}

export function evaluateSqlPublicNetworkAccess(ctx: EvaluationContext): Evaluation[] {
  return evaluateAzureList(
    CONTROL,
    ctx,
    'the SQL servers',
    (sub) => sub.sqlServers,
    (s) => s.id,
    (s) => sqlPublicVerdict(s)
  )
}
