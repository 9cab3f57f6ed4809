// aws.ec2.sg-open-admin-ports in the emulator harness: the security group seeded as the evidence shows
// it, fixed when the evaluator reads 22 and 3389 as closed to the internet (test/emulator/security-group.ts).
import { securityGroupHarness } from '../../test/emulator/security-group'
import { PORT_SETS } from '../../main/semantics/port-sets'

export const harness = securityGroupHarness(PORT_SETS.admin)
