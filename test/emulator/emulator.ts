// A local AWS for running the generated scripts for real: moto's server (test/emulator/moto_server.py,
// on 127.0.0.1 and a free port) and the AWS CLI pointed at it through the environment only — the
// scripts are run exactly as written.
//
// - AWS_ENDPOINT_URL sends every service to moto. S3 Control's endpoint rules put the account id in
//   front of the host (`111122223333.127.0.0.1`), which resolves nowhere: an HTTP proxy in this
//   process (HTTP_PROXY) takes every request and forwards it to moto unchanged, Host header included.
// - Each account is entered with sts:AssumeRole into `arn:aws:iam::ACCOUNT:role/...`: moto maps
//   the returned keys to that account, so the scripts' caller-account check sees the plan's account.
// - `aws` on PATH is a wrapper that records each call's arguments, then runs the real CLI: the
//   guardrail checks use the calls the scripts really made.
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** services AWS CLI v1 pins to a fixed endpoint in some Regions, whatever AWS_ENDPOINT_URL says */
const PINNED_ENDPOINT_SERVICES = ['rds', 'docdb', 'neptune', 'sqs', 'emr', 'health']

/** What the harness needs on the machine (the machine image has them), or the sentence why not. */
export function emulatorMissing(): string | null {
  for (const [tool, args] of [
    ['aws', ['--version']],
    ['jq', ['--version']],
    ['python3', ['-c', 'import moto.server, werkzeug']]
  ] as const) {
    const r = spawnSync(tool, args, { encoding: 'utf8' })
    if (r.status !== 0) return `${tool} ${args.join(' ')} failed: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`
  }
  return null
}

export interface AwsCall {
  args: string[]
}

export interface Emulator {
  /** environment for `aws` and the scripts, signed in to `account` */
  envFor(account: string, roleName?: string): Promise<NodeJS.ProcessEnv>
  /** run `aws` with that environment; JSON output parsed, null on an empty answer */
  aws(env: NodeJS.ProcessEnv, args: string[]): Promise<unknown>
  /** the same, resolving to null when the call fails (a resource with no policy, no block…) */
  awsOrNull(env: NodeJS.ProcessEnv, args: string[]): Promise<unknown>
  /** the ids/timestamps the next creations take (see moto_server.py) */
  want(values: Record<string, string[]>): void
  /** moto's reset API: every account and Region empty again */
  reset(): Promise<void>
  /** the `aws` calls recorded since the last take */
  takeCalls(): AwsCall[]
  stop(): Promise<void>
}

