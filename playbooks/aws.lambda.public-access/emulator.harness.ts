// aws.lambda.public-access in the emulator harness (test/emulator/fixes-in-emulator.test.ts): the
// function is created (with an execution role, as Lambda requires) and given the public statements
// the evidence shows, with the AddPermission calls the rollback would make; its policy is read back
// (statements by Sid), and it is fixed when the evaluator reads that policy as PASS.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ControlHarness } from '../../test/emulator/emulator'
import { resourcePolicyVerdict } from '../../main/semantics/inventory-resource-policies'

interface Values {
  name: string
  region: string
  account: string
  statements: Array<{ sid: string; add: string[] }>
}

/** An empty zip archive (its end-of-central-directory record): the function's code is never run. */
const EMPTY_ZIP = Buffer.from('UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==', 'base64')

export const harness: ControlHarness = {
  async seed(emu, env, raw) {
    const v = raw as unknown as Values
    const zip = join(mkdtempSync(join(tmpdir(), 'lm-lambda-')), 'code.zip')
    writeFileSync(zip, EMPTY_ZIP)
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] })
    await emu.aws(env, ['iam', 'create-role', '--role-name', 'seeded-lambda-exec', '--assume-role-policy-document', trust])
    await emu.aws(env, [
      'lambda',
      'create-function',
      '--region',
      v.region,
      '--function-name',
      v.name,
      '--runtime',
      'python3.12',
      '--handler',
      'app.handler',
      '--role',
      `arn:aws:iam::${v.account}:role/seeded-lambda-exec`,
      '--zip-file',
      `fileb://${zip}`
    ])
    for (const s of v.statements) await emu.aws(env, ['lambda', 'add-permission', '--region', v.region, '--function-name', v.name, ...s.add])
  },
  async snapshot(emu, env, raw) {
    const v = raw as unknown as Values
    const r = (await emu.awsOrNull(env, ['lambda', 'get-policy', '--region', v.region, '--function-name', v.name])) as { Policy: string } | null
    const statements = r ? (JSON.parse(r.Policy) as { Statement: Array<{ Sid?: string }> }).Statement : []
    return { statements: [...statements].sort((a, b) => String(a.Sid).localeCompare(String(b.Sid))) }
  },
  notFixed(state) {
    const s = (state as { statements: unknown[] }).statements
    const verdict = resourcePolicyVerdict('lambda', s.length ? JSON.stringify({ Version: '2012-10-17', Statement: s }) : null, 'function')
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
