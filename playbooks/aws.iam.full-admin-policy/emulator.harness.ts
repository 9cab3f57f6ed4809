// aws.iam.full-admin-policy in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the
// policy as the evidence shows it (its default version's document), nobody attached; its default
// version and whether that version grants "*" on "*" are read back.
import type { ControlHarness } from '../../test/emulator/emulator'
import { fullAdminStatements, policyDocument } from '../../main/semantics/inventory-iam'

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const doc =
      typeof v.document === 'string' && !v.document.trimStart().startsWith('{')
        ? decodeURIComponent(v.document)
        : typeof v.document === 'string'
          ? v.document
          : JSON.stringify(v.document)
    await emu.aws(env, ['iam', 'create-policy', '--policy-name', String(v.name), '--path', String(v.path), '--policy-document', doc])
  },
  async snapshot(emu, env, v) {
    const p = (await emu.aws(env, ['iam', 'get-policy', '--policy-arn', String(v.arn)])) as { Policy: { DefaultVersionId: string } }
    const ver = (await emu.aws(env, ['iam', 'get-policy-version', '--policy-arn', String(v.arn), '--version-id', p.Policy.DefaultVersionId])) as {
      PolicyVersion: { Document: unknown }
    }
    const d = policyDocument(ver.PolicyVersion.Document)
    return { defaultVersion: p.Policy.DefaultVersionId, fullAdmin: d.ok ? fullAdminStatements(d.statements).length > 0 : `unreadable: ${d.error}` }
  },
  notFixed(state) {
    const s = state as { defaultVersion: string; fullAdmin: boolean | string }
    return s.fullAdmin === false ? null : `the default version ${s.defaultVersion} still grants "*" on "*" (${String(s.fullAdmin)})`
  }
}
