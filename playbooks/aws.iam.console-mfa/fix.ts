// aws.iam.console-mfa (Security Hub IAM.5 / IAM.19): what an IAM principal can do about a user
// without MFA. Nobody but the user can enroll the user's MFA device (EnableMFADevice needs two codes
// from the device), so the fix is one of two, chosen from the evidence — the same choice the
// verdict's reasoning states:
//
// - the user has a console password not used in the 90 days before collection: delete the login
//   profile. The console path is gone (IAM.5 and Prowler pass); access keys keep working. The
//   rollback gives the user a console password again — a new one, to be changed at first sign-in,
//   since IAM never reveals the old one.
// - the user has no console password: attach an inline policy that denies everything unless the
//   request was made with MFA (aws:MultiFactorAuthPresent, BoolIfExists false — the IAM User
//   Guide's "allows IAM users to self-manage an MFA device" pattern), except managing its own MFA
//   device. Calls signed with a long-term access key carry no MFA, so they are refused too: the
//   verdict is SAFE only when no key of the user signed a call in the window. The rollback
//   deletes the policy (or puts back the one of that name it replaced).
//
// A password used in the 90 days is never removed here: the investigation says UNSAFE, and the
// user must enroll a device first.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, userArnInEvidence, validationText } from '../../main/controls/fix-common'
import { bashScript, heredoc, message, shellVar, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'

export const POLICY_NAME = 'lastmile-require-mfa'
const RECENT_DAYS = 90
const DAY_MS = 86_400_000

/** The inline policy: self-service MFA for the user, and nothing else without MFA. */
export function requireMfaPolicy(account: string): Record<string, unknown> {
  const self = [`arn:aws:iam::${account}:user/\${aws:username}`, `arn:aws:iam::${account}:mfa/\${aws:username}`]
  const selfService = [
    'iam:CreateVirtualMFADevice',
    'iam:EnableMFADevice',
    'iam:GetUser',
    'iam:ListMFADevices',
    'iam:ListVirtualMFADevices',
    'iam:ResyncMFADevice',
    'iam:ChangePassword',
    'iam:GetAccountPasswordPolicy',
    'sts:GetSessionToken'
  ]
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowManageOwnMfaDevice',
        Effect: 'Allow',
        Action: ['iam:CreateVirtualMFADevice', 'iam:EnableMFADevice', 'iam:ListMFADevices', 'iam:ResyncMFADevice', 'iam:GetUser'],
        Resource: self
      },
      { Sid: 'DenyEverythingElseWithoutMfa', Effect: 'Deny', NotAction: selfService, Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }
    ]
  }
}

interface Inputs {
  account: string
  user: string
  arn: string
  path: string
  action: 'delete-login-profile' | 'require-mfa-policy'
  passwordLastUsed: string | null
}

const epoch = (iso: string): number => Math.floor(Date.parse(iso) / 1000)
const TO_EPOCH = 'sub("\\\\.[0-9]+"; "") | sub("(\\\\+00:00|Z)$"; "Z") | fromdateiso8601'

