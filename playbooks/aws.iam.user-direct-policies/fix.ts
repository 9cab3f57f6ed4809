// aws.iam.user-direct-policies (Security Hub IAM.2): move what an IAM user holds of its own onto a new group
// dedicated to it. The order keeps the user's permissions whole at every moment: create the group, give it the
// user's inline policies (as the group's inline policies, the documents read from the user as they are at run
// time) and its managed policies, add the user, wait for IAM to propagate the change (IAM is eventually
// consistent: LASTMILE_IAM_SETTLE_SECONDS, 15 by default), and only then detach the policies from the user and
// delete its inline ones. Until the last step the user holds both, which is the same union of permissions.
//
// The rollback is exact: it puts the saved inline documents and managed policies back on the user, waits, takes
// the user out of the group, and empties and deletes the group — only a group this fix created (a marker in the
// rollback folder): a group of that name that was there before is refused by the fix and never touched.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { listBundles, listEvidence, readEvidenceBytes } from '../../main/case/evidence'
import { ownPolicies } from '../../main/semantics/inventory-iam'
import { dedicatedGroupFits, GROUP_PATH, loadUser } from './move'

interface Inputs {
  account: string
  user: string
  userPath: string
  group: string
  managed: string[]
  inline: string[]
  /** for the emulator to seed: the inline documents and customer managed policies as the evidence has them */
  inlineDocuments: Record<string, unknown>
  customerPolicies: Array<{ arn: string; name: string; path: string; document: unknown }>
}

