// The console-password question of aws.iam.unused-access-key: IAM.8 and IAM.22 (and Prowler 3's
// iam_disable_<n>_days_credentials) count console passwords as well as keys, and the fix only
// deactivates keys. A user whose keys are fine but whose password is idle must not get a SAFE
// "nothing to deactivate"; a key-only rule (Prowler's iam_user_accesskey_unused) ignores passwords.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EvidenceView, StepContext, StepFunction } from '../../main/controls/step'
import type { IamUserFacts } from '../../shared/evidence'
import type { StepAnswer } from '../../shared/model'
import { applyRules } from '../../main/investigate/engine'
import { parsePlaybook } from '../../main/investigate/loader'
import { IAM_STEPS } from './steps'

const ARN = 'arn:aws:iam::111122223333:user/h.castellanos'
const AT = '2026-11-20T10:00:00Z'

function user(o: Partial<IamUserFacts>): IamUserFacts {
  return {
    user: 'h.castellanos',
    createdAt: '2020-09-14T08:00:00+00:00',
    passwordEnabled: true,
    passwordLastUsed: null,
    passwordLastChanged: null,
    mfaActive: true,
    accessKeys: [{ slot: 1, active: true, lastRotated: '2025-03-03T09:00:00+00:00', lastUsed: '2026-11-19T11:05:00+00:00', lastUsedRegion: 'us-east-1', lastUsedService: 's3' }],
    evidence: ['E-1'],
    ...o
  }
}

function ctxOf(u: IamUserFacts | null, rules: string[] = ['IAM.22']): StepContext {
  const ev = { resolveUserArn: (a: string) => a, facts: () => (u ? { iamUser: u } : {}), collectedAt: () => AT } as unknown as EvidenceView
  return {
    finding: {
      ref: 'F-1',
      id: 1,
      control: 'aws.iam.unused-access-key',
      resource: { id: ARN, type: 'aws.iam.user', account: '111122223333', region: null, name: 'h.castellanos', environment: null },
      alerts: rules.map((r, i) => ({ id: `A-${i + 1}`, tool: r.startsWith('iam_') ? 'prowler' : 'securityhub', ruleId: r, outcome: 'FAIL' as const }))
    },
    window: { from: '2026-08-22T10:00:00Z', to: AT },
    ev
  }
}

const passwordStep = IAM_STEPS.find((s) => s.name === 'iam.console-password-unused') as StepFunction<{ days: number }>
const password = (ctx: StepContext) => passwordStep.run(ctx, { days: 45 })

describe('iam.console-password-unused', () => {
  it('yes: an enabled console password last used more than 45 days before collection, and it names what the fix leaves alone and the remedy', () => {
    const o = password(ctxOf(user({ passwordLastUsed: '2026-07-02T14:20:00+00:00' })))
    expect(o).toMatchObject({ answer: 'yes', certainty: 'proven', sources: ['aws.iam.credential-report'], evidence: ['E-1'] })
    expect(o.explanation).toContain('last used on 2026-07-02, 140 days before collection (threshold: 45 days)')
    expect(o.explanation).toContain("the finding is about the console password, which this folder's fix (deactivating access keys) does not touch")
    expect(o.explanation).toContain('aws iam delete-login-profile')
  })

  it('yes: never used (password_last_used no_information / N/A) and set more than 45 days ago', () => {
    const o = password(ctxOf(user({ passwordLastChanged: '2023-01-16T08:00:00+00:00', accessKeys: [] })))
    expect(o.answer).toBe('yes')
    expect(o.explanation).toContain('has never been used; it was set on 2023-01-16')
  })

  it('no: a password used within the threshold, a never-used password set recently, no password at all', () => {
    expect(password(ctxOf(user({ passwordLastUsed: '2026-11-18T16:02:00+00:00' })))).toMatchObject({ answer: 'no' })
    // the boundary: 45 days to the second is idle (as the key evaluator counts), one second less is not
    expect(password(ctxOf(user({ passwordLastUsed: '2026-10-06T10:00:00Z' }))).answer).toBe('yes')
    expect(password(ctxOf(user({ passwordLastUsed: '2026-10-06T10:00:01Z' }))).answer).toBe('no')
    expect(password(ctxOf(user({ passwordLastChanged: '2026-11-10T08:00:00+00:00' })))).toMatchObject({ answer: 'no' })
    expect(password(ctxOf(user({ passwordEnabled: false })))).toMatchObject({ answer: 'no', explanation: expect.stringContaining('no console password') })
  })

  it("no for a key-only rule (Prowler's iam_user_accesskey_unused), even with an idle password; a rule that counts passwords beside it still asks", () => {
    const idle = user({ passwordLastUsed: '2026-07-02T14:20:00+00:00' })
    expect(password(ctxOf(idle, ['iam_user_accesskey_unused']))).toMatchObject({ answer: 'no', explanation: expect.stringContaining('counts access keys only') })
    expect(password(ctxOf(idle, ['iam_user_accesskey_unused', 'IAM.8'])).answer).toBe('yes')
    expect(password(ctxOf(idle, ['iam_disable_90_days_credentials'])).answer).toBe('yes')
  })

  it('unknown when the report cannot tell: password_enabled unreadable, or neither its last use nor when it was set, or no row for the user', () => {
    expect(password(ctxOf(user({ passwordEnabled: null }))).answer).toBe('unknown')
    expect(password(ctxOf(user({})))).toMatchObject({ answer: 'unknown', explanation: expect.stringContaining('neither its last use nor when it was set') })
    expect(password(ctxOf(null)).answer).toBe('unknown')
  })
})

