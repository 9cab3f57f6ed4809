// A local AWS for running the generated scripts for real: moto's server (test/emulator/moto_server.py,
// on 127.0.0.1 and a free port) and the AWS CLI pointed at it through the environment only — the
// scripts are run exactly as written.
//
// - AWS_ENDPOINT_URL sends every service to moto. S3 Control's endpoint rules put the account id in
//   front of the host (`111122223333.127.0.0.1`), which resolves nowhere: an HTTP proxy in this
//   process (HTTP_PROXY) takes every request and forwards it to moto unchanged, Host header included.
// - Each account is entered with sts:AssumeRole into `arn:aws:iam::ACCOUNT:role/...`: moto maps
//   the returned keys to that account, so the scripts' caller-account check sees the plan's account.
// - `aws` on PATH is a small bash client that records each call's arguments (the guardrail checks
//   use the calls the scripts really made), then has the real AWS CLI run it in a warm CLI.
//
// The warm CLI (test/emulator/warm_cli.py, one per emulator). A fresh `aws` costs ~0.5–1 s of CPU:
// pyenv's shim, then a Python that imports awscli/botocore and parses the service models — for
// every call, and a fixture's fix, rollback, seed and snapshot make dozens. The warm CLI is the real
// CLI's own Python (the interpreter its entry script names, found through `pyenv which aws`) with
// awscli/botocore imported and the models the harness uses parsed once; each call is a fork of it
// that runs the CLI's entry script itself (runpy) with the call's arguments, environment, working
// directory and umask, writing to the call's own stdin/stdout/stderr, which the server takes from
// the client process with pidfd_getfd — so argument parsing, botocore, `--query`/`--output`,
// file:// paths, stdin, binary output, stderr and exit status are the real CLI's, byte for byte.
// What a fork shares, and why that changes nothing, is in warm_cli.py's header. The client is bash
// (its start costs ~2 ms): it saves its stdin/stdout/stderr as fds 4-6 (bash points 0-2 at the
// socket while it writes the request), connects over /dev/tcp to 127.0.0.1 with a per-emulator
// token, sends its pid and arguments, and exits with the status the server sends back. Calls run
// concurrently (one fork each). A call costs ~60–100 ms of CPU instead of ~600 ms. If the warm CLI
// does not start or does not answer `aws --version`, startEmulator throws: there is no fallback to
// the cold CLI, and a call whose LANG or PYTHON* variables differ from the server's (read by Python
// only at start) is refused with a message rather than run differently. Both servers exit when
// stop() ends them or when this process goes away (their stdin, a pipe from here, closes).
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
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
  /** what it has cost so far: `aws` calls made (the scripts' and the harness's), CPU seconds of the warm CLI (every call's fork included) and of moto */
  usage(): { calls: number; cliCpu: number; motoCpu: number }
  stop(): Promise<void>
}

/** The real AWS CLI on PATH: its entry script and the Python that runs it (through the pyenv shim when `aws` is one). */
export function realAwsCli(): { script: string; python: string } {
  const sh = (cmd: string) => spawnSync('bash', ['-c', cmd], { encoding: 'utf8' })
  const onPath = sh('command -v aws').stdout.trim()
  if (!onPath) throw new Error('the AWS CLI (aws) is not on PATH')
  const firstLine = (file: string) => readFileSync(file, 'utf8').split('\n', 1)[0]
  let script = onPath
  if (/pyenv/.test(readFileSync(onPath, 'utf8').slice(0, 2000)) && !/python/.test(firstLine(onPath))) {
    const r = sh('pyenv which aws')
    if (r.status !== 0) throw new Error(`${onPath} is a pyenv shim and \`pyenv which aws\` failed: ${r.stderr.trim()}`)
    script = r.stdout.trim()
  }
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(firstLine(script))
  let python = shebang && /python[\d.]*$/.test(shebang[1]) ? shebang[1] : null
  if (shebang && /\/env$/.test(shebang[1]) && shebang[2] && /^python[\d.]*$/.test(shebang[2])) python = sh(`command -v ${shebang[2]}`).stdout.trim() || null
  if (!python) throw new Error(`${script} (the AWS CLI) does not start with a Python shebang: ${firstLine(script)}`)
  return { script, python }
}

