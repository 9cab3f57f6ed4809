// inventory/iam-authorization.json for `evidence collect --provider aws`: GetAccountAuthorizationDetails,
// every page merged into the one document the AWS CLI prints (UserDetailList, GroupDetailList,
// RoleDetailList, Policies with PolicyVersionList; policy documents as the API returns them,
// URL-encoded — main/semantics/inventory-iam.ts reads both forms). The file is written only whole:
// a page that fails is a gap, and no file (a partial list would read as "nobody else has it").
// inventory/iam-virtual-mfa-devices.json likewise: ListVirtualMFADevices (assigned or not), pages merged, written
// only whole (a partial list could leave out the root user's device and read as "its MFA is hardware").
import {
  paginateGetAccountAuthorizationDetails,
  paginateListVirtualMFADevices,
  type GetAccountAuthorizationDetailsCommandOutput,
  type ListVirtualMFADevicesCommandOutput
} from '@aws-sdk/client-iam'
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

export async function virtualMfaDevices(x: ServiceContext): Promise<void> {
  const iam = x.clients.iam
  const region = await iam.config.region()
  x.progress('IAM: virtual MFA devices (ListVirtualMFADevices)')
  const out = { VirtualMFADevices: [] as unknown[] }
  try {
    for await (const page of paginateListVirtualMFADevices({ client: iam }, { AssignmentStatus: 'Any' }) as AsyncIterable<ListVirtualMFADevicesCommandOutput>)
      out.VirtualMFADevices.push(...(page.VirtualMFADevices ?? []).map(({ Base32StringSeed: _seed, QRCodePNG: _qr, ...device }) => device))
  } catch (e) {
    x.gap({ source: 'aws.inventory', operation: 'ListVirtualMFADevices', region, problem: `ListVirtualMFADevices: ${why(e)}` })
    return
  }
  x.w.writeJson(`${x.base}/inventory/iam-virtual-mfa-devices.json`, out)
}
