// azure.entra.guest-user-high-privileges — guest users should not hold privileged roles. What
// playbook.yaml cannot declare: the step functions (over the Entra and Azure RBAC files) and the fix
// that removes the guest's role assignments, with its rollback.
import { defineControl } from '../../main/controls/control'
import { guestRolesFix } from './fix'
import { GUEST_STEPS } from './steps'

export default defineControl({
  id: 'azure.entra.guest-user-high-privileges',
  steps: GUEST_STEPS,
  fix: guestRolesFix
})
