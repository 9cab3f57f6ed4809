// aws.iam.unused-access-key (Security Hub IAM.22, CIS 1.12): deactivate the unused access keys,
// and delete them only after an observation period (FORMATS.md C.6). Deactivating is reversible
// (UpdateAccessKey --status Active), deleting is not, so they are two scripts: the fix, and a
// later one that refuses to delete a key that is still active or was deactivated too recently.
//
// The credential report names a key by slot (access_key_1/_2), not by id; the key is found with
// ListAccessKeys by its creation time, which the report gives as access_key_N_last_rotated (the
// creation time until the key is rotated — IAM User Guide, "Credential reports"). A key used
// after the evidence was collected (GetAccessKeyLastUsed) is not touched: the evidence is stale.
import { LastmileError } from '../../main/errors'
import { DEFAULT_UNUSED_KEY_DAYS } from '../../main/controls/evaluation'
import { accessKeyState } from './evaluate'
import { parseArn } from '../../main/semantics/ids'
import { bashScript, message, shellVar, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import type { AccessKeyReport, CredentialReportFacet } from '../../main/semantics/facets'
import { artefact, headerLines, requireAccount, requireConfig, userArnInEvidence, validationText } from '../../main/controls/fix-common'

/** The plan's inputs: the user's row of the credential report (the `iam.credential-report` facet), each key's slot, state and dates. */
interface ReportRow extends Pick<CredentialReportFacet, 'user' | 'arn'> {
  keys: Array<Pick<AccessKeyReport, 'slot' | 'active' | 'lastRotated' | 'lastUsed'>>
}

/** Days a deactivated key is watched before the delete script will delete it. */
const OBSERVATION_DAYS = 30

function epoch(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000)
}

/** jq turning an IAM/credential-report time (2024-05-02T10:11:12+00:00, with or without fraction) into epoch seconds. */
const TO_EPOCH = 'sub("\\\\.[0-9]+"; "") | sub("(\\\\+00:00|Z)$"; "Z") | fromdateiso8601'

