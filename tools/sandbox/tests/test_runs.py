"""The sandbox at the scale of a run (issue 11): status endpoints for runs of any size, the record of
what was queued (GET /_sandbox/prospects), and the faults of the new flows: "after" (the Nth request),
"hold" (a request kept in flight until released, so that a client can be killed while it waits) and
429 bursts.

Run from the repository root:  python3 -m unittest discover -s tools/sandbox/tests -v
"""

from __future__ import annotations

import http.client
import json
import threading
import unittest

from support import DEADLINE, KEY, LIST, QUEUE, SandboxProcess, wait_until


def prospects(*emails):
    return {"prospects": [{"email": e} for e in emails]}


class RunScaleTests(unittest.TestCase):
    """One sandbox; state reset before each test. Batches stay pending for an hour unless a test
    completes them."""

    @classmethod
    def setUpClass(cls):
        cls.sb = SandboxProcess("--progress-seconds", "3600", "--credits", "1000000")
        cls.addClassCleanup(cls.sb.close)

    def setUp(self):
        self.sb.control("POST", "reset", {"credits": 1000000})

    def queue_batches(self, count, size, prefix="u"):
        uuids = []
        for b in range(count):
            emails = [f"{prefix}{b * size + i}@example.com" for i in range(size)]
            r = self.sb.queue(emails)
            self.assertEqual(r.status, 200, r.raw)
            self.assertEqual(r.json["status"], "ENQUEUED")
            uuids.append(r.json["uuid"])
        return uuids

    def test_twenty_thousand_prospects_in_400_batches_each_found_by_email(self):
        uuids = self.queue_batches(400, 50)
        # A prospect already pending is not queued again, also among 20,000.
        again = self.sb.queue(["u123@example.com", "U19999@Example.com"])
        self.assertEqual(again.json["status"], "NOT_ENQUEUED")
        rec = self.sb.control("GET", "prospects")
        self.assertEqual(rec["count"], 20000)
        self.assertEqual(len({p["email"] for p in rec["prospects"]}), 20000)
        # The statuses query by email: 100 emails that span two batches give those two, newest first.
        emails = [f"u{i}@example.com" for i in range(9950, 10050)]
        r = self.sb.call("POST", LIST, {"emails": emails})
        self.assertEqual(r.status, 200, r.raw)
        got = r.json["prospect_enrichments"]
        self.assertEqual([b["uuid"] for b in got], [uuids[200], uuids[199]])
        self.assertEqual(sum(len(b["prospects"]) for b in got), 100)
        # Completed: every prospect has its outcome, in the GET of its batch too.
        self.sb.control("POST", "complete")
        b = self.sb.call("GET", f"{QUEUE}/{uuids[399]}").json
        self.assertEqual(b["status"], "COMPLETED")
        self.assertEqual({p["processing_result"] for p in b["prospects"]}, {"ENRICHED"})
        rec = self.sb.control("GET", "prospects")
        self.assertEqual({p["status"] for p in rec["prospects"]}, {"PROCESSED"})

    def test_recent_list_and_email_filter_keep_the_limit_of_50_newest(self):
        uuids = self.queue_batches(60, 1, prefix="r")
        recent = self.sb.call("POST", LIST, {}).json["prospect_enrichments"]
        self.assertEqual([b["uuid"] for b in recent], uuids[::-1][:50])
        emails = [f"r{i}@example.com" for i in range(60)]
        by_email = self.sb.call("POST", LIST, {"emails": emails}).json["prospect_enrichments"]
        self.assertEqual([b["uuid"] for b in by_email], uuids[::-1][:50])

    def test_prospects_record_lists_each_queued_prospect_with_its_batch(self):
        a = self.sb.queue(["a@example.com", "b@raviga.com"]).json["uuid"]
        self.sb.queue(["a@example.com"])              # pending: not queued again
        self.sb.control("POST", "complete")
        rec = self.sb.control("GET", "prospects")
        self.assertEqual(rec, {"count": 2, "prospects": [
            {"email": "a@example.com", "uuid": a, "status": "PROCESSED", "processing_result": "ENRICHED"},
            {"email": "b@raviga.com", "uuid": a, "status": "PROCESSED",
             "processing_result": "NOT_IN_DATABASE"}]})
        # Once processed, the same email may be queued again: the record shows it twice.
        self.assertEqual(self.sb.queue(["a@example.com"]).json["status"], "ENQUEUED")
        self.assertEqual(self.sb.control("GET", "prospects")["count"], 3)

    def test_after_applies_a_fault_to_the_nth_matching_request(self):
        self.sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "drop", "process": True, "after": 2}]})
        self.assertEqual(self.sb.control("GET", "faults")["faults"][0]["waiting_for"], 2)
        self.assertEqual(self.sb.call("POST", LIST, {}).status, 200)     # not a queue request
        self.assertEqual(self.sb.queue(["a@example.com"]).status, 200)
        self.assertEqual(self.sb.queue(["b@example.com"]).status, 200)
        with self.assertRaises((http.client.RemoteDisconnected, ConnectionError)):
            self.sb.queue(["c@example.com"])
        self.assertEqual(self.sb.queue(["c@example.com"]).json["status"], "NOT_ENQUEUED")
        self.assertEqual([e["fault"] for e in self.sb.requests()],
                         [None, None, None, "drop:processed", None])

    def test_a_burst_of_429_after_the_first_batches(self):
        self.sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "status", "status": 429, "retry_after": "1", "times": 3,
             "after": 1}]})
        self.assertEqual(self.sb.queue(["a@example.com"]).status, 200)
        for _ in range(3):
            r = self.sb.queue(["b@example.com"])
            self.assertEqual((r.status, r.header("Retry-After")), (429, "1"))
        self.assertEqual(self.sb.queue(["b@example.com"]).json["status"], "ENQUEUED")

    def test_bad_after_is_refused(self):
        for bad in (-1, "2", True, 1.5):
            r = self.sb.call("POST", "/_sandbox/faults", {"faults": [{"type": "drop", "after": bad}]},
                             key=None)
            self.assertEqual(r.status, 400, bad)
            self.assertIn("after must be an integer >= 0", r.json["detail"])