/** the CLI commands whose models the warm CLI parses before the first call (others it learns on first use) */
const WARM_SERVICES = ['sts', 'ec2', 's3api', 'cloudfront']

/** Start a process and wait for its "port N" line; its stderr (last 4000 characters) in the error if it exits first. */
async function startListening(what: string, command: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  // stdin stays open: the process exits when it closes, so it cannot outlive this one
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000)
  })
  const port = await new Promise<number>((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new Error(`${what} did not start in 60 s: ${stderr}`)), 60_000)
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^port (\d+)$/m.exec(out)
      if (m) {
        clearTimeout(timer)
        resolve(Number(m[1]))
      }
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`${what} exited (${code}): ${stderr}`))
    })
  })
  return { child, port }
}

/** CPU seconds of a process and of the children it has waited for (Linux /proc, 100 ticks a second) */
function cpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
      .replace(/^.*\) /s, '')
      .split(' ')
    return fields.slice(11, 15).reduce((sum, f) => sum + Number(f), 0) / 100
  } catch {
    return NaN
  }
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  await gone
}

export interface WarmAws {
  /**
   * Write an `aws` client at `file`. With `log`, each call's arguments are appended to it first: the
   * arguments separated by US (0x1f), ended by RS (0x1e). With `pinEndpoints`, a call to a service
   * AWS CLI v1 sends to a fixed HTTPS endpoint in some Regions, whatever AWS_ENDPOINT_URL says (RDS
   * in us-east-1 to https://rds.amazonaws.com: awscli/customizations/overridesslcommonname.py), is
   * given `--endpoint-url "$AWS_ENDPOINT_URL"` — after being recorded as written.
   */
  writeClient(file: string, opts?: { log?: string; pinEndpoints?: boolean }): void
  /** CPU seconds it has used, every call's fork included */
  cpu(): number
  stop(): Promise<void>
}

/**
 * Start a warm AWS CLI (warm_cli.py; see this file's header). `env` is its environment, and its
 * LANG, LC_ALL, LC_CTYPE, TZ and PYTHON* variables must be those of every call made to it (Python
 * reads them only at start: the server refuses a call whose differ). Throws when it does not start
 * or does not answer `aws --version` through a client.
 */
