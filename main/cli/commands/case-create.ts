import { positional, value } from '../args'
import { emit, type Command } from '../command'
import { cliServices, readKey } from '../context'
import { LastmileError } from '../../errors'

export const caseCreate: Command = {
  name: 'case create',
  usage: 'case create CASE [--name NAME] [--key-file F] [--as NAME --role ROLE] [--json]',
  summary: 'create an encrypted case database at CASE (refuses to overwrite)',
  args: { values: ['--name'] },
  run(ctx) {
    const path = positional(ctx.args, 0, 'CASE (the path of the new case file)')
    const key = readKey(ctx)
    if (key.length < 8) throw new LastmileError('bad-input', 'the case key must have at least 8 characters')
    const app = cliServices(ctx)
    const c = app.session.create(path, key, { name: value(ctx.args, '--name') })
    app.session.close()
    emit(ctx, c, () => `created case "${c.name}" at ${c.path} (id ${c.id})`)
    return 0
  }
}
