// aws.eks.public-endpoint (Security Hub EKS.1): close the cluster's public endpoint and open its
// private one in one UpdateClusterConfig (endpointPublicAccess false, endpointPrivateAccess true),
// waiting for the cluster to be ACTIVE again. The fix saves the three endpoint settings first
// (endpointPublicAccess, endpointPrivateAccess, publicAccessCidrs) and refuses to run when the
// endpoint was not public (nothing to do); the rollback puts exactly those three back. The public
// addresses seen calling the API server in the window are named in the notes: restricting
// publicAccessCidrs to them instead keeps them working (EKS.1 still fails then).
import type { FixRenderer } from '../../main/controls/fix'
import { artefact, headerLines, requireAccount, requireConfig, requireRegion, validationText } from '../../main/controls/fix-common'
import { bashScript, sq } from '../../main/controls/shell'
import { LastmileError } from '../../main/errors'
import { listEvidence, readEvidenceBytes } from '../../main/case/evidence'
import { addressesToKeep, callsOf } from '../../main/semantics/kubernetes-api'

const DAY = 86_400_000
/** the playbook's window: who called in the 90 days before the evidence was collected */
const WINDOW_DAYS = 90

/** The endpoint settings as the scripts compare them: publicAccessCidrs counts only while the endpoint is public. */
const NORM = `{endpointPublicAccess, endpointPrivateAccess, publicAccessCidrs: (if .endpointPublicAccess then ((.publicAccessCidrs // []) | sort) else null end)}`

