// `four-eyes CASE on|off --reason TEXT`: the case's four-eyes rule (on by default): an approver may
// not approve a plan they requested (compared by signing key). Changing it is the case owner's signed
// decision (in a case made before people had keys, an admin's); the PDF report and verify show it.
import { LastmileError } from '../../errors'
import { setFourEyes } from '../../workflow'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { actorOf } from '../context'
import { reasonOf, withCase } from './remediation-common'

export const fourEyesCommand: Command = {
  name: 'four-eyes',
  usage: 'four-eyes CASE on|off --reason TEXT [--as OWNER] [--role admin (a case without owner)] [--key-file F] [--json]',
  summary: "turn the case's four-eyes rule on or off (the key that requested a plan may not approve it; on by default): the case owner's signed decision",
  args: { values: ['--reason'] },
  async run(ctx) {
    const v = positional(ctx.args, 1, 'on|off')
    if (v !== 'on' && v !== 'off') throw new LastmileError('bad-input', `${v}: on or off`)
    const enabled = await withCase(ctx, (c) => setFourEyes(c, v === 'on', reasonOf(ctx), actorOf(ctx), () => new Date().toISOString()))
    emit(ctx, { fourEyes: enabled }, () => `four-eyes is ${enabled ? 'on' : 'off'}`)
    return 0
  }
}
