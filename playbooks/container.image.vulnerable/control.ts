// container.image.vulnerable — container images with known vulnerabilities, one finding per image
// digest. What playbook.yaml cannot declare: the evaluator (running images and ECR's scan of
// them) and the step functions. It has no fix in code: its playbook's fix, rollback and guardrail
// templates are what plans render (a rebuild needs the image's build context and a tag a person
// chooses), so they are its one source.
import { defineControl } from '../../main/controls/control'
import { evaluateContainerImages } from './evaluate'
import { CONTAINER_STEPS } from './steps'

export default defineControl({
  id: 'container.image.vulnerable',
  evaluate: evaluateContainerImages,
  steps: CONTAINER_STEPS
})
