// aws.elbv2.http-redirect in the emulator harness (test/emulator/fixes-in-emulator.test.ts): an
// Application Load Balancer named as in the evidence, with an HTTP listener on each port the fix
// changes (forwarding to a target group) and an HTTPS listener on 443 with an ACM certificate, is
// created in a VPC of two subnets. The HTTP listeners' default actions are read back; the state is
// fixed when each is a redirect to HTTPS on 443, as the evaluator reads it.
import type { ControlHarness } from '../../test/emulator/emulator'
import type { Elbv2Listener } from '../../main/semantics/load-balancer'
import { httpRedirectVerdict } from './evaluate'

interface Listener {
  Port: number
  Protocol: string
  ListenerArn: string
  DefaultActions: Array<Record<string, unknown>>
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const region = String(v.region)
    const aws = (args: string[]) => emu.aws(env, [...args.slice(0, 2), '--region', region, ...args.slice(2)])
    const vpc = ((await aws(['ec2', 'create-vpc', '--cidr-block', '10.0.0.0/16'])) as { Vpc: { VpcId: string } }).Vpc.VpcId
    const subnets: string[] = []
    for (const [i, az] of ['a', 'b'].entries()) {
      const s = (await aws(['ec2', 'create-subnet', '--vpc-id', vpc, '--cidr-block', `10.0.${i}.0/24`, '--availability-zone', `${region}${az}`])) as {
        Subnet: { SubnetId: string }
      }
      subnets.push(s.Subnet.SubnetId)
    }
    const lb = ((await aws(['elbv2', 'create-load-balancer', '--name', String(v.name), '--subnets', ...subnets])) as { LoadBalancers: Array<{ LoadBalancerArn: string }> })
      .LoadBalancers[0].LoadBalancerArn
    const tg = (
      (await aws(['elbv2', 'create-target-group', '--name', 'web', '--protocol', 'HTTP', '--port', '8080', '--vpc-id', vpc])) as { TargetGroups: Array<{ TargetGroupArn: string }> }
    ).TargetGroups[0].TargetGroupArn
    const cert = ((await aws(['acm', 'request-certificate', '--domain-name', 'shop.example.com'])) as { CertificateArn: string }).CertificateArn
    const forward = JSON.stringify([{ Type: 'forward', TargetGroupArn: tg }])
    for (const port of v.ports as number[])
      await aws(['elbv2', 'create-listener', '--load-balancer-arn', lb, '--protocol', 'HTTP', '--port', String(port), '--default-actions', forward])
    await aws([
      'elbv2',
      'create-listener',
      '--load-balancer-arn',
      lb,
      '--protocol',
      'HTTPS',
      '--port',
      '443',
      '--certificates',
      `CertificateArn=${cert}`,
      '--default-actions',
      forward
    ])
  },
  async snapshot(emu, env, v) {
    const region = String(v.region)
    const lb = ((await emu.aws(env, ['elbv2', 'describe-load-balancers', '--region', region, '--names', String(v.name)])) as { LoadBalancers: Array<{ LoadBalancerArn: string }> })
      .LoadBalancers[0].LoadBalancerArn
    const r = (await emu.aws(env, ['elbv2', 'describe-listeners', '--region', region, '--load-balancer-arn', lb])) as { Listeners: Listener[] }
    return r.Listeners.filter((l) => l.Protocol === 'HTTP')
      .sort((a, b) => a.Port - b.Port)
      .map((l) => ({ Port: l.Port, Protocol: l.Protocol, DefaultActions: l.DefaultActions }))
  },
  notFixed(state, v) {
    const listeners = (state as Array<Omit<Listener, 'ListenerArn'>>).map((l) => ({ ...l, ListenerArn: `listener-${l.Port}`, Rules: [] })) as unknown as Elbv2Listener[]
    const verdict = httpRedirectVerdict({ LoadBalancerName: String(v.name), Type: 'application', Listeners: listeners })
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
