// aws.elb.tls-listeners (Security Hub ELB.3): delete the Classic Load Balancer's HTTP and TCP
// listeners, each only when an HTTPS/SSL listener with a certificate serves the same instance port
// (checked in the evidence, and again at run time). A Classic Load Balancer cannot redirect, so the
// fix never adds a listener: the certificate a new HTTPS listener needs is a person's choice, and
// without one the plan is refused, saying so. The fix saves each listener's description (protocols,
// ports, policies) first; the rollback creates exactly those listeners again and puts their policies
// back.
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, latestConfig, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { plainClassicListeners, secureCounterpart } from '../../main/semantics/load-balancer'
import { listenerText } from './steps'

export const tlsListenersFix: FixRenderer = {
  control: 'aws.elb.tls-listeners',
  summary: "delete the Classic Load Balancer's HTTP and TCP listeners that have an HTTPS/SSL counterpart, saving them for the rollback",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'elb.config', 'inventory/load-balancers.json with its LoadBalancerDescriptions')
    const lb = cfg.value
    const plain = plainClassicListeners(lb)
    if (!plain) throw new LastmileError('not-found', `${target.finding}: the listeners of ${lb.name} are not in the evidence; collect them before planning`)
    if (!plain.length) throw new LastmileError('conflict', `${target.finding}: every listener of ${lb.name} is HTTPS or SSL in the evidence; validate the finding instead`)
    const orphan = plain.filter((p) => !secureCounterpart(lb, p))
    if (orphan.length)
      throw new LastmileError(
        'conflict',
        `${target.finding}: ${orphan.map(listenerText).join(', ')} of ${lb.name} ${orphan.length === 1 ? 'has' : 'have'} no HTTPS or SSL listener with a certificate for the same back end; the fix cannot be made from the evidence: add one with a certificate you choose (ACM), then plan again`
      )
    const m = /^arn:aws[a-z-]*:elasticloadbalancing:([a-z0-9-]+):(\d{12}):loadbalancer\//.exec(target.resourceId)
    const logs = latestConfig(db, target.resourceId, 'activity.aws.elb-access-logs')
    return {
      values: {
        name: lb.name,
        account: m?.[2] ?? null,
        region: m?.[1] ?? null,
        ports: plain.map((p) => p.port).sort((a, b) => a - b),
        listeners: plain.map((p) => ({ ...p, secure: listenerText(secureCounterpart(lb, p)!) })),
        plainRequests: logs ? logs.value.plain : null
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
      listeners: Array<{ protocol: string; port: number; instancePort: number; secure: string }>
      plainRequests: number | null
    }
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const r = `--region ${sq(region)} --load-balancer-name ${sq(v.name)}`
    const saved = '"$ROLLBACK_DIR/listeners.before.json"'
    const ports = JSON.stringify(v.ports)
    const fns = [
      // the listeners on the plain ports as DescribeLoadBalancers gives them, sorted by port
      `described() { aws elb describe-load-balancers --region ${sq(region)} --load-balancer-names ${sq(v.name)} --output json | jq -cS --argjson ports ${sq(ports)} '[.LoadBalancerDescriptions[0].ListenerDescriptions[] | select(.Listener.LoadBalancerPort as $p | $ports | any(.[]; . == $p))] | sort_by(.Listener.LoadBalancerPort)'; }`,
      `all_listeners() { aws elb describe-load-balancers --region ${sq(region)} --load-balancer-names ${sq(v.name)} --output json | jq -c '.LoadBalancerDescriptions[0].ListenerDescriptions'; }`,
      `is_fixed() { [ "$(described)" = "[]" ]; }`,
      `is_as_before() { [ "$(described)" = "$(jq -cS . ${saved})" ]; }`,
      // every plain port has an HTTPS/SSL listener with a certificate to the same instance port
      `has_counterparts() { all_listeners | jq -e --argjson ports ${sq(ports)} '. as $all | [$all[] | .Listener | select(.LoadBalancerPort as $p | $ports | any(.[]; . == $p)) | . as $l | [$all[] | .Listener | select((.Protocol == "HTTPS" or .Protocol == "SSL") and (.SSLCertificateId // "") != "" and .InstancePort == $l.InstancePort)] | length > 0] | all' >/dev/null; }`
    ]
    const list = v.listeners.map((l) => `${l.protocol}:${l.port}`).join(', ')
    const fix = bashScript({
      title: `Fix: delete the unencrypted listeners of the Classic Load Balancer ${v.name}`,
      lines: [...header, `Deletes ${list}; their clients must use ${v.listeners.map((l) => l.secure).join(', ')} from now on (a Classic Load Balancer cannot redirect).`],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: `save the listeners ${list} (rollback capture)`,
          check: `[ -e ${saved} ]`,
          already: 'the listeners were saved by an earlier run',
          apply: [`described > ${saved}`]
        },
        {
          title: 'refuse when a plain listener has no HTTPS/SSL listener with a certificate for the same back end',
          check: 'is_fixed || has_counterparts',
          already: 'every plain listener has a secure counterpart',
          apply: [`say "${v.name}: a plain listener has no HTTPS/SSL counterpart with a certificate; its clients would be left nothing"`, 'exit 1']
        },
        {
          title: `delete ${list}`,
          check: 'is_fixed',
          already: `${v.name} has none of ${list} any more`,
          apply: [`aws elb delete-load-balancer-listeners ${r} --load-balancer-ports ${v.ports.join(' ')} --output json >/dev/null`],
          verify: 'is_fixed'
        }
      ],
      done: `${v.name} takes no unencrypted traffic on ${list}`
    })
    const rollback = bashScript({
      title: `Rollback: create the listeners ${list} of ${v.name} again, as they were`,
      lines: [...header, 'Each listener exactly as the fix saved it: protocols, ports, and the policies it had.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'create the saved listeners again, with their policies',
          check: `{ [ ! -e ${saved} ] && { say "no saved state in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || is_as_before`,
          already: 'the listeners are as they were before the fix',
          apply: [
            `aws elb create-load-balancer-listeners ${r} --listeners "$(jq -c '[.[] | .Listener]' ${saved})" --output json >/dev/null`,
            `jq -c '.[] | select((.PolicyNames // []) | length > 0)' ${saved} | while read -r d; do aws elb set-load-balancer-policies-of-listener ${r} --load-balancer-port "$(echo "$d" | jq -r .Listener.LoadBalancerPort)" --policy-names $(echo "$d" | jq -r '.PolicyNames[]') --output json >/dev/null; done`
          ],
          verify: 'is_as_before'
        }
      ],
      done: `the listeners ${list} of ${v.name} are back as they were`
    })
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `delete ${list} of ${v.name}`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `create ${list} of ${v.name} again`, rollback)],
      preconditions: [
        'AWS CLI and jq on PATH',
        `credentials for account ${account} allowed elasticloadbalancing:DescribeLoadBalancers, DeleteLoadBalancerListeners, CreateLoadBalancerListeners and SetLoadBalancerPoliciesOfListener on ${v.name} in ${region}`,
        `every client of ${list} has moved to ${v.listeners.map((l) => l.secure).join(', ')}`
      ],
      validation: validationText(t),
      notes: [
        v.plainRequests === null
          ? 'no access log of the load balancer is in evidence: who still connects unencrypted is unknown'
          : `the access logs hold ${v.plainRequests} unencrypted request(s) or connection(s)`,
        'a Classic Load Balancer cannot redirect HTTP to HTTPS: for a redirect, move to an Application Load Balancer'
      ]
    }
  }
}
