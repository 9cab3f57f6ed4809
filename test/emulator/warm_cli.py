# A warm AWS CLI: the real `aws` script run in a child forked from a Python that has already imported
# awscli/botocore and parsed the service models, so a call costs a fork instead of a Python start.
#
#   python warm_cli.py AWS_SCRIPT TOKEN [SERVICE...]
#
# AWS_SCRIPT is the real CLI's entry script (its shebang names this interpreter); SERVICE... are
# service models to parse before the first call. Listens on 127.0.0.1 and a free port, printed as
# "port N" once it listens. The client (emulator.ts writes it: a few lines of bash, `aws` on PATH)
# connects and sends "TOKEN PID COUNT\n" then its COUNT arguments, each ended by NUL, and reads back
# one line: the exit status. Everything else comes from the client process itself, PID:
#
# - its stdin, stdout and stderr are taken with pidfd_getfd (the very pipes, files or terminal, as
#   dup() would give them), so output is written straight where the real CLI would write it, binary
#   safe and streamed, and stdin is read only if and as far as the CLI reads it (Linux 5.6 or later,
#   and the right to ptrace the client: the same user where Yama's ptrace_scope is 0 or absent, or
#   CAP_SYS_PTRACE — otherwise every call fails with pidfd_getfd's error, and the harness stops at
#   its `aws --version` check);
# - its environment (/proc/PID/environ: what `aws` was started with), working directory
#   (/proc/PID/cwd) and umask.
#
# Per request: the server forks a handler (the server never blocks on a request), which forks the
# CLI process proper, waits for it and reports its exit status (128+N when killed by signal N).
# The CLI process sets sys.argv, the environment, cwd and fresh sys.std* on the client's streams,
# then runs AWS_SCRIPT itself (runpy, as `python AWS_SCRIPT args` would) and exits as Python would
# (non-daemon threads joined, atexit handlers, streams flushed).
#
# What is shared: imported modules, the list of services that have data files (Loader.
# list_available_services, by folders searched), and the parsed JSON of botocore's data files
# (service models, endpoints, paginators...), memoised by JSONFileLoader.load_file's path. Each file's parsed object
# is handed out once per CLI process (a second load of the same file in one process reads it from
# disk, as before), so any mutation botocore makes stays in that process. Files and modules a CLI
# process had to load itself are reported back (a pipe to the server) and loaded by the server for
# the next calls. Not taken from the client: the locale and PYTHON* variables that Python reads only
# at start (the server starts with the harness's own, LANG=C.UTF-8).
import atexit
import ctypes
import gc
import importlib
import io
import os
import runpy
import select
import signal
import socket
import sys
import threading
import time

AWS_SCRIPT, TOKEN, *PRELOAD = sys.argv[1:]
# what Python reads from the environment only at start: a client must have the same
_AT_START = {k: v for k, v in os.environ.items() if k in ("LANG", "LC_ALL", "LC_CTYPE", "TZ") or k.startswith("PYTHON")}

import awscli.clidriver  # noqa: E402  (what the script imports, and every handler it registers)
import awscli.handlers  # noqa: E402,F401
import botocore.loaders  # noqa: E402
import botocore.session  # noqa: E402

import botocore.compat  # noqa: E402
import botocore.hooks  # noqa: E402

# Two pure functions that every call's plugin set-up repeats for each of the ~400 handlers the CLI
# registers (~40% of a call's CPU, profiled with cProfile in the CLI processes): an event name's
# alias, which botocore memoises per emitter (so per call, each call making a new session), and
# whether a handler accepts **kwargs (inspect.getfullargspec). Here both are memoised in the server,
# for every emitter with the same alias table and for every handler function, and the forks inherit
# what the server's preload computed: the same inputs give the same answers. (What is not repeated:
# botocore's debug log line for an aliased name, which it also skips when its own memo answers.)
_alias_memos = {}  # alias table (as items) -> {event name: aliased name}
_real_aliaser_init = botocore.hooks.EventAliaser.__init__


def _aliaser_init(self, event_emitter, event_aliases=None):
    _real_aliaser_init(self, event_emitter, event_aliases)
    self._alias_name_cache = _alias_memos.setdefault(tuple(self._event_aliases.items()), {})


botocore.hooks.EventAliaser.__init__ = _aliaser_init

_real_accepts_kwargs = botocore.compat.accepts_kwargs
_accepts = {}  # handler function (a bound method's function) -> accepts **kwargs


def _accepts_kwargs(func):
    key = getattr(func, "__func__", func)
    try:
        return _accepts[key]
    except KeyError:
        pass
    except TypeError:  # not hashable: asked every time
        return _real_accepts_kwargs(func)
    answer = _accepts[key] = _real_accepts_kwargs(func)
    return answer