export const eksEndpointFix: FixRenderer = {
  control: 'aws.eks.public-endpoint',
  summary: "close the EKS cluster's public API endpoint and open its private one, saving the three endpoint settings for the rollback",
  inputs(db, target) {
    const cfg = requireConfig({ db }, target, target.resourceId, 'eks.cluster', 'inventory/eks-clusters.json')
    const c = cfg.value
    if (c.endpointPublicAccess === false)
      throw new LastmileError('conflict', `${target.finding}: the endpoint of ${c.name} is not public in the evidence; validate the finding instead`)
    if (c.endpointPublicAccess === null)
      throw new LastmileError('not-found', `${target.finding}: the endpoint access of ${c.name} is not in the evidence (no resourcesVpcConfig.endpointPublicAccess)`)
    const files = listEvidence(db)
    const from = new Date(Date.parse(cfg.collectedAt) - WINDOW_DAYS * DAY).toISOString()
    const calls = callsOf(files, (id) => readEvidenceBytes(db, id), [c.name], from)
    const m = /^arn:aws[a-z-]*:eks:([a-z0-9-]+):(\d{12}):cluster\//.exec(c.arn)
    return {
      values: {
        name: c.name,
        account: m?.[2] ?? null,
        region: m?.[1] ?? null,
        privateAccess: c.endpointPrivateAccess,
        cidrs: c.publicAccessCidrs,
        // null: no audit log in evidence, so who calls is unknown
        callers: calls ? addressesToKeep(calls.callers) : null
      },
      evidence: [...cfg.evidence, ...(calls?.audit.files ?? [])].sort(),
      collectedAt: cfg.collectedAt
    }
  },
  render(ctx) {
    const t = ctx.target
    const v = ctx.inputs.values as { name: string; account: string | null; region: string | null; privateAccess: boolean | null; cidrs: string[]; callers: string[] | null }
    const account = requireAccount(t, v.account)
    const region = requireRegion(t, v.region)
    const header = headerLines(ctx)
    const where = `--region ${sq(region)} --name ${sq(v.name)}`
    const before = '"$ROLLBACK_DIR/endpoint-access.before.json"'
    const target = JSON.stringify({ endpointPublicAccess: false, endpointPrivateAccess: true })
    const fns = [
      `access_now() { aws eks describe-cluster ${where} --output json | jq -cS '.cluster.resourcesVpcConfig | ${NORM}'; }`,
      `is_fixed() { [ "$(access_now)" = "$(echo ${sq(target)} | jq -cS ${sq(NORM)})" ]; }`,
      `is_as_before() { [ "$(access_now)" = "$(jq -cS ${sq(NORM)} ${before})" ]; }`,
      `wait_active() { aws eks wait cluster-active ${where}; }`
    ]
    const fix = bashScript({
      title: `Fix: close the public API endpoint of the EKS cluster ${v.name}`,
      lines: [
        ...header,
        `The API server stops answering on the internet; inside the VPC (nodes, pods, a VPN, peering) it answers at its private addresses.`,
        `EKS applies the change in a few minutes (the cluster is UPDATING, then ACTIVE); workloads keep running meanwhile.`
      ],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'save the endpoint settings (rollback capture)',
          check: `[ -e ${before} ]`,
          already: 'the endpoint settings were saved by an earlier run',
          apply: [
            `aws eks describe-cluster ${where} --output json | jq -c '.cluster.resourcesVpcConfig | {endpointPublicAccess, endpointPrivateAccess, publicAccessCidrs}' > ${before}`
          ]
        },
        {
          title: 'refuse when the endpoint was not public before the fix',
          check: `jq -e '.endpointPublicAccess == true' ${before} >/dev/null`,
          already: 'the endpoint was public before the fix',
          apply: [`say "${v.name}: its endpoint was not public before the fix (saved: $(cat ${before})): nothing to do; investigate again"`, 'exit 1']
        },
        {
          title: `turn public endpoint access off and private endpoint access on for ${v.name}`,
          check: 'is_fixed',
          already: `${v.name} already has only a private endpoint`,
          apply: [`aws eks update-cluster-config ${where} --resources-vpc-config ${sq(target)} --output json >/dev/null`, 'wait_active'],
          verify: 'is_fixed'
        }
      ],
      done: `the API server of ${v.name} answers inside its VPC only`
    })
    const rollback = bashScript({
      title: `Rollback: put the endpoint settings of the EKS cluster ${v.name} back as they were`,
      lines: [...header, 'endpointPublicAccess, endpointPrivateAccess and publicAccessCidrs exactly as the fix saved them.'],
      tools: ['aws', 'jq'],
      awsAccount: account,
      rollbackKey: t.finding,
      functions: fns,
      steps: [
        {
          title: 'put the endpoint settings back as saved before the fix',
          check: `{ [ ! -e ${before} ] && { say "no saved state in $ROLLBACK_DIR: the fix did not run here"; exit 1; }; } || is_as_before`,
          already: 'the endpoint settings are as they were before the fix',
          apply: [
            `aws eks update-cluster-config ${where} --resources-vpc-config "$(jq -c '{endpointPublicAccess, endpointPrivateAccess} + (if .endpointPublicAccess then {publicAccessCidrs} else {} end)' ${before})" --output json >/dev/null`,
            'wait_active'
          ],
          verify: 'is_as_before'
        }
      ],
      done: `the endpoint settings of ${v.name} are back as they were`
    })
    const keep = v.callers ?? []
    return {
      artefacts: [artefact(ctx, 'aws-cli', 'bash', 'fix.sh', `close the public endpoint of ${v.name} (private endpoint on)`, fix)],
      rollback: [artefact(ctx, 'aws-cli', 'bash', 'rollback.sh', `put the endpoint settings of ${v.name} back as they were`, rollback)],
      preconditions: [
        'AWS CLI v2 and jq on PATH',
        `credentials for account ${account} allowed eks:DescribeCluster and eks:UpdateClusterConfig on ${v.name} in ${region}`,
        `the VPC of ${v.name} has DNS hostnames and DNS resolution enabled (the private endpoint is resolved through a private hosted zone)`,
        'whoever runs kubectl afterwards does so from inside the VPC (a VPN, a bastion, peering), or is cut off'
      ],
      validation: validationText(t),
      notes: [
        v.privateAccess === false
          ? `private endpoint access is off today: the nodes reach the API server over the public endpoint, and move to the private one with this change`
          : 'private endpoint access is already on: the nodes and pods keep their path',
        v.callers === null
          ? 'no audit log of the cluster is in evidence: who calls the public endpoint is unknown'
          : keep.length
            ? `public addresses that called the API server in the window (the cluster's own egress included): ${keep.join(', ')}. To keep them instead of closing the endpoint, restrict publicAccessCidrs to these (Security Hub EKS.1 still fails then)`
            : 'no public address called the API server in the window'
      ]
    }
  }
}
