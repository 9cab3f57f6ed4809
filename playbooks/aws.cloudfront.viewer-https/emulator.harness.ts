// aws.cloudfront.viewer-https in the emulator harness (test/emulator/fixes-in-emulator.test.ts): a
// distribution with the id the evidence names (moto_server.py takes it) whose behaviours the fix
// changes allow plain HTTP, beside an ordered behaviour that already refuses it (which neither script
// may touch). The state is every behaviour's ViewerProtocolPolicy read back with
// get-distribution-config; fixed when none is allow-all. One call to seed, one per snapshot.

import type { ControlHarness } from '../../test/emulator/emulator'

interface Values {
  id: string
  paths: string[]
}

const behaviour = (policy: string, path?: string) => ({
  ...(path ? { PathPattern: path } : {}),
  TargetOriginId: 'origin',
  ViewerProtocolPolicy: policy,
  ForwardedValues: { QueryString: false, Cookies: { Forward: 'none' } },
  MinTTL: 0
})

export const harness: ControlHarness = {
  async seed(emu, env, raw) {
    const v = raw as unknown as Values
    emu.want({ 'cloudfront-distribution': [v.id] })
    const ordered = [...v.paths.filter((p) => p !== '*').map((p) => behaviour('allow-all', p)), behaviour('https-only', '/kept/*')]
    const config = {
      CallerReference: `lastmile-${v.id}`,
      Comment: v.id,
      Enabled: true,
      Origins: {
        Quantity: 1,
        Items: [{ Id: 'origin', DomainName: 'origin.example.com', CustomOriginConfig: { HTTPPort: 80, HTTPSPort: 443, OriginProtocolPolicy: 'https-only' } }]
      },
      DefaultCacheBehavior: behaviour(v.paths.includes('*') ? 'allow-all' : 'redirect-to-https'),
      CacheBehaviors: { Quantity: ordered.length, Items: ordered }
    }
    await emu.aws(env, ['cloudfront', 'create-distribution', '--distribution-config', JSON.stringify(config)])
  },
  async snapshot(emu, env, raw) {
    const v = raw as unknown as Values
    const r = (await emu.aws(env, ['cloudfront', 'get-distribution-config', '--id', v.id])) as {
      DistributionConfig: { DefaultCacheBehavior: { ViewerProtocolPolicy: string }; CacheBehaviors?: { Items?: Array<{ PathPattern: string; ViewerProtocolPolicy: string }> } }
    }
    const c = r.DistributionConfig
    return { '*': c.DefaultCacheBehavior.ViewerProtocolPolicy, ...Object.fromEntries((c.CacheBehaviors?.Items ?? []).map((b) => [b.PathPattern, b.ViewerProtocolPolicy])) }
  },
  notFixed(state) {
    const open = Object.entries(state as Record<string, string>).filter(([, p]) => p === 'allow-all')
    return open.length ? `${open.map(([path]) => path).join(', ')} still allow plain HTTP` : null
  }
}
