// The fix and the preventive policy two S3 controls share, aws.s3.public-access-block (Security
// Hub S3.8 bucket, S3.1 account) and aws.s3.public-access (S3.2/S3.3): turn on all four Block
// Public Access settings (FORMATS.md C.2), and one SCP that keeps them on. Each control's folder
// declares them (control.ts: `fix`, `sharedGuardrail`); they live in the kit because a control
// never imports another control's folder.
//
// For a public bucket this is the reversible fix: IgnorePublicAcls makes S3 ignore public ACL
// grants and RestrictPublicBuckets limits a public policy to the owner's account and AWS
// services (S3 User Guide, "Blocking public access"), without deleting a grant — the rollback
// puts the previous configuration back and the bucket is as it was.
import { LastmileError } from '../../errors'
import { accountResource, parseArn } from '../../semantics/ids'
import { bashScript, sq } from '../shell'
import { awsProviderBlock, hclName, hclString, terraformHeader } from '../formats'
import type { FixRenderer, FixTarget } from '../fix'
import type { RciVerdict } from '../../../shared/model'
import type { Db } from '../../db/case-db'
import { publicAccessForBucket } from '../../semantics/s3'
import type { S3Bucket } from '../../semantics/inventory'
import { getFacts } from '../../case/facts'
import { hasRciTables } from '../../case/rci'
import { configuredResources, latestConfig } from '../../case/resource-config'
import type { GuardrailView } from '../../../shared/remediation'
import type { PolicyRenderer, SharedGuardrail } from '../control'
import type { GuardrailException, GuardrailOptions } from '../guardrail'
import { breakGlassNote, principalException, resourceOrExcept, sid, withCondition } from '../guardrail-aws'
import { artefact, headerLines, requireAccount, requireConfig, validationText, verdictPreconditions, type StepWording } from '../fix-common'

const SETTINGS = ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const
const ALL_ON = Object.fromEntries(SETTINGS.map((s) => [s, true])) as Record<(typeof SETTINGS)[number], boolean>

type Level = { kind: 'bucket'; bucket: string } | { kind: 'account'; account: string }

function levelOf(t: FixTarget): Level {
  const acct = /^AWS::::Account:(\d{12})$/.exec(t.resourceId)
  if (acct) return { kind: 'account', account: acct[1] }
  const arn = parseArn(t.resourceId)
  if (arn?.service === 's3' && arn.resource && !arn.resource.includes('/')) return { kind: 'bucket', bucket: arn.resource }
  throw new LastmileError('bad-input', `${t.finding}: ${t.resourceId} is neither an S3 bucket nor an AWS account`)
}

function allOn(pab: Record<string, boolean> | null): boolean {
  return pab !== null && SETTINGS.every((s) => pab[s] === true)
}

const ALL_ON_JQ = '. != null and .BlockPublicAcls == true and .IgnorePublicAcls == true and .BlockPublicPolicy == true and .RestrictPublicBuckets == true'

/** What the approver of a Block Public Access fix must know, per step answer (both S3 public-access playbooks). */
const PUBLIC_ACCESS_WORDING: StepWording = {
  'is-public': {
    no: 'nothing the fix affects is public today, so it changes nothing anyone can do',
    unknown: 'whether the bucket is public today is NOT known'
  },
  anonymous: {
    no: 'S3 served no anonymous request over the window',
    unknown: 'whether anyone reads anonymously is NOT known; the approver accepts that such readers would be refused'
  },
  'outside-account': {
    no: 'no principal of another AWS account was served through the public access over the window',
    unknown: 'whether principals of other AWS accounts rely on the public access is NOT known; the approver accepts that they would be refused'
  },
  'public-origin': {
    yes: 'something is built on public access: the owner must confirm it is retired, since the fix refuses it',
    unknown: 'whether a website or CloudFront origin needs public access is NOT known; the owner must confirm none does'
  }
}

/**
 * The account-level setting overrides every bucket of the account: name the buckets it would make
 * private (public today, or not known), each with the worst verdict its own findings have.
 */
