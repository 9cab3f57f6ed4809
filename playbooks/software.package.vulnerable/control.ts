// software.package.vulnerable — vulnerable software packages on hosts, functions and repositories,
// one finding per resource (its alerts the CVEs), and the Wiz issues on Azure VMs its playbook
// serves. What playbook.yaml cannot declare: the step functions and the fix with its rollback
// (a running EC2 instance's distribution packages, through Run Command). It has no evaluator: no evidence
// bundle holds a host's installed packages, so only a new scan says whether they are still vulnerable.
import { defineControl } from '../../main/controls/control'
import { hostPackagesFix } from './fix'
import { HOST_STEPS } from './steps'

export default defineControl({
  id: 'software.package.vulnerable',
  steps: HOST_STEPS,
  fix: hostPackagesFix
})
