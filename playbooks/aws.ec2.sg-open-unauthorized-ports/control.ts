// aws.ec2.sg-open-unauthorized-ports — security groups should admit the internet only to authorised
// ports (Security Hub EC2.18). Which ports are authorised is the control's parameters
// (authorizedTcpPorts, AWS's default 80,443; authorizedUdpPorts, none): each finding is judged against
// those its Security Hub alerts were evaluated with (Compliance.SecurityControlParameters), else the
// defaults (authorisedPortsOf). The evaluator, step functions and plan are the security-group kit's
// EC2.18 reading (main/controls/security-group/authorised-ports.ts, authorised-steps.ts); the fix
// script and its exact rollback are the kit's (fix.ts); the guardrails are this folder's.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateSecurityGroupList } from '../../main/controls/evaluation'
import {
  AUTHORISED_DEFAULT,
  authorisedPortsOf,
  authorisedPortsVerdict,
  authorisedText,
  planAuthorisedFix,
  type AuthorisedPorts
} from '../../main/controls/security-group/authorised-ports'
import { authorisedPortsSteps } from '../../main/controls/security-group/authorised-steps'
import { securityGroupFix } from '../../main/controls/security-group/fix'
import { alertRecord, getFinding } from '../../main/case/findings'
import { LastmileError } from '../../main/errors'
import { sgOpenUnauthorizedPortsGuardrails } from './guardrails'

const ID = 'aws.ec2.sg-open-unauthorized-ports'

export default defineControl({
  id: ID,
  // A bundle has no findings, so no alert to read parameters from: the defaults (`lastmile evaluate`).
  evaluate: perAccount((_ctx, inv) =>
    evaluateSecurityGroupList(ID, inv, (g) => {
      const { verdict, rules } = authorisedPortsVerdict(g, AUTHORISED_DEFAULT)
      return { verdict, places: rules.length ? rules.map((r) => `/IpPermissions/${r}`) : ['/IpPermissions'] }
    })
  ),
  steps: authorisedPortsSteps((ctx) => authorisedPortsOf(ctx.ev.alertRecords(ctx.finding.alerts.map((a) => a.id)))),
  fix: securityGroupFix(ID, {
    what: 'TCP/UDP ports other than the authorised ones',
    session: 'session to a port that is not authorised',
    sessions: 'sessions to ports that are not authorised',
    parameters(db, target) {
      const f = getFinding(db, target.finding)
      const r = authorisedPortsOf(f.alerts.filter((a) => !a.closed).map((a) => ({ id: a.id, raw: alertRecord(db, a.id).raw })))
      if ('error' in r) throw new LastmileError('conflict', `${target.finding}: which ports are authorised cannot be told: ${r.error}`)
      return r.ports
    },
    plan: (groupId, ingress, params) => planAuthorisedFix(groupId, ingress, params as AuthorisedPorts),
    words(params) {
      const ports = authorisedText(params as AuthorisedPorts)
      return {
        what: `TCP/UDP ports other than the authorised ones (${ports})`,
        portsHead: `First authorizes, from the same range, the authorised ports (${ports}) that a rule it revokes also admitted:`,
        who: `whoever reaches a port other than the authorised ones (${ports}) through the revoked ranges loses it (the investigation says which ports carried sessions and from where); anyone who must keep one needs a rule for their own range, a VPN or a load balancer on an authorised port`
      }
    }
  }),
  guardrails: sgOpenUnauthorizedPortsGuardrails
})
