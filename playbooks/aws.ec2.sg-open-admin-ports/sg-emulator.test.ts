// The security-group fix and rollback, run for real: the playbook fixture is built into a case, each
// plannable group's scripts are rendered, the group is created in moto (the machine's AWS emulator,
// `moto_server`) exactly as the evidence shows it, and the AWS CLI runs fix.sh, fix.sh again (no
// change), then rollback.sh. The group must end in the state the plan describes — the open ranges
// gone, what the flow logs showed in use authorized first — and come back exactly, Descriptions
// included. moto gives groups ids of its own: the evidence's id is replaced by moto's in the
// scripts, and nothing else is touched.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Artefact } from '../../shared/remediation'
import { createCaseDb, type WritableCaseDb } from '../../main/db/case-db'
import { securityGroupVerdict } from '../../main/controls/security-group/evaluate'
import type { IpPermission } from '../../main/semantics/inventory'
import { LastmileError } from '../../main/errors'
import { listFindings } from '../../main/case/findings'
import { buildCase } from '../../main/demo/case-builder'
import { fixturesDir } from '../../test/casegen/generate'
import { loadPlaybooks } from '../../main/investigate/loader'
import { securityGroupFix } from '../../main/controls/security-group/fix'
import { PORT_SETS } from '../../main/semantics/port-sets'
import { MAX_ADMITTED_SOURCES, MAX_KEPT_PORTS, planSgFix } from '../../main/controls/security-group/sg-plan'
import { renderFix, type FixTarget } from '../../main/remediate'
import { startWarmAws, type WarmAws } from '../../test/emulator/emulator'

const FIXTURE = fixturesDir('aws.ec2.sg-open-admin-ports')
const sgOpenAdminPortsFix = securityGroupFix('aws.ec2.sg-open-admin-ports', PORT_SETS.admin)
const ACCOUNTS = ['111122223333', '444455556666']
const REGION = 'us-east-1'
const NOW = () => '2026-11-21T09:00:00.000Z'

let tmp: string
let c: WritableCaseDb
/** `aws` on the scripts' PATH: the real AWS CLI, run warm (test/emulator/warm_cli.py) — a fork a call instead of a Python start */
let warm: WarmAws
const moto = new Map<string, { proc: ChildProcess; url: string }>()

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const a = s.address()
      const port = typeof a === 'object' && a ? a.port : 0
      s.close(() => resolve(port))
    })
  })
}

async function startMoto(account: string): Promise<{ proc: ChildProcess; url: string }> {
  const port = await freePort()
  const proc = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { env: { ...process.env, MOTO_ACCOUNT_ID: account }, stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/moto-api/`)).status < 500) return { proc, url }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200))
  }
  proc.kill()
  throw new Error(`moto_server did not start on port ${port}`)
}

function env(account: string): NodeJS.ProcessEnv {
  return {
    PATH: `${join(tmp, 'bin')}:${process.env.PATH}`,
    HOME: tmp,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_DEFAULT_REGION: REGION,
    AWS_ENDPOINT_URL: moto.get(account)!.url,
    LASTMILE_ROLLBACK_DIR: join(tmp, `rollback-${account}`)
  }
}

function aws(account: string, args: string[]): unknown {
  const r = spawnSync('aws', [...args, '--region', REGION, '--output', 'json'], { env: env(account), encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`aws ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim() ? JSON.parse(r.stdout) : null
}

/** One comparable line per range: protocol, ports, address, Description. */
function normalise(perms: IpPermission[]): string[] {
  const proto = (p: string): string => ({ '6': 'tcp', '17': 'udp', '1': 'icmp' })[p] ?? p
  return perms
    .flatMap((p) => [
      ...(p.IpRanges ?? []).map((r) => `${proto(p.IpProtocol)} ${p.FromPort ?? '-'}-${p.ToPort ?? '-'} ${r.CidrIp} ${r.Description ?? ''}`),
      ...(p.Ipv6Ranges ?? []).map((r) => `${proto(p.IpProtocol)} ${p.FromPort ?? '-'}-${p.ToPort ?? '-'} ${r.CidrIpv6} ${r.Description ?? ''}`)
    ])
    .map((l) => l.replace(/ -1--1 /, ' - - ').replace(/ (-1|-)-(-1|-) /, ' - - '))
    .sort()
}

function evidenceGroup(account: string, groupId: string): { IpPermissions: IpPermission[]; VpcId: string } {
  const doc = JSON.parse(readFileSync(join(FIXTURE, 'bundle', 'aws', account, 'inventory', 'security-groups.json'), 'utf8')) as {
    SecurityGroups: Array<{ GroupId: string; IpPermissions: IpPermission[]; VpcId: string }>
  }
  return doc.SecurityGroups.find((g) => g.GroupId === groupId)!
}

/** The group as the evidence shows it, created in moto; returns moto's id for it. */
function createGroup(account: string, evidenceId: string): string {
  const g = evidenceGroup(account, evidenceId)
  const vpc = (aws(account, ['ec2', 'create-vpc', '--cidr-block', '10.99.0.0/16']) as { Vpc: { VpcId: string } }).Vpc.VpcId
  const id = (aws(account, ['ec2', 'create-security-group', '--group-name', `${evidenceId}-copy`, '--description', 'the evidence group', '--vpc-id', vpc]) as { GroupId: string })
    .GroupId
  const perms = g.IpPermissions.map(({ PrefixListIds: _p, UserIdGroupPairs: _u, ...p }) => p)
  aws(account, ['ec2', 'authorize-security-group-ingress', '--group-id', id, '--ip-permissions', JSON.stringify(perms)])
  return id
}

function liveRules(account: string, id: string): IpPermission[] {
  return (aws(account, ['ec2', 'describe-security-groups', '--group-ids', id]) as { SecurityGroups: Array<{ IpPermissions: IpPermission[] }> }).SecurityGroups[0].IpPermissions
}

function run(account: string, script: string, evidenceId: string, motoId: string): { code: number | null; out: string } {
  const file = join(tmp, `script-${Math.random().toString(36).slice(2)}.sh`)
  writeFileSync(file, script.split(evidenceId).join(motoId), { mode: 0o700 })
  const r = spawnSync('bash', [file], { env: env(account), encoding: 'utf8' })
  return { code: r.status, out: `${r.stdout}${r.stderr}` }
}

const one = (list: Artefact[], suffix: string): string => list.find((a) => a.name.endsWith(suffix))!.content

function targetOf(groupId: string): FixTarget & { account: string } {
  const f = listFindings(c.db).find((x) => x.resource.id.endsWith(`/${groupId}`))!
  return { finding: f.id, control: f.control, resourceId: f.resource.id, resourceType: f.resource.type, account: f.resource.account!, region: f.resource.region, name: null }
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'lm-sg-moto-'))
  c = createCaseDb(join(tmp, 'case.lmcase'), 'fixture passphrase', { now: NOW() })
  await buildCase(c, {
    exportsDir: join(FIXTURE, 'exports'),
    bundleDir: join(FIXTURE, 'bundle'),
    actor: { kind: 'person', name: 'Fixture Analyst', role: 'analyst' },
    playbooks: loadPlaybooks(),
    now: NOW
  })
  for (const a of ACCOUNTS) moto.set(a, await startMoto(a))
  warm = await startWarmAws({ PATH: process.env.PATH, HOME: tmp })
  mkdirSync(join(tmp, 'bin'))
  warm.writeClient(join(tmp, 'bin', 'aws'))
}, 120_000)

