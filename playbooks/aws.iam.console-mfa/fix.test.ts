import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/tmp'
import { createCaseDb } from '../../main/db/case-db'
import { buildCase } from '../../main/demo/case-builder'
import { loadPlaybooks } from '../../main/investigate/loader'
import { userArnInEvidence } from '../../main/case/resource-config'
import { renderFix } from '../../main/remediate'

const NOW = () => '2026-11-21T09:00:00.000Z'
const A = '111122223333'

describe('aws.iam.console-mfa fix, over its fixture case', () => {
  it("finds the user when the finding's ARN lacks the path the credential report gives, and chooses the plan from the evidence", async () => {
    const dir = join(__dirname, 'fixtures')
    const c = createCaseDb(join(tempDir(), 'case.lmcase'), 'fixture passphrase', { now: NOW() })
    try {
      await buildCase(c, {
        exportsDir: join(dir, 'exports'),
        bundleDir: join(dir, 'bundle'),
        actor: { kind: 'person', name: 'fixture', role: 'analyst' },
        playbooks: loadPlaybooks(),
        now: NOW
      })
      expect(userArnInEvidence(c.db, `arn:aws:iam::${A}:user/old.contractor`)).toBe(`arn:aws:iam::${A}:user/contractors/old.contractor`)
      expect(userArnInEvidence(c.db, `arn:aws:iam::${A}:user/nobody`)).toBe(`arn:aws:iam::${A}:user/nobody`)
      const target = (arn: string) => ({
        finding: 'F-9',
        control: 'aws.iam.console-mfa',
        resourceId: arn,
        resourceType: 'aws.iam.user',
        account: A,
        region: 'us-east-1',
        name: null
      })
      const del = renderFix(c.db, target(`arn:aws:iam::${A}:user/old.contractor`), 'P-1')
      expect(del.artefacts[0].content).toContain('aws iam delete-login-profile --user-name "$USER_NAME"')
      expect(del.artefacts[0].content).toContain("USER_NAME='old.contractor'")
      const policy = renderFix(c.db, target(`arn:aws:iam::${A}:user/audit-readonly`), 'P-1')
      expect(policy.artefacts[0].content).toContain('aws iam put-user-policy')
      // a password used within 90 days is never removed, and a user whose key is in use gets no require-MFA policy
      expect(() => renderFix(c.db, target(`arn:aws:iam::${A}:user/k.brandt`), 'P-1')).toThrow(/locks the user out/)
      expect(() => renderFix(c.db, target(`arn:aws:iam::${A}:user/svc/reporting`), 'P-1')).toThrow(/refuses every call signed with it/)
    } finally {
      c.close()
    }
  })
})
