import { basename, resolve } from 'node:path'
import type { GuardrailOptions } from '../guardrails'
import { readRegularFile } from '../services/input-files'
import { MAX_OUTPUT_BYTES } from '../workflow/execution'
import {
  acceptRisk,
  approve,
  board,
  clear,
  exportGuardrails,
  findingWorkflow,
  fourEyesEnabled,
  guardrailBundle,
  listPlans,
  plan,
  queue,
  recordExecutionOf,
  reject,
  routeFindings,
  setFourEyes,
  showPlan,
  suppress,
  validate,
  type WorkflowContext
} from '../workflow'
import type { HandlerServices, HandlerSlice } from './handlers'

function guardOpts(x: { breakGlassRoles?: string[]; exceptionTag?: { key: string; value: string } }): GuardrailOptions {
  return { breakGlassRoles: x.breakGlassRoles, exceptionTag: x.exceptionTag }
}

function readOutput(path: string): Buffer {
  return readRegularFile(path, path, 'an output file', MAX_OUTPUT_BYTES)
}

/** The workflow service (main/workflow, main/remediate, main/guardrails) behind the remediation calls. */
export function remediationHandlers(
  app: HandlerServices
): HandlerSlice<
  | 'remediation.plan'
  | 'remediation.getPlan'
  | 'remediation.plans'
  | 'approvals.queue'
  | 'approvals.approve'
  | 'approvals.reject'
  | 'workflow.board'
  | 'workflow.finding'
  | 'workflow.route'
  | 'workflow.acceptRisk'
  | 'workflow.suppress'
  | 'workflow.clearDecision'
  | 'workflow.recordExecution'
  | 'workflow.validate'
  | 'workflow.settings'
  | 'workflow.setFourEyes'
  | 'guardrails.bundle'
  | 'guardrails.export'
> {
  const { session, written } = app
  const ctx = (guardrails: GuardrailOptions = {}): WorkflowContext => ({ actor: session.actor(), now: session.now, guardrails })
  return {
    'remediation.plan': ({ ref, params, ...g }, cases) => plan(cases.writable(), ref, { ...ctx(guardOpts(g)), inputs: params }),
    'remediation.getPlan': ({ id }) => showPlan(session.require(), id, ctx()),
    'remediation.plans': (filter) => listPlans(session.require().db, filter),
    'approvals.queue': (filter) => {
      const me = session.actor()
      return queue(session.require(), { ...filter, as: me }, ctx())
    },
    'approvals.approve': ({ plan: p, reason, findings }, cases) => approve(cases.writable(), p, { ...ctx(), reason, findings }),
    'approvals.reject': ({ plan: p, reason, findings }, cases) => reject(cases.writable(), p, { ...ctx(), reason, findings }),
    'workflow.board': () => board(session.require(), ctx()),
    'workflow.finding': ({ id }) => findingWorkflow(session.require().db, id),
    'workflow.route': ({ refs, groupBy, out, all }, cases) => {
      const r = routeFindings(cases.writable(), refs, { ...ctx(), groupBy, out: resolve(out), all })
      written.add(resolve(r.dir))
      return r
    },
    'workflow.acceptRisk': ({ id, reason, expires }, cases) => {
      const c = cases.writable()
      acceptRisk(c, id, { ...ctx(), reason, expires })
      return findingWorkflow(c.db, id)
    },
    'workflow.suppress': ({ id, reason, expires }, cases) => {
      const c = cases.writable()
      suppress(c, id, { ...ctx(), reason, expires: expires ?? null })
      return findingWorkflow(c.db, id)
    },
    'workflow.clearDecision': ({ id, reason }, cases) => {
      const c = cases.writable()
      clear(c, id, { ...ctx(), reason })
      return findingWorkflow(c.db, id)
    },
    'workflow.recordExecution': ({ plan: p, outcome, output, outputPath, findings }, cases) => {
      const path = outputPath ? resolve(outputPath) : null
      const bytes = path ? readOutput(path) : Buffer.from(output ?? '', 'utf8')
      return recordExecutionOf(cases.writable(), p, { ...ctx(), outcome, output: bytes, outputName: path ? basename(path) : null, findings })
    },
    'workflow.validate': ({ ref, method, bundle }, cases) => validate(cases.writable(), ref, method === 'evidence' ? { bundle: resolve(bundle!) } : { rescan: true }, ctx()),
    'workflow.settings': () => ({ fourEyes: fourEyesEnabled(session.require().db) }),
    'workflow.setFourEyes': ({ enabled, reason }, cases) => ({ fourEyes: setFourEyes(cases.writable(), enabled, reason, session.actor(), session.now) }),
    'guardrails.bundle': ({ ref, ...g }) => guardrailBundle(session.require().db, ref ?? null, guardOpts(g)),
    'guardrails.export': ({ ref, out, ...g }, cases) => {
      const r = exportGuardrails(cases.writable(), ref ?? null, resolve(out), ctx(guardOpts(g)))
      written.add(resolve(r.dir))
      return r
    }
  }
}
