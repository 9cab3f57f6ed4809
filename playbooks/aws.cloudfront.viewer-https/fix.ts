// aws.cloudfront.viewer-https (Security Hub CloudFront.3): set the ViewerProtocolPolicy of exactly the
// cache behaviours the evidence shows allowing plain HTTP, and nothing else of the distribution. The
// fix reads the live DistributionConfig with its ETag (get-distribution-config), saves it, changes only
// those behaviours' ViewerProtocolPolicy (still allow-all) and writes it back with update-distribution
// --if-match (a concurrent change makes the update fail rather than be overwritten). The policy is
// chosen from the evidence (main/semantics/cloudfront-viewer.ts, as the verdict reads it): https-only
// when the standard logs cover the window with no plain-HTTP request on those behaviours, otherwise
// redirect-to-https. The rollback reads the configuration afresh (a new ETag) and puts back exactly the
// saved ViewerProtocolPolicy of those behaviours, leaving any other change made since. No fix is
// planned for a distribution whose aliases only CloudFront's default certificate serves: its viewers
// would be sent to a certificate error, and attaching a certificate is a decision of its owner.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { evidenceEnd, listEvidence, playbookWindow, readEvidenceBytes } from '../../main/case/evidence'
import { plainHttpRequests, topOf } from '../../main/semantics/cloudfront-logs'
import { chosenPolicy, viewerEvidence } from '../../main/semantics/cloudfront-viewer'
import { behaviourName } from '../../main/semantics/inventory-cloudfront'

/** the playbook's window: who used plain HTTP in the 90 days before the evidence ends */
const WINDOW_DAYS = 90

/** jq: the ViewerProtocolPolicy of the behaviours named in $paths ("*": the default), as {path: policy} */
const POLICIES = `def pol($paths): [(if ($paths | index("*")) then {"*": .DefaultCacheBehavior.ViewerProtocolPolicy} else empty end), ((.CacheBehaviors.Items // [])[] | select(.PathPattern as $x | $paths | index($x)) | {(.PathPattern): .ViewerProtocolPolicy})] | add // {};`
/** jq: a DistributionConfig with the behaviours of $m ({path: policy}) set to those policies, nothing else changed */
const SET = `def setpol($m): (if $m["*"] then .DefaultCacheBehavior.ViewerProtocolPolicy = $m["*"] else . end) | (if .CacheBehaviors.Items then .CacheBehaviors.Items |= map(if $m[.PathPattern] then .ViewerProtocolPolicy = $m[.PathPattern] else . end) else . end);`

