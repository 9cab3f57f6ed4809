import { createCheckpoint } from '../../audit/checkpoint'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { actorOf, openCase } from '../context'
import { SIGN_FLAGS, signingKey } from './export-options'

export const checkpointCommand: Command = {
  name: 'checkpoint',
  usage: 'checkpoint CASE [--sign CERT.p12 --sign-pass-file F] [--key-file F] [--as NAME --role ROLE] [--json]',
  summary: 'seal the audit trail with a signed checkpoint (written at every export too)',
  args: { values: [...SIGN_FLAGS] },
  run(ctx) {
    const path = positional(ctx.args, 0, 'CASE (the case whose audit trail to seal)')
    const signer = signingKey(ctx)
    const actor = actorOf(ctx)
    const c = openCase(ctx, path)
    try {
      const cp = createCheckpoint(c.db, c.id, signer, actor, () => new Date().toISOString())
      const { signer: s, ...rest } = cp
      const result = { ...rest, signer: { kind: s.kind, algorithm: s.algorithm, subject: s.subject, fingerprint: s.fingerprint } }
      emit(
        ctx,
        result,
        () =>
          `checkpoint ${cp.number} seals audit entries ${cp.firstSeq}–${cp.lastSeq} (head ${cp.headHash.slice(0, 16)}…), ` +
          `signed by ${s.kind === 'device' ? 'the device key' : s.subject} (${s.fingerprint})`
      )
      return 0
    } finally {
      c.close()
    }
  }
}