describe("the playbook's verdict rules with the console password", () => {
  const file = join(__dirname, 'playbook.yaml')
  const pb = parsePlaybook(readFileSync(file, 'utf8'), file, { custom: false })
  const ids = ['still-unused', 'password-idle', 'used-in-window', 'automation']
  const all: StepAnswer[] = ['yes', 'no', 'unknown']
  const combos: Array<Map<string, StepAnswer>> = [new Map()]
  for (const id of ids) combos.splice(0, combos.length, ...combos.flatMap((m) => all.map((a) => new Map([...m, [id, a]]))))

  it('no combination of answers gives SAFE unless the password is known not to be idle', () => {
    expect(combos).toHaveLength(81)
    const safe = combos.filter((m) => applyRules(pb.rules, m).verdict === 'SAFE')
    expect(safe.length).toBeGreaterThan(0)
    for (const m of safe) expect(m.get('password-idle')).toBe('no')
  })

  it('keys fine, password idle: RISKY, saying the finding is about the console password and naming delete-login-profile', () => {
    const r = applyRules(
      pb.rules,
      new Map<string, StepAnswer>([
        ['still-unused', 'no'],
        ['password-idle', 'yes'],
        ['used-in-window', 'yes']
      ])
    )
    expect(r.verdict).toBe('RISKY')
    expect(r.because).toContain('The finding is about the console password')
    expect(r.because).toContain('aws iam delete-login-profile')
  })

  it('the key-only verdicts stand when the password is not idle', () => {
    const v = (a: Record<string, StepAnswer>) => applyRules(pb.rules, new Map(Object.entries(a))).verdict
    expect(v({ 'still-unused': 'no', 'password-idle': 'no', 'used-in-window': 'yes' })).toBe('SAFE')
    expect(v({ 'still-unused': 'yes', 'password-idle': 'no', 'used-in-window': 'no', automation: 'no' })).toBe('SAFE')
    expect(v({ 'still-unused': 'yes', 'password-idle': 'no', 'used-in-window': 'yes', automation: 'no' })).toBe('UNSAFE')
    expect(v({ 'still-unused': 'yes', 'password-idle': 'no', 'used-in-window': 'no', automation: 'yes' })).toBe('RISKY')
    // an idle password does not hide a key still in use
    expect(v({ 'still-unused': 'yes', 'password-idle': 'yes', 'used-in-window': 'yes', automation: 'no' })).toBe('UNSAFE')
    expect(v({ 'still-unused': 'yes', 'password-idle': 'yes', 'used-in-window': 'no', automation: 'no' })).toBe('RISKY')
  })
})
