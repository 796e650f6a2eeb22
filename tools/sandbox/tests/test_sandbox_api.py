"""Tests for tools/sandbox/sandbox_api.py over real HTTP on the loopback interface.

Run from the repository root:  python3 -m unittest discover -s tools/sandbox/tests -v

Each test class starts its own sandbox process (--port 0) and stops it when done; API tests
reset the sandbox state before every test through POST /_sandbox/reset.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import unittest
from datetime import datetime

from support import (DEADLINE, KEY, LIST, QUEUE, ROOT, SCRIPT, SandboxProcess, http_call,
                     wait_until)

KEY2 = "second-key-77"
UUID_RE = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$")
CORS_NAMES = ("Access-Control-Allow-Origin", "Access-Control-Allow-Headers",
              "Access-Control-Allow-Methods", "Access-Control-Expose-Headers")


def prospects(*emails):
    return {"prospects": [{"email": e} for e in emails]}


class SandboxCase(unittest.TestCase):
    """One sandbox process per class; state reset before each test."""

    # An hour of progress: a batch stays PENDING (first third: 20 minutes) and its credits
    # reserved for as long as any test needs, however slow the machine. Tests that need it to
    # move on use /_sandbox/advance or a short progress_seconds of their own.
    server_args = ("--key", KEY, "--key", KEY2, "--progress-seconds", "3600")

    @classmethod
    def setUpClass(cls):
        cls.sb = SandboxProcess(*cls.server_args)
        cls.addClassCleanup(cls.sb.close)

    def setUp(self):
        self.sb.control("POST", "reset")

    # -- assertions ------------------------------------------------------------------------------
    def assertErrorBody(self, r, status, detail_part=None):
        self.assertEqual(r.status, status, r.raw)
        self.assertIsInstance(r.json, dict, r.raw)
        self.assertEqual(set(r.json), {"title", "status", "detail", "timestamp"})
        self.assertEqual(r.json["status"], status)
        self.assertIsInstance(r.json["title"], str)
        self.assertTrue(r.json["title"])
        self.assertRegex(r.json["timestamp"], TIMESTAMP_RE)
        if detail_part is not None:
            self.assertIn(detail_part, r.json["detail"])

    def wait_for(self, predicate, what="condition"):
        """Polls until predicate() is true, with a generous overall deadline."""
        return wait_until(predicate, what)

    def get_batch(self, batch_uuid, key=KEY):
        r = self.sb.call("GET", f"{QUEUE}/{batch_uuid}", key=key)
        self.assertEqual(r.status, 200, r.raw)
        return r.json

    def wait_completed(self, batch_uuid):
        return self.wait_for(lambda: (lambda b: b if b["status"] == "COMPLETED" else None)(
            self.get_batch(batch_uuid)), f"batch {batch_uuid} COMPLETED")

    def credits(self):
        return self.sb.control("GET", "state")["credits"]


# =================================================================================================
class QueueTests(SandboxCase):

    def test_queue_happy_path(self):
        body = {"prospects": [
            {"email": "erlich@bachmanity.com", "first_name": "Erlich", "last_name": "Bachman",
             "linkedin_url": "https://www.linkedin.com/in/erlich-bachman-404xyz",
             "company_name": "Bachmanity", "company_website": "https://bachmanity.com"},
            {"email": "jared@piedpiper.com", "first_name": "Jared", "last_name": "Dunn",
             "company_name": "Pied Piper", "company_website": "https://piedpiper.com"},
        ]}
        r = self.sb.call("POST", QUEUE, body)
        self.assertEqual(r.status, 200, r.raw)
        self.assertTrue(r.header("Content-Type").startswith("application/json"))
        self.assertEqual(set(r.json), {"uuid", "prospects_count", "total_prospects_count", "status"})
        self.assertRegex(r.json["uuid"], UUID_RE)
        self.assertEqual(r.json["prospects_count"], 2)
        self.assertEqual(r.json["total_prospects_count"], 2)
        self.assertEqual(r.json["status"], "ENQUEUED")
        self.assertEqual(self.credits(), 997)   # 2 x 1.5 reserved

    def test_second_configured_key_is_accepted(self):
        r = self.sb.queue(["richard@piedpiper.com"], key=KEY2)
        self.assertEqual(r.status, 200, r.raw)
        self.assertEqual(r.json["status"], "ENQUEUED")

    def test_charset_in_content_type_is_accepted(self):
        r = self.sb.call("POST", QUEUE, prospects("a@example.com"),
                         ctype="application/json; charset=utf-8")
        self.assertEqual(r.status, 200, r.raw)

    def test_401_without_or_with_wrong_key(self):
        for key in (None, "wrong-key", ""):
            with self.subTest(key=key):
                self.assertErrorBody(self.sb.queue(["a@example.com"], key=key), 401)
                self.assertErrorBody(self.sb.call("GET", QUEUE + "/x", key=key), 401)
                self.assertErrorBody(self.sb.call("POST", LIST, {}, key=key), 401)
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 0)

    def test_400_cases(self):
        self.sb.control("POST", "config", {"max_batch": 3})
        ok = {"email": "a@example.com"}
        cases = [
            ("invalid JSON", b'{"prospects": [', "not valid JSON"),
            ("empty body", b"", "body is required"),
            ("body is an array", json.dumps([ok]).encode(), "must be a JSON object"),
            ("missing prospects", b"{}", "prospects is required"),
            ("prospects not array", json.dumps({"prospects": ok}).encode(),
             "prospects must be an array"),
            ("prospects empty", json.dumps({"prospects": []}).encode(), "must not be empty"),
            ("too many", json.dumps({"prospects": [ok] * 4}).encode(), "at most 3"),
            ("unknown top-level field", json.dumps({"prospects": [ok], "x": 1}).encode(),
             "x is not a known field"),
            ("item not object", json.dumps({"prospects": [ok, "b@example.com"]}).encode(),
             "prospects[1] must be an object"),
            ("email missing", json.dumps({"prospects": [ok, {"first_name": "A"}]}).encode(),
             "prospects[1].email is required"),
            ("email not string", json.dumps({"prospects": [{"email": 5}]}).encode(),
             "prospects[0].email must be a string"),
            ("email without @", json.dumps({"prospects": [ok, {"email": "nobody"}]}).encode(),
             "prospects[1].email is not a valid email address"),
            ("unknown prospect field", json.dumps({"prospects": [{"email": "a@b.c", "phone": "1"}]}
                                                  ).encode(), "prospects[0].phone is not a known field"),
            ("non-string optional", json.dumps({"prospects": [{"email": "a@b.c", "first_name": 7}]}
                                               ).encode(), "prospects[0].first_name must be a string"),
            ("null optional", json.dumps({"prospects": [{"email": "a@b.c", "company_name": None}]}
                                         ).encode(), "prospects[0].company_name must be a string"),
        ]
        for name, raw, detail in cases:
            with self.subTest(name):
                r = self.sb.call("POST", QUEUE, raw=raw)
                self.assertErrorBody(r, 400, detail)
        self.sb.control("POST", "config", {"max_batch": 10})
        r = self.sb.call("POST", QUEUE, {"prospects": [ok, ok, ok, {"first_name": "A"}]})
        self.assertErrorBody(r, 400, "prospects[3].email is required")
        self.assertEqual(r.json["detail"], "prospects[3].email is required")
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 0)

    def test_default_max_batch_is_100(self):
        self.assertEqual(self.sb.control("GET", "state")["max_batch"], 100)
        r = self.sb.call("POST", QUEUE, prospects(*[f"p{i}@example.com" for i in range(101)]))
        self.assertErrorBody(r, 400, "at most 100")
        r = self.sb.call("POST", QUEUE, prospects(*[f"p{i}@example.com" for i in range(100)]))
        self.assertEqual(r.json["prospects_count"], 100)

    def test_415_for_wrong_content_type(self):
        for ctype in ("text/plain", None, "application/x-www-form-urlencoded"):
            with self.subTest(ctype=ctype):
                r = self.sb.call("POST", QUEUE, prospects("a@example.com"), ctype=ctype)
                self.assertErrorBody(r, 415, "application/json")

    def test_404_and_405(self):
        self.assertErrorBody(self.sb.call("GET", "/rest/v2/nothing"), 404)
        self.assertErrorBody(self.sb.call("GET", QUEUE), 405)
        self.assertErrorBody(self.sb.call("GET", LIST), 405)

    def test_partially_enqueued_takes_first_in_body_order(self):
        self.sb.control("POST", "config", {"credits": 3.2})   # covers 2 x 1.5
        r = self.sb.queue(["a@example.com", "b@example.com", "c@example.com"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["status"], "PARTIALLY_ENQUEUED")
        self.assertEqual(r.json["prospects_count"], 2)
        self.assertEqual(r.json["total_prospects_count"], 3)
        batch = self.get_batch(r.json["uuid"])
        self.assertEqual([p["email"] for p in batch["prospects"]], ["a@example.com", "b@example.com"])
        self.assertAlmostEqual(self.credits(), 0.2)

    def test_credits_exhausted(self):
        self.sb.control("POST", "config", {"credits": 1.4})
        r = self.sb.queue(["a@example.com"])
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json, {"uuid": None, "prospects_count": 0, "total_prospects_count": 1,
                                  "status": "CREDITS_EXHAUSTED"})
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 0)
        self.assertAlmostEqual(self.credits(), 1.4)

    def test_exact_credits_enqueue_all(self):
        self.sb.control("POST", "config", {"credits": 3})
        r = self.sb.queue(["a@example.com", "b@example.com"])
        self.assertEqual(r.json["status"], "ENQUEUED")
        self.assertEqual(self.credits(), 0)
        self.assertEqual(self.sb.queue(["c@example.com"]).json["status"], "CREDITS_EXHAUSTED")

    def test_not_enqueued_when_all_pending_case_insensitive(self):
        first = self.sb.queue(["gavin@hooli.com", "nelson@hooli.com"])
        self.assertEqual(first.json["status"], "ENQUEUED")
        r = self.sb.queue(["GAVIN@hooli.com", "Nelson@Hooli.com"])
        self.assertEqual(r.json, {"uuid": None, "prospects_count": 0, "total_prospects_count": 2,
                                  "status": "NOT_ENQUEUED"})

    def test_pending_emails_are_skipped_others_queued(self):
        self.sb.queue(["gavin@hooli.com"])
        r = self.sb.queue(["gavin@hooli.com", "monica@raviga.com"])
        self.assertEqual(r.json["status"], "ENQUEUED")
        self.assertEqual(r.json["prospects_count"], 1)
        self.assertEqual(r.json["total_prospects_count"], 2)
        emails = [p["email"] for p in self.get_batch(r.json["uuid"])["prospects"]]
        self.assertEqual(emails, ["monica@raviga.com"])

    def test_duplicates_in_one_body_are_queued_once(self):
        r = self.sb.queue(["a@example.com", "A@example.com", "b@example.com"])
        self.assertEqual(r.json["prospects_count"], 2)
        self.assertEqual(r.json["total_prospects_count"], 3)
        self.assertEqual(self.credits(), 997)

    def test_not_enqueued_beats_credits_exhausted(self):
        self.sb.control("POST", "config", {"credits": 1.5})
        self.sb.queue(["a@example.com"])
        self.assertEqual(self.sb.queue(["a@example.com"]).json["status"], "NOT_ENQUEUED")
        self.assertEqual(self.sb.queue(["b@example.com"]).json["status"], "CREDITS_EXHAUSTED")

    def test_processed_email_can_be_queued_again(self):
        self.sb.control("POST", "config", {"progress_seconds": 0})
        self.assertEqual(self.sb.queue(["a@example.com"]).json["status"], "ENQUEUED")
        self.assertEqual(self.sb.queue(["a@example.com"]).json["status"], "ENQUEUED")

    def test_http11_content_length_and_connection_close(self):
        r = self.sb.queue(["a@example.com"])
        self.assertEqual(int(r.header("Content-Length")), len(r.raw))
        self.assertEqual(r.header("Connection"), "close")
        conn = http.client.HTTPConnection("127.0.0.1", self.sb.port, timeout=DEADLINE)
        try:
            conn.request("POST", QUEUE, body=json.dumps(prospects("b@example.com")),
                         headers={"x-api-key": KEY, "Content-Type": "application/json"})
            r = conn.getresponse()
            self.assertEqual(r.version, 11)
            self.assertEqual(json.loads(r.read())["status"], "ENQUEUED")
            # http.client reconnects by itself after Connection: close
            conn.request("POST", LIST, body="{}",
                         headers={"x-api-key": KEY, "Content-Type": "application/json"})
            self.assertEqual(conn.getresponse().status, 200)
        finally:
            conn.close()


# =================================================================================================
class ProgressTests(SandboxCase):

    def test_results_and_credits_after_completion(self):
        # An hour of progress (the class default): the reservation is seen however slow the
        # machine; the clock is then moved past the end instead of waiting for it.
        emails = ["erlich@bachmanity.com", "nodata.person@example.com", "stranger@nowhere.io"]
        r = self.sb.queue(emails)
        self.assertEqual(r.json["status"], "ENQUEUED")
        self.assertEqual(self.credits(), 995.5)          # 3 x 1.5 reserved
        self.sb.control("POST", "advance", {"seconds": 3600})
        batch = self.get_batch(r.json["uuid"])
        self.assertEqual(batch["status"], "COMPLETED")
        results = {p["email"]: (p["status"], p["processing_result"]) for p in batch["prospects"]}
        self.assertEqual(results, {
            "erlich@bachmanity.com": ("PROCESSED", "ENRICHED"),
            "nodata.person@example.com": ("PROCESSED", "NO_DATA_FOUND"),
            "stranger@nowhere.io": ("PROCESSED", "NOT_IN_DATABASE"),
        })
        self.assertEqual(self.credits(), 998.5)          # only the enriched one is charged

    def test_credits_settle_without_polling_the_batch(self):
        # Real time: settled once progress_seconds have passed, and not before (a lower bound).
        self.sb.control("POST", "config", {"progress_seconds": 0.5})
        t0 = time.monotonic()
        self.assertEqual(self.sb.queue(["stranger@nowhere.io"]).json["status"], "ENQUEUED")
        self.wait_for(lambda: self.credits() == 1000, "the reservation refunded")
        self.assertGreaterEqual(time.monotonic() - t0, 0.5)
        self.assertEqual([e["method"] for e in self.sb.requests()], ["POST"], "never polled")

    def test_credits_reserved_until_the_batch_completes(self):
        self.sb.queue(["stranger@nowhere.io"])                 # an hour of progress
        self.assertEqual(self.credits(), 998.5)
        self.sb.control("POST", "advance", {"seconds": 2400})
        self.assertEqual(self.credits(), 998.5)
        self.sb.control("POST", "advance", {"seconds": 1200})
        self.assertEqual(self.credits(), 1000)

    def test_default_database(self):
        self.sb.control("POST", "config", {"progress_seconds": 0})
        listed = ["erlich@bachmanity.com", "jared@piedpiper.com", "richard@piedpiper.com",
                  "dinesh@piedpiper.com", "bertram@piedpiper.com", "monica@raviga.com",
                  "laurie@raviga.com", "gavin@hooli.com", "nelson@hooli.com", "jian@newpiedpiper.com"]
        by_domain = ["anyone@example.com", "x@example.org", "new@piedpiper.com", "y@hooli.com"]
        expected = {e: "ENRICHED" for e in listed + by_domain}
        expected.update({"nodata@hooli.com": "NO_DATA_FOUND", "nodata2@example.org": "NO_DATA_FOUND",
                         "other@raviga.com": "NOT_IN_DATABASE",
                         "someone@bachmanity.com": "NOT_IN_DATABASE",
                         "a@sub.example.com": "NOT_IN_DATABASE"})
        r = self.sb.queue(list(expected))
        batch = self.get_batch(r.json["uuid"])
        self.assertEqual(batch["status"], "COMPLETED")
        got = {p["email"]: p["processing_result"] for p in batch["prospects"]}
        self.assertEqual(got, expected)

    def test_database_configurable(self):
        self.sb.control("POST", "config", {"progress_seconds": 0, "database": ["Only@X.io"],
                                           "database_domains": ["corp.test"]})
        r = self.sb.queue(["only@x.io", "erlich@bachmanity.com", "a@example.com", "b@corp.test"])
        got = {p["email"]: p["processing_result"] for p in self.get_batch(r.json["uuid"])["prospects"]}
        self.assertEqual(got, {"only@x.io": "ENRICHED", "erlich@bachmanity.com": "NOT_IN_DATABASE",
                               "a@example.com": "NOT_IN_DATABASE", "b@corp.test": "ENRICHED"})
        self.sb.control("POST", "reset")
        self.sb.control("POST", "config", {"progress_seconds": 0})
        r = self.sb.queue(["erlich@bachmanity.com"])
        self.assertEqual(self.get_batch(r.json["uuid"])["prospects"][0]["processing_result"],
                         "ENRICHED")

    def test_get_shape(self):
        r = self.sb.queue(["jared@piedpiper.com", "dinesh@piedpiper.com"])
        batch = self.get_batch(r.json["uuid"])
        self.assertEqual(set(batch), {"uuid", "created", "status", "prospects"})
        self.assertEqual(batch["uuid"], r.json["uuid"])
        created = datetime.fromisoformat(batch["created"])
        self.assertIsNotNone(created.tzinfo)
        self.assertRegex(batch["created"], r"[+-]\d{2}:\d{2}$")
        self.assertEqual(batch["status"], "IN_PROGRESS")
        self.assertEqual(batch["prospects"], [
            {"email": "jared@piedpiper.com", "status": "PENDING", "processing_result": None},
            {"email": "dinesh@piedpiper.com", "status": "PENDING", "processing_result": None},
        ])

    def test_get_404_and_401(self):
        self.assertErrorBody(self.sb.call("GET", QUEUE + "/00000000-0000-0000-0000-000000000000"),
                             404, "not found")
        self.assertErrorBody(self.sb.call("GET", QUEUE + "/not-a-uuid"), 404)
        r = self.sb.queue(["a@example.com"])
        self.assertErrorBody(self.sb.call("GET", f"{QUEUE}/{r.json['uuid']}", key="nope"), 401)

    def phases(self, u):
        """The prospect's status through GET, then through the status query (two requests, in
        that order), each checked against its batch's status and result."""
        out = []
        b = self.get_batch(u)
        lst = self.sb.call("POST", LIST, {}).json["prospect_enrichments"][0]
        for batch in (b, lst):
            p = batch["prospects"][0]
            if p["status"] == "PROCESSED":
                self.assertEqual((batch["status"], p["processing_result"]), ("COMPLETED", "ENRICHED"))
            else:
                self.assertEqual((batch["status"], p["processing_result"]), ("IN_PROGRESS", None))
            out.append(p["status"])
        return out

    def test_progress_phases_through_get_and_list(self):
        # 3000 s of progress, moved on with /_sandbox/advance: each phase is seen for sure (the
        # real seconds the test takes are negligible next to 1000 s thirds).
        self.sb.control("POST", "config", {"progress_seconds": 3000})
        u = self.sb.queue(["laurie@raviga.com"]).json["uuid"]
        self.assertEqual(self.phases(u), ["PENDING"] * 2)
        self.sb.control("POST", "advance", {"seconds": 1000})
        self.assertEqual(self.phases(u), ["PROCESSING"] * 2)
        self.sb.control("POST", "advance", {"seconds": 1000})
        self.assertEqual(self.phases(u), ["PROCESSING"] * 2)
        self.sb.control("POST", "advance", {"seconds": 1000})
        self.assertEqual(self.phases(u), ["PROCESSED"] * 2)

    def test_progress_in_real_time(self):
        # Real time, no window: the phases seen (GET and status query alike, in the order they
        # were asked) only ever move forward, end PROCESSED, and each was reached no earlier than
        # its share of progress_seconds (lower bounds only).
        self.sb.control("POST", "config", {"progress_seconds": 0.6})
        t0 = time.monotonic()
        u = self.sb.queue(["laurie@raviga.com"]).json["uuid"]
        order = ["PENDING", "PROCESSING", "PROCESSED"]
        seen = []
        while not seen or seen[-1][1] != "PROCESSED":
            for phase in self.phases(u):
                seen.append((time.monotonic() - t0, phase))
            self.assertLess(time.monotonic() - t0, DEADLINE, "PROCESSED in time")
            time.sleep(0.02)
        indexes = [order.index(ph) for _, ph in seen]
        self.assertEqual(indexes, sorted(indexes), seen)
        for elapsed, phase in seen:
            if phase == "PROCESSING":
                self.assertGreaterEqual(elapsed, 0.2)
            if phase == "PROCESSED":
                self.assertGreaterEqual(elapsed, 0.6)

    def test_advance_validation(self):
        for body in (None, {}, {"seconds": 0}, {"seconds": -5}, {"seconds": "10"},
                     {"seconds": 1, "x": 2}):
            with self.subTest(body=body):
                raw = json.dumps(body).encode() if body is not None else b""
                r = self.sb.call("POST", "/_sandbox/advance", raw=raw, key=None)
                self.assertErrorBody(r, 400, "seconds")

    def test_complete_control_finishes_everything(self):
        r = self.sb.queue(["a@example.com", "nobody@nowhere.io"])
        self.assertEqual(self.get_batch(r.json["uuid"])["status"], "IN_PROGRESS")
        out = self.sb.control("POST", "complete")
        self.assertEqual(out["completed_batches"], 1)
        self.assertEqual(out["credits"], 998.5)
        self.assertEqual(self.get_batch(r.json["uuid"])["status"], "COMPLETED")


