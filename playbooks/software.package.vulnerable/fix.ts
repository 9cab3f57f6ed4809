// software.package.vulnerable: update the vulnerable distribution packages of a running EC2
// instance to the fixed versions the scanners name, through Systems Manager Run Command
// (AWS-RunShellScript), exactly those packages and no others (AWS-RunPatchBaseline would install
// every missing patch, more than the investigation looked at).
//
// Computed only where it can be honest: an EC2 instance in the evidence, running, whose failing
// alerts name distribution packages, each with a fixed version in its installed major line. An
// application dependency is updated in the application's build and redeployed, a new major version
// must be tested by the owners first, and a stopped instance cannot run a command: each is refused
// with why. The fix restarts nothing and never reboots: it reports the services and the reboot
// the update needs, for the maintenance window the RISKY verdict asks for. The rollback installs the
// versions saved before the fix again (dnf/yum downgrade, apt-get install pkg=version), which works
// only while the distribution's repositories still hold them; it says so when they do not.
import { LastmileError } from '../../main/errors'
import { getFinding, alertRecord } from '../../main/case/findings'
import { packagesOf, type VulnerablePackage } from '../../main/semantics/vulnerable-packages'
import { compareVersions, parseVersion, upgradeSize } from '../../main/semantics/versions'
import { bashScript, heredoc, sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, verdictPreconditions, type StepWording } from '../../main/controls/fix-common'

interface PackageUpdate {
  name: string
  installed: string
  fixed: string
  vulnerabilities: string[]
}

interface HostInputs {
  instanceId: string
  account: string
  region: string
  state: string | null
  packages: PackageUpdate[]
}

/** A package name or version as rpm and dpkg allow them: nothing a shell or JSON would read. */
const SAFE_WORD = /^[A-Za-z0-9][A-Za-z0-9._+:~^-]*$/

/** The lowest fixed version in the installed line (the smallest update that closes the alert). */
function nearestFixed(p: VulnerablePackage): string | null {
  const inLine = p.fixed.filter((f) => upgradeSize(p.installed, [f]) === 'minor')
  return inLine.length ? inLine.sort(compareVersions)[0] : null
}

/** rpm wants name-version-release (epoch as name-epoch:version-release), dpkg name=epoch:version-release. */
const rpmSpec = (name: string, v: string) => `${name}-${v}`
const debSpec = (name: string, v: string) => {
  const p = parseVersion(v)
  return `${name}=${p.epoch ? `${p.epoch}:` : ''}${p.version}${p.release ? `-${p.release}` : ''}`
}

/** The shell script Run Command runs on the instance: install the given versions, then report. */
function remoteScript(pkgs: Array<{ name: string; version: string }>, mode: 'fix' | 'rollback'): string {
  const names = pkgs.map((p) => p.name).join(' ')
  const rpm = pkgs.map((p) => rpmSpec(p.name, p.version)).join(' ')
  const deb = pkgs.map((p) => debSpec(p.name, p.version)).join(' ')
  return [
    'set -eu',
    `if command -v dnf >/dev/null 2>&1; then dnf ${mode === 'fix' ? 'install' : 'downgrade'} -y ${rpm}`,
    `elif command -v yum >/dev/null 2>&1; then yum ${mode === 'fix' ? 'install' : 'downgrade'} -y ${rpm}`,
    `elif command -v apt-get >/dev/null 2>&1; then apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y ${mode === 'fix' ? '--only-upgrade' : '--allow-downgrades'} ${deb}`,
    'else echo "no dnf, yum or apt-get on this host" >&2; exit 3; fi',
    `if command -v rpm >/dev/null 2>&1; then rpm -q --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n' ${names}; else dpkg-query -W -f='\${Package} \${Version}\\n' ${names}; fi`,
    'if [ -f /var/run/reboot-required ] || { command -v needs-restarting >/dev/null 2>&1 && ! needs-restarting -r >/dev/null 2>&1; }; then echo "REBOOT REQUIRED"; fi'
  ].join('\n')
}

/** Run a script on the instance through Run Command and wait for it; its output goes to $2. */
const RUN_FN = [
  [
    'run_on_instance() {',
    '  local params="$1" out="$2" id status',
    '  id="$(aws ssm send-command --region "$REGION" --instance-ids "$INSTANCE" --document-name AWS-RunShellScript \\',
    '    --comment "Lastmile $PLAN" --parameters "file://$params" --query Command.CommandId --output text)"',
    '  aws ssm wait command-executed --region "$REGION" --command-id "$id" --instance-id "$INSTANCE" || true',
    '  status="$(aws ssm get-command-invocation --region "$REGION" --command-id "$id" --instance-id "$INSTANCE" --query Status --output text)"',
    '  aws ssm get-command-invocation --region "$REGION" --command-id "$id" --instance-id "$INSTANCE" --query StandardOutputContent --output text > "$out"',
    '  [ "$status" = Success ] || fail "the command $id ended $status on $INSTANCE (aws ssm get-command-invocation --command-id $id --instance-id $INSTANCE shows why)"',
    '}'
  ].join('\n'),
  'online() { [ "$(aws ssm describe-instance-information --region "$REGION" --filters "Key=InstanceIds,Values=$INSTANCE" --query "InstanceInformationList[0].PingStatus" --output text)" = Online ]; }'
]

