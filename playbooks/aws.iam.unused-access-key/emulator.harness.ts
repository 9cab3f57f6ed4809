// aws.iam.unused-access-key in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the
// user and its keys as the evidence shows them (each key created at its slot's creation time, the
// inactive ones deactivated), read back by creation time, and fixed when an idle key is inactive.
import type { ControlHarness } from '../../test/emulator/emulator'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const arn = String(v.arn)
    const path = arn.slice(arn.indexOf(':user') + ':user'.length).replace(/[^/]+$/, '')
    await emu.aws(env, ['iam', 'create-user', '--user-name', String(v.user), '--path', path || '/'])
    for (const k of (v.keys as Array<{ slot: number; active: boolean; lastRotated: string }>).sort((a, b) => a.slot - b.slot)) {
      emu.want({ 'access-key-created': [k.lastRotated] })
      const key = (await emu.aws(env, ['iam', 'create-access-key', '--user-name', String(v.user)])) as { AccessKey: { AccessKeyId: string } }
      if (!k.active) await emu.aws(env, ['iam', 'update-access-key', '--user-name', String(v.user), '--access-key-id', key.AccessKey.AccessKeyId, '--status', 'Inactive'])
    }
  },
  async snapshot(emu, env, v) {
    const r = (await emu.aws(env, ['iam', 'list-access-keys', '--user-name', String(v.user)])) as {
      AccessKeyMetadata: Array<{ AccessKeyId: string; Status: string; CreateDate: string }>
    }
    return r.AccessKeyMetadata.map((k) => ({ id: k.AccessKeyId, created: k.CreateDate, status: k.Status })).sort((a, b) => a.created.localeCompare(b.created))
  },
  notFixed(state, v) {
    // every key the evidence shows active and idle (its slot, by creation time) is now inactive
    const keys = state as Array<{ created: string; status: string }>
    const idle = (v.keys as Array<{ active: boolean; lastRotated: string }>).filter((k) => k.active)
    const stillActive = idle.filter((k) => keys.some((s) => Date.parse(s.created) === Date.parse(k.lastRotated) && s.status === 'Active'))
    return stillActive.length === idle.length ? `no idle key was deactivated (${JSON.stringify(keys)})` : null
  }
}