function affectedBuckets(db: Db, account: string): string {
  const acct = latestConfig(db, accountResource(account), 'account.s3-pab')
  const ids = configuredResources(db, 's3.config')
  const named: string[] = []
  for (const id of ids) {
    if (getFacts(db, id).account !== account) continue
    const cfg = latestConfig(db, id, 's3.config')
    if (!cfg) continue
    const c = cfg.value
    // the evaluator reads the ACL the collector kept (GetBucketAcl's output) in AWS's own shape
    const v = publicAccessForBucket(
      { name: c.name, region: c.region, policy: c.policy, publicAccessBlock: c.publicAccessBlock, acl: c.acl as S3Bucket['acl'] },
      acct ? acct.value.publicAccessBlock : undefined,
      { policy: 'policy', acl: 'ACL' }
    )
    if (v.status === 'PASS') continue
    const verdicts = hasRciTables(db)
      ? (db
          .prepare(
            "SELECT x.verdict AS v FROM findings f JOIN resources r ON r.id = f.resource_id JOIN rci_results x ON x.finding_id = f.id WHERE r.canonical_id = ? AND f.control IN ('aws.s3.public-access', 'aws.s3.public-access-block')"
          )
          .all(id) as Array<{ v: RciVerdict }>)
      : []
    const worst = verdicts.length ? worstOf(verdicts.map((x) => x.v)) : null
    named.push(`${id.replace(/^arn:[^:]+:s3:::/, '')} (${v.status === 'FAIL' ? 'public' : 'may be public'}${worst ? `; its own findings: ${worst}` : ''})`)
  }
  return named.length
    ? `the account-level setting makes every bucket of account ${account} private at once; the buckets public today or possibly public, each checked by the steps below: ${named.join(', ')}`
    : `the account-level setting covers every bucket of account ${account}; none in evidence is public today`
}

const RANK: Record<RciVerdict, number> = { SAFE: 0, RISKY: 1, UNSCORED: 2, UNSAFE: 3 }
const worstOf = (vs: readonly RciVerdict[]): RciVerdict => vs.reduce((w, v) => (RANK[v] > RANK[w] ? v : w), 'SAFE' as RciVerdict)

