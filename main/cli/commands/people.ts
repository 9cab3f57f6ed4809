// Who acts on a case, as keys: `whoami` (your key), `join CASE` (bind your key to a case),
// `people CASE` (everyone bound, with roles), `grant`/`revoke CASE --person P --role R` (the case
// owner's signed decisions). Roles are granted by the owner, not picked with --role.
import { ROLES, type Role } from '../../../shared/model'
import { LastmileError } from '../../errors'
import { casePeople, joinCase, setRole, type CasePerson } from '../../identity/case-people'
import { signerOf } from '../../identity/agent'
import { value } from '../args'
import { emit, type Command } from '../command'
import { actorOf } from '../context'
import { table } from '../table'
import { withCase } from './remediation-common'

const now = (): string => new Date().toISOString()

function peopleTable(list: CasePerson[]): string {
  return list.length
    ? table(
        ['NAME', 'KEY', 'OS USER', 'ROLES'],
        list.map((p) => [`${p.name}${p.owner ? ' (owner)' : ''}`, p.key, p.osUser, p.roles.join(', ')]),
        60
      )
    : 'nobody has signed anything in this case yet (a case made before people had signing keys has no owner)'
}

const whoamiCommand: Command = {
  name: 'whoami',
  usage: 'whoami [--as NAME | --person-key F | --person-cert F.p12 --person-cert-pass-file F] [--json]',
  summary: 'your signing key: the name bound to it, its fingerprint and the OS user (made on first use)',
  args: {},
  run(ctx) {
    const actor = actorOf(ctx)
    const s = signerOf(actor)!
    const me = { name: s.name, key: s.id, osUser: s.osUser, kind: s.descriptor.kind }
    emit(ctx, me, () => `${me.name}: key ${me.key} (${me.kind === 'pkcs12' ? 'organisation certificate' : 'personal Ed25519 key'}), OS user ${me.osUser}`)
    return 0
  }
}

const joinCommand: Command = {
  name: 'join',
  usage: 'join CASE [--as NAME | --person-key F] [--key-file F] [--json]',
  summary: 'bind your signing key to a case (a signed identity.bound entry), so its owner can grant you a role',
  args: {},
  async run(ctx) {
    const actor = actorOf(ctx)
    const p = await withCase(ctx, (c) => joinCase(c, actor, now))
    emit(ctx, p, () => `${p.name} (key ${p.key}) is a person of this case; roles: ${p.roles.join(', ')}`)
    return 0
  }
}

const peopleCommand: Command = {
  name: 'people',
  usage: 'people CASE [--key-file F] [--json]',
  summary: 'everyone bound to a case: name, key, OS user, roles; the owner grants the roles',
  args: {},
  async run(ctx) {
    const list = await withCase(ctx, (c) => casePeople(c.db), { readOnly: true })
    emit(ctx, list, () => peopleTable(list))
    return 0
  }
}

function roleCommand(grant: boolean): Command {
  const verb = grant ? 'grant' : 'revoke'
  return {
    name: verb,
    usage: `${verb} CASE --person NAME|KEY --role ${ROLES.filter((r) => r !== 'analyst').join('|')} [--as OWNER] [--key-file F] [--json]`,
    summary: grant ? "grant a person of the case a role: the case owner's signed decision" : "take a role back: the case owner's signed decision",
    args: { values: ['--person'] },
    async run(ctx) {
      const person = value(ctx.args, '--person')
      if (!person) throw new LastmileError('bad-input', '--person NAME|KEY is required (see lastmile people CASE)')
      // --role names the role granted here, not one the owner acts in: the owner holds them all
      const role = value(ctx.args, '--role') as Role | undefined
      if (!role) throw new LastmileError('bad-input', `--role ROLE is required: the role to ${verb}`)
      if (!ROLES.includes(role)) throw new LastmileError('bad-input', `--role ${role}: not a role (one of ${ROLES.join(', ')})`)
      const actor = actorOf(ctx, { role: 'admin' })
      const p = await withCase(ctx, (c) => setRole(c, person, role, grant, actor, now))
      emit(ctx, p, () => `${p.name} (key ${p.key}) now holds: ${p.roles.join(', ')}`)
      return 0
    }
  }
}

export const PEOPLE_COMMANDS: Command[] = [whoamiCommand, joinCommand, peopleCommand, roleCommand(true), roleCommand(false)]