export async function startWarmAws(env: NodeJS.ProcessEnv): Promise<WarmAws> {
  const cli = realAwsCli()
  const token = randomBytes(16).toString('hex')
  const { child, port } = await startListening(
    'the warm AWS CLI (test/emulator/warm_cli.py)',
    cli.python,
    [join(__dirname, 'warm_cli.py'), cli.script, token, ...WARM_SERVICES],
    env
  )
  const bash = spawnSync('bash', ['-c', 'command -v bash'], { encoding: 'utf8' }).stdout.trim()
  const warm: WarmAws = {
    writeClient(file, opts = {}) {
      const lines = [
        `#!${bash}`,
        ...(opts.log ? [`{ printf '%s\\037' "$@"; printf '\\036'; } >> ${JSON.stringify(opts.log)}`] : []),
        ...(opts.pinEndpoints ? [`case "\${1:-}" in ${PINNED_ENDPOINT_SERVICES.join('|')}) set -- --endpoint-url "$AWS_ENDPOINT_URL" "$@" ;; esac`] : []),
        // the server takes the call's stdin, stdout and stderr from fds 4, 5, 6: bash points 0-2 at the socket while printf writes to it
        `{ exec 4<&0; } 2>/dev/null; { exec 5>&1; } 2>/dev/null; exec 6>&2`,
        `exec 3<>/dev/tcp/127.0.0.1/${port} || { echo 'aws: the warm AWS CLI (test/emulator/warm_cli.py) is not listening on 127.0.0.1:${port}' >&2; exit 255; }`,
        `printf '%s %s %s\\n' ${token} $$ $# >&3`,
        `(($#)) && printf '%s\\0' "$@" >&3`,
        `read -r -u 3 rc`,
        `case "$rc" in ''|*[!0-9]*) echo "aws: \${rc:-the warm AWS CLI (test/emulator/warm_cli.py) closed without an exit status}" >&2; exit 255 ;; esac`,
        `exit "$rc"`,
        ''
      ]
      writeFileSync(file, lines.join('\n'), { mode: 0o755 })
    },
    cpu: () => cpuSeconds(child.pid),
    stop: () => stopChild(child)
  }
  // it answers, or the caller stops here: no fallback to the cold CLI
  const dir = mkdtempSync(join(tmpdir(), 'lm-warm-aws-'))
  try {
    warm.writeClient(join(dir, 'aws'))
    const version = await run(join(dir, 'aws'), ['--version'], { env }).catch((e: { stderr?: string; message: string }) => ({ stdout: '', stderr: e.stderr || e.message }))
    if (!/^aws-cli\//.test(version.stdout)) throw new Error(`the warm AWS CLI (test/emulator/warm_cli.py) does not answer \`aws --version\`: ${version.stderr.trim()}`)
  } catch (e) {
    await stopChild(child)
    throw e
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return warm
}

export async function startEmulator(): Promise<Emulator> {
  const dir = mkdtempSync(join(tmpdir(), 'lm-emulator-'))
  const idsFile = join(dir, 'ids.json')
  writeFileSync(idsFile, '{}')
  const config = join(dir, 'aws-config')
  writeFileSync(config, '[default]\nregion = us-east-1\noutput = json\ns3 =\n  addressing_style = path\n')
  // what the CLI reads at start the same for the warm CLI and every call (warm_cli.py refuses a call whose LANG/PYTHON* differ)
  const common: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: dir,
    LANG: 'C.UTF-8',
    AWS_CONFIG_FILE: config,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'no-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: ''
  }
  const [motoStart, warmStart] = await Promise.allSettled([
    startListening('moto', 'python3', [join(__dirname, 'moto_server.py')], { ...process.env, LASTMILE_MOTO_IDS: idsFile }),
    startWarmAws(common)
  ])
  if (motoStart.status === 'rejected' || warmStart.status === 'rejected') {
    await Promise.all([motoStart.status === 'fulfilled' && stopChild(motoStart.value.child), warmStart.status === 'fulfilled' && warmStart.value.stop()])
    rmSync(dir, { recursive: true, force: true })
    throw motoStart.status === 'rejected' ? motoStart.reason : (warmStart as PromiseRejectedResult).reason
  }
  const moto = motoStart.value
  const warm = warmStart.value
  const port = moto.port

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

  const bin = join(dir, 'bin')
  const log = join(dir, 'aws-calls.log')
  mkdirSync(bin)
  // `aws`: a client of the warm CLI, recording each call (the harness's own calls, seed and snapshot, use one that does not)
  warm.writeClient(join(bin, 'aws'), { log, pinEndpoints: true })
  const harnessAws = join(dir, 'aws-unrecorded')
  warm.writeClient(harnessAws, { pinEndpoints: true })
  writeFileSync(log, '')

  const base: NodeJS.ProcessEnv = {
    ...common,
    PATH: `${bin}:${process.env.PATH}`,
    AWS_ENDPOINT_URL: `http://127.0.0.1:${port}`,
    AWS_DEFAULT_REGION: 'us-east-1',
    HTTP_PROXY: `http://127.0.0.1:${proxyPort}`,
    http_proxy: `http://127.0.0.1:${proxyPort}`,
    NO_PROXY: '',
    no_proxy: ''
  }

  let calls = 0
  const awsRaw = async (env: NodeJS.ProcessEnv, args: string[]): Promise<unknown> => {
    calls++
    const { stdout } = await run(harnessAws, [...args, '--output', 'json'], { env, maxBuffer: 16 * 1024 * 1024 })
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
      const taken = text
        .split('\x1e')
        .filter((r) => r !== '')
        .map((r) => ({ args: r.split('\x1f').slice(0, -1) }))
      calls += taken.length
      return taken
    },
    usage() {
      return { calls, cliCpu: warm.cpu(), motoCpu: cpuSeconds(moto.child.pid) }
    },
    async stop() {
      await Promise.all([new Promise<void>((resolve) => proxy.close(() => resolve())), stopChild(moto.child), warm.stop()])
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
