// aws.elb.tls-listeners in the emulator harness (test/emulator/fixes-in-emulator.test.ts): a Classic
// Load Balancer named as in the evidence, with each plain listener the fix deletes and its HTTPS/SSL
// counterpart (an ACM certificate), is created. Its listeners are read back; the state is fixed when
// the evaluator reads none as plain.
import type { ControlHarness } from '../../test/emulator/emulator'
import type { ClassicLoadBalancer } from '../../main/semantics/load-balancer'
import { tlsListenersVerdict } from './evaluate'

interface Seeded {
  protocol: string
  port: number
  instancePort: number
  secure: string
}

export const harness: ControlHarness = {
  async seed(emu, env, v) {
    const region = String(v.region)
    const cert = ((await emu.aws(env, ['acm', 'request-certificate', '--region', region, '--domain-name', 'legacy.example.com'])) as { CertificateArn: string }).CertificateArn
    const listeners = (v.listeners as Seeded[]).flatMap((l) => {
      const [secureProtocol, securePort] = l.secure.split(' ')[0].split(':')
      return [
        { Protocol: l.protocol, LoadBalancerPort: l.port, InstanceProtocol: l.protocol, InstancePort: l.instancePort },
        { Protocol: secureProtocol, LoadBalancerPort: Number(securePort), InstanceProtocol: l.protocol, InstancePort: l.instancePort, SSLCertificateId: cert }
      ]
    })
    await emu.aws(env, [
      'elb',
      'create-load-balancer',
      '--region',
      region,
      '--load-balancer-name',
      String(v.name),
      '--listeners',
      JSON.stringify(listeners),
      '--availability-zones',
      `${region}a`
    ])
  },
  async snapshot(emu, env, v) {
    const r = (await emu.aws(env, ['elb', 'describe-load-balancers', '--region', String(v.region), '--load-balancer-names', String(v.name)])) as {
      LoadBalancerDescriptions: Array<{
        ListenerDescriptions: Array<{ Listener: { Protocol: string; LoadBalancerPort: number; InstanceProtocol?: string; InstancePort: number } }>
      }>
    }
    return r.LoadBalancerDescriptions[0].ListenerDescriptions.map((d) => ({
      Protocol: d.Listener.Protocol,
      LoadBalancerPort: d.Listener.LoadBalancerPort,
      InstanceProtocol: d.Listener.InstanceProtocol,
      InstancePort: d.Listener.InstancePort
    })).sort((a, b) => a.LoadBalancerPort - b.LoadBalancerPort)
  },
  notFixed(state, v) {
    const lb = {
      LoadBalancerName: String(v.name),
      ListenerDescriptions: (state as Array<{ Protocol: string; LoadBalancerPort: number; InstancePort: number }>).map((Listener) => ({ Listener }))
    }
    const verdict = tlsListenersVerdict(lb as ClassicLoadBalancer)
    return verdict.status === 'PASS' ? null : verdict.reason
  }
}
