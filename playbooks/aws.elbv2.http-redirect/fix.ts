// aws.elbv2.http-redirect (Security Hub ELB.1): each HTTP listener of the Application Load Balancer
// that serves plain HTTP by default gets one default action, a redirect to HTTPS on 443 (HTTP_301,
// host, path and query kept). The fix saves each listener's default actions first and refuses to run
// when no HTTPS listener with a certificate answers on 443 (the redirect would land nowhere); the
// rollback puts exactly the saved default actions back. Listener rules are not touched (a rule that
// forwards over HTTP is named in the notes: the investigation says RISKY then). The load balancer
// and its listeners are found by name and port at run time, as ARNs are not typed by hand.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, latestConfig, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { httpsLanding, plainHttpListeners } from '../../main/semantics/load-balancer'

/** The one default action the fix gives: #{host}, #{path} and #{query} are ELB's placeholders for the request's own. */
export const REDIRECT_ACTIONS = [
  { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_301' } }
]

export const httpRedirectFix: FixRenderer = {
  control: 'aws.elbv2.http-redirect',
  summary: "turn the Application Load Balancer's plain-HTTP listeners into redirects to HTTPS on 443, saving their default actions for the rollback",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'elbv2.config', 'inventory/load-balancers.json with its Listeners')
    const lb = cfg.value
    const plain = plainHttpListeners(lb)
    if (!plain) throw new LastmileError('not-found', `${target.finding}: the listeners of ${lb.name} are not in the evidence (DescribeListeners); collect them before planning`)
    const serving = plain.filter((p) => p.servesByDefault)
    if (!serving.length)
      throw new LastmileError('conflict', `${target.finding}: no HTTP listener of ${lb.name} serves plain HTTP by default in the evidence; validate the finding instead`)
    const landing = httpsLanding(lb)
    if (!landing)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${lb.name} has no HTTPS listener with a certificate on 443 in the evidence, so a redirect would land nowhere; add one (an ACM certificate) first`
      )
    const m = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\//.exec(target.resourceId)
    const logs = latestConfig(db, target.resourceId, 'activity.aws.elb-access-logs')
    return {
      values: {
        name: lb.name,
        account: m?.[2] ?? null,
        region: m?.[1] ?? null,
        ports: serving.map((p) => p.listener.port).sort((a, b) => a - b),
        servingRules: plain.flatMap((p) => (p.servingRules ?? []).map((r) => `HTTP:${p.listener.port} priority ${r.priority}`)),
        landing: landing.arn,
        // null: no access log in evidence
        plain: logs ? { requests: logs.value.plain, breaking: logs.value.breaking, agents: logs.value.agents.slice(0, 5).map((a) => `${a.agent} (${a.requests})`) } : null
      },
      evidence: [...cfg.evidence, ...(logs?.evidence ?? [])].sort(),
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as {
      name: string
      account: string | null
      region: string | null
      ports: number[]
      servingRules: string[]
      landing: string
      plain: { requests: number; breaking: number; agents: string[] } | null
    }
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const r = `--region ${sq(region)}`
    const before = (port: number) => `"$ROLLBACK_DIR/listener-${port}.default-actions.json"`
    const fns = [
      `lb_arn() { aws elbv2 describe-load-balancers ${r} --names ${sq(v.name)} --output json | jq -er '.LoadBalancers[0].LoadBalancerArn'; }`,
      `listeners() { aws elbv2 describe-listeners ${r} --load-balancer-arn "$(lb_arn)" --output json; }`,
      `listener_arn() { listeners | jq -er --argjson p "$1" '[.Listeners[] | select(.Port == $p and .Protocol == "HTTP")][0].ListenerArn'; }`,
      `actions_now() { listeners | jq -cS --argjson p "$1" '[.Listeners[] | select(.Port == $p and .Protocol == "HTTP")][0].DefaultActions'; }`,
      `is_redirect() { actions_now "$1" | jq -e 'length == 1 and .[0].Type == "redirect" and .[0].RedirectConfig.Protocol == "HTTPS" and .[0].RedirectConfig.Port == "443"' >/dev/null; }`,
      `is_as_before() { [ "$(actions_now "$1")" = "$(jq -cS . "$ROLLBACK_DIR/listener-$1.default-actions.json")" ]; }`,
      `has_landing() { listeners | jq -e '[.Listeners[] | select(.Port == 443 and .Protocol == "HTTPS" and ((.Certificates // []) | length) > 0)] | length > 0' >/dev/null; }`
    ]
    const ports = v.ports.map((p) => `HTTP:${p}`).join(', ')
    const fix = bashScript({
      title: `Fix: redirect plain HTTP to HTTPS on the Application Load Balancer ${v.name}`,
      lines: [
        ...header,
        `The default action of ${ports} becomes a redirect to https://#{host}:443/#{path}?#{query} (HTTP 301): clients that follow redirects get the same answer over TLS.`,
        "The change applies within seconds; the listeners' rules are not touched."
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        ...v.ports.map((p) => ({
          title: `save the default actions of HTTP:${p} (rollback capture)`,
          check: `[ -e ${before(p)} ]`,
          already: `the default actions of HTTP:${p} were saved by an earlier run`,
          apply: [`actions_now ${p} > ${before(p)}`, `jq -e 'length > 0' ${before(p)} >/dev/null || { say "${v.name} has no HTTP listener on ${p}"; rm -f ${before(p)}; exit 1; }`]
        })),
        {
          title: 'refuse when no HTTPS listener with a certificate answers on 443',
          check: 'has_landing',
          already: `${v.name} answers HTTPS on 443 with a certificate`,
          apply: [`say "${v.name}: no HTTPS listener with a certificate on 443, so a redirect would land nowhere; add one first"`, 'exit 1']
        },
        ...v.ports.map((p) => ({
          title: `make HTTP:${p} redirect to HTTPS on 443`,
          check: `is_redirect ${p}`,
          already: `HTTP:${p} already redirects to HTTPS`,
          apply: [`aws elbv2 modify-listener ${r} --listener-arn "$(listener_arn ${p})" --default-actions ${sq(JSON.stringify(REDIRECT_ACTIONS))} --output json >/dev/null`],
          verify: `is_redirect ${p}`
        }))
      ],
      done: `every listed HTTP listener of ${v.name} redirects to HTTPS`
    })
    const rollback = bashScript({
      title: `Rollback: put the default actions of the HTTP listeners of ${v.name} back as they were`,
      lines: [...header, `The default actions of ${ports} exactly as the fix saved them.`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: v.ports.map((p) => ({
        title: `put the default actions of HTTP:${p} back as saved before the fix`,
        check: `{ [ ! -e ${before(p)} ] && { say "no saved state for HTTP:${p} in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || is_as_before ${p}`,
        already: `the default actions of HTTP:${p} are as they were before the fix`,
        apply: [`aws elbv2 modify-listener ${r} --listener-arn "$(listener_arn ${p})" --default-actions "$(jq -c . ${before(p)})" --output json >/dev/null`],
        verify: `is_as_before ${p}`
      })),
      done: `the HTTP listeners of ${v.name} serve as they did before the fix`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `redirect ${ports} of ${v.name} to HTTPS`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put the default actions of ${ports} of ${v.name} back`, rollback)],
      preconditions: [
        'AWS CLI and jq on PATH',
        `credentials for account ${account} allowed elasticloadbalancing:DescribeLoadBalancers, DescribeListeners and ModifyListener on ${v.name} in ${region}`,
        `the HTTPS listener on 443 (${v.landing}) serves the same hosts and paths as ${ports}, with a certificate valid for every host name clients use`,
        'the security groups of the load balancer allow 443 from everyone who reaches 80 today'
      ],
      validation: validationText(t),
      notes: [
        v.plain === null
          ? 'no access log of the load balancer is in evidence: who uses plain HTTP is unknown'
          : v.plain.requests
            ? `the access logs hold ${v.plain.requests} plain-HTTP request(s), ${v.plain.breaking} of them of a kind a redirect breaks; clients: ${v.plain.agents.join('; ')}`
            : 'the access logs hold no plain-HTTP request',
        ...(v.servingRules.length ? [`rules left as they are, still serving plain HTTP (the finding stays open until they redirect too): ${v.servingRules.join(', ')}`] : [])
      ]
    }
  }
}