# =================================================================================================
class ListTests(SandboxCase):

    def test_list_recent_newest_first(self):
        uuids = [self.sb.queue([f"p{i}@example.com"]).json["uuid"] for i in range(3)]
        for body, ctype in (({}, "application/json"), (None, None)):
            with self.subTest(body=body):
                r = self.sb.call("POST", LIST, body, ctype=ctype)
                self.assertEqual(r.status, 200, r.raw)
                self.assertEqual(set(r.json), {"prospect_enrichments"})
                got = [b["uuid"] for b in r.json["prospect_enrichments"]]
                self.assertEqual(got, list(reversed(uuids)))
                for b in r.json["prospect_enrichments"]:
                    self.assertEqual(set(b), {"uuid", "created", "status", "prospects"})

    def test_list_returns_at_most_50(self):
        uuids = [self.sb.queue([f"p{i}@example.com"]).json["uuid"] for i in range(53)]
        got = [b["uuid"] for b in self.sb.call("POST", LIST, {}).json["prospect_enrichments"]]
        self.assertEqual(len(got), 50)
        self.assertEqual(got, list(reversed(uuids))[:50])

    def test_list_by_emails(self):
        u1 = self.sb.queue(["gavin@hooli.com", "nelson@hooli.com"]).json["uuid"]
        u2 = self.sb.queue(["monica@raviga.com"]).json["uuid"]
        u3 = self.sb.queue(["laurie@raviga.com", "jian@newpiedpiper.com"]).json["uuid"]
        r = self.sb.call("POST", LIST, {"emails": ["NELSON@hooli.com", "jian@newpiedpiper.com",
                                                   "unknown@x.io"]})
        self.assertEqual(r.status, 200, r.raw)
        batches = r.json["prospect_enrichments"]
        self.assertEqual([b["uuid"] for b in batches], [u3, u1])
        self.assertNotIn(u2, [b["uuid"] for b in batches])
        self.assertEqual([p["email"] for p in batches[0]["prospects"]], ["jian@newpiedpiper.com"])
        self.assertEqual([p["email"] for p in batches[1]["prospects"]], ["nelson@hooli.com"])
        r = self.sb.call("POST", LIST, {"emails": ["nobody@nowhere.io"]})
        self.assertEqual(r.json, {"prospect_enrichments": []})

    def test_list_400(self):
        cases = [
            ("invalid JSON", b"{emails", "not valid JSON"),
            ("array body", b'["a@b.c"]', "must be a JSON object"),
            ("emails not array", b'{"emails": "a@b.c"}', "emails must be an array"),
            ("emails empty", b'{"emails": []}', "must not be empty"),
            ("email not string", b'{"emails": ["a@b.c", 3]}', "emails[1] must be a string"),
            ("unknown field", b'{"limit": 5}', "limit is not a known field"),
        ]
        for name, raw, detail in cases:
            with self.subTest(name):
                self.assertErrorBody(self.sb.call("POST", LIST, raw=raw), 400, detail)
        self.assertErrorBody(self.sb.call("POST", LIST, raw=b"{}", ctype="text/plain"), 415)