botocore.hooks.accepts_kwargs = _accepts_kwargs

_libc = ctypes.CDLL(None, use_errno=True)
_SYS_PIDFD_GETFD = 438

_real_load_file = botocore.loaders.JSONFileLoader.load_file
_parsed = {}  # path (without extension) -> parsed JSON, pristine
_fresh = set()  # in a CLI process: files it read itself
_learn_r, _learn_w = os.pipe()


def _load_file(self, file_path):
    data = _parsed.pop(file_path, None)
    if data is None:
        data = _real_load_file(self, file_path)
        if data is not None:
            _fresh.add(file_path)
    return data


botocore.loaders.JSONFileLoader.load_file = _load_file

# Which services have data files: a walk of every data folder (thousands of stat calls) that every
# call makes, the same for the same folders. Done once, by the server's preload (a CLI process that
# looks in other folders walks them itself).
_real_list_available_services = botocore.loaders.Loader.list_available_services
_services = {}  # (search paths, type name) -> sorted service names


def _list_available_services(self, type_name):
    key = (tuple(self.search_paths), type_name)
    if key not in _services:
        _services[key] = tuple(_real_list_available_services(self, type_name))
    return list(_services[key])


botocore.loaders.Loader.list_available_services = _list_available_services


def _learn(path):
    if path not in _parsed:
        data = _real_load_file(botocore.loaders.JSONFileLoader(), path)
        if data is not None:
            _parsed[path] = data


def _preload(services):
    # a session of the server's own, only to find and parse the files a call to these services reads
    saved = dict(_parsed)
    _fresh.clear()
    driver = awscli.clidriver.create_clidriver()
    table = driver._get_command_table()
    session = driver.session
    session.get_component("endpoint_resolver")
    loader = session.get_component("data_loader")
    for name in services:
        # a command name (s3api, s3, ec2...); its service model where it is a service's name
        for kind in ("service-2", "paginators-1", "waiters-2", "endpoint-rule-set-1"):
            try:
                loader.load_service_model(name, kind)
            except Exception:
                pass
        build = getattr(table.get(name), "_get_command_table", None)
        if build is not None:
            build()
    _parsed.clear()
    _parsed.update(saved)
    for path in sorted(_fresh):
        _learn(path)
    _fresh.clear()


def _getfd(pidfd, fd):
    got = _libc.syscall(_SYS_PIDFD_GETFD, pidfd, fd, 0)
    if got < 0:
        err = ctypes.get_errno()
        if err == 9:  # EBADF: the client has no such descriptor; the CLI gets none either
            return None
        raise OSError(err, f"pidfd_getfd(fd {fd}): {os.strerror(err)}")
    return got


def _read_request(conn):
    buf = b""
    while b"\n" not in buf:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError("the client closed before its request")
        buf += chunk
    head, rest = buf.split(b"\n", 1)
    token, pid, count = head.decode().split(" ")
    if token != TOKEN:
        raise PermissionError("wrong token")
    count = int(count)
    while rest.count(b"\0") < count:
        chunk = conn.recv(65536)
        if not chunk:
            raise EOFError("the client closed before its arguments")
        rest += chunk
    args = [a.decode("utf-8", "surrogateescape") for a in rest.split(b"\0")[:count]]
    return int(pid), args


def _std_streams(fds):
    # as Python makes them at start (the server's encoding, errors and -u: same locale and PYTHON*)
    unbuffered = sys.__stdout__.write_through  # python -u or PYTHONUNBUFFERED

    def text(fd, template, line_buffering):
        if fds[fd] is None:
            return None
        reading = fd == 0
        raw = io.FileIO(fd, "rb" if reading else "wb", closefd=False)
        binary = io.BufferedReader(raw) if reading else raw if unbuffered else io.BufferedWriter(raw)
        return io.TextIOWrapper(binary, encoding=template.encoding, errors=template.errors, line_buffering=line_buffering, write_through=unbuffered and not reading)

    sys.stdin = sys.__stdin__ = text(0, sys.__stdin__, False)
    sys.stdout = sys.__stdout__ = text(1, sys.__stdout__, not unbuffered and fds[1] is not None and os.isatty(1))
    sys.stderr = sys.__stderr__ = text(2, sys.__stderr__, True)


