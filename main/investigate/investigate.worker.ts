// The investigation worker: opens the case with its own connection, runs the playbooks, writes the
// run in one transaction, and reports progress and the result to the thread that started it. A
// cancel stops it between findings, before anything is written.
import type { Progress } from '../../shared/model'
import type { InvestigationRunResult } from '../../shared/investigate'
import { openCaseDb } from '../db/case-db'
import { LastmileError } from '../errors'
import { serveRequests } from '../platform/worker'
import { asApiError, investigateCase, type WorkerInvestigateRequest } from './service'

serveRequests<WorkerInvestigateRequest, InvestigationRunResult, Progress>(
  async (req, task) => {
    const c = openCaseDb(req.casePath, req.key)
    try {
      return await investigateCase(c, {
        actor: req.actor,
        customDir: req.customDir,
        findings: req.findings,
        initiative: req.initiative,
        signal: task.signal,
        onProgress: (progress) => task.progress(progress)
      })
    } finally {
      c.close()
    }
  },
  {
    asError: (e) => {
      const { code, message } = asApiError(e)
      return new LastmileError(code, message)
    }
  }
)
