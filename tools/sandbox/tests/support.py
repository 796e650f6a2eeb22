"""Shared helpers of the sandbox and proxy tests (not a test module itself).

Every helper waits on a condition with a generous overall deadline (DEADLINE), never on a fixed
wall-clock window: the suites must pass on a loaded 2-core machine.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "tools" / "sandbox" / "sandbox_api.py"
NGINX_CONF = ROOT / "scripts" / "nginx_conf.sh"

QUEUE = "/rest/v2/lead_finder/prospects/enrichments"
LIST = QUEUE + "/statuses/query"
KEY = "sandbox-key"

# The overall deadline of any wait (start-up, a condition, one HTTP exchange). Only reached when
# something is broken; a slow machine just takes longer within it.
DEADLINE = 120.0


class Resp:
    def __init__(self, status, headers, raw):
        self.status = status
        self.headers = headers
        self.raw = raw
        try:
            self.json = json.loads(raw.decode("utf-8")) if raw else None
        except ValueError:
            self.json = None

    def header(self, name):
        return self.headers.get(name)


def wait_until(predicate, what="condition", timeout=DEADLINE, interval=0.05):
    """Polls predicate() until it returns a true value (returned); AssertionError at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not met within {timeout:.0f} s")
        time.sleep(interval)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            return True
    except OSError:
        return False


def http_call(port, method, path, body=None, headers=None, timeout=DEADLINE):
    """One request on its own connection; body is bytes or None."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        r = conn.getresponse()
        return Resp(r.status, r.headers, r.read())
    finally:
        conn.close()


class SandboxProcess:
    """The sandbox in a subprocess; stderr goes to a temp file (read it with output())."""

    def __init__(self, *args, quiet=True):
        self.err = tempfile.TemporaryFile()
        cmd = [sys.executable, str(SCRIPT), "--host", "127.0.0.1", "--port", "0", *args]
        if quiet:
            cmd.append("--quiet")
        if "--max-seconds" not in args:
            # safety net: a sandbox orphaned by a killed test run goes away by itself
            cmd += ["--max-seconds", "1800"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.err, cwd=str(ROOT))
        ready, _, _ = select.select([self.proc.stdout], [], [], DEADLINE)
        if not ready:
            self.stop()
            raise RuntimeError(f"sandbox did not start within {DEADLINE:.0f} s")
        self.first_line = self.proc.stdout.readline().decode("utf-8")
        m = re.match(r"^SANDBOX_LISTENING (http://127\.0\.0\.1:(\d+))\n$", self.first_line)
        if not m:
            self.stop()
            raise RuntimeError(f"unexpected first line: {self.first_line!r}")
        self.url = m.group(1)
        self.port = int(m.group(2))
        self.stdout_rest = b""

    def stop(self, sig=signal.SIGTERM):
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=DEADLINE)
        if self.proc.stdout and not self.proc.stdout.closed:
            self.stdout_rest = self.proc.stdout.read()
            self.proc.stdout.close()
        return self.proc.returncode

    def output(self):
        """(stdout, stderr) as text; call after stop()."""
        self.err.seek(0)
        return (self.first_line + self.stdout_rest.decode("utf-8", "replace"),
                self.err.read().decode("utf-8", "replace"))

    def close(self):
        self.stop()
        self.err.close()

    # -- HTTP helpers ---------------------------------------------------------------------------
    def call(self, method, path, body=None, key=KEY, ctype="application/json", raw=None,
             headers=None, timeout=DEADLINE):
        h = dict(headers or {})
        if key is not None:
            h["x-api-key"] = key
        data = raw if raw is not None else (
            json.dumps(body).encode("utf-8") if body is not None else None)
        if data is not None and ctype is not None:
            h["Content-Type"] = ctype
        return http_call(self.port, method, path, data, h, timeout)

    def control(self, method, path, body=None):
        """A control call as a script makes it: no Origin, Content-Type application/json on POST."""
        h = {"Content-Type": "application/json"} if method == "POST" else {}
        data = json.dumps(body).encode("utf-8") if body is not None else None
        r = http_call(self.port, method, "/_sandbox/" + path, data, h)
        if r.status != 200:
            raise AssertionError(f"control {path} -> {r.status} {r.raw!r}")
        return r.json

    def queue(self, emails, key=KEY):
        return self.call("POST", QUEUE, {"prospects": [{"email": e} for e in emails]}, key=key)

    def requests(self):
        return self.control("GET", "requests")["requests"]


class RecordingUpstream:
    """A stand-in for the real API behind nginx's /woodpecker/: records the headers (names
    lower-cased, in arrival order) and body of every request, answers 200 with a small JSON body
    and a Set-Cookie header (which must not reach the browser)."""

    def __init__(self):
        self.received = []
        self.lock = threading.Lock()
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *_):
                pass

            def _any(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                with outer.lock:
                    outer.received.append({
                        "method": self.command, "path": self.path,
                        "headers": [(k.lower(), v) for k, v in self.headers.items()],
                        "body": body,
                    })
                raw = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.send_header("Set-Cookie", "upstream_session=abc; Path=/")
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(raw)
                self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _any

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def requests(self):
        with self.lock:
            return list(self.received)

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class NginxProcess:
    """nginx with the project's config (scripts/nginx_conf.sh), on a free 127.0.0.1 port.
    api_upstream (tests only) replaces https://api.woodpecker.co behind /woodpecker/."""

    def __init__(self, sandbox_port: int, api_upstream: str = None):
        if shutil.which("nginx") is None:
            raise RuntimeError("nginx is not installed: run scripts/deps.sh")
        self.state = tempfile.mkdtemp(prefix="pe-nginx-test-")
        self.root = os.path.join(self.state, "www")
        os.makedirs(self.root)
        with open(os.path.join(self.root, "index.html"), "w") as f:
            f.write("<!doctype html><title>test</title>\n")
        args = [str(NGINX_CONF), self.state, self.root, "0", str(sandbox_port)]
        if api_upstream:
            args.append(api_upstream)
        self.err = tempfile.TemporaryFile()
        self.proc = None
        # Another process may take the free port between our probe and nginx's bind: try again.
        for _ in range(5):
            self.port = free_port()
            args[3] = str(self.port)
            conf = subprocess.run(args, check=True, capture_output=True, timeout=DEADLINE).stdout
            self.conf_text = conf.decode("utf-8")
            conf_path = os.path.join(self.state, "nginx.conf")
            with open(conf_path, "wb") as f:
                f.write(conf)
            self.proc = subprocess.Popen(["nginx", "-e", "stderr", "-c", conf_path, "-p", self.state],
                                         stdout=subprocess.DEVNULL, stderr=self.err)
            if self._wait_listening():
                self.url = f"http://127.0.0.1:{self.port}"
                return
        self.close()
        raise RuntimeError("nginx did not start: " + self.stderr())

    def _wait_listening(self) -> bool:
        deadline = time.monotonic() + DEADLINE
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            if port_open(self.port):
                return True
            time.sleep(0.05)
        return False

    def stderr(self) -> str:
        self.err.seek(0)
        return self.err.read().decode("utf-8", "replace")

    def call(self, method, path, body=None, headers=None):
        return http_call(self.port, method, path, body, headers)

    def close(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)      # graceful: finishes open requests
            try:
                self.proc.wait(timeout=DEADLINE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=DEADLINE)
        shutil.rmtree(self.state, ignore_errors=True)
        self.err.close()