export const userDirectPoliciesFix: Omit<FixRenderer, 'control'> = {
  summary: "move an IAM user's own managed and inline policies onto a new group dedicated to it, then take them off the user",
  inputs(db, target) {
    const files = listEvidence(db)
    const l = loadUser(files, (id) => readEvidenceBytes(db, id), target.resourceId, target.account)
    if (!l.ok) throw new LastmileError('not-found', `${target.finding}: ${l.why}; add an evidence bundle with it before planning`)
    const own = ownPolicies(l.user)
    if (!own.managed.length && !own.inline.length)
      throw new LastmileError('conflict', `${target.finding}: ${l.user.UserName} holds no policy of its own in the evidence; validate the finding instead`)
    const fit = dedicatedGroupFits(l.auth, l.user)
    if (!fit.fits) throw new LastmileError('conflict', `${target.finding}: a new group dedicated to ${l.user.UserName} cannot hold what it holds: ${fit.why.join('; ')}`)
    const customer = own.managed
      .map((arn) => l.auth.Policies.find((p) => p.Arn === arn))
      .filter((p) => p !== undefined && !p.Arn.startsWith('arn:aws:iam::aws:'))
      .map((p) => ({ arn: p!.Arn, name: p!.PolicyName, path: p!.Path ?? '/', document: p!.PolicyVersionList.find((v) => v.VersionId === p!.DefaultVersionId)?.Document ?? null }))
    const values: Inputs = {
      account: l.account,
      user: l.user.UserName,
      userPath: l.user.Path ?? '/',
      group: fit.group,
      managed: own.managed,
      inline: own.inline,
      inlineDocuments: Object.fromEntries((l.user.UserPolicyList ?? []).map((p) => [p.PolicyName, p.PolicyDocument])),
      customerPolicies: customer
    }
    const file = files.find((f) => f.id === l.file)!
    return { values: values as unknown as Record<string, unknown>, evidence: [l.file], collectedAt: listBundles(db).find((b) => b.id === file.bundle)?.collectedAt ?? file.addedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Inputs
    const account = requireAccount(t, v.account)
    const header = headerLines(ctx)
    const rb = (f: string) => `"$ROLLBACK_DIR/${f}"`
    const list = (xs: string[]) => sq(JSON.stringify([...xs].sort()))
    const fns = [
      `USER=${sq(v.user)}`,
      `GROUP=${sq(v.group)}`,
      'own_managed() { aws iam list-attached-user-policies --user-name "$USER" --output json | jq -c \'[.AttachedPolicies[].PolicyArn] | sort\'; }',
      'own_inline() { aws iam list-user-policies --user-name "$USER" --output json | jq -c \'.PolicyNames | sort\'; }',
      'group_managed() { aws iam list-attached-group-policies --group-name "$GROUP" --output json | jq -c \'[.AttachedPolicies[].PolicyArn] | sort\'; }',
      'group_inline() { aws iam list-group-policies --group-name "$GROUP" --output json | jq -c \'.PolicyNames | sort\'; }',
      'group_exists() { aws iam get-group --group-name "$GROUP" --output json > /dev/null 2>&1; }',
      'in_group() { aws iam list-groups-for-user --user-name "$USER" --output json | jq -e --arg g "$GROUP" \'[.Groups[].GroupName] | index($g) != null\' > /dev/null; }',
      '# every name of the JSON list in file $2 is in the JSON list $1',
      'holds_all() { jq -e -n --argjson have "$1" --slurpfile want "$2" \'($want[0] - $have) == []\' > /dev/null; }',
      '# IAM is eventually consistent: a change can take a few seconds to apply everywhere (IAM User Guide, "Changes that I make are not always immediately visible")',
      'settle() { sleep "${LASTMILE_IAM_SETTLE_SECONDS:-15}"; }'
    ]
    const inlineSteps = v.inline.length
      ? [
          {
            title: `give ${v.group} the user's inline policies (${v.inline.join(', ')}), documents as saved`,
            check: `[ "$(group_inline)" = "$(cat ${rb('inline.before')})" ]`,
            already: `${v.group} has the user's inline policies`,
            apply: [
              `jq -r '.[]' ${rb('inline.before')} | while read -r name; do`,
              `  aws iam put-group-policy --group-name "$GROUP" --policy-name "$name" --policy-document "file://$ROLLBACK_DIR/inline-$name.json"`,
              'done'
            ],
            verify: `[ "$(group_inline)" = "$(cat ${rb('inline.before')})" ]`
          }
        ]
      : []
    const managedSteps = v.managed.length
      ? [
          {
            title: `attach the user's managed policies to ${v.group}`,
            check: `[ "$(group_managed)" = "$(cat ${rb('managed.before')})" ]`,
            already: `${v.group} has the user's managed policies`,
            apply: [`jq -r '.[]' ${rb('managed.before')} | while read -r arn; do`, '  aws iam attach-group-policy --group-name "$GROUP" --policy-arn "$arn"', 'done'],
            verify: `[ "$(group_managed)" = "$(cat ${rb('managed.before')})" ]`
          }
        ]
      : []
    const fix = bashScript({
      title: `Fix: move the policies ${v.user} holds of its own onto a new group ${v.group}, dedicated to it`,
      lines: [
        ...header,
        `Managed: ${v.managed.join(', ') || 'none'}. Inline: ${v.inline.join(', ') || 'none'}.`,
        'The user holds the policies both ways until the group is in place; only then are they taken off the user.',
        `The group's path (${GROUP_PATH}) says it is this user's: anyone added to it gets the user's permissions.`
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save what the user holds of its own (rollback capture): managed policy ARNs, inline policy names and documents',
          check: `[ -s ${rb('managed.before')} ] && [ -s ${rb('inline.before')} ]`,
          already: 'saved by an earlier run',
          apply: [
            `own_inline > ${rb('inline.tmp')}`,
            `jq -r '.[]' ${rb('inline.tmp')} | while read -r name; do`,
            '  aws iam get-user-policy --user-name "$USER" --policy-name "$name" --output json | jq .PolicyDocument > "$ROLLBACK_DIR/inline-$name.json"',
            'done',
            `own_managed > ${rb('managed.before')}`,
            `mv ${rb('inline.tmp')} ${rb('inline.before')}`
          ]
        },
        {
          title: 'check the user held what the evidence shows',
          apply: [
            `[ "$(cat ${rb('managed.before')})" = ${list(v.managed)} ] || fail "the user's managed policies were $(cat ${rb('managed.before')}), not "${list(v.managed)}" as in the evidence: investigate again; nothing was changed"`,
            `[ "$(cat ${rb('inline.before')})" = ${list(v.inline)} ] || fail "the user's inline policies were $(cat ${rb('inline.before')}), not "${list(v.inline)}" as in the evidence: investigate again; nothing was changed"`
          ]
        },
        {
          title: `create the group ${v.group} (path ${GROUP_PATH})`,
          check: `[ -e ${rb('group.created')} ] && group_exists`,
          already: `the group ${v.group} this fix created exists`,
          apply: [
            `! group_exists || fail ${sq(`a group named ${v.group} exists already and this fix did not create it: others may be in it, so the user's policies are not moved there; nothing was changed`)}`,
            `aws iam create-group --group-name "$GROUP" --path ${sq(GROUP_PATH)} --output json > /dev/null`,
            `touch ${rb('group.created')}`
          ],
          verify: 'group_exists'
        },
        ...inlineSteps,
        ...managedSteps,
        {
          title: `add ${v.user} to ${v.group}`,
          check: 'in_group',
          already: `${v.user} is in ${v.group}`,
          apply: ['aws iam add-user-to-group --user-name "$USER" --group-name "$GROUP"'],
          verify: 'in_group'
        },
        // the steps before have each verified their change (or found it in place), so the group holds everything
        { title: 'wait for IAM to apply the group everywhere before anything is taken off the user', apply: ['settle'] },
        {
          title: `detach the managed policies from ${v.user}`,
          check: `[ "$(own_managed)" = '[]' ]`,
          already: 'no managed policy is attached to the user',
          apply: [
            `own_managed | jq -r '.[]' | while read -r arn; do`,
            `  jq -e --arg a "$arn" 'index($a) != null' ${rb('managed.before')} > /dev/null || fail "$arn was attached to the user after the fix saved its state: it is not moved; run the rollback, then investigate again"`,
            '  aws iam detach-user-policy --user-name "$USER" --policy-arn "$arn"',
            'done'
          ],
          verify: `[ "$(own_managed)" = '[]' ]`
        },
        {
          title: `delete the inline policies of ${v.user} (${v.group} has them)`,
          check: `[ "$(own_inline)" = '[]' ]`,
          already: 'the user has no inline policy',
          apply: [
            `own_inline | jq -r '.[]' | while read -r name; do`,
            `  jq -e --arg n "$name" 'index($n) != null' ${rb('inline.before')} > /dev/null || fail "the inline policy $name was given to the user after the fix saved its state: it is not moved; run the rollback, then investigate again"`,
            '  aws iam delete-user-policy --user-name "$USER" --policy-name "$name"',
            'done'
          ],
          verify: `[ "$(own_inline)" = '[]' ]`
        }
      ],
      done: `${v.user} holds its policies through ${v.group} only`
    })
    const rollback = bashScript({
      title: `Rollback: put the policies back on ${v.user} and delete the group ${v.group}`,
      lines: [...header, 'The policies go back on the user first; the group is emptied and deleted only once the user holds them again.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: "put the user's inline policies back (documents as saved)",
          check: `holds_all "$(own_inline)" ${rb('inline.before')}`,
          already: 'the user has its inline policies',
          apply: [
            `[ -s ${rb('inline.before')} ] && [ -s ${rb('managed.before')} ] || fail "no saved state in $ROLLBACK_DIR: the fix did not run here"`,
            `jq -r '.[]' ${rb('inline.before')} | while read -r name; do`,
            '  aws iam put-user-policy --user-name "$USER" --policy-name "$name" --policy-document "file://$ROLLBACK_DIR/inline-$name.json"',
            'done'
          ],
          verify: `holds_all "$(own_inline)" ${rb('inline.before')}`
        },
        {
          title: "attach the user's managed policies back",
          check: `holds_all "$(own_managed)" ${rb('managed.before')}`,
          already: 'the user has its managed policies',
          apply: [`jq -r '.[]' ${rb('managed.before')} | while read -r arn; do`, '  aws iam attach-user-policy --user-name "$USER" --policy-arn "$arn"', 'done'],
          verify: `holds_all "$(own_managed)" ${rb('managed.before')}`
        },
        {
          title: `wait for IAM to apply them, then take ${v.user} out of ${v.group}`,
          check: `[ ! -e ${rb('group.created')} ] || ! group_exists || ! in_group`,
          already: `${v.user} is not in a group this fix created`,
          apply: ['settle', 'aws iam remove-user-from-group --user-name "$USER" --group-name "$GROUP"'],
          verify: '! in_group'
        },
        {
          title: `empty and delete the group ${v.group} the fix created`,
          check: `[ ! -e ${rb('group.created')} ] || ! group_exists`,
          already: 'no group this fix created is left',
          apply: [
            `[ "$(aws iam get-group --group-name "$GROUP" --output json | jq '.Users | length')" = 0 ] || fail ${sq(`someone else was added to ${v.group} since the fix: it is not deleted; take them out first`)}`,
            `group_managed | jq -r '.[]' | while read -r arn; do aws iam detach-group-policy --group-name "$GROUP" --policy-arn "$arn"; done`,
            `group_inline | jq -r '.[]' | while read -r name; do aws iam delete-group-policy --group-name "$GROUP" --policy-name "$name"; done`,
            'aws iam delete-group --group-name "$GROUP"'
          ],
          verify: '! group_exists'
        }
      ],
      done: `${v.user} holds its policies of its own again, as before the fix`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `move ${v.user}'s own policies onto the new group ${v.group}`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put the policies back on ${v.user} and delete ${v.group}`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed iam:ListAttachedUserPolicies, iam:ListUserPolicies, iam:GetUserPolicy, iam:ListGroupsForUser, iam:GetGroup, iam:CreateGroup, iam:PutGroupPolicy, iam:AttachGroupPolicy, iam:ListAttachedGroupPolicies, iam:ListGroupPolicies, iam:AddUserToGroup, iam:DetachUserPolicy and iam:DeleteUserPolicy (the rollback: iam:PutUserPolicy, iam:AttachUserPolicy, iam:RemoveUserFromGroup, iam:DetachGroupPolicy, iam:DeleteGroupPolicy, iam:DeleteGroup)`,
        `infrastructure code that attaches these policies to ${v.user} (Terraform aws_iam_user_policy_attachment, aws_iam_user_policy) is changed to the group first, or its next apply gives them back to the user`
      ],
      validation: validationText(t),
      notes: [
        `${v.group} is ${v.user}'s alone: adding anyone to it gives them ${v.user}'s permissions. Keep it that way, or merge it into a role-based group as a separate, reviewed change.`
      ]
    }
  }
}