# =================================================================================================
class CorsTests(SandboxCase):

    def assertCors(self, r):
        self.assertEqual(r.header("Access-Control-Allow-Origin"), "*")
        self.assertEqual(r.header("Access-Control-Allow-Headers"), "x-api-key, content-type")
        self.assertEqual(r.header("Access-Control-Allow-Methods"), "GET, POST, OPTIONS")
        self.assertEqual(r.header("Access-Control-Expose-Headers"), "Retry-After")

    def assertNoCors(self, r):
        for name in CORS_NAMES:
            self.assertIsNone(r.header(name), name)

    def preflight(self, path):
        return self.sb.call("OPTIONS", path, key=None, headers={
            "Origin": "http://localhost:8080", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "x-api-key, content-type"})

    def test_cors_on_by_default(self):
        self.assertCors(self.sb.queue(["a@example.com"]))
        self.assertCors(self.sb.queue(["a@example.com"], key="bad"))
        self.assertCors(self.sb.call("POST", LIST, {}))
        self.assertCors(self.sb.call("GET", QUEUE + "/missing"))
        for path in (QUEUE, LIST, QUEUE + "/abc"):
            with self.subTest(path=path):
                r = self.preflight(path)
                self.assertEqual(r.status, 204)
                self.assertEqual(r.raw, b"")
                self.assertCors(r)

    def test_cors_off_via_control(self):
        self.sb.control("POST", "config", {"cors": False})
        self.assertFalse(self.sb.control("GET", "state")["cors"])
        self.assertNoCors(self.sb.queue(["a@example.com"]))
        self.assertNoCors(self.sb.call("POST", LIST, {}))
        self.assertNoCors(self.sb.call("GET", QUEUE + "/missing"))
        r = self.preflight(QUEUE)
        self.assertEqual(r.status, 204)
        self.assertNoCors(r)
        self.sb.control("POST", "config", {"cors": True})
        self.assertCors(self.sb.queue(["b@example.com"]))

    def test_options_counted_but_not_logged(self):
        self.preflight(QUEUE)
        self.preflight(LIST)
        self.sb.queue(["a@example.com"])
        self.assertEqual(self.sb.control("GET", "state")["options_count"], 2)
        log = self.sb.control("GET", "requests")["requests"]
        self.assertEqual([e["method"] for e in log], ["POST"])


