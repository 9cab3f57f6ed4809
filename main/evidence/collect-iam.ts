// inventory/iam-authorization.json for `evidence collect --provider aws`: GetAccountAuthorizationDetails,
// every page merged into the one document the AWS CLI prints (UserDetailList, GroupDetailList,
// RoleDetailList, Policies with PolicyVersionList; policy documents as the API returns them,
// URL-encoded — main/semantics/inventory-iam.ts reads both forms). The file is written only whole:
// a page that fails is a gap, and no file (a partial list would read as "nobody else has it").
import { paginateGetAccountAuthorizationDetails, type GetAccountAuthorizationDetailsCommandOutput } from '@aws-sdk/client-iam'
import { why, type ServiceContext } from './collect-aws-services'

export async function iamAuthorization(x: ServiceContext): Promise<void> {
  const iam = x.clients.iam
  const region = await iam.config.region()
  x.progress('IAM: users, groups, roles and managed policies (GetAccountAuthorizationDetails)')
  const out = { UserDetailList: [] as unknown[], GroupDetailList: [] as unknown[], RoleDetailList: [] as unknown[], Policies: [] as unknown[] }
  try {
    const pages = paginateGetAccountAuthorizationDetails({ client: iam }, { Filter: ['User', 'Group', 'Role', 'LocalManagedPolicy', 'AWSManagedPolicy'] })
    for await (const page of pages as AsyncIterable<GetAccountAuthorizationDetailsCommandOutput>) {
      out.UserDetailList.push(...(page.UserDetailList ?? []))
      out.GroupDetailList.push(...(page.GroupDetailList ?? []))
      out.RoleDetailList.push(...(page.RoleDetailList ?? []))
      out.Policies.push(...(page.Policies ?? []))
    }
  } catch (e) {
    x.gap({ source: 'aws.inventory', operation: 'GetAccountAuthorizationDetails', region, problem: `GetAccountAuthorizationDetails: ${why(e)}` })
    return
  }
  x.w.writeJson(`${x.base}/inventory/iam-authorization.json`, out)
}
