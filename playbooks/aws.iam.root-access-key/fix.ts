// aws.iam.root-access-key (Security Hub IAM.4): deactivate the root user's access keys, then delete
// them after an observation period.
//
// No IAM principal can do this in the account itself: an access key of the root user is changed
// only by the root user (signed in to the console, or with root credentials on the command line:
// `aws iam update-access-key` / `delete-access-key` without --user-name act on the caller's own
// keys). So the scripts refuse any caller but arn:aws:iam::<account>:root, and refuse to deactivate
// the very key they run with (the script would cut its own credentials mid-way). The procedure
// says the same in console steps, and names the one exception AWS offers: in an organization with
// centralized root access, the management account (or its delegated administrator) can delete a
// member account's root credentials with sts:AssumeRoot and the IAMDeleteRootUserCredentials task
// policy — deletion only, no deactivation, hence no observation period and no rollback.
//
// The credential report names a key by slot, not id; the key is found by its creation time
// (access_key_N_last_rotated, the creation time until a key is rotated), as for IAM users' keys.
//
// The emulator harness does not run these scripts: moto has no root user (it resolves a call
// without --user-name to the IAM user owning the caller's key, and its caller is never
// arn:aws:iam::<account>:root), so seeding root keys there would mean pretending an IAM user is
// root. test/emulator lists the control as one it cannot run, with that reason.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, validationText } from '../../main/controls/fix-common'
import { bashScript, message, shellVar, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { existingKeys, rootArn } from './steps'

/** Days a deactivated key is watched before the delete script will delete it. */
const OBSERVATION_DAYS = 30

interface RootKey {
  slot: 1 | 2
  active: boolean
  lastRotated: string
  lastUsed: string | null
}

const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000)

/** jq turning an IAM time (2024-05-02T10:11:12+00:00, with or without fraction) into epoch seconds. */
const TO_EPOCH = 'sub("\\\\.[0-9]+"; "") | sub("(\\\\+00:00|Z)$"; "Z") | fromdateiso8601'