afterAll(async () => {
  await warm?.stop()
  for (const m of moto.values()) m.proc.kill()
  c?.close()
  rmSync(tmp, { recursive: true, force: true })
})

// The fixture's groups whose plans do more than revoke one range (plain revocations are run against
// the scripted cloud in remediate.test.ts): what must be gone and what must be added after the fix.
// The AWS CLI takes seconds a call on a loaded machine, so only the first runs the fix twice.
const CASES: Array<{ group: string; why: string; gone: string[]; added: string[]; twice: boolean }> = [
  {
    group: 'sg-0c00000000000002',
    why: 'bastion-ssh: the two private administrators are admitted before 0.0.0.0/0 goes',
    gone: ['tcp 22-22 0.0.0.0/0 SSH to the bastion'],
    added: [
      'tcp 22-22 172.20.5.10/32 admitted by Lastmile: seen in SSH/RDP sessions (last 2026-11-14)',
      'tcp 22-22 192.168.40.12/32 admitted by Lastmile: seen in SSH/RDP sessions (last 2026-11-17)'
    ],
    twice: true
  },
  {
    group: 'sg-0d00000000000004',
    why: 'web-all-open: 443/tcp is authorized before the all-traffic rule goes',
    gone: ['-1 - - 0.0.0.0/0 open for the load test'],
    added: ['tcp 443-443 0.0.0.0/0 kept by Lastmile from rule 1 (all traffic): in use'],
    twice: false
  },
  {
    group: 'sg-0d00000000000007',
    why: 'api-any-tcp: 443/tcp is authorized before tcp 0-65535 goes',
    gone: ['tcp 0-65535 0.0.0.0/0 '],
    added: ['tcp 443-443 0.0.0.0/0 kept by Lastmile from rule 1 (tcp 0-65535): in use'],
    twice: false
  }
]

describe('security-group fix and rollback against moto', () => {
  for (const k of CASES) {
    it(`${k.why}${k.twice ? '; twice is harmless' : ''}; the rollback restores the group exactly, Descriptions included`, () => {
      const t = targetOf(k.group)
      const fix = renderFix(c.db, t, 'P-1')
      const id = createGroup(t.account, k.group)
      const before = normalise(liveRules(t.account, id))
      expect(before).toEqual(normalise(evidenceGroup(t.account, k.group).IpPermissions))
      const first = run(t.account, one(fix.artefacts, 'fix.sh'), k.group, id)
      expect(first.code, first.out).toBe(0)
      const live = liveRules(t.account, id)
      const after = normalise(live)
      expect(after).toEqual([...before.filter((l) => !k.gone.includes(l)), ...k.added].sort())
      expect(securityGroupVerdict({ IpPermissions: live }).verdict.status).toBe('PASS')
      if (k.twice) {
        const again = run(t.account, one(fix.artefacts, 'fix.sh'), k.group, id)
        expect(again.code, again.out).toBe(0)
        expect(again.out).not.toMatch(/authorize-security-group-ingress|revoke-security-group-ingress/)
        expect(normalise(liveRules(t.account, id))).toEqual(after)
      }
      const back = run(t.account, one(fix.rollback, 'rollback.sh'), k.group, id)
      expect(back.code, back.out).toBe(0)
      expect(normalise(liveRules(t.account, id))).toEqual(before)
    }, 400_000)
  }
})

