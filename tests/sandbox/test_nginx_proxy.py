"""The project's nginx config (scripts/nginx.conf.in via scripts/nginx_conf.sh), run for real on a
free 127.0.0.1 port:

- /woodpecker/ forwards to the API only the headers it needs (checked against a local server that
  stands in for the API and records what it receives);
- /sandbox/ passes the sandbox's refusals (413, 401, 415, 403) on instead of turning them into 502.

Run from the repository root:  python3 -m unittest discover -s tests/sandbox -p 'test_*.py'
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import unittest

from support import (KEY, LIST, NGINX_CONF, QUEUE, DEADLINE, NginxProcess, RecordingUpstream,
                     SandboxProcess)

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
