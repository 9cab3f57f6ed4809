// The bash every fix and rollback script is made of. The scripts run on an operator's machine
// against a live cloud, so they are built to be boring:
// - `set -euo pipefail`: the first failing command stops the script (no half-applied plan that
//   carries on), an unset variable is an error, and a failure inside a pipe is not hidden;
// - they refuse to run with credentials for another account or subscription than the plan's;
// - each change a control's code writes is preceded by a check of the live state and skipped when
//   already in place, so a script that stopped half-way (or ran twice) can simply be run again (a
//   playbook's template runs as written, and its script's header says so);
// - what a change replaces is saved first (the rollback capture), in LASTMILE_ROLLBACK_DIR (a
//   script that saves nothing says so);
// - they read the cloud's answers with `--output json` and jq, never by scraping text.
//
// Values are single-quoted for bash (sq), so nothing from evidence (a bucket name, a policy) can
// expand or inject a command.

/** Quote a value for bash: single quotes, with embedded quotes closed, escaped and reopened. */
export function sq(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`
}

const VAR_MARK = '\u0001'

/**
 * A reference to one of the script's own variables inside a message (`say`, `fail`, a step
 * title): `at least ${shellVar('OBSERVE_DAYS')} days`. Messages are single-quoted so nothing from
 * evidence can expand; a message holding a reference is double-quoted instead, with every `$`,
 * backtick, quote and backslash of its text escaped, so only the named variable expands.
 */
export function shellVar(name: string): string {
  if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) throw new Error(`shellVar: ${name} is not a script variable name (upper case, digits, _)`)
  return `${VAR_MARK}${name}${VAR_MARK}`
}

/** Quote a message for bash: as `sq` does, or, when it holds `shellVar` references, expanding only those. */
export function message(text: string): string {
  if (!text.includes(VAR_MARK)) return sq(text)
  const parts = text.split(VAR_MARK)
  if (parts.length % 2 === 0) throw new Error(`message: an unpaired variable reference in "${parts.join('')}"`)
  return `"${parts.map((p, i) => (i % 2 ? `\${${p}}` : p.replace(/[\\"$`]/g, (c) => `\\${c}`))).join('')}"`
}

/** A here-document whose delimiter cannot occur in the content (quoted, so nothing expands). */
export function heredoc(target: string, content: string): string {
  let tag = 'LASTMILE_EOF'
  let n = 0
  const lines = content.split('\n')
  while (lines.includes(tag)) tag = `LASTMILE_EOF_${++n}`
  const body = content.endsWith('\n') ? content : `${content}\n`
  return `cat > ${target} <<'${tag}'\n${body}${tag}`
}

interface ScriptStep {
  /** what the step does, shown while it runs */
  title: string
  /** bash commands whose exit status 0 means the desired state is already there */
  check?: string
  /** what the step is skipped as, when the check passes */
  already?: string
  /** commands run before the change, whatever the check says (reading and saving state) */
  before?: string[]
  /** the change */
  apply: string[]
  /** commands that must succeed afterwards: the change is really in place */
  verify?: string
  verifyFailure?: string
}

interface ScriptSpec {
  /** first comment line: what the script is */
  title: string
  lines: string[]
  /** the CLIs the script calls (aws, az, jq) */
  tools: string[]
  /** the AWS account the credentials must belong to */
  awsAccount?: string | null
  /** the Azure subscription the CLI must be signed in to */
  azureSubscription?: string | null
  /** the steps run as written, with no check of the live state (a playbook's template): the header says so */
  asWritten?: boolean
  /** folder name under LASTMILE_ROLLBACK_DIR's default */
  rollbackKey: string
  /** shell functions used by the steps */
  functions?: string[]
  steps: ScriptStep[]
  /** printed when every step is done */
  done: string
}

function indent(lines: string[], by = '  '): string[] {
  return lines.flatMap((l) => l.split('\n')).map((l) => (l ? by + l : l))
}

/** A complete, self-checking bash script. */
export function bashScript(spec: ScriptSpec): string {
  const out: string[] = ['#!/usr/bin/env bash', `# ${spec.title}`]
  for (const l of spec.lines) out.push(l ? `# ${l}` : '#')
  // the account and subscription checks read the CLI's JSON with jq
  const tools = [...new Set([...spec.tools, ...(spec.awsAccount || spec.azureSubscription ? ['jq'] : [])])]
  // a script whose steps save nothing says so, rather than promising a capture it does not make
  const saves = [...(spec.functions ?? []), ...spec.steps.flatMap((s) => [...(s.before ?? []), ...s.apply, s.check ?? '', s.verify ?? ''])].some((l) => l.includes('ROLLBACK_DIR'))
  out.push(
    '#',
    ...(spec.asWritten
      ? [
          '# Stops at the first error (set -euo pipefail). Its commands run as written, with no check of the',
          '# live state first: read them, and what they replace, before running it (or running it again).'
        ]
      : [
          '# Stops at the first error (set -euo pipefail). Every change is checked against the live state',
          '# first and skipped when already in place, so the script can be run again after a stop.'
        ]),
    'set -euo pipefail',
    '',
    'say() { printf "lastmile: %s\\n" "$*" >&2; }',
    'fail() { say "$*"; exit 1; }',
    '',
    `for tool in ${tools.join(' ')}; do`,
    '  command -v "$tool" >/dev/null 2>&1 || fail "$tool is not on PATH; nothing was changed"',
    'done',
    ''
  )
  if (spec.awsAccount) {
    out.push(
      '# Refuse credentials for any other account than the one the plan was made for.',
      'caller_account="$(aws sts get-caller-identity --output json | jq -r .Account)"',
      `if [ "$caller_account" != ${sq(spec.awsAccount)} ]; then`,
      `  fail "these credentials are for account $caller_account, not ${spec.awsAccount}; nothing was changed"`,
      'fi',
      ''
    )
  }
  if (spec.azureSubscription) {
    out.push(
      '# Refuse a CLI signed in to any other subscription than the one the plan was made for.',
      'signed_in="$(az account show --output json | jq -r .id | tr "[:upper:]" "[:lower:]")"',
      `if [ "$signed_in" != ${sq(spec.azureSubscription.toLowerCase())} ]; then`,
      `  fail "the Azure CLI is signed in to subscription $signed_in, not ${spec.azureSubscription}; run az account set --subscription ${spec.azureSubscription}; nothing was changed"`,
      'fi',
      ''
    )
  }
  if (saves)
    out.push(
      '# What each change replaces is saved here first (the rollback script reads it back).',
      `ROLLBACK_DIR="\${LASTMILE_ROLLBACK_DIR:-./lastmile-rollback}/${spec.rollbackKey}"`,
      'mkdir -p "$ROLLBACK_DIR"',
      ''
    )
  else out.push('# It saves nothing before its changes.', '')
  for (const f of spec.functions ?? []) out.push(f, '')
  spec.steps.forEach((s, i) => {
    out.push(`say ${message(`step ${i + 1}/${spec.steps.length}: ${s.title}`)}`)
    for (const b of s.before ?? []) out.push(b)
    if (s.check) {
      out.push(`if ${s.check}; then`, `  say ${message(`already in place: ${s.already ?? s.title}; skipped`)}`, 'else', ...indent(s.apply), 'fi')
    } else out.push(...s.apply)
    if (s.verify) out.push(`${s.verify} || fail ${message(s.verifyFailure ?? `the change did not take effect: ${s.title}`)}`)
    out.push('')
  })
  out.push(`say ${message(spec.done)}`, '')
  return out.join('\n')
}