# =================================================================================================
class FaultTests(SandboxCase):

    def test_status_fault_with_retry_after(self):
        out = self.sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "status", "status": 503, "retry_after": "2"}]})
        self.assertEqual(out["faults_pending"], 1)
        r = self.sb.queue(["a@example.com"])
        self.assertErrorBody(r, 503)
        self.assertEqual(r.header("Retry-After"), "2")
        self.assertEqual(r.header("Access-Control-Expose-Headers"), "Retry-After")
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 0)
        self.assertEqual(self.sb.control("GET", "state")["faults_pending"], 0)
        r = self.sb.queue(["a@example.com"])               # the fault was one-shot
        self.assertEqual(r.status, 200)
        log = self.sb.control("GET", "requests")["requests"]
        self.assertEqual([(e["response_status"], e["fault"]) for e in log],
                         [(503, "status:503"), (200, None)])

    def test_status_fault_custom_body_http_date_and_times(self):
        date = "Wed, 21 Oct 2026 07:28:00 GMT"
        self.sb.control("POST", "faults", {"faults": [
            {"type": "status", "status": 429, "retry_after": date, "body": {"message": "slow down"},
             "times": 2}]})
        for _ in range(2):
            r = self.sb.call("POST", LIST, {})
            self.assertEqual(r.status, 429)
            self.assertEqual(r.header("Retry-After"), date)
            self.assertEqual(r.json, {"message": "slow down"})
        self.assertEqual(self.sb.call("POST", LIST, {}).status, 200)

    def test_faults_consumed_in_order_by_matching_requests(self):
        self.sb.control("POST", "faults", {"faults": [
            {"match": "get", "type": "status", "status": 500},
            {"match": "queue", "type": "status", "status": 502},
            {"match": "queue", "type": "status", "status": 504},
            {"match": "list", "type": "status", "status": 429},
        ]})
        self.assertEqual(self.sb.call("POST", LIST, {}).status, 429)
        self.assertEqual(self.sb.queue(["a@example.com"]).status, 502)
        self.assertEqual(self.sb.queue(["a@example.com"]).status, 504)
        r = self.sb.queue(["a@example.com"])
        self.assertEqual(r.status, 200)
        self.assertEqual(self.sb.call("GET", f"{QUEUE}/{r.json['uuid']}").status, 500)
        self.assertEqual(self.sb.call("GET", f"{QUEUE}/{r.json['uuid']}").status, 200)
        self.assertEqual(self.sb.control("GET", "faults")["faults"], [])

    def test_faults_apply_before_key_check(self):
        self.sb.control("POST", "faults", {"faults": [{"type": "status", "status": 503}]})
        self.assertEqual(self.sb.queue(["a@example.com"], key=None).status, 503)
        self.assertEqual(self.sb.queue(["a@example.com"], key=None).status, 401)

    def test_slow_fault_answers_after_at_least_the_delay(self):
        self.sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "slow", "delay_ms": 800}]})
        t0 = time.monotonic()
        r = self.sb.queue(["a@example.com"])
        self.assertGreaterEqual(time.monotonic() - t0, 0.8)     # a lower bound: the delay asked
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["status"], "ENQUEUED")
        log = self.sb.requests()
        self.assertEqual([(e["response_status"], e["fault"]) for e in log], [(200, "slow:800ms")])

    def test_drop_fault_closes_connection_without_response(self):
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "drop"}]})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.sb.queue(["a@example.com"])
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 0)
        log = self.sb.control("GET", "requests")["requests"]
        self.assertEqual(len(log), 1)
        self.assertIsNone(log[0]["response_status"])
        self.assertEqual(log[0]["fault"], "drop")
        self.assertEqual(self.sb.queue(["a@example.com"]).status, 200)

    def test_drop_after_processing(self):
        self.sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "drop", "process": True}]})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.sb.queue(["a@example.com"])
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 1)
        self.assertEqual(self.sb.queue(["a@example.com"]).json["status"], "NOT_ENQUEUED")
        self.assertEqual(self.sb.control("GET", "requests")["requests"][0]["fault"],
                         "drop:processed")

    def test_malformed_fault(self):
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "malformed"}]})
        r = self.sb.queue(["a@example.com"])
        self.assertEqual(r.status, 200)
        self.assertTrue(r.raw.startswith(b"{"))
        with self.assertRaises(ValueError):
            json.loads(r.raw)
        self.assertEqual(int(r.header("Content-Length")), len(r.raw))
        log = self.sb.control("GET", "requests")["requests"]
        self.assertEqual((log[0]["response_status"], log[0]["fault"]), (200, "malformed"))

    def test_fault_validation(self):
        bad = [
            {"faults": [{"type": "explode"}]},
            {"faults": [{"type": "status", "match": "everything"}]},
            {"faults": [{"type": "status", "status": 99}]},
            {"faults": [{"type": "slow", "delay_ms": -1}]},
            {"faults": [{"type": "drop", "times": 0}]},
            {"faults": [{"type": "drop", "bogus": 1}]},
            {"faults": "drop"},
        ]
        for body in bad:
            with self.subTest(body=body):
                r = self.sb.call("POST", "/_sandbox/faults", body, key=None)
                self.assertErrorBody(r, 400)
        self.assertEqual(self.sb.control("GET", "state")["faults_pending"], 0)

    def test_faults_clear_and_reset(self):
        self.sb.control("POST", "faults", {"faults": [{"type": "drop", "times": 3}]})
        self.assertEqual(self.sb.control("GET", "state")["faults_pending"], 3)
        out = self.sb.control("POST", "faults", {"clear": True, "faults": [{"type": "malformed"}]})
        self.assertEqual(out["faults_pending"], 1)
        self.sb.control("POST", "reset")
        self.assertEqual(self.sb.control("GET", "state")["faults_pending"], 0)


