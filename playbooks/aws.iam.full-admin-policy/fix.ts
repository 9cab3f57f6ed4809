// aws.iam.full-admin-policy (Security Hub IAM.1): for a policy nobody holds, make a new default
// version that denies everything. The administrator version is kept (no longer the default), so
// the rollback is exact: make the old version default again and delete the new one. Nothing
// attached loses anything, because nothing is attached — the script checks AttachmentCount again
// before the change.
//
// A policy that users, groups or roles hold is not narrowed by a generated script: what they need
// is a person's decision (the investigation lists each holder's calls and a suggested Action list),
// so the fix refuses it and says why.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, validationText } from '../../main/controls/fix-common'
import { bashScript, heredoc, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { listBundles, listEvidence, readEvidenceBytes } from '../../main/case/evidence'
import { defaultVersion, policyHolders } from '../../main/semantics/inventory-iam'
import { loadAuthorization } from '../../main/controls/iam-authorization'
import { accountOfArn, adminState } from './authorization'

export const DENY_ALL = { Version: '2012-10-17', Statement: [{ Sid: 'LastmileDisabledFullAdministrator', Effect: 'Deny', Action: '*', Resource: '*' }] }

interface Inputs {
  account: string
  arn: string
  name: string
  path: string
  defaultVersion: string
  /** the default version's document, for the emulator to seed */
  document: unknown
}

export const fullAdminPolicyFix: Omit<FixRenderer, 'control'> = {
  summary: 'make a deny-everything version the default of a full-administrator policy nobody holds (the old version is kept for the rollback)',
  inputs(db, target) {
    const account = accountOfArn(target.resourceId)
    if (!account) throw new LastmileError('bad-input', `${target.finding}: ${target.resourceId} is not a customer managed policy ARN`)
    const files = listEvidence(db)
    const l = loadAuthorization(files, (id) => readEvidenceBytes(db, id), account, 'who holds the policy')
    if (!l.ok) throw new LastmileError('not-found', `${target.finding}: ${l.why}; add an evidence bundle with it before planning`)
    const p = l.auth.Policies.find((x) => x.Arn === target.resourceId)
    if (!p) throw new LastmileError('not-found', `${target.finding}: ${target.resourceId} is not in iam-authorization.json`)
    const s = adminState(p)
    if (s.state !== 'admin')
      throw new LastmileError('conflict', `${target.finding}: the default version of ${p.PolicyName} does not allow "*" on "*" in the evidence; validate the finding instead`)
    const h = policyHolders(l.auth, p.Arn)
    const n = h.users.length + h.groups.length + h.roles.length
    if (n || (p.AttachmentCount ?? 0) > 0)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${p.PolicyName} is attached to ${n || p.AttachmentCount} user(s), group(s) or role(s): narrowing it is a person's decision — the investigation lists what each holder called and a suggested Action list`
      )
    const file = files.find((f) => f.id === l.file)!
    const values: Inputs = { account, arn: p.Arn, name: p.PolicyName, path: p.Path ?? '/', defaultVersion: s.version, document: defaultVersion(p)!.Document }
    return { values: values as unknown as Record<string, unknown>, evidence: [l.file], collectedAt: listBundles(db).find((b) => b.id === file.bundle)?.collectedAt ?? file.addedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Inputs
    const account = requireAccount(t, v.account)
    const header = headerLines(ctx)
    const arn = sq(v.arn)
    const before = '"$ROLLBACK_DIR/default-version.before"'
    const created = '"$ROLLBACK_DIR/default-version.created"'
    const fns = [
      `POLICY_ARN=${arn}`,
      'policy() { aws iam get-policy --policy-arn "$POLICY_ARN" --output json; }',
      'default_version() { policy | jq -r .Policy.DefaultVersionId; }',
      'version_exists() { aws iam list-policy-versions --policy-arn "$POLICY_ARN" --output json | jq -e --arg v "$1" \'[.Versions[].VersionId] | index($v)\' > /dev/null; }'
    ]
    const fix = bashScript({
      title: `Fix: make a deny-everything version the default of ${v.name}, which nobody holds`,
      lines: [
        ...header,
        `The administrator version ${v.defaultVersion} is kept, no longer the default; the rollback makes it the default again.`,
        'Refused when the policy was attached to anyone since the evidence was collected.'
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        { title: 'save the default version (rollback capture)', check: `[ -s ${before} ]`, already: 'saved by an earlier run', apply: [`default_version > ${before}`] },
        {
          title: `check the default version was ${v.defaultVersion} and nobody holds the policy`,
          apply: [
            `[ "$(cat ${before})" = ${sq(v.defaultVersion)} ] || fail "the default version was $(cat ${before}), not ${v.defaultVersion} as in the evidence: investigate again; nothing was changed"`,
            `[ "$(policy | jq -r .Policy.AttachmentCount)" = 0 ] || fail ${sq(`${v.name} is attached to someone now: narrowing it is a person's decision; nothing was changed`)}`
          ]
        },
        {
          title: 'create the deny-everything version and make it the default',
          before: [heredoc('"$ROLLBACK_DIR/deny-all.json"', `${JSON.stringify(DENY_ALL, null, 2)}\n`)],
          check: `[ -s ${created} ] && [ "$(default_version)" = "$(cat ${created})" ]`,
          already: 'the deny-everything version is the default',
          apply: [
            `[ "$(aws iam list-policy-versions --policy-arn "$POLICY_ARN" --output json | jq '.Versions | length')" -lt 5 ] || fail ${sq(`${v.name} has 5 versions, the most IAM keeps: delete an old non-default version first; nothing was changed`)}`,
            `aws iam create-policy-version --policy-arn "$POLICY_ARN" --policy-document "file://$ROLLBACK_DIR/deny-all.json" --set-as-default --output json | jq -r .PolicyVersion.VersionId > ${created}`
          ],
          verify: `[ "$(default_version)" = "$(cat ${created})" ]`
        }
      ],
      done: `${v.name} denies everything by default now; version ${v.defaultVersion} is kept`
    })
    const rollback = bashScript({
      title: `Rollback: make version ${v.defaultVersion} of ${v.name} the default again`,
      lines: header,
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'make the saved version the default again',
          check: `[ -s ${before} ] && [ "$(default_version)" = "$(cat ${before})" ]`,
          already: 'the saved version is the default',
          apply: [
            `[ -s ${before} ] || fail "no saved state in $ROLLBACK_DIR: the fix did not run here"`,
            `aws iam set-default-policy-version --policy-arn "$POLICY_ARN" --version-id "$(cat ${before})"`
          ],
          verify: `[ "$(default_version)" = "$(cat ${before})" ]`
        },
        {
          title: 'delete the deny-everything version the fix created',
          check: `[ ! -s ${created} ] || ! version_exists "$(cat ${created})"`,
          already: 'no version created by the fix is left',
          apply: [`aws iam delete-policy-version --policy-arn "$POLICY_ARN" --version-id "$(cat ${created})"`],
          verify: `! version_exists "$(cat ${created})"`
        }
      ],
      done: `${v.name} is as it was`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `make a deny-everything version the default of ${v.name}`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `make version ${v.defaultVersion} of ${v.name} the default again`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed iam:GetPolicy, iam:ListPolicyVersions, iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion and iam:DeletePolicyVersion on ${v.arn}`,
        'nobody means to attach the policy as it was (infrastructure code that attaches it will now attach a policy that denies everything)'
      ],
      validation: validationText(t),
      notes: [`${v.name}: nobody holds it; once nobody misses it, delete the policy (its versions first) — a separate, irreversible change`]
    }
  }
}
