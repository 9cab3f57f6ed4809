// aws.ec2.sg-open-high-risk-ports in the emulator harness: the security group seeded as the evidence
// shows it, fixed when the evaluator reads every high-risk port as closed to the internet
// (test/emulator/security-group.ts).
import { securityGroupHarness } from '../../test/emulator/security-group'
import { PORT_SETS } from '../../main/semantics/port-sets'

export const harness = securityGroupHarness(PORT_SETS['high-risk'])
