// aws.ec2.sg-open-unauthorized-ports in the emulator harness: the security group seeded as the evidence
// shows it, fixed when EC2.18's reading finds no TCP/UDP port open to the internet but the authorised
// ones — the finding's own (the fix's inputs keep them as "params"), else AWS's 80 and 443
// (test/emulator/security-group.ts).
import { securityGroupHarness } from '../../test/emulator/security-group'
import { AUTHORISED_DEFAULT, authorisedPortsVerdict, type AuthorisedPorts } from '../../main/controls/security-group/authorised-ports'

export const harness = securityGroupHarness((perms, v) => authorisedPortsVerdict({ IpPermissions: perms }, (v.params as AuthorisedPorts | undefined) ?? AUTHORISED_DEFAULT).verdict)
