// What a container's securityContext means for its process once the pod runs, read from the pod spec
// of kubernetes/<cluster>/workloads.json (main/semantics/kubernetes-workloads.ts): who the process runs
// as, whether no_new_privs is set, which Linux capabilities the runtime gives it and which seccomp
// profile confines it.
//
// The rules, from the Kubernetes API reference (SecurityContext, PodSecurityContext) and the Linux
// documentation they point to:
// - runAsUser, runAsNonRoot and seccompProfile may be set on the pod and on the container; the
//   container's own value wins (Trivy resolves them the same way: lib/kubernetes/security_context.rego).
//   Neither set: the process runs as the image's USER (root when the image sets none), which
//   workloads.json does not hold. runAsNonRoot: true makes the kubelet refuse to start a container
//   whose user is 0 (or a name it cannot check), so a container that runs with it is not root.
// - allowPrivilegeEscalation: false sets no_new_privs on the container's process
//   (docs.kernel.org/userspace-api/no_new_privs.rst): execve no longer honours setuid/setgid bits or
//   file capabilities, for the process and everything it starts. Not set means true. The API server
//   refuses it beside privileged: true or capabilities.add CAP_SYS_ADMIN (pkg/apis/core/validation:
//   "cannot set `allowPrivilegeEscalation` to false and `privileged` to true").
// - Capabilities: the runtime gives a container its default set (containerd's, the runtime of AKS,
//   EKS and GKE nodes, is Docker's 14 below) less `drop` plus `add`; drop ALL then add X leaves X.
//   Kubernetes sets no ambient capabilities, so a process whose uid is not 0 starts with an empty
//   effective set whatever the container holds, and gains capabilities only at an execve of a
//   setuid-root or file-capability program — which no_new_privs stops. A privileged container gets
//   every capability and runs unconfined by seccomp whatever `capabilities` and `seccompProfile` say.
// - seccompProfile.type: RuntimeDefault (the runtime's default profile), Localhost (a profile file on
//   the node) or Unconfined. Not set anywhere: Unconfined, unless the kubelet runs with
//   --seccomp-default (off by default; its configuration is not in workloads.json).
import { capabilityName, type Container, type PodSpec } from './kubernetes-workloads'

/** containerd's (and Docker's) default capabilities of a container that is not privileged. */
export const RUNTIME_DEFAULT_CAPABILITIES: readonly string[] = [
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'NET_RAW',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT'
]

/** Who the container's process runs as, and how the evidence tells. */
export interface ProcessUser {
  /** the uid, when runAsUser says it */
  uid: number | null
  /** true: not uid 0; false: uid 0; null: the evidence does not tell */
  nonRoot: boolean | null
  why: string
}

export function processUser(spec: PodSpec, c: Container): ProcessUser {
  const own = c.securityContext?.runAsUser
  const pod = spec.securityContext?.runAsUser
  const uid = own ?? pod ?? null
  if (uid !== null) return { uid, nonRoot: uid !== 0, why: `runAsUser ${uid}${own != null ? '' : " (the pod's)"}${uid === 0 ? ': root' : ''}` }
  const nonRoot = c.securityContext?.runAsNonRoot ?? spec.securityContext?.runAsNonRoot ?? null
  if (nonRoot === true) return { uid: null, nonRoot: true, why: 'runAsNonRoot: true (the kubelet starts it only as a user other than 0)' }
  return {
    uid: null,
    nonRoot: null,
    why: "no runAsUser: it runs as its image's USER, which the evidence does not hold (root when the image sets none)"
  }
}

/** allowPrivilegeEscalation as the kubelet reads it: set false, or true (set, or not set). */
export const noNewPrivs = (c: Container): boolean => c.securityContext?.allowPrivilegeEscalation === false

export const isPrivileged = (c: Container): boolean => c.securityContext?.privileged === true

/** Whether the API server would refuse allowPrivilegeEscalation: false on the container, and why. */
export function escalationRequired(c: Container): string | null {
  if (isPrivileged(c)) return 'privileged: true (the API server refuses allowPrivilegeEscalation: false beside it)'
  // the validation compares the literal CAP_SYS_ADMIN; a container adding SYS_ADMIN holds it all the same
  const sysAdmin = (c.securityContext?.capabilities?.add ?? []).find((x) => capabilityName(x) === 'SYS_ADMIN')
  if (sysAdmin)
    return `adds ${sysAdmin} (escalation is always possible with it${sysAdmin === 'CAP_SYS_ADMIN' ? ', and the API server refuses allowPrivilegeEscalation: false beside it' : ''})`
  return null
}

export const dropsAll = (c: Container): boolean => (c.securityContext?.capabilities?.drop ?? []).some((x) => x.toUpperCase() === 'ALL')

/** The capabilities the container adds, as the runtime names them. */
export const addedCapabilities = (c: Container): string[] => [...new Set((c.securityContext?.capabilities?.add ?? []).map(capabilityName))]

/** The capabilities the container's bounding set holds now (the runtime's default less `drop` plus `add`); every one when privileged. */
export function heldCapabilities(c: Container): string[] | 'all' {
  if (isPrivileged(c)) return 'all'
  const dropped = new Set((c.securityContext?.capabilities?.drop ?? []).map(capabilityName))
  const base = dropped.has('ALL') ? [] : RUNTIME_DEFAULT_CAPABILITIES.filter((x) => !dropped.has(x))
  return [...new Set([...base, ...addedCapabilities(c)])].sort()
}

/** The ports below 1024 the container declares: binding one takes NET_BIND_SERVICE (unless the pod's sysctl net.ipv4.ip_unprivileged_port_start says otherwise). */
export const privilegedPorts = (c: Container): number[] => [...new Set((c.ports ?? []).map((p) => p.containerPort).filter((p) => p > 0 && p < 1024))].sort((a, b) => a - b)

/** Whether the process provably holds no capability and cannot gain one: a uid other than 0 with no_new_privs, not privileged. */
export function holdsNoCapability(spec: PodSpec, c: Container): { yes: boolean; why: string } {
  const u = processUser(spec, c)
  if (isPrivileged(c)) return { yes: false, why: 'privileged: it holds every capability whatever its capabilities list says' }
  if (u.nonRoot !== true) return { yes: false, why: u.why }
  if (!noNewPrivs(c)) return { yes: false, why: `${u.why}, but allowPrivilegeEscalation is not false: a setuid-root or file-capability program it runs gains capabilities` }
  return {
    yes: true,
    why: `${u.why} and allowPrivilegeEscalation: false: it starts with no effective capability (Kubernetes sets no ambient ones) and no_new_privs stops it gaining one at exec`
  }
}

/** The seccomp profile that confines the container, and where it is set. */
export interface SeccompSetting {
  /** RuntimeDefault, Localhost, Unconfined, or null: set nowhere */
  type: string | null
  why: string
}

export function seccompOf(spec: PodSpec, c: Container): SeccompSetting {
  const own = c.securityContext?.seccompProfile?.type
  if (own) return { type: own, why: `seccompProfile ${own}` }
  const pod = spec.securityContext?.seccompProfile?.type
  if (pod) return { type: pod, why: `seccompProfile ${pod} (the pod's)` }
  return { type: null, why: 'no seccompProfile on the container or the pod: Unconfined, unless the kubelet runs with --seccomp-default' }
}
