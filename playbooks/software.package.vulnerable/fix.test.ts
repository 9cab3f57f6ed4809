import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb } from '../../main/db/case-db'
import { buildCase } from '../../main/demo/case-builder'
import { loadPlaybooks } from '../../main/investigate/loader'
import { listFindings } from '../../main/case/findings'
import { renderFix } from '../../main/remediate'

const NOW = () => '2026-11-21T09:00:00.000Z'
const A = '111122223333'
const arn = (id: string) => `arn:aws:ec2:us-east-1:${A}:instance/${id}`

describe('software.package.vulnerable fix, over its fixture case', () => {
  it("updates a running instance's distribution packages to the fixed versions only, and refuses what it cannot do honestly", async () => {
    const dir = join(__dirname, 'fixtures')
    const tmp = tempDir()
    const c = createCaseDb(join(tmp, 'case.lmcase'), 'fixture passphrase', { now: NOW() })
    try {
      await buildCase(c, {
        exportsDir: join(dir, 'exports'),
        bundleDir: join(dir, 'bundle'),
        actor: { kind: 'person', name: 'fixture', role: 'analyst' },
        playbooks: loadPlaybooks(),
        now: NOW
      })
      const findings = listFindings(c.db)
      const target = (id: string) => {
        const f = findings.find((x) => x.resource.id === arn(id))!
        return { finding: f.id, control: f.control, resourceId: arn(id), resourceType: 'aws.ec2.instance', account: A, region: 'us-east-1', name: null }
      }
      const web = renderFix(c.db, target('i-0b0000000000000a2'), 'P-1')
      const fix = web.artefacts[0].content
      expect(fix).toContain('--document-name AWS-RunShellScript')
      expect(fix).toContain('dnf install -y kernel-0:5.10.215-203.850.amzn2 curl-0:8.3.0-1.amzn2.0.5')
      expect(fix).toContain('apt-get install -y --only-upgrade kernel=5.10.215-203.850.amzn2 curl=8.3.0-1.amzn2.0.5')
      // only these packages: no patch baseline, no reboot, no restart
      expect(fix).not.toMatch(/AWS-RunPatchBaseline|shutdown|systemctl (reboot|restart)|"reboot"/)
      const rollback = web.rollback[0].content
      expect(rollback).toContain('dnf downgrade -y kernel-5.10.210-201.852.amzn2 curl-8.3.0-1.amzn2.0.4')
      for (const [name, text] of [
        ['fix.sh', fix],
        ['rollback.sh', rollback]
      ]) {
        writeFileSync(join(tmp, name), text)
        execFileSync('bash', ['-n', join(tmp, name)])
        if (process.env.DUMP_FIX) console.log(text)
      }
      // a stopped instance cannot run a command, an application dependency is the build's, no fix is no fix
      expect(() => renderFix(c.db, target('i-0b0000000000000a1'), 'P-2')).toThrow(/is stopped in the evidence, and Run Command reaches running instances only/)
      expect(() => renderFix(c.db, target('i-0b0000000000000a3'), 'P-2')).toThrow(/application dependencies .*spring-web 5.3.20 → 6.0.0/)
      expect(() => renderFix(c.db, target('i-0b0000000000000a4'), 'P-2')).toThrow(/no fixed version exists yet for: libxml2/)
      expect(() => renderFix(c.db, target('i-0b0000000000000a5'), 'P-2')).toThrow(/no configuration of .*i-0b0000000000000a5/)
    } finally {
      c.close()
    }
  })
})