# =================================================================================================
class ControlAndLogTests(SandboxCase):

    def test_request_log_contents(self):
        self.sb.queue(["a@example.com"])
        self.sb.call("POST", QUEUE, raw=b"not json", ctype="text/plain", key="wrong")
        self.sb.call("POST", LIST, None, key=None, ctype=None)
        self.sb.control("GET", "state")                      # control: not logged
        log = self.sb.control("GET", "requests")["requests"]
        self.assertEqual(len(log), 3)
        self.assertEqual([e["seq"] for e in log], [1, 2, 3])
        a, b, c = log
        for e in log:
            self.assertEqual(set(e), {"seq", "time", "method", "path", "api_key_present",
                                      "api_key_valid", "api_key_sha256_prefix", "content_type",
                                      "body", "body_bytes", "response_status", "fault"})
            datetime.fromisoformat(e["time"])
        self.assertEqual((a["method"], a["path"]), ("POST", QUEUE))
        self.assertTrue(a["api_key_present"])
        self.assertTrue(a["api_key_valid"])
        self.assertEqual(a["api_key_sha256_prefix"], hashlib.sha256(KEY.encode()).hexdigest()[:12])
        self.assertEqual(a["content_type"], "application/json")
        self.assertEqual(a["body"], {"prospects": [{"email": "a@example.com"}]})
        self.assertEqual(a["body_bytes"], len(json.dumps(prospects("a@example.com"))))
        self.assertEqual(a["response_status"], 200)
        self.assertIsNone(a["fault"])
        self.assertTrue(b["api_key_present"])
        self.assertFalse(b["api_key_valid"])
        self.assertEqual(b["api_key_sha256_prefix"], hashlib.sha256(b"wrong").hexdigest()[:12])
        self.assertEqual(b["body"], "not json")
        self.assertEqual(b["content_type"], "text/plain")
        self.assertEqual(b["response_status"], 401)
        self.assertEqual((c["path"], c["api_key_present"], c["api_key_valid"]), (LIST, False, False))
        self.assertIsNone(c["api_key_sha256_prefix"])
        self.assertIsNone(c["body"])
        self.assertEqual(c["body_bytes"], 0)
        self.assertIsNone(c["content_type"])
        self.assertEqual(c["response_status"], 401)
        # the key itself never appears in the log
        self.assertNotIn(KEY, json.dumps(log))
        # ?since=
        since = self.sb.call("GET", "/_sandbox/requests?since=2", key=None).json["requests"]
        self.assertEqual([e["seq"] for e in since], [3])

    def test_state_fields(self):
        st = self.sb.control("GET", "state")
        for name in ("credits", "cors", "progress_seconds", "max_batch", "keys_count",
                     "batches_count", "faults_pending", "options_count"):
            self.assertIn(name, st)
        self.assertEqual((st["credits"], st["cors"], st["progress_seconds"], st["max_batch"],
                          st["keys_count"], st["batches_count"], st["faults_pending"]),
                         (1000, True, 3600.0, 100, 2, 0, 0))

    def test_config_and_keys(self):
        st = self.sb.control("POST", "config", {"credits": 12.5, "max_batch": 5,
                                                "progress_seconds": 1, "keys": ["k-new"]})
        self.assertEqual((st["credits"], st["max_batch"], st["progress_seconds"], st["keys_count"]),
                         (12.5, 5, 1.0, 1))
        self.assertEqual(self.sb.queue(["a@example.com"]).status, 401)
        self.assertEqual(self.sb.queue(["a@example.com"], key="k-new").status, 200)

    def test_config_validation(self):
        for body in ({"credits": -1}, {"credits": "5"}, {"cors": "no"}, {"max_batch": 0},
                     {"progress_seconds": -2}, {"keys": []}, {"keys": [""]}, {"database": "a@b"},
                     {"database_domains": [1]}, {"colour": "red"}):
            with self.subTest(body=body):
                self.assertErrorBody(self.sb.call("POST", "/_sandbox/config", body, key=None), 400)
        self.assertErrorBody(self.sb.call("POST", "/_sandbox/config", raw=b"{", key=None), 400)
        self.assertEqual(self.sb.control("GET", "state")["credits"], 1000)

    def test_reset_restores_startup_defaults_then_applies_body(self):
        self.sb.control("POST", "config", {"credits": 3, "cors": False, "keys": ["z"]})
        self.sb.queue(["a@example.com"], key="z")
        self.sb.control("POST", "faults", {"faults": [{"type": "drop"}]})
        st = self.sb.control("POST", "reset", {"credits": 7})
        self.assertEqual((st["credits"], st["cors"], st["keys_count"], st["batches_count"],
                          st["faults_pending"], st["options_count"]), (7, True, 2, 0, 0, 0))
        self.assertEqual(self.sb.control("GET", "requests")["requests"], [])
        self.assertEqual(self.sb.control("POST", "reset")["credits"], 1000)

    def test_control_endpoints_need_no_key_and_reject_unknown(self):
        self.assertEqual(self.sb.call("GET", "/_sandbox/state", key=None).status, 200)
        self.assertErrorBody(self.sb.call("GET", "/_sandbox/nope", key=None), 404)
        self.assertErrorBody(self.sb.call("GET", "/_sandbox/reset", key=None), 405)
        self.assertEqual(self.sb.call("GET", "/", key=None).status, 200)