describe('security-group plan refusals', () => {
  it('admits the addresses only the open range lets in, IPv6 included, up to MAX_ADMITTED_SOURCES', () => {
    const flow = (src: string) => ({
      eni: 'eni-1',
      port: 22,
      src,
      flows: 3,
      sessions: 3,
      synOnly: 0,
      packets: 900,
      bytes: 90_000,
      first: '2026-11-01T00:00:00Z',
      last: '2026-11-02T00:00:00Z',
      tcpFlags: true
    })
    const rules = [
      { protocol: 'tcp', fromPort: 22, toPort: 22, cidrs: ['0.0.0.0/0', '10.0.0.0/8'], ipv6: ['::/0'], prefixLists: [], groups: [], descriptions: { '0.0.0.0/0': 'ssh' } }
    ]
    const use = (srcs: string[]) => ({
      enis: ['eni-1'],
      flowEnis: ['eni-1'],
      adminFlows: srcs.map(flow),
      adminFlowsOverflow: { flows: 0, sessions: 0 },
      servedPorts: [],
      servedIncomplete: []
    })
    const p = planSgFix('sg-1', rules, use(['10.1.2.3', '172.20.5.10', 'fd00::5']), '2026-08-22T00:00:00Z')
    // 10.1.2.3 keeps coming in through 10.0.0.0/8, which stays
    expect(p.keep.map((k) => k.permission)).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '172.20.5.10/32', Description: 'admitted by Lastmile: seen in SSH/RDP sessions (last 2026-11-02)' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: 'fd00::5/128', Description: 'admitted by Lastmile: seen in SSH/RDP sessions (last 2026-11-02)' }] }
    ])
    expect(p.revoke.restore).toEqual([
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'ssh' }] },
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }
    ])
    const many = planSgFix('sg-1', rules, use(Array.from({ length: MAX_ADMITTED_SOURCES + 1 }, (_, i) => `172.20.6.${i + 1}`)), null)
    expect(many.tooManySources).toBe(MAX_ADMITTED_SOURCES + 1)
    expect(many.keep).toEqual([])
  })

  it('does not keep a port per scanned port: past MAX_KEPT_PORTS the list is unknown', () => {
    const udp = Array.from({ length: MAX_KEPT_PORTS + 5 }, (_, i) => ({
      eni: 'eni-1',
      protocol: 17,
      port: 1000 + i,
      sessions: 1,
      probes: 0,
      sources: 1,
      ipv4: true,
      ipv6: false,
      days: ['2026-11-01'],
      first: '2026-11-01T00:00:00Z',
      last: '2026-11-01T00:01:00Z'
    }))
    const use = { enis: ['eni-1'], flowEnis: ['eni-1'], adminFlows: [], adminFlowsOverflow: { flows: 0, sessions: 0 }, servedPorts: udp, servedIncomplete: [] }
    const p = planSgFix('sg-1', [{ protocol: '-1', fromPort: null, toPort: null, cidrs: ['0.0.0.0/0'], ipv6: [], prefixLists: [], groups: [] }], use, '2026-08-22T00:00:00Z')
    expect(p.keep).toEqual([])
    expect(p.unknown.join()).toMatch(/25 ports carried inbound traffic through rule 1 \(all traffic\).*more than 20 to keep one by one/)
    const tcp = planSgFix('sg-1', [{ protocol: 'tcp', fromPort: 0, toPort: 65535, cidrs: ['0.0.0.0/0'], ipv6: [], prefixLists: [], groups: [] }], use, '2026-08-22T00:00:00Z')
    // a TCP range rule carries no UDP: nothing of the scan is its to keep
    expect(tcp.keep).toEqual([])
    expect(tcp.unknown).toEqual([])
  })

  it('refuses to replace a wide rule when the flow logs cannot list the ports it serves', () => {
    const t = targetOf('sg-0d00000000000004')
    const inputs = sgOpenAdminPortsFix.inputs(c.db, t)
    const v = inputs.values as { use: { flowEnis: string[] } }
    const blind = { ...inputs, values: { ...inputs.values, use: { ...v.use, flowEnis: [] } } }
    expect(() => sgOpenAdminPortsFix.render({ db: c.db, target: t, plan: 'P-1', inputs: blind })).toThrow(LastmileError)
    expect(() => sgOpenAdminPortsFix.render({ db: c.db, target: t, plan: 'P-1', inputs: blind })).toThrow(
      /also serves other ports, and which of them are in use cannot be told \(no flow log in evidence for eni-/
    )
  })
})
