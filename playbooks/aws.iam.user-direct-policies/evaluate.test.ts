import { describe, expect, it } from 'vitest'
import { findUser, ownPolicies, type IamAuthorization } from '../../main/semantics/inventory-iam'
import { dedicatedGroupFits } from './move'
import { userDirectPoliciesVerdict } from './evaluate'

const A = '111122223333'
const user = (name: string, o: Partial<IamAuthorization['UserDetailList'][number]> = {}) => ({ UserName: name, Arn: `arn:aws:iam::${A}:user/${name}`, ...o })
const auth = (users: IamAuthorization['UserDetailList'], groups: string[] = []): IamAuthorization => ({
  UserDetailList: users,
  GroupDetailList: groups.map((g) => ({ GroupName: g, Arn: `arn:aws:iam::${A}:group/${g}` })),
  RoleDetailList: [],
  Policies: []
})

describe('IAM users holding policies directly (Security Hub IAM.2)', () => {
  it('FAILs a user with an attached managed policy or an inline policy of its own, PASSes one holding policies only through groups', () => {
    expect(userDirectPoliciesVerdict(user('a', { AttachedManagedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }] }))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('managed ReadOnlyAccess')
    })
    expect(userDirectPoliciesVerdict(user('b', { UserPolicyList: [{ PolicyName: 'inline-one', PolicyDocument: '{}' }] }))).toMatchObject({
      status: 'FAIL',
      reason: expect.stringContaining('inline inline-one')
    })
    expect(userDirectPoliciesVerdict(user('c', { GroupList: ['devs'], AttachedManagedPolicies: [], UserPolicyList: [] }))).toMatchObject({ status: 'PASS' })
  })

  it('finds the user by ARN with its path, or by name alone when one user has it (Prowler 2 names users in its message)', () => {
    const a = auth([{ UserName: 'svc', Arn: `arn:aws:iam::${A}:user/ci/svc` }])
    expect(findUser(a, `arn:aws:iam::${A}:user/ci/svc`)?.UserName).toBe('svc')
    expect(findUser(a, `arn:aws:iam::${A}:user/svc`)?.UserName).toBe('svc')
    expect(findUser(a, 'svc')?.UserName).toBe('svc')
    expect(findUser(a, 'nobody')).toBeNull()
    expect(ownPolicies(user('x', { AttachedManagedPolicies: [{ PolicyArn: 'b' }, { PolicyArn: 'a' }] }))).toEqual({ managed: ['a', 'b'], inline: [] })
  })

  it("a new group fits within IAM's default quotas and a free name, or says which it breaks", () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ PolicyArn: `arn:aws:iam::aws:policy/P${i}` }))
    expect(dedicatedGroupFits(auth([]), user('u', { AttachedManagedPolicies: ten }))).toEqual({ fits: true, group: 'u-policies' })
    const eleven = [...ten, { PolicyArn: 'arn:aws:iam::aws:policy/P10' }]
    expect(dedicatedGroupFits(auth([]), user('u', { AttachedManagedPolicies: eleven }))).toMatchObject({ fits: false, why: [expect.stringContaining('11 managed policies')] })
    const groups = Array.from({ length: 10 }, (_, i) => `g${i}`)
    expect(dedicatedGroupFits(auth([], groups), user('u', { GroupList: groups }))).toMatchObject({ fits: false, why: [expect.stringContaining('in 10 groups')] })
    expect(dedicatedGroupFits(auth([], ['u-policies']), user('u'))).toMatchObject({ fits: false, why: [expect.stringContaining('a group named u-policies exists already')] })
    const many = Array.from({ length: 300 }, (_, i) => `team-${i}`)
    expect(dedicatedGroupFits(auth([], many), user('u'))).toMatchObject({ fits: false, why: [expect.stringContaining('300 groups')] })
  })
})
