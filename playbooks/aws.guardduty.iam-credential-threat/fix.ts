// aws.guardduty.iam-credential-threat: contain the credential GuardDuty saw misused.
// - An IAM user's long-term key (AKIA…): deactivated (UpdateAccessKey Inactive), its status saved
//   first; the rollback makes it Active again only when it was Active. It is not deleted: the key id
//   is what CloudTrail names in the investigation that follows.
// - A role session's temporary key (ASIA…) cannot be deactivated; it is valid until it expires.
//   IAM's "Revoke active sessions" is the response: an inline policy AWSRevokeOlderSessions on the
//   role denying every action to credentials issued before now (aws:TokenIssueTime). Every session
//   of the role issued before the fix is refused; new sessions work. Any earlier policy of that name
//   is saved first; the rollback puts it back, or deletes the one the fix wrote.
// The root user's keys are aws.iam.root-access-key's: this fix refuses them.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { getFinding, alertRecord } from '../../main/case/findings'
import { guardDutyReport } from '../../main/semantics/guardduty-finding'
import { LastmileError } from '../../main/errors'
import { credentialOf, type KeyCredential } from './steps'

interface Values {
  kind: 'user' | 'role'
  keyId: string
  principal: string
  account: string
}

const REVOKE_POLICY = 'AWSRevokeOlderSessions'

