// The network guard (network-guard.ts, a setup file of every unit test file): a real AWS SDK call
// that no mock stands in for fails at once with an error naming the host — one attempt, no DNS
// query, no retry — and a test whose code swallows that error still fails. The loopback stays open.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { once } from 'node:events'
import dns from 'node:dns'
import http from 'node:http'
import net from 'node:net'
import { describe, expect, it } from 'vitest'
import { failOnRefused, isLoopback, NETWORK_GUARD_CODE, takeRefusedConnections } from './network-guard'

describe('the unit tests network guard', () => {
  it('fails a real AWS SDK call at its first connection, naming the host, without retrying', async () => {
    const sts = new STSClient({ region: 'eu-west-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' } })
    const err = (await sts.send(new GetCallerIdentityCommand({})).catch((e: unknown) => e)) as Error & { code?: string; $metadata?: { attempts?: number } }
    expect(err).toBeInstanceOf(Error)
    expect(err.code).toBe(NETWORK_GUARD_CODE)
    expect(err.message).toContain('sts.eu-west-3.amazonaws.com:443')
    expect(err.message).toMatch(/aws-sdk-client-mock/)
    // one connection attempt: refused before any name lookup, and the SDK does not retry it
    expect(takeRefusedConnections()).toEqual(['connect to sts.eu-west-3.amazonaws.com:443'])
    sts.destroy()
  })

  it('fails fetch, net.connect and name lookups of other hosts the same way', async () => {
    await expect(fetch('https://example.com/')).rejects.toThrow(/fetch failed/)
    const sock = net.connect(443, '203.0.113.7')
    const [error] = (await once(sock, 'error')) as [Error & { code?: string }]
    expect(error.code).toBe(NETWORK_GUARD_CODE)
    await expect(dns.promises.lookup('login.microsoftonline.com')).rejects.toMatchObject({ code: NETWORK_GUARD_CODE })
    const looked = await new Promise<Error | null>((resolve) => dns.lookup('management.azure.com', (e) => resolve(e)))
    expect(looked?.message).toMatch(/network guard: .*look up management\.azure\.com/)
    expect(takeRefusedConnections()).toEqual(['connect to example.com:443', 'connect to 203.0.113.7:443', 'look up login.microsoftonline.com', 'look up management.azure.com'])
  })

  it('fails the test even when the code under test swallows the error (a collector recording a gap)', async () => {
    const gaps: string[] = []
    const sts = new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'not-a-secret' } })
    await sts.send(new GetCallerIdentityCommand({})).catch((e: Error) => gaps.push(e.message))
    sts.destroy()
    expect(gaps).toHaveLength(1)
    // what the guard's afterEach does after every test
    expect(() => failOnRefused('"a collect test"')).toThrow(/network guard: "a collect test" tried to reach beyond this machine \(connect to sts\.us-east-1\.amazonaws\.com:443\)/)
    expect(takeRefusedConnections()).toEqual([])
  })

  it('lets the loopback through: 127.0.0.1, ::1 and localhost', async () => {
    const server = http.createServer((_req, res) => res.end('local'))
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as net.AddressInfo
    for (const host of ['127.0.0.1', 'localhost']) expect(await (await fetch(`http://${host}:${port}/`)).text()).toBe('local')
    server.close()
    expect(['127.0.0.1', '127.1.2.3', '::1', '[::1]', '::ffff:127.0.0.1', 'localhost', 'LOCALHOST', 's3.localhost'].every(isLoopback)).toBe(true)
    expect(['10.0.0.1', '169.254.169.254', '::ffff:10.0.0.1', 'fe80::1', 's3.amazonaws.com', 'localhost.example.com', '0.0.0.0'].some(isLoopback)).toBe(false)
    expect(takeRefusedConnections()).toEqual([])
  })
})