# =================================================================================================
class ControlAccessTests(SandboxCase):
    """Control endpoints answer only the sandbox's own callers: no CORS, no preflight, no foreign
    Origin or Host, and JSON POSTs only, so no web page can read the log or change faults."""

    CONTROL = (("GET", "/_sandbox/state", None), ("GET", "/_sandbox/requests", None),
               ("GET", "/_sandbox/faults", None), ("GET", "/_sandbox", None), ("GET", "/", None),
               ("POST", "/_sandbox/config", {"credits": 5}), ("POST", "/_sandbox/reset", {}),
               ("POST", "/_sandbox/faults", {"faults": [{"type": "drop"}]}),
               ("POST", "/_sandbox/complete", None), ("POST", "/_sandbox/advance", {"seconds": 9}))

    def assertNoCors(self, r):
        for name in CORS_NAMES + ("Access-Control-Max-Age", "Access-Control-Allow-Credentials"):
            self.assertIsNone(r.header(name), name)

    def assertUntouched(self):
        st = self.sb.control("GET", "state")
        self.assertEqual((st["credits"], st["faults_pending"]), (1000, 0))

    def test_foreign_origin_is_refused_with_403(self):
        for origin in ("http://evil.example", "https://127.0.0.1:%d" % self.sb.port,
                       "http://127.0.0.1:%d" % (self.sb.port + 1), "null", "http://localhost"):
            for method, path, body in self.CONTROL:
                with self.subTest(origin=origin, path=path):
                    r = self.sb.call(method, path, body, key=None, headers={"Origin": origin})
                    self.assertErrorBody(r, 403, "own origin")
                    self.assertNoCors(r)
        self.assertUntouched()

    def test_own_origin_and_no_origin_are_answered(self):
        for origin in (None, f"http://127.0.0.1:{self.sb.port}", f"http://localhost:{self.sb.port}"):
            with self.subTest(origin=origin):
                h = {"Origin": origin} if origin else {}
                r = self.sb.call("POST", "/_sandbox/config", {"credits": 5}, key=None, headers=h)
                self.assertEqual(r.status, 200, r.raw)
                self.assertEqual(r.json["credits"], 5)
                self.assertNoCors(r)
                r = self.sb.call("GET", "/_sandbox/requests", key=None, headers=h)
                self.assertEqual(r.status, 200, r.raw)
                self.assertNoCors(r)

    def test_foreign_host_is_refused_with_403(self):
        # A page of another site that made its name resolve to 127.0.0.1 (DNS rebinding) is
        # "same-origin" for the browser, so it sends no Origin on a GET: the Host header tells.
        for host in ("evil.example:%d" % self.sb.port, "evil.example", "127.0.0.1:1",
                     "127.0.0.1.evil.example:%d" % self.sb.port):
            with self.subTest(host=host):
                r = self.sb.call("GET", "/_sandbox/requests", key=None, headers={"Host": host})
                self.assertErrorBody(r, 403, "addressed to the sandbox itself")
                self.assertNoCors(r)
        for host in ("127.0.0.1:%d" % self.sb.port, "LOCALHOST:%d" % self.sb.port):
            with self.subTest(host=host):
                r = self.sb.call("GET", "/_sandbox/state", key=None, headers={"Host": host})
                self.assertEqual(r.status, 200, r.raw)

    def test_no_cors_headers_on_any_control_answer(self):
        for method, path, body in self.CONTROL + (("GET", "/_sandbox/nope", None),
                                                  ("GET", "/_sandbox/reset", None)):
            with self.subTest(path=path):
                self.assertNoCors(self.sb.call(method, path, body, key=None))
        self.sb.control("POST", "reset")
        # The API keeps its CORS behaviour.
        self.assertEqual(self.sb.queue(["a@example.com"]).header("Access-Control-Allow-Origin"), "*")

    def test_no_preflight_for_control_endpoints(self):
        for path in ("/_sandbox/config", "/_sandbox/requests", "/_sandbox/faults", "/"):
            with self.subTest(path=path):
                r = self.sb.call("OPTIONS", path, key=None, headers={
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type"})
                self.assertErrorBody(r, 405, "no CORS preflight")
                self.assertEqual(r.header("Allow"), "GET, POST")
                self.assertNoCors(r)
                r = self.sb.call("OPTIONS", path, key=None, headers={
                    "Origin": "http://evil.example", "Access-Control-Request-Method": "POST"})
                self.assertErrorBody(r, 403)
                self.assertNoCors(r)
        self.assertEqual(self.sb.control("GET", "state")["options_count"], 0)

    def test_control_posts_need_json_content_type(self):
        for ctype in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data",
                      None, "application/jsonx"):
            for method, path, body in self.CONTROL:
                if method != "POST":
                    continue
                with self.subTest(ctype=ctype, path=path):
                    r = self.sb.call("POST", path, body, key=None, ctype=ctype)
                    self.assertErrorBody(r, 415, "Content-Type: application/json")
                    self.assertNoCors(r)
            # an empty body needs it too (a cross-site form can send an empty POST)
            r = self.sb.call("POST", "/_sandbox/complete", None, key=None, ctype=None)
            self.assertErrorBody(r, 415)
        self.assertUntouched()
        r = self.sb.call("POST", "/_sandbox/config", {"credits": 6}, key=None,
                         ctype="application/json; charset=utf-8")
        self.assertEqual(r.json["credits"], 6)


# =================================================================================================
class BodyTests(SandboxCase):
    """A refused request is read to its end first, so its sender gets the answer, not a reset."""

    def raw_exchange(self, head: bytes, body_parts):
        """Sends head and body on a raw socket (every byte, checking nothing is refused on the
        way), then reads the whole answer; returns (status, json)."""
        with socket.create_connection(("127.0.0.1", self.sb.port), timeout=DEADLINE) as s:
            s.sendall(head)
            for part in body_parts:
                s.sendall(part)
            data = b""
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
        head_txt, _, payload = data.partition(b"\r\n\r\n")
        status = int(head_txt.split(b" ", 2)[1])
        return status, json.loads(payload) if payload else None

    def test_oversized_body_is_read_then_refused_with_413(self):
        self.sb.control("POST", "config", {"max_body_bytes": 1000})
        body = json.dumps(prospects(*[f"p{i}@example.com" for i in range(200000)])).encode()
        self.assertGreater(len(body), 4 * 1024 * 1024)
        r = self.sb.call("POST", QUEUE, raw=body)     # http.client sends all of it first
        self.assertErrorBody(r, 413, "over the sandbox's limit of 1000 bytes")
        self.assertIn("fewer prospects", r.json["detail"])
        log = self.sb.requests()
        self.assertEqual([(e["response_status"], e["body_bytes"], e["body"]) for e in log],
                         [(413, len(body), None)])
        self.assertEqual(self.sb.control("GET", "state")["batches_count"], 0)

    def test_limit_is_inclusive(self):
        body = json.dumps(prospects("a@example.com")).encode()
        self.sb.control("POST", "config", {"max_body_bytes": len(body)})
        self.assertEqual(self.sb.call("POST", QUEUE, raw=body).status, 200)
        self.sb.control("POST", "config", {"max_body_bytes": len(body) - 1})
        self.assertErrorBody(self.sb.call("POST", QUEUE, raw=body), 413)

    def test_refusals_after_a_large_body_reach_the_client(self):
        big = json.dumps(prospects(*[f"p{i}@example.com" for i in range(150000)])).encode()
        self.assertErrorBody(self.sb.call("POST", QUEUE, raw=big, key="wrong"), 401)
        self.assertErrorBody(self.sb.call("POST", QUEUE, raw=big, ctype="text/plain"), 415)
        self.assertErrorBody(self.sb.call("POST", QUEUE + "/x", raw=big), 405)
        self.assertErrorBody(self.sb.call("POST", "/rest/v2/nothing", raw=big), 404)
        self.assertErrorBody(self.sb.call("POST", "/_sandbox/config", raw=big, key=None,
                                          ctype="text/plain"), 415)
        self.assertErrorBody(self.sb.call("POST", "/_sandbox/config", raw=big, key=None,
                                          headers={"Origin": "http://evil.example"}), 403)

    def test_chunked_body_is_read_then_refused_with_411(self):
        chunk = b"x" * 65536
        parts = [b"%x\r\n" % len(chunk) + chunk + b"\r\n" for _ in range(64)] + [b"0\r\n\r\n"]
        head = (f"POST {QUEUE} HTTP/1.1\r\nHost: 127.0.0.1:{self.sb.port}\r\n"
                f"x-api-key: {KEY}\r\nContent-Type: application/json\r\n"
                "Transfer-Encoding: chunked\r\n\r\n").encode()
        status, payload = self.raw_exchange(head, parts)
        self.assertEqual(status, 411)
        self.assertIn("send the body with Content-Length", payload["detail"])
        self.assertEqual([(e["response_status"], e["body_bytes"]) for e in self.sb.requests()],
                         [(411, 64 * 65536)])

    def test_invalid_content_length_gets_400(self):
        for value in ("abc", "-5", "1, 2"):
            with self.subTest(value=value):
                head = (f"POST {LIST} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {KEY}\r\n"
                        f"Content-Length: {value}\r\n\r\n").encode()
                status, payload = self.raw_exchange(head, [])
                self.assertEqual(status, 400)
                self.assertIn("invalid Content-Length", payload["detail"])

    def test_client_that_stops_mid_body_does_not_break_the_sandbox(self):
        with socket.create_connection(("127.0.0.1", self.sb.port), timeout=DEADLINE) as s:
            s.sendall((f"POST {QUEUE} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {KEY}\r\n"
                       "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
                       '{"prospects": [').encode())
        self.assertEqual(self.sb.queue(["a@example.com"]).status, 200)
        self.assertEqual([e["response_status"] for e in self.sb.requests()], [200])


# =================================================================================================
class SlowFaultConcurrencyTests(unittest.TestCase):
    """Its own sandbox: the request held by the slow fault is never answered during the test and
    goes away with the process, so it cannot reach another test's state."""

    def test_slow_fault_does_not_block_other_requests(self):
        sb = SandboxProcess("--progress-seconds", "3600")
        self.addCleanup(sb.close)
        sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "slow", "delay_ms": 600000}]})
        body = json.dumps(prospects("a@example.com")).encode()
        held = socket.create_connection(("127.0.0.1", sb.port), timeout=DEADLINE)
        self.addCleanup(held.close)
        held.sendall((f"POST {QUEUE} HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: {KEY}\r\n"
                      f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
                      ).encode() + body)
        wait_until(lambda: sb.requests(), "the slow request reached the sandbox")
        # While it is held (10 minutes), other requests are answered.
        self.assertEqual(sb.call("POST", LIST, {}).status, 200)
        self.assertEqual(sb.queue(["b@example.com"]).json["status"], "ENQUEUED")
        self.assertEqual([(e["fault"], e["response_status"]) for e in sb.requests()],
                         [("slow:600000ms", None), (None, 200), (None, 200)])