export async function startEmulator(): Promise<Emulator> {
  const dir = mkdtempSync(join(tmpdir(), 'lm-emulator-'))
  const idsFile = join(dir, 'ids.json')
  writeFileSync(idsFile, '{}')
  const moto: ChildProcess = spawn('python3', [join(__dirname, 'moto_server.py')], { env: { ...process.env, LASTMILE_MOTO_IDS: idsFile }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  moto.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`moto did not start in 30 s: ${stderr}`)), 30_000)
    moto.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^port (\d+)$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    moto.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`moto exited (${code}): ${stderr}`))
    })
  })

  // Forward every proxied request to moto as it came (an absolute URI in the request line).
  const proxy = http.createServer((req, res) => {
    const path = (req.url ?? '/').replace(/^[a-z]+:\/\/[^/]*/i, '') || '/'
    const up = http.request({ host: '127.0.0.1', port, method: req.method, path, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers)
      r.pipe(res)
    })
    up.on('error', (e) => {
      res.writeHead(502)
      res.end(String(e))
    })
    req.pipe(up)
  })
  const proxyPort = await new Promise<number>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve((proxy.address() as { port: number }).port)))

  const realAws = spawnSync('bash', ['-c', 'command -v aws'], { encoding: 'utf8' }).stdout.trim()
  const bin = join(dir, 'bin')
  const log = join(dir, 'aws-calls.log')
  spawnSync('mkdir', ['-p', bin])
  // one record per call: the arguments separated by US (0x1f), ended by RS (0x1e)
  // AWS CLI v1 sends these services to a fixed HTTPS endpoint in some Regions (RDS in us-east-1 to
  // https://rds.amazonaws.com: awscli/customizations/overridesslcommonname.py) unless --endpoint-url
  // is given, ignoring AWS_ENDPOINT_URL: the wrapper gives it, after recording the call as written
  writeFileSync(
    join(bin, 'aws'),
    `#!/usr/bin/env bash\n{ printf '%s\\037' "$@"; printf '\\036'; } >> ${JSON.stringify(log)}\ncase "\${1:-}" in ${PINNED_ENDPOINT_SERVICES.join('|')}) set -- --endpoint-url "$AWS_ENDPOINT_URL" "$@" ;; esac\nexec ${JSON.stringify(realAws)} "$@"\n`
  )
  chmodSync(join(bin, 'aws'), 0o755)
  writeFileSync(log, '')
  const config = join(dir, 'aws-config')
  writeFileSync(config, '[default]\nregion = us-east-1\noutput = json\ns3 =\n  addressing_style = path\n')

  const base: NodeJS.ProcessEnv = {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_DEFAULT_REGION: 'us-east-1',
    HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
    http_proxy: `http://127.0.0.1:${proxyPort}`,
    NO_PROXY: '',
    no_proxy: '',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: ''
  }

  const awsRaw = async (env: NodeJS.ProcessEnv, args: string[]): Promise<unknown> => {
    const pinned = PINNED_ENDPOINT_SERVICES.includes(args[0]) ? ['--endpoint-url', String(env.AWS_ENDPOINT_URL)] : []
    const { stdout } = await run(realAws, [...pinned, ...args, '--output', 'json'], { env, maxBuffer: 16 * 1024 * 1024 })
    return stdout.trim() ? JSON.parse(stdout) : null
  }

  return {
    async envFor(account, roleName = 'lastmile-harness') {
      const creds = (await awsRaw({ ...base, AWS_ACCESS_KEY_ID: 'harness', AWS_SECRET_ACCESS_KEY: 'harness' }, [
        'sts',
        'assume-role',
        '--role-arn',
        `arn:aws:iam::${account}:role/${roleName}`,
        '--role-session-name',
        'lastmile-harness'
      ])) as { Credentials: { AccessKeyId: string; SecretAccessKey: string; SessionToken: string } }
      return {
        ...base,
        AWS_ACCESS_KEY_ID: creds.Credentials.AccessKeyId,
        AWS_SECRET_ACCESS_KEY: creds.Credentials.SecretAccessKey,
        AWS_SESSION_TOKEN: creds.Credentials.SessionToken
      }
    },
    aws: awsRaw,
    async awsOrNull(env, args) {
      try {
        return await awsRaw(env, args)
      } catch {
        return null
      }
    },
    want(values) {
      writeFileSync(idsFile, JSON.stringify(values))
    },
    async reset() {
      await new Promise<void>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/moto-api/reset' }, (r) => {
          r.resume()
          r.on('end', () => (r.statusCode === 200 ? resolve() : reject(new Error(`moto reset: HTTP ${r.statusCode}`))))
        })
        req.on('error', reject)
        req.end()
      })
      writeFileSync(idsFile, '{}')
    },
    takeCalls() {
      const text = readFileSync(log, 'utf8')
      writeFileSync(log, '')
      return text
        .split('\x1e')
        .filter((r) => r !== '')
        .map((r) => ({ args: r.split('\x1f').slice(0, -1) }))
    },
    async stop() {
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
      if (moto.exitCode === null) {
        const gone = new Promise<void>((resolve) => moto.once('exit', () => resolve()))
        moto.kill('SIGTERM')
        await gone
      }
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

/**
 * Per AWS control with fixes: how to put into the emulator the state a fix was computed from (the
 * fix's own inputs, read from the evidence), how to read that resource's state back, and what
 * "fixed" means. A control folder gives its own as playbooks/<id>/emulator.harness.ts (export
 * `harness`); a control with plans but none fails the harness, so new fixes cannot go unrun.
 */
export interface ControlHarness {
  seed(emu: Emulator, env: NodeJS.ProcessEnv, v: Record<string, unknown>): Promise<void>
  /** the resource's state, as comparable JSON */
  snapshot(emu: Emulator, env: NodeJS.ProcessEnv, v: Record<string, unknown>): Promise<unknown>
  /** why the state is not fixed, or null */
  notFixed(state: unknown, v: Record<string, unknown>): string | null
}