class HoldFaultTests(unittest.TestCase):
    """A request held in flight: the test decides when it goes on (no sleeping, no timing)."""

    @classmethod
    def setUpClass(cls):
        cls.sb = SandboxProcess("--progress-seconds", "3600")
        cls.addClassCleanup(cls.sb.close)

    def setUp(self):
        self.sb.control("POST", "reset")

    def send_in_thread(self, emails):
        box = {}

        def go():
            try:
                box["response"] = self.sb.queue(emails)
            except Exception as exc:  # noqa: BLE001 (reported by the test)
                box["error"] = exc
        t = threading.Thread(target=go, daemon=True)
        t.start()
        return t, box

    def test_hold_keeps_the_request_unprocessed_until_released(self):
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold"}]})
        t, box = self.send_in_thread(["a@example.com"])
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the request is held")
        log = self.sb.requests()
        self.assertEqual([(e["fault"], e["response_status"]) for e in log], [("hold", None)])
        self.assertEqual(self.sb.control("GET", "prospects")["count"], 0)   # not processed yet
        # Other requests go on meanwhile.
        self.assertEqual(self.sb.queue(["b@example.com"]).json["status"], "ENQUEUED")
        self.assertEqual(self.sb.control("POST", "release"), {"released": 1})
        t.join(DEADLINE)
        self.assertEqual(box["response"].json["status"], "ENQUEUED")
        self.assertEqual(self.sb.control("GET", "prospects")["count"], 2)

    def test_hold_after_processing_queues_first_and_answers_on_release(self):
        self.sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "hold", "process": True}]})
        t, box = self.send_in_thread(["a@example.com"])
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the answer is held")
        self.assertEqual(self.sb.control("GET", "prospects")["count"], 1)   # queued already
        self.assertEqual(self.sb.requests()[0]["fault"], "hold:processed")
        self.sb.control("POST", "release")
        t.join(DEADLINE)
        self.assertEqual(box["response"].status, 200)

    def test_reset_releases_held_requests(self):
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold"}]})
        t, box = self.send_in_thread(["a@example.com"])
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the request is held")
        self.sb.control("POST", "reset")
        t.join(DEADLINE)
        self.assertFalse(t.is_alive())
        self.assertEqual(self.sb.control("GET", "state")["held"], 0)


if __name__ == "__main__":
    unittest.main()