# =================================================================================================
class LogBeforeAnswerTests(unittest.TestCase):
    """The log entry of a request is complete (status, fault) before its answer is written.

    The sandbox runs in this process with its answer-writing steps (_send, _drop) held after they
    have written: a client that has its answer reads the log while the handler is still held. If
    the entry were completed after the answer, the log would show response_status None here."""

    @classmethod
    def setUpClass(cls):
        import importlib.util
        spec = importlib.util.spec_from_file_location("sandbox_api_under_test", SCRIPT)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        gate = threading.Semaphore(0)
        cls.gate = gate

        class Held(mod.Handler):
            def _hold(self):
                if not self.path.startswith("/_sandbox"):
                    gate.acquire(timeout=DEADLINE)

            def _send(self, *args, **kwargs):
                super()._send(*args, **kwargs)
                self._hold()

            def _drop(self):
                super()._drop()
                self._hold()

        sandbox = mod.Sandbox({"progress_seconds": 30, "keys": [KEY]}, quiet=True)
        cls.server = mod.SandboxServer(("127.0.0.1", 0), type("H", (Held,), {"sandbox": sandbox}))
        cls.port = cls.server.server_address[1]
        cls.thread = threading.Thread(target=cls.server.serve_forever, daemon=True)
        cls.thread.start()

    @classmethod
    def tearDownClass(cls):
        for _ in range(100):
            cls.gate.release()
        cls.server.shutdown()
        cls.server.server_close()

    def control(self, path, body=None):
        data = json.dumps(body).encode() if body is not None else None
        r = http_call(self.port, "POST" if data else "GET", "/_sandbox/" + path, data,
                      {"Content-Type": "application/json"} if data else {})
        self.assertEqual(r.status, 200, r.raw)
        return r.json

    def call(self, method, path, body=b"", key=KEY, ctype="application/json"):
        h = {"x-api-key": key} if key else {}
        if ctype:
            h["Content-Type"] = ctype
        try:
            return http_call(self.port, method, path, body, h).status
        except (http.client.RemoteDisconnected, ConnectionError):
            return "no answer"

    def test_every_path_is_logged_before_it_answers(self):
        ok = json.dumps(prospects("a@example.com")).encode()
        cases = [
            ("200", None, None, ("POST", QUEUE, ok), 200, None),
            ("401", None, None, ("POST", QUEUE, ok, "wrong"), 401, None),
            ("415", None, None, ("POST", QUEUE, ok, KEY, "text/plain"), 415, None),
            ("400", None, None, ("POST", QUEUE, b"{"), 400, None),
            ("404", None, None, ("GET", "/rest/v2/nothing", None), 404, None),
            ("413", {"max_body_bytes": 10}, None, ("POST", QUEUE, ok), 413, None),
            ("status fault", None, {"type": "status", "status": 503, "retry_after": "2"},
             ("POST", QUEUE, ok), 503, "status:503"),
            ("slow fault", None, {"type": "slow", "delay_ms": 0}, ("POST", LIST, b"{}"), 200,
             "slow:0ms"),
            ("malformed fault", None, {"type": "malformed"}, ("POST", LIST, b"{}"), 200,
             "malformed"),
            ("drop fault", None, {"type": "drop"}, ("POST", QUEUE, ok), None, "drop"),
            ("drop after processing", None, {"type": "drop", "process": True},
             ("POST", QUEUE, json.dumps(prospects("b@example.com")).encode()), None,
             "drop:processed"),
        ]
        for name, config, fault, request, status, label in cases:
            with self.subTest(name):
                self.control("reset", {})
                if config:
                    self.control("config", config)
                if fault:
                    self.control("faults", {"faults": [fault]})
                got = self.call(*request)
                self.assertEqual(got, "no answer" if status is None else status)
                entry = self.control("requests")["requests"][-1]   # the handler is still held
                self.gate.release()
                self.assertEqual((entry["response_status"], entry["fault"]), (status, label))