export const viewerHttpsFix: FixRenderer = {
  control: 'aws.cloudfront.viewer-https',
  summary: 'set the cache behaviours of the CloudFront distribution that allow plain HTTP to redirect-to-https or https-only, saving their policies for the rollback',
  inputs(db, target) {
    const window = playbookWindow(evidenceEnd(db), WINDOW_DAYS)
    let e
    try {
      e = viewerEvidence(listEvidence(db), (id) => readEvidenceBytes(db, id), target.resourceId, window)
    } catch (err) {
      throw new LastmileError('bad-input', `${target.finding}: ${(err as Error).message}`)
    }
    if (!e) throw new LastmileError('not-found', `${target.finding}: the distribution ${target.resourceId} is not in the evidence (inventory/cloudfront-distributions.json)`)
    if (!e.offending.length)
      throw new LastmileError('conflict', `${target.finding}: no cache behaviour of ${e.distribution.id} allows plain HTTP in the evidence; validate the finding instead`)
    const d = e.distribution
    // CloudFront's default certificate covers *.cloudfront.net only: sending an alias's viewers to HTTPS sends them to a certificate error
    if (d.aliases.length && d.certificate?.defaultCertificate)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${d.id} answers to ${d.aliases.join(', ')} with only CloudFront's default certificate; attach an ACM certificate (us-east-1) covering them first, then plan again`
      )
    const policy = chosenPolicy(e)
    return {
      values: {
        id: e.distribution.id,
        account: e.distribution.account,
        paths: e.offending.map((b) => b.path),
        behaviours: e.offending.map(behaviourName),
        policy,
        aliases: e.distribution.aliases,
        logs: e.logs.answer,
        plainHttp: e.use ? plainHttpRequests(e.use) : null,
        agents: e.use && e.use.agents.size ? topOf(e.use.agents) : null
      },
      evidence: [...e.distribution.evidence, ...(e.use?.files ?? [])].sort(),
      collectedAt: window?.to ?? ''
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as {
      id: string
      account: string
      paths: string[]
      behaviours: string[]
      policy: 'https-only' | 'redirect-to-https'
      aliases: string[]
      logs: string
      plainHttp: number | null
      agents: string | null
    }
    const account = requireAccount(t, v.account)
    const header = headerLines(ctx)
    const id = `--id ${sq(v.id)}`
    const paths = sq(JSON.stringify(v.paths))
    const before = '"$ROLLBACK_DIR/distribution-config.before.json"'
    const fns = [
      `read_config() { aws cloudfront get-distribution-config ${id} --output json; }`,
      `policies() { jq -cS --argjson paths ${paths} ${sq(`${POLICIES} .DistributionConfig | pol($paths)`)}; }`,
      `is_fixed() { read_config | policies | jq -e 'to_entries | all(.value != "allow-all")' >/dev/null; }`,
      `is_as_before() { [ "$(read_config | policies)" = "$(policies < ${before})" ]; }`,
      // one read gives the configuration, the policies to set ($1: a jq filter of it) and the ETag the update must name
      `put_policies() { local now; now="$(read_config)"; echo "$now" | jq --argjson m "$(echo "$now" | policies | jq -c "$1")" ${sq(`${SET} .DistributionConfig | setpol($m)`)} > "$ROLLBACK_DIR/distribution-config.next.json"; aws cloudfront update-distribution ${id} --if-match "$(echo "$now" | jq -r .ETag)" --distribution-config "file://$ROLLBACK_DIR/distribution-config.next.json" --output json >/dev/null; }`
    ]
    const fix = bashScript({
      title: `Fix: ${v.policy} on the cache behaviours of the CloudFront distribution ${v.id} that allow plain HTTP`,
      lines: [
        ...header,
        `${v.behaviours.join(', ')}: ViewerProtocolPolicy allow-all -> ${v.policy}; nothing else of the distribution changes.`,
        v.policy === 'https-only'
          ? 'https-only: CloudFront answers plain HTTP with 403 (the logs show no plain-HTTP request on these behaviours in the window).'
          : 'redirect-to-https: CloudFront answers plain HTTP with a 301 to the HTTPS URL, which browsers and most clients follow for GET and HEAD.',
        'CloudFront deploys the change to its edge locations in a few minutes (Status InProgress, then Deployed); until then some edges still serve HTTP.'
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save the distribution configuration (rollback capture)',
          check: `[ -e ${before} ]`,
          already: 'the configuration was saved by an earlier run',
          apply: [`read_config > ${before}`]
        },
        {
          title: `set ${v.policy} on the behaviours that still allow plain HTTP`,
          check: 'is_fixed',
          already: `no behaviour of ${v.id} named by the evidence allows plain HTTP`,
          apply: [`put_policies ${sq(`with_entries(select(.value == "allow-all") | .value = "${v.policy}")`)}`],
          verify: 'is_fixed'
        }
      ],
      done: `the behaviours of ${v.id} redirect or refuse plain HTTP`
    })
    const rollback = bashScript({
      title: `Rollback: put the viewer protocol policies of the CloudFront distribution ${v.id} back as they were`,
      lines: [...header, `The ViewerProtocolPolicy of ${v.behaviours.join(', ')} exactly as the fix saved it, written with a fresh ETag; any other change made since is kept.`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'put the saved viewer protocol policies back',
          check: `{ [ ! -e ${before} ] && { say "no saved state in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || is_as_before`,
          already: 'the viewer protocol policies are as they were before the fix',
          apply: [`put_policies "$(policies < ${before})"`],
          verify: 'is_as_before'
        }
      ],
      done: `the viewer protocol policies of ${v.id} are back as they were`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `${v.policy} on the behaviours of ${v.id} that allow plain HTTP`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put the viewer protocol policies of ${v.id} back as they were`, rollback)],
      preconditions: [
        'AWS CLI and jq on PATH',
        `credentials for account ${account} allowed cloudfront:GetDistributionConfig and cloudfront:UpdateDistribution on ${v.id}`,
        v.aliases.length
          ? `the viewer certificate covers ${v.aliases.join(', ')} (viewers of those names are sent to HTTPS)`
          : 'viewers use the distribution by its *.cloudfront.net name'
      ],
      validation: validationText(t),
      notes: [
        v.policy === 'https-only'
          ? 'https-only, not redirect-to-https: the standard logs cover the window and no plain-HTTP request reached these behaviours, so refusing HTTP cuts nobody off and no first request goes out unencrypted before a redirect'
          : v.plainHttp
            ? `redirect-to-https, the gentler fix: ${v.plainHttp} plain-HTTP request(s) reached these behaviours in the window (user agents: ${v.agents ?? 'none named'}); a client that does not follow redirects stops working`
            : `redirect-to-https, the gentler fix: ${v.logs === 'yes' ? 'no plain-HTTP request was logged' : 'the standard logs do not show every request of the window'}, so whether a client still uses plain HTTP is not proven`,
        'Propagation: CloudFront takes a few minutes to deploy the change to every edge location (aws cloudfront wait distribution-deployed waits for it).'
      ]
    }
  }
}
