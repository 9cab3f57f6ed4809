import { describe, expect, it } from 'vitest'
import { COMMANDS } from './commands'
import { STAGES, didYouMean, exampleOf, optionsOf } from './help'
import { runCli } from './run'

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { out: (t) => (out += `${t}\n`), err: (t) => (err += `${t}\n`), env: {}, interactive: false })
  return { code, out, err }
}

describe('the command line explains itself', () => {
  it('groups the top-level help by stage, every verb once', async () => {
    const { out, code } = await run(['--help'])
    expect(code).toBe(0)
    const headings = out.split('\n').filter((l) => /^\S.*:$/.test(l))
    expect(headings).toEqual(STAGES.map((s) => `${s.title}:`))
    for (const c of COMMANDS) expect(out.match(new RegExp(`^  ${c.name}\\s{2,}`, 'gm')), c.name).toHaveLength(1)
    expect(STAGES.flatMap((s) => s.verbs).sort()).toEqual(COMMANDS.map((c) => c.name).sort())
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThan(80)
  })

  it('describes every option of every verb in one line, with an example', async () => {
    for (const c of COMMANDS) {
      for (const [flag, text] of optionsOf(c)) expect(text, `${c.name} ${flag} has no description in main/cli/help.ts`).not.toBe('')
      const example = exampleOf(c)
      expect(example, `${c.name} has no example`).toMatch(new RegExp(`^lastmile ${c.name}( |$)`))
      const { out, code } = await run([...c.name.split(' '), '--help'])
      expect(code).toBe(0)
      expect(out).toContain(`usage: lastmile ${c.name}`)
      expect(out).toContain('options:')
      expect(out).toContain(`example:\n  ${example}`)
    }
  })

  it('suggests the verb a typo meant, without gluing its arguments to it', async () => {
    const r = await run(['ingset', 'acme.lmcase', 'prowler.json'])
    expect(r.code).toBe(2)
    expect(r.err.trim()).toBe('lastmile: unknown verb "ingset"; did you mean ingest? (lastmile --help lists them)')
    expect(didYouMean('verfy', COMMANDS)).toBe('verify')
    expect(didYouMean('evidnce', COMMANDS)).toBe('evidence')
    expect(didYouMean('frobnicate', COMMANDS)).toBeUndefined()
  })

  it('lists the sub-verbs of a group word given alone or with a wrong second word', async () => {
    const alone = await run(['export'])
    expect(alone.code).toBe(2)
    expect(alone.err.trim()).toBe('lastmile export: say which: export pdf, export case (lastmile export pdf --help shows its options)')
    const evidence = await run(['evidence'])
    expect(evidence.err).toMatch(/evidence add, evidence collect, evidence list, evidence profiles, evidence facts, evidence coverage/)
    const wrong = await run(['export', 'pfd', 'acme.lmcase'])
    expect(wrong.err.trim().split('\n')).toHaveLength(1)
    expect(wrong.err).toMatch(/"export pfd" is not one of them/)
    expect(wrong.err).not.toMatch(/acme/)
  })
})