# =================================================================================================
class CommandLineTests(unittest.TestCase):

    def start(self, *args, quiet=True):
        sb = SandboxProcess(*args, quiet=quiet)
        self.addCleanup(sb.close)
        return sb

    def test_first_line_and_flags(self):
        sb = self.start("--credits", "42", "--no-cors", "--progress-seconds", "0",
                        "--max-batch", "7", "--max-body-bytes", "4096",
                        "--key", "a1", "--key", "b2", "--key", "c3")
        self.assertRegex(sb.first_line, r"^SANDBOX_LISTENING http://127\.0\.0\.1:\d+\n$")
        st = sb.control("GET", "state")
        self.assertEqual((st["credits"], st["cors"], st["progress_seconds"], st["max_batch"],
                          st["max_body_bytes"], st["keys_count"]), (42, False, 0.0, 7, 4096, 3))
        r = sb.queue(["a@example.com"], key="b2")
        self.assertEqual(r.status, 200)
        self.assertIsNone(r.header("Access-Control-Allow-Origin"))
        self.assertEqual(sb.stop(), 0)
        out, _ = sb.output()
        self.assertEqual(out.splitlines(), [sb.first_line.strip()])

    def test_default_key(self):
        sb = self.start()
        self.assertEqual(sb.queue(["a@example.com"], key="sandbox-key").status, 200)
        st = sb.control("GET", "state")
        self.assertEqual((st["credits"], st["cors"], st["progress_seconds"], st["keys_count"]),
                         (998.5, True, 6.0, 1))

    def test_max_seconds_self_exit(self):
        t0 = time.monotonic()
        sb = self.start("--max-seconds", "1")
        self.assertEqual(sb.control("GET", "state")["batches_count"], 0)
        rc = sb.proc.wait(timeout=DEADLINE)
        self.assertEqual(rc, 0)
        self.assertGreaterEqual(time.monotonic() - t0, 1.0)   # not before the time asked

    def test_sigint_and_sigterm_exit_cleanly(self):
        for sig in (signal.SIGINT, signal.SIGTERM):
            with self.subTest(sig=sig):
                sb = self.start()
                sb.control("GET", "state")
                self.assertEqual(sb.stop(sig), 0)
                _, err = sb.output()
                self.assertNotIn("Traceback", err)

    def test_key_never_printed(self):
        secret = "sk-SECRET-4f2a9c77e1"
        wrong = "sk-WRONG-0b9d2e66aa"
        sb = self.start("--key", secret, "--progress-seconds", "0", quiet=False)
        self.assertEqual(sb.queue(["a@example.com"], key=secret).status, 200)
        self.assertEqual(sb.queue(["a@example.com"], key=wrong).status, 401)
        sb.call("POST", LIST, {"emails": ["a@example.com"]}, key=secret)
        sb.control("POST", "faults", {"faults": [{"type": "drop"}, {"type": "status"}]})
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            sb.queue(["b@example.com"], key=secret)
        sb.queue(["b@example.com"], key=secret)
        sb.call("GET", QUEUE + "/zzz", key=secret)
        sb.call("OPTIONS", QUEUE, key=secret)
        sb.queue(["c@example.com"], key=None)
        log = json.dumps(sb.control("GET", "requests"))
        self.assertEqual(sb.stop(), 0)
        out, err = sb.output()
        for text in (out, err, log):
            self.assertNotIn(secret, text)
            self.assertNotIn(wrong, text)
        self.assertIn("key=***", err)
        self.assertIn("key=none", err)
        self.assertIn("fault=drop", err)

    def test_port_in_use_fails_with_message(self):
        sb = self.start()
        proc = subprocess.run([sys.executable, str(SCRIPT), "--port", str(sb.port), "--quiet"],
                              capture_output=True, text=True, timeout=DEADLINE)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("cannot listen", proc.stderr)
        self.assertNotIn("SANDBOX_LISTENING", proc.stdout)


if __name__ == "__main__":
    unittest.main()