def _run_cli(pid, args, fds, conn, server):
    # the CLI process
    os.close(conn.fileno())
    os.close(server.fileno())
    os.close(_learn_r)
    for fd in (0, 1, 2):
        if fds[fd] is None:
            os.close(fd)
        else:
            os.dup2(fds[fd], fd)
            os.close(fds[fd])
    with open(f"/proc/{pid}/environ", "rb") as f:
        env = dict(kv.split(b"=", 1) for kv in f.read().split(b"\0") if b"=" in kv)
    os.environ.clear()
    for k, v in env.items():
        os.environb[k] = v
    if not os.environ.get("LC_ALL") and os.environ.get("PYTHONCOERCECLOCALE") != "0" and (os.environ.get("LC_CTYPE") or os.environ.get("LANG") or "C") in ("C", "POSIX"):
        os.environ["LC_CTYPE"] = "C.UTF-8"  # PEP 538: what Python does to its environment at start in the C locale
    differs = sorted(k for k in set(_AT_START) | {k for k in os.environ if k.startswith("PYTHON")} if os.environ.get(k) != _AT_START.get(k))
    if differs:
        os.write(2, f"warm_cli.py: this call's {', '.join(differs)} differ from the warm CLI's; start it with the same\n".encode())
        os._exit(255)
    importlib.reload(awscli)  # its import adds its data folder to AWS_DATA_PATH, from this environment
    os.chdir(f"/proc/{pid}/cwd")
    with open(f"/proc/{pid}/status") as f:
        umask = next((int(line.split()[1], 8) for line in f if line.startswith("Umask:")), None)
    if umask is not None:
        os.umask(umask)
    _std_streams(fds)
    before = set(sys.modules)
    sys.argv = [AWS_SCRIPT, *args]
    sys.path[0] = os.path.dirname(os.path.abspath(AWS_SCRIPT))  # as `python AWS_SCRIPT` has it (not this file's folder)
    code = 0
    try:
        runpy.run_path(AWS_SCRIPT, run_name="__main__")
    except SystemExit as e:
        if e.code is None:
            code = 0
        elif isinstance(e.code, int):
            code = e.code & 0xFF
        else:
            print(e.code, file=sys.stderr)
            code = 1
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
    threading._shutdown()
    atexit._run_exitfuncs()
    for name, stream in (("stdout", sys.stdout), ("stderr", sys.stderr)):
        try:
            if stream is not None:
                stream.flush()
        except Exception:
            code = 120
    # what the next calls should find loaded
    for line in [f"file {p}" for p in _fresh] + [f"module {m}" for m in set(sys.modules) - before]:
        try:
            os.write(_learn_w, (line + "\n").encode())
        except OSError:
            break
    os._exit(code)


def _handle(conn, server):
    # the handler: one request
    pid, args = _read_request(conn)
    pidfd = os.pidfd_open(pid)
    # the client's own stdin, stdout and stderr, which it keeps as 4, 5 and 6 (see emulator.ts)
    fds = {fd: _getfd(pidfd, fd + 4) for fd in (0, 1, 2)}
    os.close(pidfd)
    child = os.fork()
    if child == 0:
        try:
            _run_cli(pid, args, fds, conn, server)
        except BaseException as e:
            os.write(2, f"warm_cli.py: {type(e).__name__}: {e}\n".encode())
        finally:
            os._exit(255)
    for fd in fds.values():
        if fd is not None:
            os.close(fd)
    _, status = os.waitpid(child, 0)
    code = os.waitstatus_to_exitcode(status)
    conn.sendall(f"{code if code >= 0 else 128 - code}\n".encode())


def _take_lessons(pending):
    pending += os.read(_learn_r, 65536)
    *lines, rest = pending.split(b"\n")
    for line in lines:
        kind, _, name = line.decode().partition(" ")
        try:
            if kind == "file":
                _learn(name)
            elif kind == "module" and name not in sys.modules and not name.startswith("__"):
                importlib.import_module(name)
        except Exception:
            pass
    return rest


def _reap():
    # the handlers that have finished (waited for, so their CPU time counts as this process's children's)
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def main():
    _preload(PRELOAD)
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    gc.collect()
    gc.freeze()  # the forked processes do not copy the shared objects' pages to collect them
    print(f"port {server.getsockname()[1]}", flush=True)
    pending = b""
    while True:
        ready, _, _ = select.select([server, _learn_r, 0], [], [], 1.0)
        _reap()
        if 0 in ready and not os.read(0, 4096):
            os._exit(0)  # whoever started the server is gone
        if _learn_r in ready:
            pending = _take_lessons(pending)
            gc.freeze()
        if server in ready:
            conn, _ = server.accept()
            if os.fork() == 0:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                code = 0
                try:
                    _handle(conn, server)
                except BaseException as e:
                    try:
                        conn.sendall(f"warm_cli.py: {type(e).__name__}: {e}\n".encode())
                    except OSError:
                        pass
                    code = 1
                finally:
                    os._exit(code)
            conn.close()


main()