export const iamUnusedAccessKeyFix: FixRenderer = {
  control: 'aws.iam.unused-access-key',
  summary: 'deactivate the unused access keys (delete them after an observation period)',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, userArnInEvidence(db, target.resourceId), 'iam.credential-report', 'inventory/iam-credential-report.csv')
    return {
      values: { user: cfg.value.user, arn: cfg.value.arn, keys: cfg.value.keys.map((k) => ({ slot: k.slot, active: k.active, lastRotated: k.lastRotated, lastUsed: k.lastUsed })) },
      evidence: cfg.evidence,
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as ReportRow
    const arn = parseArn(t.resourceId)
    if (arn?.service !== 'iam' || !arn.resource.startsWith('user/')) throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} is not an IAM user ARN`)
    if (v.user === '<root_account>')
      throw new LastmileError(
        'conflict',
        `${t.finding}: the root user's access keys are deleted from the root user's security credentials page, not with an IAM user's API calls; route the finding`
      )
    const account = requireAccount(t, arn.account)
    const at = new Date(ctx.inputs.collectedAt)
    const unused = v.keys.filter((k) => {
      const s = accessKeyState({ slot: k.slot, active: String(k.active), lastRotated: k.lastRotated ?? 'N/A', lastUsedDate: k.lastUsed ?? 'N/A' }, at, DEFAULT_UNUSED_KEY_DAYS)
      return s.kind === 'unused'
    })
    if (!unused.length)
      throw new LastmileError(
        'conflict',
        `${t.finding}: no active access key of ${v.user} is unused for ${DEFAULT_UNUSED_KEY_DAYS} days in the evidence; validate the finding instead`
      )
    for (const k of unused) {
      if (!k.lastRotated)
        throw new LastmileError(
          'not-found',
          `${t.finding}: access key ${k.slot} of ${v.user} has no creation time in the credential report; it cannot be told apart from the other key`
        )
    }
    const header = headerLines(ctx)
    const fns = [
      `USER_NAME=${sq(v.user)}`,
      '# The id of the access key created at epoch second $1 (credential report slots carry no id).',
      'key_created_at() {',
      `  local ids; ids="$(aws iam list-access-keys --user-name "$USER_NAME" --output json | jq -r --argjson t "$1" '.AccessKeyMetadata[] | select((.CreateDate | ${TO_EPOCH}) == $t) | .AccessKeyId')"`,
      '  [ "$(printf "%s" "$ids" | grep -c .)" = 1 ] || return 1',
      '  printf "%s" "$ids"',
      '}',
      'key_status() { aws iam list-access-keys --user-name "$USER_NAME" --output json | jq -r --arg id "$1" \'.AccessKeyMetadata[] | select(.AccessKeyId == $id) | .Status\'; }',
      `last_used_epoch() { aws iam get-access-key-last-used --access-key-id "$1" --output json | jq -r '.AccessKeyLastUsed.LastUsedDate // empty | ${TO_EPOCH}'; }`
    ]
    const steps = unused.flatMap((k) => {
      const used = k.lastUsed ? epoch(k.lastUsed) : 0
      return [
        {
          title: `find access key ${k.slot} of ${v.user} (created ${k.lastRotated})`,
          apply: [
            `KEY${k.slot}="$(key_created_at ${epoch(k.lastRotated!)})" || fail ${sq(`access key ${k.slot} of ${v.user} (created ${k.lastRotated}) is not among the user's keys, or not alone with that creation time; nothing was changed`)}`,
            `printf '%s' "$KEY${k.slot}" > "$ROLLBACK_DIR/access-key-${k.slot}.id"`
          ]
        },
        {
          title: `check access key ${k.slot} was not used after the evidence was collected`,
          apply: [
            `used="$(last_used_epoch "$KEY${k.slot}")"`,
            `if [ -n "$used" ] && [ "$used" -gt ${used} ]; then`,
            `  fail ${sq(`access key ${k.slot} of ${v.user} was used after ${k.lastUsed ?? 'the evidence said it was never used'}: the evidence (collected ${ctx.inputs.collectedAt}) is stale; investigate again. Nothing was changed for this key.`)}`,
            'fi'
          ]
        },
        {
          title: `deactivate access key ${k.slot} of ${v.user}`,
          check: `[ "$(key_status "$KEY${k.slot}")" = Inactive ]`,
          already: `access key ${k.slot} of ${v.user} is inactive`,
          apply: [
            `aws iam update-access-key --user-name "$USER_NAME" --access-key-id "$KEY${k.slot}" --status Inactive`,
            `date -u +%s > "$ROLLBACK_DIR/access-key-${k.slot}.deactivated-at"`
          ],
          verify: `[ "$(key_status "$KEY${k.slot}")" = Inactive ]`
        }
      ]
    })
    const fix = bashScript({
      title: `Fix: deactivate the unused access key(s) ${unused.map((k) => k.slot).join(' and ')} of IAM user ${v.user}`,
      lines: [...header, `Deactivation is reversible (the rollback reactivates). Delete with the delete script after ${OBSERVATION_DAYS} days without complaints.`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps,
      done: `the unused access key(s) of ${v.user} are inactive; run the delete script after ${OBSERVATION_DAYS} days`
    })
    const remove = bashScript({
      title: `Later: delete the access key(s) of ${v.user} that the fix deactivated, after ${OBSERVATION_DAYS} days`,
      lines: [...header, 'Deleting cannot be undone. It refuses a key that is active, or deactivated less than the observation period ago.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [...fns, `OBSERVE_DAYS=${OBSERVATION_DAYS}`],
      steps: unused.flatMap((k) => [
        {
          title: `check access key ${k.slot} of ${v.user} was deactivated by the fix at least ${shellVar('OBSERVE_DAYS')} days ago`,
          apply: [
            `[ -s "$ROLLBACK_DIR/access-key-${k.slot}.id" ] || fail ${sq(`no record that the fix deactivated access key ${k.slot} here; run the fix script first`)}`,
            `KEY${k.slot}="$(cat "$ROLLBACK_DIR/access-key-${k.slot}.id")"`
          ]
        },
        {
          title: `delete access key ${k.slot} of ${v.user}`,
          check: `[ -z "$(key_status "$KEY${k.slot}")" ]`,
          already: `access key ${k.slot} of ${v.user} no longer exists`,
          apply: [
            `[ "$(key_status "$KEY${k.slot}")" = Inactive ] || fail ${sq(`access key ${k.slot} of ${v.user} is active: it must be deactivated (and watched) before it is deleted`)}`,
            // No record of when the key was deactivated (it was already inactive when the fix ran,
            // or the fix ran elsewhere) is not "long ago": the observation period is unproven.
            `[ -s "$ROLLBACK_DIR/access-key-${k.slot}.deactivated-at" ] || fail ${message(`no record of when access key ${k.slot} of ${v.user} was deactivated (${shellVar('ROLLBACK_DIR')}/access-key-${k.slot}.deactivated-at is missing: the key was already inactive when the fix ran, or the fix ran elsewhere), so the ${shellVar('OBSERVE_DAYS')}-day observation cannot be shown; nothing was deleted`)}`,
            `since="$(cat "$ROLLBACK_DIR/access-key-${k.slot}.deactivated-at")"`,
            `case "$since" in ''|*[!0-9]*) fail ${message(`${shellVar('ROLLBACK_DIR')}/access-key-${k.slot}.deactivated-at does not hold a time (epoch seconds); nothing was deleted`)} ;; esac`,
            `[ $(( $(date -u +%s) - since )) -ge $(( OBSERVE_DAYS * 86400 )) ] || fail ${message(`access key ${k.slot} of ${v.user} was deactivated less than ${shellVar('OBSERVE_DAYS')} days ago; wait before deleting it`)}`,
            `aws iam delete-access-key --user-name "$USER_NAME" --access-key-id "$KEY${k.slot}"`
          ],
          verify: `[ -z "$(key_status "$KEY${k.slot}")" ]`
        }
      ]),
      done: `the deactivated access key(s) of ${v.user} are deleted`
    })
    const rollback = bashScript({
      title: `Rollback: reactivate the access key(s) of ${v.user} that the fix deactivated`,
      lines: header,
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: unused.flatMap((k) => [
        {
          title: `find access key ${k.slot} of ${v.user}`,
          apply: [
            `if [ -s "$ROLLBACK_DIR/access-key-${k.slot}.id" ]; then KEY${k.slot}="$(cat "$ROLLBACK_DIR/access-key-${k.slot}.id")"; else KEY${k.slot}="$(key_created_at ${epoch(k.lastRotated!)})" || fail ${sq(`access key ${k.slot} of ${v.user} cannot be found`)}; fi`
          ]
        },
        {
          title: `reactivate access key ${k.slot} of ${v.user}`,
          check: `[ "$(key_status "$KEY${k.slot}")" = Active ]`,
          already: `access key ${k.slot} of ${v.user} is active`,
          apply: [
            `[ -n "$(key_status "$KEY${k.slot}")" ] || fail ${sq(`access key ${k.slot} of ${v.user} was deleted; a deleted key cannot be restored: create a new one (aws iam create-access-key) and hand it over`)}`,
            `aws iam update-access-key --user-name "$USER_NAME" --access-key-id "$KEY${k.slot}" --status Active`
          ],
          verify: `[ "$(key_status "$KEY${k.slot}")" = Active ]`
        }
      ]),
      done: `the access key(s) of ${v.user} are active again`
    })
    return {
      artefacts: [
        artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `deactivate unused access key(s) ${unused.map((k) => k.slot).join(', ')} of ${v.user}`, fix),
        artefact(
          ctx,
          'aws-cli',
          'bash',
          'delete-after-observation.sh',
          `delete the deactivated key(s) of ${v.user}, no sooner than ${OBSERVATION_DAYS} days after deactivation`,
          remove
        )
      ],
      rollback: [
        artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `reactivate the access key(s) of ${v.user}`, rollback),
        artefact(
          ctx,
          'procedure',
          'markdown',
          'rollback-after-delete.md',
          'what to do if a key is needed after it was deleted',
          `# ${t.finding}: after the delete script\n\nA deleted access key cannot be restored. If it turns out to be needed, create a new one for ${v.user} (\`aws iam create-access-key --user-name ${v.user}\`), hand it to its owner through the usual secret channel, and record it in the case.\n`
        )
      ],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed iam:ListAccessKeys, iam:GetAccessKeyLastUsed, iam:UpdateAccessKey (and iam:DeleteAccessKey for the delete script)`,
        `the owner of ${v.user} was told; nothing scheduled uses the key(s) less often than every ${DEFAULT_UNUSED_KEY_DAYS} days (monthly or quarterly jobs)`
      ],
      validation: validationText(t),
      notes: unused.map((k) => `access key ${k.slot}: ${k.lastUsed ? `last used ${k.lastUsed}` : 'never used'}, created ${k.lastRotated}`)
    }
  }
}
