"""The project's nginx config (scripts/nginx.conf.in via scripts/nginx_conf.sh), run for real on a
free 127.0.0.1 port:

- /woodpecker/ forwards to the API only the headers it needs (checked against a local server that
  stands in for the API and records what it receives);
- /sandbox/ passes the sandbox's refusals (413, 401, 415, 403) on instead of turning them into 502.

Run from the repository root:  python3 -m unittest discover -s tests/hosting -p 'test_*.py'
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import unittest

# The sandbox's own test support (starting it, nginx, a recording upstream) is shared.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "sandbox", "tests"))
from support import (  # noqa: E402
    KEY, LIST, NGINX_CONF, QUEUE, DEADLINE, NginxProcess, RecordingUpstream, SandboxProcess)

# What the API may receive: what it needs, and what HTTP itself needs.
ALLOWED = {"host", "connection", "content-length", "content-type", "accept", "x-api-key",
           "user-agent"}
BROWSER_HEADERS = {
    "Cookie": "other_app_session=s3cr3t; theme=dark",
    "Authorization": "Bearer token-of-another-app",
    "X-Forwarded-For": "10.1.2.3",
    "X-Real-IP": "10.1.2.3",
    "Forwarded": "for=10.1.2.3",
    "Origin": "http://127.0.0.1:8080",
    "Referer": "http://127.0.0.1:8080/index.html?file=prospects.csv",
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 BrowserOfTheUser",
    "Accept-Language": "de-DE,de;q=0.9",
    "Sec-Fetch-Site": "same-origin",
    "X-Custom-Tracking": "abc",
}
API_KEY = "sk-live-proxy-test-7f3a"


class WoodpeckerProxyHeaderTests(unittest.TestCase):
    """/woodpecker/ against a recording stand-in for api.woodpecker.co."""

    @classmethod
    def setUpClass(cls):
        cls.upstream = RecordingUpstream()
        cls.addClassCleanup(cls.upstream.close)
        cls.nginx = NginxProcess(sandbox_port=9, api_upstream=cls.upstream.url)
        cls.addClassCleanup(cls.nginx.close)

    def last_request(self, before):
        got = self.upstream.requests()
        self.assertEqual(len(got), before + 1, "exactly one request reached the upstream")
        return got[-1]

    def assertOnlyAllowed(self, headers):
        names = [k for k, _ in headers]
        self.assertEqual(len(names), len(set(names)), f"a header was sent twice: {names}")
        self.assertLessEqual(set(names), ALLOWED, f"headers beyond what the API needs: {names}")
        for name in BROWSER_HEADERS:
            if name.lower() != "user-agent":
                self.assertNotIn(name.lower(), names)
        ua = dict(headers).get("user-agent")
        self.assertNotIn("BrowserOfTheUser", ua or "", "the browser's User-Agent is not passed on")

    def test_queue_post_forwards_only_key_type_accept_and_body(self):
        before = len(self.upstream.requests())
        body = json.dumps({"prospects": [{"email": "erlich@bachmanity.com"}]}).encode()
        headers = dict(BROWSER_HEADERS, **{"x-api-key": API_KEY,
                                           "Content-Type": "application/json",
                                           "Accept": "application/json"})
        r = self.nginx.call("POST", "/woodpecker" + QUEUE, body, headers)
        self.assertEqual(r.status, 200, r.raw)
        got = self.last_request(before)
        self.assertEqual((got["method"], got["path"]), ("POST", QUEUE))
        self.assertEqual(got["body"], body)
        self.assertOnlyAllowed(got["headers"])
        h = dict(got["headers"])
        self.assertEqual(h["x-api-key"], API_KEY)
        self.assertEqual(h["content-type"], "application/json")
        self.assertEqual(h["accept"], "application/json")
        self.assertEqual(h["content-length"], str(len(body)))
        self.assertEqual(h["host"], f"127.0.0.1:{self.upstream.port}")

    def test_get_without_body_or_optional_headers(self):
        before = len(self.upstream.requests())
        headers = dict(BROWSER_HEADERS, **{"x-api-key": API_KEY})
        r = self.nginx.call("GET", "/woodpecker" + QUEUE + "/0b9d2e66", None, headers)
        self.assertEqual(r.status, 200, r.raw)
        got = self.last_request(before)
        self.assertEqual((got["method"], got["path"]), ("GET", QUEUE + "/0b9d2e66"))
        self.assertOnlyAllowed(got["headers"])
        names = {k for k, _ in got["headers"]}
        self.assertNotIn("content-type", names)    # not sent by the client: not invented
        self.assertNotIn("accept", names)
        self.assertEqual(dict(got["headers"])["x-api-key"], API_KEY)

    def test_list_post_with_empty_body(self):
        before = len(self.upstream.requests())
        headers = dict(BROWSER_HEADERS, **{"x-api-key": API_KEY})
        r = self.nginx.call("POST", "/woodpecker" + LIST, b"", headers)
        self.assertEqual(r.status, 200, r.raw)
        got = self.last_request(before)
        self.assertEqual(got["path"], LIST)
        self.assertOnlyAllowed(got["headers"])
        self.assertEqual(dict(got["headers"])["x-api-key"], API_KEY)

    def test_cookies_of_the_api_do_not_reach_the_browser(self):
        r = self.nginx.call("GET", "/woodpecker" + QUEUE + "/x", None, {"x-api-key": API_KEY})
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Set-Cookie"))


class NginxConfigTests(unittest.TestCase):

    def conf(self, *extra):
        with tempfile.TemporaryDirectory() as state:
            p = subprocess.run([str(NGINX_CONF), state, state, "8080", "8090", *extra],
                               capture_output=True, text=True, timeout=DEADLINE)
        return p

    def test_default_upstream_is_the_real_api_with_tls_verification(self):
        p = self.conf()
        self.assertEqual(p.returncode, 0, p.stderr)
        woodpecker = p.stdout.split("location /woodpecker/", 1)[1].split("location /sandbox/", 1)[0]
        self.assertIn("set $woodpecker_api api.woodpecker.co;", woodpecker)
        self.assertIn("proxy_pass https://$woodpecker_api;", woodpecker)
        self.assertIn("proxy_ssl_verify on;", woodpecker)
        self.assertIn("proxy_ssl_trusted_certificate /etc/ssl/certs/ca-certificates.crt;", woodpecker)
        self.assertIn("proxy_set_header Host api.woodpecker.co;", woodpecker)
        self.assertIn("proxy_pass_request_headers off;", woodpecker)
        self.assertNotIn("127.0.0.1", woodpecker)

    def test_default_config_is_valid_for_nginx(self):
        with tempfile.TemporaryDirectory() as state:
            conf = subprocess.run([str(NGINX_CONF), state, state, "8080", "8090"],
                                  capture_output=True, check=True, timeout=DEADLINE).stdout
            path = os.path.join(state, "nginx.conf")
            with open(path, "wb") as f:
                f.write(conf)
            p = subprocess.run(["nginx", "-t", "-e", "stderr", "-c", path, "-p", state],
                               capture_output=True, text=True, timeout=DEADLINE)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_upstream_override_is_loopback_http_only(self):
        for bad in ("https://api.example.com", "http://10.0.0.1:80", "http://127.0.0.1",
                    "http://127.0.0.1:80|evil", "http://localhost:8000"):
            with self.subTest(upstream=bad):
                p = self.conf(bad)
                self.assertEqual(p.returncode, 2)
                self.assertIn("for tests only", p.stderr)
                self.assertEqual(p.stdout, "")


if __name__ == "__main__":
    unittest.main()


class SandboxThroughNginxTests(unittest.TestCase):
    """/sandbox/: a refusal of the sandbox reaches the client as that refusal, whatever the size of
    the body it refused (a refusal before reading the body made nginx answer 502 instead)."""

    BIG = 6 * 1024 * 1024      # over the sandbox's default limit of 5 MiB, under nginx's 20 MB

    @classmethod
    def setUpClass(cls):
        cls.sb = SandboxProcess("--progress-seconds", "3600")
        cls.addClassCleanup(cls.sb.close)
        cls.nginx = NginxProcess(cls.sb.port)
        cls.addClassCleanup(cls.nginx.close)

    def setUp(self):
        self.sb.control("POST", "reset")

    def big_body(self, size):
        # A syntactically valid queue body of about `size` bytes.
        filler = "x" * 1000
        n = size // (len(filler) + 60) + 1
        return json.dumps({"prospects": [{"email": f"p{i}@example.com", "company_name": filler}
                                         for i in range(n)]}).encode()

    def post(self, path, body, ctype="application/json", key=KEY, extra=None):
        h = dict(extra or {})
        if ctype:
            h["Content-Type"] = ctype
        if key:
            h["x-api-key"] = key
        return self.nginx.call("POST", "/sandbox" + path, body, h)

    def assertV2Error(self, r, status, detail_part):
        self.assertEqual(r.status, status, r.raw[:300])
        self.assertEqual(r.json["status"], status)
        self.assertIn(detail_part, r.json["detail"])

    def test_oversized_body_gets_413_not_502(self):
        body = self.big_body(self.BIG)
        self.assertGreater(len(body), 5 * 1024 * 1024)
        r = self.post(QUEUE, body)
        self.assertV2Error(r, 413, "limit")
        log = self.sb.requests()
        self.assertEqual(len(log), 1, "logged once: nginx did not retry")
        self.assertEqual((log[0]["response_status"], log[0]["body_bytes"]), (413, len(body)))
        self.assertIsNone(log[0]["body"])
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 0)

    def test_lowered_limit_refuses_an_ordinary_batch_with_413(self):
        self.sb.control("POST", "config", {"max_body_bytes": 100})
        body = json.dumps({"prospects": [{"email": "erlich@bachmanity.com", "first_name": "Erlich"},
                                         {"email": "jared@piedpiper.com", "first_name": "Jared"}]})
        r = self.post(QUEUE, body.encode())
        self.assertV2Error(r, 413, "max_body_bytes")
        self.assertEqual([e["response_status"] for e in self.sb.requests()], [413])

    def test_401_and_415_with_a_large_body(self):
        body = self.big_body(4 * 1024 * 1024)          # under the limit, large enough to matter
        self.assertV2Error(self.post(QUEUE, body, key="wrong-key"), 401, "API key")
        self.assertV2Error(self.post(QUEUE, body, ctype="text/plain"), 415, "application/json")
        self.assertEqual([e["response_status"] for e in self.sb.requests()], [401, 415])

    def test_status_fault_with_a_large_body(self):
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "status",
                                                       "status": 429, "retry_after": "3"}]})
        r = self.post(QUEUE, self.big_body(4 * 1024 * 1024))
        self.assertEqual(r.status, 429)
        self.assertEqual(r.header("Retry-After"), "3")

    def test_control_refusals_with_a_large_body(self):
        body = self.big_body(4 * 1024 * 1024)
        r = self.post("/_sandbox/config", body, ctype="text/plain", key=None)
        self.assertV2Error(r, 415, "application/json")
        r = self.post("/_sandbox/config", body, key=None, extra={"Origin": "http://evil.example"})
        self.assertV2Error(r, 403, "origin")
        r = self.post("/_sandbox/config", self.big_body(self.BIG), key=None)
        self.assertV2Error(r, 413, "limit")
        self.assertEqual(self.sb.control("GET", "state")["credits"], 1000)
