import { verifyAudit } from '../../audit/chain'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { openCase } from '../context'

export const verify: Command = {
  name: 'verify',
  usage: 'verify FILE [--key-file F] [--json]',
  summary: 'check a case: recompute the audit chain and name the first entry that does not match (exit 1 on tampering)',
  args: {},
  run(ctx) {
    const path = positional(ctx.args, 0, 'FILE (a case to verify)')
    const c = openCase(ctx, path, { readOnly: true })
    try {
      const v = verifyAudit(c.db, c.id)
      const result = { file: c.path, kind: 'case', ok: v.ok, audit: v }
      emit(ctx, result, () =>
        v.ok
          ? `OK: ${c.path}: audit chain of ${v.entries} entries verifies (head ${v.headHash.slice(0, 16)}…)`
          : `TAMPERED: ${c.path}: ${v.firstBad?.reason} (${v.entries} entries before it verify)`
      )
      return v.ok ? 0 : 1
    } finally {
      c.close()
    }
  }
}