export const guardDutyCredentialFix: Omit<FixRenderer, 'control'> = {
  summary: "deactivate the IAM user's access key GuardDuty saw misused, or revoke the role's sessions issued before now (a role session's key cannot be deactivated)",
  inputs(db, target) {
    const f = getFinding(db, target.finding)
    let c: KeyCredential | null = null
    const used: string[] = []
    for (const a of f.alerts.filter((x) => x.outcome === 'FAIL' && !x.closed)) {
      const r = alertRecord(db, a.id)
      const rep = guardDutyReport(a.id, r.raw)
      c = rep ? credentialOf(rep) : null
      if (c) {
        used.push(a.id)
        break
      }
    }
    if (!c) throw new LastmileError('not-found', `${target.finding}: no GuardDuty record of the finding names the access key and its principal; route it to its owner`)
    if (c.kind === 'root') throw new LastmileError('conflict', `${target.finding}: ${c.keyId} is the root user's: plan aws.iam.root-access-key's fix for it instead`)
    if (c.kind === 'unknown' || !c.principal)
      throw new LastmileError(
        'not-found',
        `${target.finding}: GuardDuty does not say whose key ${c.keyId} is (principal type ${c.report.principalType ?? 'none'}), so no response can be computed`
      )
    const values: Values = { kind: c.kind, keyId: c.keyId, principal: c.principal, account: target.account ?? '' }
    return { values: { ...values }, evidence: used.map((id) => `${id} (the GuardDuty finding's own record)`), collectedAt: c.report.updatedAt ?? c.report.lastSeen ?? '' }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Values
    const account = requireAccount(t, v.account || null)
    const header = headerLines(ctx)
    const before = '"$ROLLBACK_DIR/before"'
    if (v.kind === 'user') {
      const fns = [
        `key_status() { aws iam list-access-keys --user-name ${sq(v.principal)} --output json | jq -r --arg k ${sq(v.keyId)} '.AccessKeyMetadata[] | select(.AccessKeyId == $k) | .Status'; }`
      ]
      const fix = bashScript({
        title: `Fix: deactivate the access key ${v.keyId} of the IAM user ${v.principal} (GuardDuty containment)`,
        lines: [...header, 'Every caller signing with the key is refused from now on: the investigation says who else used it.', 'The key is not deleted: CloudTrail names it.'],
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: fns,
        steps: [
          {
            title: 'save the key status (rollback capture)',
            check: `[ -s ${before} ]`,
            already: 'the status was saved by an earlier run',
            apply: [`key_status > ${before}`],
            verify: `[ -s ${before} ]`,
            verifyFailure: `${v.principal} has no access key ${v.keyId}: nothing to deactivate; investigate again`
          },
          {
            title: `deactivate ${v.keyId}`,
            check: '[ "$(key_status)" = Inactive ]',
            already: `${v.keyId} is inactive`,
            apply: [`aws iam update-access-key --user-name ${sq(v.principal)} --access-key-id ${sq(v.keyId)} --status Inactive`],
            verify: '[ "$(key_status)" = Inactive ]'
          }
        ],
        done: `${v.keyId} of ${v.principal} is inactive`
      })
      const rollback = bashScript({
        title: `Rollback: make the access key ${v.keyId} of ${v.principal} Active again, if it was`,
        lines: [...header, 'Only when the fix saved it Active: a key that was inactive stays inactive.'],
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: fns,
        steps: [
          {
            title: 'put the key status back as saved before the fix',
            check: `{ [ ! -s ${before} ] && { say "no saved status in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || [ "$(key_status)" = "$(cat ${before})" ]`,
            already: 'the key status is as before the fix',
            apply: [`aws iam update-access-key --user-name ${sq(v.principal)} --access-key-id ${sq(v.keyId)} --status "$(cat ${before})"`],
            verify: `[ "$(key_status)" = "$(cat ${before})" ]`
          }
        ],
        done: `${v.keyId} is as it was before the fix`
      })
      return {
        artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `deactivate ${v.keyId} of ${v.principal}`, fix)],
        rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `make ${v.keyId} Active again, as it was`, rollback)],
        preconditions: ['AWS CLI v2 and jq on PATH', `credentials for account ${account} allowed iam:ListAccessKeys and iam:UpdateAccessKey on the user ${v.principal}`],
        validation: `Import a later GuardDuty export: the finding is archived once the key is analysed and replaced; \`lastmile validate CASE ${t.finding} --rescan\` closes it when the export no longer reports it. CloudTrail after the change shows no call signed with ${v.keyId} that succeeded.`,
        notes: [
          "deactivation does not end sessions already obtained with the key (sts:GetSessionToken, AssumeRole): revoke those roles' older sessions too when CloudTrail shows the key assumed roles",
          'look for what the attacker made with the key (new users, keys, roles, policies, login profiles) in CloudTrail before deleting the key'
        ]
      }
    }
    const policy = `jq -cn --arg t "$(cat "$ROLLBACK_DIR/revoked-before")" '{Version: "2012-10-17", Statement: [{Effect: "Deny", Action: ["*"], Resource: ["*"], Condition: {DateLessThan: {"aws:TokenIssueTime": $t}}}]}'`
    const fns = [
      `policy_now() { aws iam get-role-policy --role-name ${sq(v.principal)} --policy-name ${REVOKE_POLICY} --output json 2>/dev/null | jq -c .PolicyDocument || echo null; }`
    ]
    const fix = bashScript({
      title: `Fix: revoke the sessions of the role ${v.principal} issued before now (GuardDuty saw its session key ${v.keyId} misused)`,
      lines: [
        ...header,
        `A role session's key cannot be deactivated; this denies every action to ${v.principal}'s credentials issued before the fix`,
        '(IAM\'s "Revoke active sessions"). Sessions taken after it work: workloads recover at their next credential refresh.'
      ],
      tools: ['aws', 'jq', 'date'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the role's ${REVOKE_POLICY} policy, if any (rollback capture)`,
          check: `[ -s ${before} ]`,
          already: 'saved by an earlier run',
          apply: [`policy_now > ${before}`]
        },
        {
          title: `deny ${v.principal}'s credentials issued before now`,
          check: '[ -s "$ROLLBACK_DIR/revoked-before" ] && [ "$(policy_now)" = "$(' + policy + ')" ]',
          already: "the role's older sessions are revoked",
          apply: [
            '[ -s "$ROLLBACK_DIR/revoked-before" ] || date -u +%Y-%m-%dT%H:%M:%SZ > "$ROLLBACK_DIR/revoked-before"',
            `aws iam put-role-policy --role-name ${sq(v.principal)} --policy-name ${REVOKE_POLICY} --policy-document "$(${policy})"`
          ],
          verify: `[ "$(policy_now)" = "$(${policy})" ]`
        }
      ],
      done: `sessions of ${v.principal} issued before the fix are refused (the time is in the rollback folder, revoked-before)`
    })
    const rollback = bashScript({
      title: `Rollback: lift the revocation of ${v.principal}'s older sessions (the role's ${REVOKE_POLICY} policy as it was)`,
      lines: [...header, 'Credentials issued before the fix work again until they expire: do this only once the attacker cannot hold any.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `put the role's ${REVOKE_POLICY} policy back as saved before the fix`,
          check: `{ [ ! -s ${before} ] && { say "no saved policy in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || [ "$(policy_now)" = "$(cat ${before})" ]`,
          already: 'the policy is as before the fix',
          apply: [
            `if [ "$(cat ${before})" = null ]; then aws iam delete-role-policy --role-name ${sq(v.principal)} --policy-name ${REVOKE_POLICY}; else aws iam put-role-policy --role-name ${sq(v.principal)} --policy-name ${REVOKE_POLICY} --policy-document "$(cat ${before})"; fi`
          ],
          verify: `[ "$(policy_now)" = "$(cat ${before})" ]`
        }
      ],
      done: `the ${REVOKE_POLICY} policy of ${v.principal} is as it was before the fix`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `revoke the sessions of ${v.principal} issued before now`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `lift the revocation (the ${REVOKE_POLICY} policy as it was)`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed iam:GetRolePolicy, iam:PutRolePolicy and iam:DeleteRolePolicy on the role ${v.principal}`
      ],
      validation: `Import a later GuardDuty export: the finding is archived once the role's use is analysed; \`lastmile validate CASE ${t.finding} --rescan\` closes it when the export no longer reports it. CloudTrail after the change shows ${v.keyId}'s calls refused (AccessDenied).`,
      notes: [
        `every session of ${v.principal} issued before the fix is refused, not only ${v.keyId}: instances, functions and tasks using the role recover at their next credential refresh`,
        'find how the session was obtained (who assumed the role, from where) in CloudTrail: that credential is the one to contain next'
      ]
    }
  }
}
