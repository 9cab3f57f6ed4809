// `four-eyes CASE on|off --reason TEXT`: the case's four-eyes rule (on by default): an approver may
// not approve a plan they requested. Changing it needs the admin role and is audited.
import { LastmileError } from '../../errors'
import { setFourEyes } from '../../workflow'
import { positional } from '../args'
import { emit, type Command } from '../command'
import { actorOf } from '../context'
import { reasonOf, withCase } from './remediation-common'

export const fourEyesCommand: Command = {
  name: 'four-eyes',
  usage: 'four-eyes CASE on|off --reason TEXT --as NAME --role admin [--key-file F] [--json]',
  summary: "turn the case's four-eyes rule on or off (an approver may not approve their own plan; on by default)",
  args: { values: ['--reason'] },
  async run(ctx) {
    const v = positional(ctx.args, 1, 'on|off')
    if (v !== 'on' && v !== 'off') throw new LastmileError('bad-input', `${v}: on or off`)
    const enabled = await withCase(ctx, (c) => setFourEyes(c, v === 'on', reasonOf(ctx), actorOf(ctx), () => new Date().toISOString()))
    emit(ctx, { fourEyes: enabled }, () => `four-eyes is ${enabled ? 'on' : 'off'}`)
    return 0
  }
}
