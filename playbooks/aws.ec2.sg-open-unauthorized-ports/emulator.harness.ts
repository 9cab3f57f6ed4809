// aws.ec2.sg-open-unauthorized-ports in the emulator harness: the security group seeded as the evidence
// shows it, fixed when EC2.18's reading finds no TCP/UDP port but 80 and 443 open to the internet
// (test/emulator/security-group.ts).
import { securityGroupHarness } from '../../test/emulator/security-group'
import { authorisedPortsVerdict } from '../../main/controls/security-group/authorised-ports'

export const harness = securityGroupHarness((perms) => authorisedPortsVerdict({ IpPermissions: perms }).verdict)