export const consoleMfaFix: Omit<FixRenderer, 'control'> = {
  summary: 'delete an unused console password, or attach a policy that refuses everything without MFA to a user without a password (chosen from the evidence)',
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, userArnInEvidence(db, target.resourceId), 'iam.credential-report', 'inventory/iam-credential-report.csv')
    const r = cfg.value
    const account = /^arn:[^:]+:iam::(\d{12}):user\//.exec(r.arn)?.[1] ?? target.account ?? ''
    if (r.mfaActive !== false)
      throw new LastmileError('conflict', `${target.finding}: ${r.user} has an MFA device in the evidence (or it is not known); validate the finding instead`)
    const since = Date.parse(cfg.collectedAt) - RECENT_DAYS * DAY_MS
    const recent = (t: string | null) => t !== null && Date.parse(t) >= since
    if (r.passwordEnabled === true && recent(r.passwordLastUsed))
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${r.user} signed in with the console password on ${r.passwordLastUsed!.slice(0, 10)}, within ${RECENT_DAYS} days: removing it or requiring MFA locks the user out; have the user enroll an MFA device instead`
      )
    if (r.passwordEnabled === false && r.keys.some((k) => recent(k.lastUsed)))
      throw new LastmileError(
        'conflict',
        `${target.finding}: an access key of ${r.user} was used within ${RECENT_DAYS} days: a policy requiring MFA refuses every call signed with it; move that job to a role first`
      )
    if (r.passwordEnabled === null) throw new LastmileError('not-found', `${target.finding}: whether ${r.user} has a console password is not in the evidence`)
    const path = r.arn.replace(/^arn:[^:]+:iam::\d{12}:user/, '').replace(/[^/]+$/, '') || '/'
    const values: Inputs = {
      account,
      user: r.user,
      arn: r.arn,
      path,
      action: r.passwordEnabled ? 'delete-login-profile' : 'require-mfa-policy',
      passwordLastUsed: r.passwordLastUsed
    }
    return { values: values as unknown as Record<string, unknown>, evidence: cfg.evidence, collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as Inputs
    const account = requireAccount(t, v.account)
    const header = headerLines(ctx)
    const u = `--user-name "$USER_NAME"`
    const common = [
      `USER_NAME=${sq(v.user)}`,
      [
        '# present / absent: whether the user has a login profile (a console password); any other error stops the script.',
        'login_profile() {',
        `  local out; if out="$(aws iam get-login-profile ${u} --output json 2>&1)"; then echo present`,
        '  elif printf "%s" "$out" | grep -q NoSuchEntity; then echo absent',
        '  else printf "%s\\n" "$out" >&2; return 1; fi',
        '}'
      ].join('\n')
    ]
    if (v.action === 'delete-login-profile') {
      const before = '"$ROLLBACK_DIR/login-profile.before"'
      const fix = bashScript({
        title: `Fix: delete the unused console password (login profile) of IAM user ${v.user}`,
        lines: [
          ...header,
          `The password was ${v.passwordLastUsed ? `last used ${v.passwordLastUsed}` : 'never used'}; the user keeps its access keys and policies, and loses console sign-in.`,
          'Rollback gives the user a new console password, to be changed at the first sign-in (IAM never reveals the old one).'
        ],
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: common,
        steps: [
          {
            title: 'save whether the user has a login profile (rollback capture)',
            check: `[ -s ${before} ]`,
            already: 'saved by an earlier run',
            apply: [`login_profile > ${before}`]
          },
          {
            title: 'check the password was not used after the evidence was collected',
            apply: [
              `used="$(aws iam get-user ${u} --output json | jq -r '.User.PasswordLastUsed // empty | ${TO_EPOCH}')"`,
              `if [ -n "$used" ] && [ "$used" -gt ${v.passwordLastUsed ? epoch(v.passwordLastUsed) : 0} ]; then`,
              `  fail ${sq(`${v.user} signed in with the password after ${v.passwordLastUsed ?? 'the evidence said it was never used'}: the evidence (collected ${ctx.inputs.collectedAt}) is stale; investigate again. Nothing was changed.`)}`,
              'fi'
            ]
          },
          {
            title: `delete the login profile of ${v.user}`,
            check: '[ "$(login_profile)" = absent ]',
            already: `${v.user} has no console password`,
            apply: [`aws iam delete-login-profile ${u}`],
            verify: '[ "$(login_profile)" = absent ]'
          }
        ],
        done: `${v.user} can no longer sign in to the console; its access keys are untouched`
      })
      const rollback = bashScript({
        title: `Rollback: give IAM user ${v.user} a console password again`,
        lines: [
          ...header,
          'The old password cannot be restored: a new one is generated, written to the rollback folder (readable by you only), and must be changed at the first sign-in.'
        ],
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: common,
        steps: [
          {
            title: `recreate the login profile of ${v.user}, if the fix removed one`,
            check: `[ ! -s ${before} ] || [ "$(cat ${before})" != present ] || [ "$(login_profile)" = present ]`,
            already: `${v.user} has a console password, or had none before the fix`,
            apply: [
              '( umask 077; printf "Lm-%s-9a!" "$(head -c 18 /dev/urandom | base64 | tr -d "/+=\\n")" > "$ROLLBACK_DIR/new-console-password" )',
              `aws iam create-login-profile ${u} --password "$(cat "$ROLLBACK_DIR/new-console-password")" --password-reset-required --output json > /dev/null`,
              'say "the new temporary console password is in $ROLLBACK_DIR/new-console-password: hand it to the user through your usual secret channel, then delete the file"'
            ],
            verify: `[ ! -s ${before} ] || [ "$(cat ${before})" != present ] || [ "$(login_profile)" = present ]`
          }
        ],
        done: `${v.user} has a console password again (to be changed at the first sign-in)`
      })
      return {
        artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `delete the unused console password of ${v.user}`, fix)],
        rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `give ${v.user} a new console password (reset at first sign-in)`, rollback)],
        preconditions: [
          'AWS CLI v2 and jq on PATH',
          `credentials for account ${account} allowed iam:GetLoginProfile, iam:GetUser and iam:DeleteLoginProfile (iam:CreateLoginProfile for the rollback) on ${v.arn}`,
          `the user (or its owner) was told that console sign-in is removed; if they need it, they enroll an MFA device after the rollback`
        ],
        validation: `${validationText(t)} IAM.5 and Prowler pass a user without a console password; IAM.19 (every IAM user) closes only once the user enrolls an MFA device.`,
        notes: [`console password of ${v.user}: ${v.passwordLastUsed ? `last used ${v.passwordLastUsed}` : 'never used'}; deleting it leaves the access keys working`]
      }
    }
    const doc = `${JSON.stringify(requireMfaPolicy(account), null, 2)}\n`
    const saved = '"$ROLLBACK_DIR/require-mfa.before.json"'
    const state = '"$ROLLBACK_DIR/require-mfa.before"'
    const fns = [
      ...common,
      `POLICY_NAME=${sq(POLICY_NAME)}`,
      `policy_state() { if aws iam list-user-policies ${u} --output json | jq -e --arg p "$POLICY_NAME" '.PolicyNames | index($p)' > /dev/null; then echo present; else echo absent; fi; }`,
      `key_last_use_after() { local id used; for id in $(aws iam list-access-keys ${u} --output json | jq -r '.AccessKeyMetadata[] | select(.Status == "Active") | .AccessKeyId'); do used="$(aws iam get-access-key-last-used --access-key-id "$id" --output json | jq -r '.AccessKeyLastUsed.LastUsedDate // empty | ${TO_EPOCH}')"; if [ -n "$used" ] && [ "$used" -gt "$1" ]; then echo "$id"; fi; done; }`
    ]
    const fix = bashScript({
      title: `Fix: refuse everything but MFA self-service to IAM user ${v.user} unless the request was made with MFA`,
      lines: [
        ...header,
        `An inline policy ${POLICY_NAME}: ${v.user} can enroll its own MFA device; every other call without MFA is refused — calls signed with its access keys too.`,
        'The finding closes once the user enrolls a device (mfa_active true); the policy then refuses nothing made with MFA.'
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the user's inline policy named ${POLICY_NAME}, if any (rollback capture)`,
          check: `[ -s ${state} ]`,
          already: 'saved by an earlier run',
          apply: [
            `policy_state > ${state}`,
            `if [ "$(cat ${state})" = present ]; then aws iam get-user-policy ${u} --policy-name "$POLICY_NAME" --output json | jq '.PolicyDocument' > ${saved}; fi`
          ]
        },
        {
          title: 'check no access key of the user was used after the evidence was collected',
          apply: [
            `LATE="$(key_last_use_after ${epoch(ctx.inputs.collectedAt)})"`,
            `[ -z "$LATE" ] || fail ${message(`access key(s) ${shellVar('LATE')} of ${v.user} signed calls after the evidence was collected (${ctx.inputs.collectedAt}): the policy would refuse them; investigate again. Nothing was changed.`)}`
          ]
        },
        {
          title: `attach the inline policy ${POLICY_NAME} to ${v.user}`,
          before: [heredoc('"$ROLLBACK_DIR/require-mfa.json"', doc)],
          check: `[ "$(policy_state)" = present ] && [ "$(aws iam get-user-policy ${u} --policy-name "$POLICY_NAME" --output json | jq -cS '.PolicyDocument')" = "$(jq -cS . "$ROLLBACK_DIR/require-mfa.json")" ]`,
          already: `${POLICY_NAME} is attached to ${v.user} as planned`,
          apply: [`aws iam put-user-policy ${u} --policy-name "$POLICY_NAME" --policy-document "file://$ROLLBACK_DIR/require-mfa.json"`],
          verify: '[ "$(policy_state)" = present ]'
        }
      ],
      done: `${v.user} can do nothing without MFA but enroll a device`
    })
    const rollback = bashScript({
      title: `Rollback: remove the MFA requirement from IAM user ${v.user}`,
      lines: [...header, `Deletes the inline policy ${POLICY_NAME}, or puts back the policy of that name it replaced.`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `put the inline policy ${POLICY_NAME} back as it was before the fix`,
          apply: [
            `[ -s ${state} ] || fail "no saved state in $ROLLBACK_DIR: the fix did not run here"`,
            `if [ "$(cat ${state})" = present ]; then aws iam put-user-policy ${u} --policy-name "$POLICY_NAME" --policy-document "file://$ROLLBACK_DIR/require-mfa.before.json"`,
            `elif [ "$(policy_state)" = present ]; then aws iam delete-user-policy ${u} --policy-name "$POLICY_NAME"; fi`
          ],
          verify: `[ "$(policy_state)" = "$(cat ${state})" ]`
        }
      ],
      done: `the inline policies of ${v.user} are as they were`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `require MFA for every call of ${v.user} (inline policy ${POLICY_NAME})`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `remove the MFA requirement from ${v.user}`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed iam:ListUserPolicies, iam:GetUserPolicy, iam:PutUserPolicy, iam:DeleteUserPolicy, iam:ListAccessKeys and iam:GetAccessKeyLastUsed on ${v.arn}`,
        `the owner of ${v.user} was told: it must enroll an MFA device (it may, under the policy) before anything else works`
      ],
      validation: `${validationText(t)} The finding closes once the user enrolls an MFA device.`,
      notes: [`${v.user} has no console password; the policy refuses calls signed with its access keys, which the investigation found unused in the window`]
    }
  }
}