const paramsFile = (target: string, script: string) => heredoc(target, JSON.stringify({ commands: script.split('\n') }, null, 2))

const WORDING: StepWording = {
  running: { yes: 'the instance runs: services using the packages must be restarted in the maintenance window', unknown: 'whether the instance runs is unknown' },
  'major-upgrade': { no: 'every fixed version stays in the installed major line' },
  distribution: { yes: 'the packages are the distribution’s, updated by its package manager' }
}

export const hostPackagesFix: FixRenderer = {
  control: 'software.package.vulnerable',
  summary: "update the instance's vulnerable distribution packages to the fixed versions (Systems Manager Run Command)",
  inputs(db, target) {
    if (target.resourceType !== 'aws.ec2.instance')
      throw new LastmileError(
        'conflict',
        `${target.finding}: Lastmile computes a package update for EC2 instances only (Systems Manager Run Command); ${target.resourceId} is a ${target.resourceType}: route it to its owners`
      )
    const cfg = requireConfig({ db }, target, target.resourceId, 'ec2.config', 'inventory/ec2-instances.json (DescribeInstances)')
    const v = cfg.value
    if (v.state !== 'running')
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${v.instanceId} is ${v.state ?? 'in an unknown state'} in the evidence, and Run Command reaches running instances only: start it in a maintenance window and plan again`
      )
    const alerts = getFinding(db, target.finding).alerts.filter((a) => a.outcome === 'FAIL' && !a.closed)
    const pkgs = alerts.flatMap((a) => {
      const r = alertRecord(db, a.id)
      return packagesOf({ id: a.id, ruleId: a.ruleId, format: r.format, raw: r.raw, context: r.context })
    })
    if (!pkgs.length) throw new LastmileError('conflict', `${target.finding}: its alerts name no package or version, so no update can be computed`)
    const refuse = (what: string, ps: VulnerablePackage[]) =>
      `${what}: ${[...new Set(ps.map((p) => `${p.pkg} ${p.installed}${p.fixed.length ? ` → ${p.fixed.join(' or ')}` : ''}`))].join(', ')}`
    const app = pkgs.filter((p) => p.layer !== 'os')
    if (app.length)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${refuse("application dependencies (or packages the scanner does not place), updated in the application's build and redeployed, not by the host's package manager", app)}`
      )
    const unfixed = pkgs.filter((p) => !p.fixed.length)
    if (unfixed.length) throw new LastmileError('conflict', `${target.finding}: ${refuse('no fixed version exists yet for', unfixed)}`)
    const major = pkgs.filter((p) => nearestFixed(p) === null)
    if (major.length) throw new LastmileError('conflict', `${target.finding}: ${refuse('the fix is a new major version, which its owners must test first', major)}`)
    const byName = new Map<string, PackageUpdate>()
    for (const p of pkgs) {
      const fixed = nearestFixed(p)!
      for (const w of [p.pkg, p.installed, fixed])
        if (!SAFE_WORD.test(w)) throw new LastmileError('bad-input', `${target.finding}: "${w}" (${p.vulnerability}) is not a package name or version a package manager takes`)
      const prior = byName.get(p.pkg)
      // several CVEs on one package: the highest of their fixed versions closes them all
      if (!prior) byName.set(p.pkg, { name: p.pkg, installed: p.installed, fixed, vulnerabilities: [p.vulnerability] })
      else {
        prior.vulnerabilities.push(p.vulnerability)
        if (compareVersions(fixed, prior.fixed) > 0) prior.fixed = fixed
      }
    }
    const values: HostInputs = { instanceId: v.instanceId, account: v.account, region: v.region, state: v.state, packages: [...byName.values()] }
    return { values: values as unknown as Record<string, unknown>, evidence: cfg.evidence, collectedAt: cfg.collectedAt }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as unknown as HostInputs
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const list = v.packages.map((p) => `${p.name} ${p.installed} → ${p.fixed} (${p.vulnerabilities.join(', ')})`)
    const fns = [`INSTANCE=${sq(v.instanceId)}`, `REGION=${sq(region)}`, `PLAN=${sq(ctx.plan)}`, ...RUN_FN]
    const names = v.packages.map((p) => p.name).join(' ')
    const query = `if command -v rpm >/dev/null 2>&1; then rpm -q --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n' ${names}; else dpkg-query -W -f='\${Package} \${Version}\\n' ${names}; fi`
    const fix = bashScript({
      title: `Fix: update ${v.packages.length} distribution package${v.packages.length === 1 ? '' : 's'} of ${v.instanceId} to the fixed versions`,
      lines: [
        ...header,
        ...list,
        'Through Systems Manager Run Command (AWS-RunShellScript): only these packages, at these versions. Nothing is restarted and the',
        'instance is not rebooted: the script reports whether a reboot is needed; restart the services using the packages in the window.'
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `check that ${v.instanceId} is running and managed by Systems Manager`,
          apply: [`online || fail ${sq(`${v.instanceId} is not Online in Systems Manager (stopped, no SSM agent, or no instance profile allowing it); nothing was changed`)}`]
        },
        {
          title: 'save the installed versions (rollback capture)',
          // a here-document cannot be indented inside the check's if: it is written before it
          before: [paramsFile('"$ROLLBACK_DIR/query.json"', query)],
          check: '[ -s "$ROLLBACK_DIR/installed.before.txt" ]',
          already: 'the installed versions were saved by an earlier run',
          apply: ['run_on_instance "$ROLLBACK_DIR/query.json" "$ROLLBACK_DIR/installed.before.txt"']
        },
        {
          title: `install ${v.packages.map((p) => `${p.name} ${p.fixed}`).join(', ')}`,
          apply: [
            paramsFile(
              '"$ROLLBACK_DIR/update.json"',
              remoteScript(
                v.packages.map((p) => ({ name: p.name, version: p.fixed })),
                'fix'
              )
            ),
            'run_on_instance "$ROLLBACK_DIR/update.json" "$ROLLBACK_DIR/installed.after.txt"',
            'cat "$ROLLBACK_DIR/installed.after.txt" >&2',
            `if grep -q 'REBOOT REQUIRED' "$ROLLBACK_DIR/installed.after.txt"; then say ${sq(`${v.instanceId} must be rebooted for the update to take effect (kernel, libc or systemd); reboot it in the maintenance window`)}; fi`
          ]
        }
      ],
      done: `the packages of ${v.instanceId} are at the fixed versions; restart the services that use them`
    })
    const kernel = v.packages.some((p) => /^(kernel|linux-image)/.test(p.name))
    const rollback = bashScript({
      title: `Rollback: install again the versions of ${v.instanceId}'s packages the scanner reported installed`,
      lines: [
        ...header,
        'A downgrade works only while the distribution repositories still hold the old versions; the package manager says when they do not.',
        'The fix saved the versions it found live in $ROLLBACK_DIR/installed.before.txt: the rollback stops when they are not the reported ones.',
        ...(kernel ? ['The previous kernel stays installed beside the new one: to go back to it, make it the default boot entry (grubby --set-default) and reboot.'] : [])
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `check that ${v.instanceId} is Online in Systems Manager`,
          apply: [`online || fail ${sq(`${v.instanceId} is not Online in Systems Manager; nothing was changed`)}`]
        },
        {
          title: 'check that the versions the fix found live are the reported ones',
          apply: v.packages.map(
            (p) =>
              `if [ -s "$ROLLBACK_DIR/installed.before.txt" ] && ! grep -F ${sq(`${p.name} `)} "$ROLLBACK_DIR/installed.before.txt" | grep -F ${sq(p.installed)} > /dev/null; then fail ${sq(`the fix found another version of ${p.name} than ${p.installed} (see installed.before.txt): install that one by hand; nothing was changed`)}; fi`
          )
        },
        {
          title: `install ${v.packages.map((p) => `${p.name} ${p.installed}`).join(', ')} again`,
          apply: [
            paramsFile(
              '"$ROLLBACK_DIR/rollback.json"',
              remoteScript(
                v.packages.map((p) => ({ name: p.name, version: p.installed })),
                'rollback'
              )
            ),
            'run_on_instance "$ROLLBACK_DIR/rollback.json" "$ROLLBACK_DIR/installed.rolled-back.txt"',
            'cat "$ROLLBACK_DIR/installed.rolled-back.txt" >&2'
          ]
        }
      ],
      done: `the packages of ${v.instanceId} are back at the versions before the fix; restart the services that use them`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', 'update the vulnerable distribution packages (Run Command)', fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', 'install the versions saved before the fix again (Run Command)', rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed ssm:SendCommand (AWS-RunShellScript on ${v.instanceId}), ssm:GetCommandInvocation and ssm:DescribeInstanceInformation`,
        `${v.instanceId} runs the SSM agent with an instance profile that lets it reach Systems Manager, and its package repositories hold the fixed versions`,
        'a maintenance window: the services using the packages are restarted by their owners afterwards, and the instance rebooted when the script says so',
        ...verdictPreconditions(ctx.db, t, WORDING, `nothing shows whether ${v.instanceId} runs services that the update interrupts; investigate it first (lastmile investigate)`)
      ],
      validation: `This control has no evaluator (no evidence bundle holds installed packages): import a later scan that covers ${v.instanceId} (Inspector rescans it within hours) and run \`lastmile validate CASE ${t.finding} --rescan\`, which closes the finding once the scanner no longer reports the packages.`,
      notes: v.packages.length ? [`updates ${list.join('; ')}`] : []
    }
  }
}
