// aws.ec2.sg-open-unauthorized-ports — security groups should admit the internet only to authorised
// ports (Security Hub EC2.18, authorizedTcpPorts 80,443 by default). The evaluator, step functions and
// plan are the security-group kit's EC2.18 reading (main/controls/security-group/authorised-ports.ts,
// authorised-steps.ts); the fix script and its exact rollback are the kit's (fix.ts); the guardrails
// are this folder's.
import { defineControl, perAccount } from '../../main/controls/control'
import { evaluateSecurityGroupList } from '../../main/controls/evaluation'
import { AUTHORISED_DEFAULT, authorisedPortsVerdict, planAuthorisedFix } from '../../main/controls/security-group/authorised-ports'
import { authorisedPortsSteps } from '../../main/controls/security-group/authorised-steps'
import { securityGroupFix } from '../../main/controls/security-group/fix'
import { sgOpenUnauthorizedPortsGuardrails } from './guardrails'

const ID = 'aws.ec2.sg-open-unauthorized-ports'

export default defineControl({
  id: ID,
  evaluate: perAccount((_ctx, inv) =>
    evaluateSecurityGroupList(ID, inv, (g) => {
      const { verdict, rules } = authorisedPortsVerdict(g, AUTHORISED_DEFAULT)
      return { verdict, places: rules.length ? rules.map((r) => `/IpPermissions/${r}`) : ['/IpPermissions'] }
    })
  ),
  steps: authorisedPortsSteps(AUTHORISED_DEFAULT),
  fix: securityGroupFix(ID, {
    what: 'TCP/UDP ports other than 80 and 443',
    session: 'session to a port other than 80 and 443',
    sessions: 'sessions to ports other than 80 and 443',
    plan: (groupId, ingress) => planAuthorisedFix(groupId, ingress, AUTHORISED_DEFAULT),
    portsHead: 'First authorizes, from the same range, the authorised ports (80, 443) that a rule it revokes also admitted:',
    who: 'whoever reaches a port other than 80 and 443 through the revoked ranges loses it (the investigation says which ports carried sessions and from where); anyone who must keep one needs a rule for their own range, a VPN or a load balancer on an authorised port'
  }),
  guardrails: sgOpenUnauthorizedPortsGuardrails
})
