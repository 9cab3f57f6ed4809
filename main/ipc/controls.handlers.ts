import { controlView } from '../controls/view'
import type { HandlerServices, HandlerSlice } from './handlers'

/** The control catalogue behind controls.get; reads the catalogue only, needs no open case. */
export function controlsHandlers(_app: HandlerServices): HandlerSlice<'controls.get'> {
  return {
    'controls.get': ({ id }) => controlView(id)
  }
}
