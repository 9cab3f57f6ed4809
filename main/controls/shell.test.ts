// Messages in generated scripts, run by bash: a script's own variables print their values, and
// nothing else in a message (text from evidence) expands or runs.
import { spawnSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { bashScript, message, shellVar, sq } from './shell'

function run(script: string, env: Record<string, string> = {}): { code: number; stderr: string } {
  const r = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', HOME: tempDir(), LASTMILE_ROLLBACK_DIR: join(tempDir(), 'rollback'), ...env }
  })
  return { code: r.status ?? -1, stderr: r.stderr }
}

describe('script messages', () => {
  it('prints a referenced script variable with its value, in titles, skips, failures and the last line', () => {
    const script = bashScript({
      title: 'test',
      lines: [],
      tools: ['jq'],
      rollbackKey: 'F-1',
      functions: ['DAYS=30', 'REGIONS="${REGIONS:-us-east-1}"'],
      steps: [
        { title: `wait ${shellVar('DAYS')} days in ${shellVar('REGIONS')}`, check: 'true', apply: ['false'] },
        { title: 'fail here', apply: ['true'], verify: 'false', verifyFailure: `still not after ${shellVar('DAYS')} days` }
      ],
      done: 'never printed'
    })
    const r = run(script, { REGIONS: 'eu-west-1 ap-southeast-2' })
    expect(r.stderr).toBe(
      [
        'lastmile: step 1/2: wait 30 days in eu-west-1 ap-southeast-2',
        'lastmile: already in place: wait 30 days in eu-west-1 ap-southeast-2; skipped',
        'lastmile: step 2/2: fail here',
        'lastmile: still not after 30 days',
        ''
      ].join('\n')
    )
    expect(r.code).toBe(1)
  })

  it('keeps every other $, backtick, quote and backslash literal', () => {
    const text = `bucket "a" $(touch /tmp/lm-pwned) \`id\` $HOME \\ ${shellVar('N')}`
    const r = run(`N=7; printf '%s\\n' ${message(text)} >&2`)
    expect(r.stderr).toBe('bucket "a" $(touch /tmp/lm-pwned) `id` $HOME \\ 7\n')
    expect(message('plain $HOME')).toBe(sq('plain $HOME'))
    expect(() => shellVar('lower')).toThrow(/not a script variable name/)
  })
})

describe('what a script says of itself is what it does', () => {
  const spec = { title: 'test', lines: [], tools: ['aws'], awsAccount: '111122223333', rollbackKey: 'F-1', done: 'done' }

  it('checks for jq when it checks the account with it, and stops with one line naming it', () => {
    const script = bashScript({ ...spec, steps: [{ title: 'change', apply: ['true'] }] })
    expect(script).toContain('for tool in aws jq; do')
    // a PATH with an aws (that would answer for the account) and no jq
    const bin = tempDir()
    writeFileSync(join(bin, 'aws'), '#!/bin/sh\necho \'{"Account":"111122223333"}\'\n', { mode: 0o755 })
    const r = spawnSync('/bin/bash', ['-c', script], { encoding: 'utf8', env: { PATH: bin, HOME: tempDir(), LASTMILE_ROLLBACK_DIR: join(tempDir(), 'rollback') } })
    expect(r.stderr).toBe('lastmile: jq is not on PATH; nothing was changed\n')
    expect(r.status).toBe(1)
  })

  it('promises a rollback capture only when a step saves into it, and a re-run check only when its steps are checked', () => {
    const saving = bashScript({ ...spec, steps: [{ title: 'change', before: ['cp x "$ROLLBACK_DIR/x"'], check: 'false', apply: ['true'] }] })
    expect(saving).toContain('# What each change replaces is saved here first (the rollback script reads it back).')
    expect(saving).toContain('# first and skipped when already in place, so the script can be run again after a stop.')
    const template = bashScript({ ...spec, asWritten: true, steps: [{ title: 'change', apply: ['aws inspector2 enable --resource-types EC2'] }] })
    expect(template).not.toContain('ROLLBACK_DIR')
    expect(template).toContain('# It saves nothing before its changes.')
    expect(template).toContain('# Stops at the first error (set -euo pipefail). Its commands run as written, with no check of the')
    expect(template).not.toContain('skipped when already in place')
  })
})
