import type { Command } from '../command'
import { caseCreate } from './case-create'
import { checkpointCommand } from './checkpoint'
import { controls } from './controls'
import { evaluate } from './evaluate'
import { exportCaseCommand, exportPdfCommand } from './export'
import { verify } from './verify'
import { demo } from './demo'
import { EVIDENCE_COMMANDS } from './evidence'
import { INGEST_COMMANDS } from './ingest'
import { INVESTIGATE_COMMANDS } from './investigate'
import { PEOPLE_COMMANDS } from './people'
import { REMEDIATION_COMMANDS } from './remediation'

/** Every verb of the command line, in the order `lastmile --help` lists them. */
export const COMMANDS: Command[] = [
  caseCreate,
  ...INGEST_COMMANDS,
  controls,
  verify,
  evaluate,
  checkpointCommand,
  exportPdfCommand,
  exportCaseCommand,
  ...EVIDENCE_COMMANDS,
  ...INVESTIGATE_COMMANDS,
  ...REMEDIATION_COMMANDS,
  ...PEOPLE_COMMANDS,
  demo
]
