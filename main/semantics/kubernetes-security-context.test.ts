import { describe, expect, it } from 'vitest'
import { PodSpec, type Container } from './kubernetes-workloads'
import { escalationRequired, heldCapabilities, holdsNoCapability, noNewPrivs, privilegedPorts, processUser, seccompOf } from './kubernetes-security-context'

const spec = (containers: Container[], securityContext?: Record<string, unknown>): PodSpec => PodSpec.parse({ containers, ...(securityContext ? { securityContext } : {}) })
const c = (securityContext?: Record<string, unknown>, ports?: number[]): Container => ({
  name: 'app',
  image: 'acme/app:1',
  ...(securityContext ? { securityContext } : {}),
  ...(ports ? { ports: ports.map((containerPort) => ({ containerPort, protocol: 'TCP' })) } : {})
})

describe('a container’s process as its securityContext makes it', () => {
  it('runs as the container’s runAsUser, else the pod’s; runAsNonRoot proves only that it is not root; neither: the image’s USER, unknown', () => {
    expect(processUser(spec([c()], { runAsUser: 1000 }), c({ runAsUser: 0 }))).toMatchObject({ uid: 0, nonRoot: false })
    expect(processUser(spec([c()], { runAsUser: 1000 }), c())).toMatchObject({ uid: 1000, nonRoot: true, why: "runAsUser 1000 (the pod's)" })
    expect(processUser(spec([c()], { runAsNonRoot: true }), c())).toMatchObject({ uid: null, nonRoot: true })
    expect(processUser(spec([c()]), c({ runAsNonRoot: false }))).toMatchObject({ uid: null, nonRoot: null, why: expect.stringContaining("image's USER") })
  })

  it('sets no_new_privs only when allowPrivilegeEscalation is false; a privileged or CAP_SYS_ADMIN container cannot take it', () => {
    expect(noNewPrivs(c())).toBe(false)
    expect(noNewPrivs(c({ allowPrivilegeEscalation: true }))).toBe(false)
    expect(noNewPrivs(c({ allowPrivilegeEscalation: false }))).toBe(true)
    expect(escalationRequired(c({ privileged: true }))).toMatch(/refuses/)
    expect(escalationRequired(c({ capabilities: { add: ['CAP_SYS_ADMIN'] } }))).toMatch(/refuses/)
    expect(escalationRequired(c({ capabilities: { add: ['SYS_ADMIN'] } }))).toMatch(/^adds SYS_ADMIN \(escalation is always possible with it\)$/)
    expect(escalationRequired(c({ capabilities: { add: ['NET_BIND_SERVICE'] } }))).toBeNull()
  })

  it('holds the runtime’s default capabilities less drop plus add; every one when privileged', () => {
    expect(heldCapabilities(c())).toHaveLength(14)
    expect(heldCapabilities(c({ capabilities: { drop: ['NET_RAW', 'cap_mknod'] } }))).not.toContain('NET_RAW')
    expect(heldCapabilities(c({ capabilities: { drop: ['NET_RAW', 'cap_mknod'] } }))).not.toContain('MKNOD')
    expect(heldCapabilities(c({ capabilities: { drop: ['all'], add: ['CAP_NET_BIND_SERVICE'] } }))).toEqual(['NET_BIND_SERVICE'])
    expect(heldCapabilities(c({ privileged: true, capabilities: { drop: ['ALL'] } }))).toBe('all')
  })

  it('holds no capability only as a uid other than 0 with no_new_privs', () => {
    const nonRoot = spec([c()], { runAsUser: 10001 })
    expect(holdsNoCapability(nonRoot, c({ allowPrivilegeEscalation: false }))).toMatchObject({ yes: true })
    // a setuid-root or setcap program could still give it capabilities
    expect(holdsNoCapability(nonRoot, c())).toMatchObject({ yes: false, why: expect.stringContaining('allowPrivilegeEscalation is not false') })
    expect(holdsNoCapability(spec([c()]), c({ allowPrivilegeEscalation: false }))).toMatchObject({ yes: false, why: expect.stringContaining("image's USER") })
    expect(holdsNoCapability(spec([c()], { runAsUser: 0 }), c({ allowPrivilegeEscalation: false }))).toMatchObject({ yes: false, why: "runAsUser 0 (the pod's): root" })
    expect(holdsNoCapability(nonRoot, c({ privileged: true }))).toMatchObject({ yes: false, why: expect.stringContaining('privileged') })
  })

  it('declares ports below 1024, and takes the container’s seccomp profile over the pod’s', () => {
    expect(privilegedPorts(c(undefined, [8080, 443, 80, 443]))).toEqual([80, 443])
    expect(seccompOf(spec([c()], { seccompProfile: { type: 'RuntimeDefault' } }), c({ seccompProfile: { type: 'Unconfined' } }))).toMatchObject({ type: 'Unconfined' })
    expect(seccompOf(spec([c()], { seccompProfile: { type: 'RuntimeDefault' } }), c())).toMatchObject({ type: 'RuntimeDefault', why: "seccompProfile RuntimeDefault (the pod's)" })
    expect(seccompOf(spec([c()]), c())).toMatchObject({ type: null })
  })

  it('refuses a workloads.json whose runAsUser is not a number', () => {
    expect(PodSpec.safeParse({ containers: [{ name: 'a', securityContext: { runAsUser: 'root' } }] }).success).toBe(false)
  })
})
