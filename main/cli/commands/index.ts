import type { Command } from '../command'
import { caseCreate } from './case-create'
import { verify } from './verify'

/** Every verb of the command line, in the order `lastmile --help` lists them. */
export const COMMANDS: Command[] = [caseCreate, verify]
