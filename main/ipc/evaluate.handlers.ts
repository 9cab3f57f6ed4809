import { evaluateBundle } from '../evaluate'
import { isControlId } from '../evaluate/registry'
import type { ControlId } from '../evaluate/types'
import { LastmileError } from '../errors'
import type { HandlerServices, HandlerSlice } from './handlers'

/** Lastmile's own check of a bundle's configuration; reads the bundle only, needs no open case. */
export function evaluateHandlers(_app: HandlerServices): HandlerSlice<'evaluate.bundle'> {
  return {
    'evaluate.bundle': ({ path, controls, unusedKeyDays }) => {
      const unknownId = controls?.find((c) => !isControlId(c))
      if (unknownId !== undefined) throw new LastmileError('bad-input', `evaluate.bundle: controls: unknown control "${unknownId}"`)
      return evaluateBundle(path, { controls: controls as ControlId[] | undefined, unusedKeyDays })
    }
  }
}
