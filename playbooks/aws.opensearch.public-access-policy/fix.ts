// aws.opensearch.public-access-policy: put the domain's access policy without the statements that
// grant to anyone (UpdateDomainConfig AccessPolicies), the rollback putting the saved policy back
// (main/controls/resource-policy-fix.ts). When every statement grants to anyone, the policy put in
// their place names the domain's own account, so its IAM principals keep what their identity
// policies allow: an empty access policy is not taken by UpdateDomainConfig, which keeps the old one.
import { policyDocumentFix } from '../../main/controls/resource-policy-fix'
import { sq } from '../../main/controls/shell'
import type { FixRenderer } from '../../main/controls/fix'
import { requireConfig } from '../../main/controls/fix-common'
import { LastmileError } from '../../main/errors'
import type { ResourcePolicyFacet } from '../../main/semantics/facets'

/** The policy put when no statement would remain: the domain's account, through its IAM policies. */
export function accountOnlyPolicy(r: Pick<ResourcePolicyFacet, 'account' | 'arn'>): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'AccountPrincipalsOnly', Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${r.account}:root` }, Action: 'es:*', Resource: `${r.arn}/*` }]
  })
}

const base = policyDocumentFix({
  noun: 'OpenSearch domain',
  file: 'opensearch-domains.json',
  actions: ['es:DescribeDomainConfig', 'es:UpdateDomainConfig'],
  get: (r, region) => `aws opensearch describe-domain-config --region ${sq(region)} --domain-name ${sq(r.name)} --output json | jq -r '.DomainConfig.AccessPolicies.Options // ""'`,
  set: (r, region) => `aws opensearch update-domain-config --region ${sq(region)} --domain-name ${sq(r.name)} --access-policies "$POLICY" --output json > /dev/null`,
  whenEmpty: (r) => accountOnlyPolicy(r)
})

export const openSearchPublicPolicyFix: Omit<FixRenderer, 'control'> = {
  ...base,
  inputs(db, target) {
    const got = base.inputs(db, target)
    const vpc = requireConfig({ db }, target, target.resourceId, 'resource-policy.config', 'inventory/opensearch-domains.json').value.detail.vpcId
    // Prowler passes a domain in a VPC: its finding is stale, and the policy is not what exposes it
    if (typeof vpc === 'string')
      throw new LastmileError('conflict', `${target.finding}: the domain is in ${vpc} and has no public endpoint in the evidence; validate the finding instead`)
    return got
  },
  render(ctx) {
    const out = base.render(ctx)
    const v = ctx.inputs.values as { after: string; account: string; arn: string }
    const notes = [
      ...out.notes,
      'the change is a configuration change of the domain (no blue/green deployment for an access policy): it applies within minutes, while the domain shows Processing',
      'fine-grained access control logins (internal users, Dashboards) are unsigned requests: after the fix only a statement for everyone whose aws:SourceIp covers their address lets them in'
    ]
    if (v.after === accountOnlyPolicy(v))
      notes.push(
        `every statement granted to anyone: the policy put in their place allows the account ${v.account}'s IAM principals (arn:aws:iam::${v.account}:root), each as far as its own IAM policies allow`
      )
    return { ...out, notes }
  }
}