export const rootAccessKeyFix: Omit<FixRenderer, 'control'> = {
  summary: "deactivate the root user's access keys, signed in as root, and delete them after an observation period",
  inputs(db, target) {
    const account = /^AWS::::Account:(\d{12})$/i.exec(target.resourceId)?.[1] ?? target.account
    if (!account) throw new LastmileError('not-found', `${target.finding}: the AWS account of ${target.resourceId} is unknown`)
    const cfg = requireConfig({ db }, target, rootArn(account), 'iam.credential-report', 'inventory/iam-credential-report.csv (its <root_account> row)')
    const keys = existingKeys(cfg.value)
    if (!keys.length) throw new LastmileError('conflict', `${target.finding}: the root user of ${account} has no access key in the evidence; validate the finding instead`)
    for (const k of keys)
      if (!k.lastRotated)
        throw new LastmileError('not-found', `${target.finding}: root access key ${k.slot} of ${account} has no creation time in the credential report; it cannot be found by it`)
    return {
      values: { account, keys: keys.map((k) => ({ slot: k.slot, active: k.active, lastRotated: k.lastRotated, lastUsed: k.lastUsed })) },
      evidence: cfg.evidence,
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { account: string; keys: RootKey[] }
    const account = requireAccount(t, v.account)
    const header = headerLines(ctx)
    const active = v.keys.filter((k) => k.active)
    const root = `arn:aws:iam::${account}:root`
    const fns = [
      [
        '# Only the root user can change its own access keys.',
        `[ "$(aws sts get-caller-identity --output json | jq -r .Arn)" = ${sq(root)} ] || fail ${sq(`these credentials are not the root user of ${account} (${root}): an IAM user or role cannot change the root user's access keys. Sign in as root (console: Security credentials) or use root credentials; nothing was changed`)}`
      ].join('\n'),
      [
        '# The key these credentials use, if the CLI can say (it must not deactivate or delete itself).',
        'OWN_KEY="$(aws configure export-credentials --format process 2>/dev/null | jq -r \'.AccessKeyId // empty\' || true)"'
      ].join('\n'),
      [
        '# The id of the root access key created at epoch second $1 (the credential report names slots, not ids).',
        'key_created_at() {',
        `  local ids; ids="$(aws iam list-access-keys --output json | jq -r --argjson t "$1" '.AccessKeyMetadata[] | select((.CreateDate | ${TO_EPOCH}) == $t) | .AccessKeyId')"`,
        '  [ "$(printf "%s" "$ids" | grep -c .)" = 1 ] || return 1',
        '  printf "%s" "$ids"',
        '}'
      ].join('\n'),
      'key_status() { aws iam list-access-keys --output json | jq -r --arg id "$1" \'.AccessKeyMetadata[] | select(.AccessKeyId == $id) | .Status\'; }',
      `last_used_epoch() { aws iam get-access-key-last-used --access-key-id "$1" --output json | jq -r '.AccessKeyLastUsed.LastUsedDate // empty | ${TO_EPOCH}'; }`
    ]
    const find = (k: RootKey) => [
      `KEY${k.slot}="$(key_created_at ${epoch(k.lastRotated)})" || fail ${sq(`root access key ${k.slot} (created ${k.lastRotated}) is not among the root user's keys, or not alone with that creation time; nothing was changed`)}`,
      `[ "$KEY${k.slot}" != "$OWN_KEY" ] || fail ${sq(`these credentials are root access key ${k.slot} itself: deactivating it would cut the script off mid-way. Use the console (Security credentials) or the other key; nothing was changed`)}`,
      `printf '%s' "$KEY${k.slot}" > "$ROLLBACK_DIR/root-access-key-${k.slot}.id"`
    ]
    const fix = bashScript({
      title: `Fix: deactivate the root user's access key(s) ${v.keys.map((k) => k.slot).join(' and ')} in account ${account} — run as the root user`,
      lines: [
        ...header,
        "Run with the root user's credentials: IAM users and roles cannot change the root user's keys (the script checks the caller is root).",
        `Deactivation is reversible (the rollback reactivates). Delete with the delete script after ${OBSERVATION_DAYS} days without complaints.`
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: v.keys.flatMap((k) => [
        { title: `find root access key ${k.slot} (created ${k.lastRotated})`, apply: find(k) },
        ...(k.active
          ? [
              {
                title: `check root access key ${k.slot} was not used after the evidence was collected`,
                apply: [
                  `used="$(last_used_epoch "$KEY${k.slot}")"`,
                  `if [ -n "$used" ] && [ "$used" -gt ${k.lastUsed ? epoch(k.lastUsed) : 0} ]; then`,
                  `  fail ${sq(`root access key ${k.slot} was used after ${k.lastUsed ?? 'the evidence said it was never used'}: the evidence (collected ${ctx.inputs.collectedAt}) is stale; investigate again. Nothing was changed for this key.`)}`,
                  'fi'
                ]
              },
              {
                title: `deactivate root access key ${k.slot}`,
                check: `[ "$(key_status "$KEY${k.slot}")" = Inactive ]`,
                already: `root access key ${k.slot} is inactive`,
                apply: [
                  `aws iam update-access-key --access-key-id "$KEY${k.slot}" --status Inactive`,
                  `date -u +%s > "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-at"`,
                  `touch "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-by-fix"`
                ],
                verify: `[ "$(key_status "$KEY${k.slot}")" = Inactive ]`
              }
            ]
          : [
              {
                title: `root access key ${k.slot} is inactive in the evidence: record that it was inactive at collection (${ctx.inputs.collectedAt})`,
                check: `[ -s "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-at" ]`,
                already: `the time root access key ${k.slot} was inactive since is recorded`,
                apply: [
                  `[ "$(key_status "$KEY${k.slot}")" = Inactive ] || fail ${sq(`root access key ${k.slot} is active again, though the evidence shows it inactive: investigate again; nothing was changed`)}`,
                  `printf '%s' ${epoch(ctx.inputs.collectedAt)} > "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-at"`
                ]
              }
            ])
      ]),
      done: `the root user's access key(s) of ${account} are inactive; run the delete script after ${OBSERVATION_DAYS} days`
    })
    const remove = bashScript({
      title: `Later: delete the root user's access key(s) of ${account}, after ${OBSERVATION_DAYS} days inactive — run as the root user`,
      lines: [...header, 'Deleting cannot be undone. It refuses a key that is active, or inactive for less than the observation period.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: [...fns, `OBSERVE_DAYS=${OBSERVATION_DAYS}`],
      steps: v.keys.flatMap((k) => [
        {
          title: `check root access key ${k.slot} has been inactive at least ${shellVar('OBSERVE_DAYS')} days`,
          apply: [
            `[ -s "$ROLLBACK_DIR/root-access-key-${k.slot}.id" ] || fail ${sq(`no record that the fix found root access key ${k.slot} here; run the fix script first`)}`,
            `KEY${k.slot}="$(cat "$ROLLBACK_DIR/root-access-key-${k.slot}.id")"`,
            `[ "$KEY${k.slot}" != "$OWN_KEY" ] || fail ${sq(`these credentials are root access key ${k.slot} itself; use the console or the other key`)}`
          ]
        },
        {
          title: `delete root access key ${k.slot}`,
          check: `[ -z "$(key_status "$KEY${k.slot}")" ]`,
          already: `root access key ${k.slot} no longer exists`,
          apply: [
            `[ "$(key_status "$KEY${k.slot}")" = Inactive ] || fail ${sq(`root access key ${k.slot} is active: it must be deactivated (and watched) before it is deleted`)}`,
            `since="$(cat "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-at" 2>/dev/null || true)"`,
            `case "$since" in ''|*[!0-9]*) fail ${message(`no record of when root access key ${k.slot} became inactive (${shellVar('ROLLBACK_DIR')}/root-access-key-${k.slot}.deactivated-at); the observation cannot be shown, nothing was deleted`)} ;; esac`,
            `[ $(( $(date -u +%s) - since )) -ge $(( OBSERVE_DAYS * 86400 )) ] || fail ${message(`root access key ${k.slot} has been inactive less than ${shellVar('OBSERVE_DAYS')} days; wait before deleting it`)}`,
            `aws iam delete-access-key --access-key-id "$KEY${k.slot}"`
          ],
          verify: `[ -z "$(key_status "$KEY${k.slot}")" ]`
        }
      ]),
      done: `the root user of ${account} has no access key`
    })
    const rollback = bashScript({
      title: `Rollback: reactivate the root access key(s) of ${account} that the fix deactivated — run as the root user`,
      lines: [...header, 'Only keys the fix itself deactivated are reactivated: a key that was already inactive stays inactive.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: active.flatMap((k) => [
        {
          title: `reactivate root access key ${k.slot}, if the fix deactivated it`,
          check: `[ ! -e "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-by-fix" ]`,
          already: `the fix did not deactivate root access key ${k.slot} here`,
          apply: [
            `KEY${k.slot}="$(cat "$ROLLBACK_DIR/root-access-key-${k.slot}.id")"`,
            `[ -n "$(key_status "$KEY${k.slot}")" ] || fail ${sq(`root access key ${k.slot} was deleted; a deleted key cannot be restored (do not create a new root key: give the job that needs it an IAM role)`)}`,
            `[ "$(key_status "$KEY${k.slot}")" = Active ] || aws iam update-access-key --access-key-id "$KEY${k.slot}" --status Active`,
            `[ "$(key_status "$KEY${k.slot}")" = Active ] || fail ${sq(`root access key ${k.slot} is not active after reactivation`)}`,
            `rm -f "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-by-fix" "$ROLLBACK_DIR/root-access-key-${k.slot}.deactivated-at"`
          ]
        }
      ]),
      done: `the root access key(s) of ${account} the fix deactivated are active again`
    })
    const procedure = [
      `# ${t.finding}: remove the root user's access key(s) of ${account}`,
      '',
      'Only the root user can deactivate or delete its own access keys; no IAM user or role in the account can (not even an administrator). The scripts beside this file check they run as root.',
      '',
      '## In the console (the usual way)',
      '',
      `1. Sign in to the AWS Management Console as the root user of ${account} (the account's email address and password, and its MFA device).`,
      '2. Open the account menu (top right) → **Security credentials** → **Access keys**.',
      '3. For each key:',
      ...v.keys.map(
        (k) =>
          `   - root access key ${k.slot}, created ${k.lastRotated.slice(0, 10)} (${k.active ? 'active' : 'already inactive'}${k.lastUsed ? `, last used ${k.lastUsed.slice(0, 10)}` : ', never used'}): ${k.active ? '**Actions → Deactivate**. Reactivate it the same way if something breaks (the rollback).' : 'nothing to deactivate.'}`
      ),
      `4. After ${OBSERVATION_DAYS} days without anything failing, **Actions → Delete** each inactive key. A deleted key cannot be restored.`,
      '',
      '## On the command line, with root credentials',
      '',
      `\`${t.finding}.fix.sh\` deactivates, \`${t.finding}.delete-after-observation.sh\` deletes after ${OBSERVATION_DAYS} days, \`${t.finding}.rollback.sh\` reactivates. They refuse any caller but \`${root}\`, and refuse to deactivate or delete the key they run with.`,
      '',
      '## In an organization with centralized root access',
      '',
      `If ${account} is a member account and the organization enabled centralized root access, its management account (or the delegated administrator for IAM) can delete the root user's access keys without the root password: \`aws sts assume-root --target-principal ${account} --task-policy-arn arn=arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials\`, then \`aws iam list-access-keys\` and \`aws iam delete-access-key --access-key-id <id>\` with the returned credentials. That task deletes only (it cannot deactivate), so there is no observation period and no rollback: use it when the investigation shows the key unused.`,
      ''
    ].join('\n')
    return {
      artefacts: [
        artefact(ctx, 'procedure', 'markdown', 'procedure.md', `remove the root user's access key(s) of ${account} (console, root CLI, or centralized root access)`, procedure),
        artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `deactivate the root user's access key(s) of ${account} (run as root)`, fix),
        artefact(
          ctx,
          'aws-cli',
          'bash',
          'delete-after-observation.sh',
          `delete the root user's inactive access key(s) of ${account}, no sooner than ${OBSERVATION_DAYS} days inactive (run as root)`,
          remove
        )
      ],
      rollback: [
        artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `reactivate the root access key(s) of ${account} that the fix deactivated (run as root)`, rollback),
        artefact(
          ctx,
          'procedure',
          'markdown',
          'rollback-after-delete.md',
          'what to do if a root key is needed after it was deleted',
          `# ${t.finding}: after the delete script\n\nA deleted access key cannot be restored. Do not create a new root access key: give whatever needed it an IAM role (or an IAM user with only the permissions it used), and record that in the case.\n`
        )
      ],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `the root user's credentials for account ${account} (the scripts refuse any other caller) — or the console, signed in as root`,
        `nothing still signs requests with the root access key (the investigation's CloudTrail answer), and the account's owner was told`
      ],
      validation: validationText(t),
      notes: [
        ...v.keys.map((k) => `root access key ${k.slot}: ${k.active ? 'active' : 'inactive'}, created ${k.lastRotated}, ${k.lastUsed ? `last used ${k.lastUsed}` : 'never used'}`),
        'the emulator harness cannot run these scripts: moto has no root user to own access keys'
      ]
    }
  }
}