/** The Block Public Access fix, rendered for `control`'s findings. */
export function blockPublicAccessFix(control: string): FixRenderer {
  return {
    control,
    summary: 'turn on all four S3 Block Public Access settings',
    inputs(db, target) {
      const level = levelOf(target)
      if (level.kind === 'bucket') {
        const cfg = requireConfig({ db }, target, target.resourceId, 's3.config', 'inventory/s3-buckets.json describing the bucket')
        return {
          values: { level: 'bucket', bucket: cfg.value.name, region: cfg.value.region, publicAccessBlock: cfg.value.publicAccessBlock },
          evidence: cfg.evidence,
          collectedAt: cfg.collectedAt
        }
      }
      const cfg = requireConfig({ db }, target, accountResource(level.account), 'account.s3-pab', 'inventory/s3-account.json')
      return { values: { level: 'account', account: level.account, publicAccessBlock: cfg.value.publicAccessBlock }, evidence: cfg.evidence, collectedAt: cfg.collectedAt }
    },
    render(ctx) {
      const t = ctx.target
      const level = levelOf(t)
      const before = (ctx.inputs.values.publicAccessBlock as Record<string, boolean> | null) ?? null
      if (allOn(before) && control === 'aws.s3.public-access-block') {
        throw new LastmileError('conflict', `${t.finding}: all four Block Public Access settings are already on in the evidence; validate the finding instead of planning a fix`)
      }
      const account = requireAccount(t, level.kind === 'account' ? level.account : null)
      const header = headerLines(ctx)
      const where = level.kind === 'bucket' ? `bucket ${level.bucket}` : `account ${level.account}`
      const api =
        level.kind === 'bucket'
          ? { svc: 's3api', target: '--bucket "$BUCKET"', vars: [`BUCKET=${sq(level.bucket)}`] }
          : { svc: 's3control', target: '--account-id "$ACCOUNT"', vars: [`ACCOUNT=${sq(level.account)}`] }
      const liveFn = [
        ...api.vars,
        '# Prints the live configuration, or null when there is none (NoSuchPublicAccessBlockConfiguration).',
        'live_pab() {',
        '  local out',
        `  if out="$(aws ${api.svc} get-public-access-block ${api.target} --output json 2>"$ROLLBACK_DIR/get-pab.err")"; then`,
        '    printf "%s" "$out" | jq -c .PublicAccessBlockConfiguration',
        '  elif grep -q NoSuchPublicAccessBlockConfiguration "$ROLLBACK_DIR/get-pab.err"; then',
        '    printf "null"',
        '  else',
        '    cat "$ROLLBACK_DIR/get-pab.err" >&2',
        '    return 1',
        '  fi',
        '}',
        `all_on() { jq -e ${sq(ALL_ON_JQ)} "$1" >/dev/null; }`
      ].join('\n')
      const fix = bashScript({
        title: `Fix: turn on all four S3 Block Public Access settings for ${where}`,
        lines: header,
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: [liveFn],
        steps: [
          {
            title: 'read the live Block Public Access configuration and save it (rollback capture)',
            before: ['live_pab > "$ROLLBACK_DIR/public-access-block.live.json"'],
            check: '[ -s "$ROLLBACK_DIR/public-access-block.before.json" ] || all_on "$ROLLBACK_DIR/public-access-block.live.json"',
            already: 'the previous configuration was saved by an earlier run, or every setting is already on',
            apply: ['cp "$ROLLBACK_DIR/public-access-block.live.json" "$ROLLBACK_DIR/public-access-block.before.json"']
          },
          {
            title: `turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets for ${where}`,
            check: 'all_on "$ROLLBACK_DIR/public-access-block.live.json"',
            already: `every Block Public Access setting is on for ${where}`,
            apply: [`aws ${api.svc} put-public-access-block ${api.target} --public-access-block-configuration ${sq(JSON.stringify(ALL_ON))}`],
            verify: 'live_pab > "$ROLLBACK_DIR/public-access-block.after.json" && all_on "$ROLLBACK_DIR/public-access-block.after.json"'
          }
        ],
        done: `Block Public Access is fully on for ${where}`
      })
      const rollback = bashScript({
        title: `Rollback: put back the Block Public Access configuration ${where} had before the fix`,
        lines: [...header, `Without a saved copy it restores the configuration in evidence: ${before === null ? 'none' : JSON.stringify(before)}.`],
        tools: ['aws', 'jq'],
        awsAccount: account,
        rollbackKey: t.finding,
        functions: [liveFn, 'BEFORE="$ROLLBACK_DIR/public-access-block.before.json"', `[ -s "$BEFORE" ] || printf '%s' ${sq(JSON.stringify(before))} > "$BEFORE"`],
        steps: [
          {
            title: `restore the previous configuration of ${where}`,
            before: ['live_pab > "$ROLLBACK_DIR/public-access-block.live.json"'],
            check: 'jq -e -n --slurpfile a "$ROLLBACK_DIR/public-access-block.live.json" --slurpfile b "$BEFORE" \'$a == $b\' >/dev/null',
            already: `${where} already has its previous configuration`,
            apply: [
              'if [ "$(jq -c . "$BEFORE")" = "null" ]; then',
              `  aws ${api.svc} delete-public-access-block ${api.target}`,
              'else',
              `  aws ${api.svc} put-public-access-block ${api.target} --public-access-block-configuration "file://$BEFORE"`,
              'fi'
            ]
          }
        ],
        done: `${where} has its previous Block Public Access configuration again`
      })
      const name = hclName(t.finding, level.kind === 'bucket' ? level.bucket : level.account)
      const tf =
        level.kind === 'bucket'
          ? [
              terraformHeader(header, [{ name: 'aws', source: 'hashicorp/aws', version: '>= 5.0' }]),
              ...awsProviderBlock({ account, region: ctx.inputs.values.region as string | undefined }),
              ...(before !== null ? ['import {', `  to = aws_s3_bucket_public_access_block.${name}`, `  id = ${hclString(level.bucket)}`, '}', ''] : []),
              `resource "aws_s3_bucket_public_access_block" "${name}" {`,
              `  bucket                  = ${hclString(level.bucket)}`,
              '  block_public_acls       = true',
              '  ignore_public_acls      = true',
              '  block_public_policy     = true',
              '  restrict_public_buckets = true',
              '}',
              ''
            ].join('\n')
          : [
              terraformHeader(header, [{ name: 'aws', source: 'hashicorp/aws', version: '>= 5.0' }]),
              ...awsProviderBlock({ account }),
              ...(before !== null ? ['import {', `  to = aws_s3_account_public_access_block.${name}`, `  id = ${hclString(level.account)}`, '}', ''] : []),
              `resource "aws_s3_account_public_access_block" "${name}" {`,
              `  account_id              = ${hclString(level.account)}`,
              '  block_public_acls       = true',
              '  ignore_public_acls      = true',
              '  block_public_policy     = true',
              '  restrict_public_buckets = true',
              '}',
              ''
            ].join('\n')
      return {
        artefacts: [
          artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `turn on S3 Block Public Access for ${where} (saves the previous configuration first)`, fix),
          artefact(ctx, 'terraform', 'hcl', 'tf', `the same settings as Terraform`, tf)
        ],
        rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put back the previous Block Public Access configuration of ${where}`, rollback)],
        preconditions: [
          'AWS CLI v2 and jq on PATH',
          `credentials for account ${account} allowed ${level.kind === 'bucket' ? 's3:GetBucketPublicAccessBlock and s3:PutBucketPublicAccessBlock' : 's3:GetAccountPublicAccessBlock and s3:PutAccountPublicAccessBlock'}`,
          ...(level.kind === 'account' ? [affectedBuckets(ctx.db, level.account)] : []),
          ...verdictPreconditions(
            ctx.db,
            t,
            PUBLIC_ACCESS_WORDING,
            `nothing shows whether anyone relies on public access to ${where} (anonymous readers, other AWS accounts, a public website); investigate it first (lastmile investigate), or accept that they will be refused`
          )
        ],
        validation: validationText(t),
        notes:
          control === 'aws.s3.public-access'
            ? ['public grants are neutralised, not deleted: IgnorePublicAcls and RestrictPublicBuckets stop them from applying, and the rollback brings them back']
            : []
      }
    }
  }
}

// ---- the preventive policy ------------------------------------------------------------------------

/**
 * One SCP keeping S3 Block Public Access on, for both S3 public-access controls at once: two
 * policies denying the same calls would each cancel the other's exceptions (an explicit Deny in
 * any attached SCP wins), so the exceptions of both controls go into this one.
 *
 * S3 has no condition key for the four settings' values (Service Authorization Reference, Amazon
 * S3: PutBucketPublicAccessBlock and PutAccountPublicAccessBlock take only s3:ResourceAccount,
 * s3:authType, s3:signatureAge, s3:signatureversion, s3:TlsVersion, s3:x-amz-content-sha256), so no
 * policy can tell turning a setting on from turning it off, and DeletePublicAccessBlock is
 * authorized as s3:PutBucketPublicAccessBlock. The SCP therefore leaves every change to the
 * break-glass role: Lastmile's fix and rollback included, which the plan's preconditions say.
 */
function s3BlockPublicAccessScp(exceptions: readonly GuardrailException[], opts: GuardrailOptions, controls: readonly string[], policyJson: PolicyRenderer): GuardrailView {
  const control = 'aws.s3.public-access-block'
  const arns = [...new Set(exceptions.filter((e) => e.resourceId.startsWith('arn:')).map((e) => e.resourceId))]
  const accounts = [
    ...new Set(
      exceptions
        .filter((e) => e.resourceId.startsWith('AWS::::Account:'))
        .map((e) => e.account ?? e.resourceId.slice('AWS::::Account:'.length))
        .filter((a) => /^\d{12}$/.test(a))
    )
  ]
  const principal = principalException(opts)
  const content = policyJson('scp', 'S3 Block Public Access SCP', [
    withCondition({ Sid: sid(control, 'DenyBucketSettingChanges'), Effect: 'Deny', Action: 's3:PutBucketPublicAccessBlock', ...resourceOrExcept(arns) }, principal),
    withCondition(
      { Sid: sid(control, 'DenyAccountSettingChanges'), Effect: 'Deny', Action: 's3:PutAccountPublicAccessBlock', Resource: '*' },
      accounts.length ? { ...principal, StringNotEquals: { 'aws:PrincipalAccount': accounts } } : principal
    )
  ])
  return {
    kind: 'aws-scp',
    language: 'json',
    name: 'aws.s3.block-public-access.scp.json',
    content,
    control,
    covers: [...controls],
    prevents: `changing S3 Block Public Access (s3:PutBucketPublicAccessBlock, which also authorizes DeletePublicAccessBlock, and s3:PutAccountPublicAccessBlock) by anyone but the break-glass role; ${breakGlassNote(opts)}`,
    wouldBreak: [
      "turning Block Public Access ON as well: S3 offers no condition key on the settings, so only the break-glass role may change them once this is attached — run Lastmile's fix and rollback with that role, or before attaching it",
      'creating buckets with Block Public Access off, and pipelines that set it (Terraform aws_s3_bucket_public_access_block)',
      'publishing a bucket on purpose (a public website) without the break-glass role',
      ...(accounts.length ? [`the account-level setting of ${accounts.join(', ')} stays changeable (excepted)`] : [])
    ],
    exceptions: [...new Set(exceptions.map((e) => e.resourceId))]
  }
}

/** The SCP both S3 public-access controls declare (`sharedGuardrail`): one policy, the exceptions of both. */
export const BLOCK_PUBLIC_ACCESS_SCP: SharedGuardrail = {
  key: 'aws.s3.block-public-access',
  render: ({ exceptions, opts, controls, policy }) => s3BlockPublicAccessScp(exceptions, opts, controls, policy)
}
