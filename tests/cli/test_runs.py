"""`enrich queue` and `enrich track` against the sandbox API (tools/sandbox/), started by the tests.

Every wait is on a condition (the sandbox's request log or state, the ledger on disk, the process
ending), with a generous deadline that only a broken program reaches; nothing sleeps and then
asserts. Runs build/native/enrich (or $ENRICH)."""
import collections
import csv
import hashlib
import io
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "sandbox", "tests"))
from support import DEADLINE, LIST, QUEUE, NginxProcess, SandboxProcess, wait_until  # noqa: E402

ENRICH = os.environ.get("ENRICH", os.path.join(ROOT, "build", "native", "enrich"))
KEY = "sandbox-key"
SECRET = "Zq9-very-secret-key-7781"   # a key that is easy to look for in every output
RUN_DEADLINE = 900                      # one whole run of 20,000 rows on a loaded machine


def fingerprint(key):
    return hashlib.sha256(key.encode()).hexdigest()[:12]


def write_csv(path, n, start=0, extra_rows=()):
    """n valid rows (p<i>@example.com; every 10th nodata.*, every 10th at gmail.com), then extra_rows."""
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Email", "First Name", "Company", "Notes"])
        for i in range(start, start + n):
            k = i % 10
            email = f"nodata.p{i}@example.com" if k == 7 else f"p{i}@gmail.com" if k == 8 else f"p{i}@example.com"
            w.writerow([email, f"N{i}", f"Co {i % 97}", "=SUM(A1)" if i % 1000 == 5 else f"n{i}"])
        for row in extra_rows:
            w.writerow(row)
    return path


def read_ledger(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (FileNotFoundError, ValueError):
        return None


def ledger_batches(path):
    led = read_ledger(path)
    return led["runs"][-1]["batches"] if led and led["runs"] else []


class RunCase(unittest.TestCase):
    """One sandbox per class (keys sandbox-key and SECRET), reset before each test; a temp dir."""

    sandbox_args = ("--key", KEY, "--key", SECRET, "--progress-seconds", "3600", "--credits", "1000000")

    @classmethod
    def setUpClass(cls):
        cls.sb = SandboxProcess(*cls.sandbox_args)
        cls.addClassCleanup(cls.sb.close)

    def setUp(self):
        self.sb.control("POST", "reset", {"credits": 1000000})
        self.dir = tempfile.mkdtemp(prefix="pe-cli-runs-")
        self.addCleanup(shutil.rmtree, self.dir, True)
        self.ledger = os.path.join(self.dir, "run.json")

    def path(self, name):
        return os.path.join(self.dir, name)

    def env(self, key=KEY):
        env = dict(os.environ)
        env.pop("WOODPECKER_API_KEY", None)
        if key is not None:
            env["WOODPECKER_API_KEY"] = key
        return env

    def enrich(self, *args, key=KEY, api=None, timeout=RUN_DEADLINE):
        cmd = [ENRICH, *args]
        if api is not False:
            cmd += ["--api", api or self.sb.url]
        p = subprocess.run(cmd, capture_output=True, timeout=timeout, env=self.env(key), stdin=subprocess.DEVNULL)
        return p.returncode, p.stdout.decode(), p.stderr.decode()

    def queue(self, csv_path, *more, **kw):
        return self.enrich("queue", csv_path, "--ledger", self.ledger, "--yes", *more, **kw)

    def start_queue(self, csv_path, *more, key=KEY, api=None):
        out = open(self.path("queue.out"), "wb")
        err = open(self.path("queue.err"), "wb")
        self.addCleanup(out.close)
        self.addCleanup(err.close)
        p = subprocess.Popen([ENRICH, "queue", csv_path, "--ledger", self.ledger, "--yes", "--api", api or self.sb.url, *more],
                             stdout=out, stderr=err, stdin=subprocess.DEVNULL, env=self.env(key))
        self.addCleanup(lambda: p.poll() is None and p.kill())
        return p

    def kill(self, p, may_have_ended=False):
        """SIGKILL. may_have_ended: the run may end by itself between the caller's look and the
        signal (a loaded machine); then its exit code is 0."""
        p.send_signal(signal.SIGKILL)
        p.wait(DEADLINE)
        if may_have_ended and p.returncode == 0:
            return
        self.assertEqual(p.returncode, -signal.SIGKILL)

    def queue_log(self):
        return [e for e in self.sb.requests() if e["method"] == "POST" and e["path"] == QUEUE]

    def recorded(self):
        """email -> how many times the sandbox queued it."""
        return collections.Counter(p["email"] for p in self.sb.control("GET", "prospects")["prospects"])

    def assertEachQueuedOnce(self, emails):
        counts = self.recorded()
        self.assertEqual(sorted(counts), sorted(emails))
        self.assertEqual({e: c for e, c in counts.items() if c != 1}, {})

    def valid_emails(self, n, start=0):
        return [f"nodata.p{i}@example.com" if i % 10 == 7 else f"p{i}@gmail.com" if i % 10 == 8 else f"p{i}@example.com"
                for i in range(start, start + n)]


# =================================================================================================
class LargeRunTests(RunCase):
    def test_twenty_thousand_rows_in_400_batches_agree_with_the_sandbox_row_for_row(self):
        extra = [["not-an-email", "X", "Y", ""], ["p5@example.com", "again", "", ""]]
        src = write_csv(self.path("big.csv"), 20000, extra_rows=extra)
        t0 = time.monotonic()
        code, out, err = self.queue(src, "--batch-size", "50")
        queued_in = time.monotonic() - t0
        self.assertEqual(code, 0, err[-3000:])
        summary = json.loads(out)
        totals = summary["run"]["totals"]
        self.assertEqual(totals["batches"], 400)
        self.assertEqual(totals["batches_by_state"]["sent"], 400)
        self.assertEqual((totals["prospects"], totals["queued"], totals["api_queued"]), (20000, 20000, 20000))
        self.assertEqual(totals["credits_ceiling"], 30000)
        self.assertIn("credit ceiling: 30000 credits", err)
        self.assertEqual(len(self.queue_log()), 400)
        self.assertEachQueuedOnce(self.valid_emails(20000))
        led = read_ledger(self.ledger)
        self.assertEqual(len(led["runs"]), 1)
        self.assertEqual(sum(len(b["emails"]) for b in led["runs"][0]["batches"]), 20000)

        self.sb.control("POST", "complete")
        t0 = time.monotonic()
        results = self.path("results.csv")
        code, out, err = self.enrich("track", "--ledger", self.ledger, "--pace", "0", "--results", results, src, api=False)
        tracked_in = time.monotonic() - t0
        self.assertEqual(code, 0, err[-3000:])
        report = json.loads(out)
        t = report["runs"][0]["totals"]
        truth = {p["email"]: p for p in self.sb.control("GET", "prospects")["prospects"]}
        by_result = collections.Counter(p["processing_result"] for p in truth.values())
        self.assertEqual(t["by_result"], dict(by_result))
        self.assertEqual(by_result["ENRICHED"], 16000)
        self.assertEqual(t["credits_used"], 1.5 * by_result["ENRICHED"])
        self.assertEqual((t["pending"], t["final"], t["tracked"]), (0, 20000, 20000))
        self.assertEqual(report["results"]["rows"], 20002)   # every row

        with open(results, newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertEqual(len(rows), 20002)
        self.assertEqual(list(rows[0].keys()), ["Email", "First Name", "Company", "Notes", "validation",
                                                "validation_details", "batch_uuid", "queue_outcome",
                                                "queue_details", "enrichment_status", "enrichment_result"])
        for row in rows[:20000]:
            p = truth[row["Email"]]
            self.assertEqual((row["validation"], row["queue_outcome"], row["batch_uuid"], row["enrichment_status"],
                              row["enrichment_result"]),
                             ("valid", "queued", p["uuid"], "PROCESSED", p["processing_result"]), row)
        self.assertEqual(rows[5]["Notes"], "'=SUM(A1)")   # formula-safe, the rest of the cell kept
        self.assertEqual(rows[20000]["validation"], "invalid")
        self.assertEqual(rows[20000]["queue_outcome"], "")
        self.assertIn("no @", rows[20000]["validation_details"].lower())
        self.assertEqual(rows[20001]["validation"], "duplicate")
        print(f"\n20,000-row run against the sandbox: queue {queued_in:.1f} s (400 batches, ledger written "
              f"before and after each), track {tracked_in:.1f} s (400 polls) and the results CSV", file=sys.stderr)


# =================================================================================================
class KillAndResumeTests(RunCase):
    """SIGKILL at several points of a run of 10 batches, then the same command again: the sandbox
    queued each prospect exactly once, and every one ends confirmed."""

    n = 500

    def rerun_completes(self, src):
        code, out, err = self.queue(src)
        self.assertEqual(code, 0, err[-3000:])
        t = json.loads(out)["run"]["totals"]
        self.assertEqual((t["queued"] + t["already_pending"], t["unconfirmed"], t["not_sent"]), (self.n, 0, 0), err[-2000:])
        self.assertEachQueuedOnce(self.valid_emails(self.n))
        return t, err

    def test_killed_while_waiting_between_attempts(self):
        src = write_csv(self.path("in.csv"), self.n)
        self.sb.control("POST", "faults", {"faults": [
            {"match": "queue", "type": "status", "status": 429, "retry_after": "600", "after": 3}]})
        p = self.start_queue(src)
        # The 4th batch was rate limited and the wait is written to the ledger: kill it while it waits.
        wait_until(lambda: len(ledger_batches(self.ledger)) == 10 and ledger_batches(self.ledger)[3]["attempts"] == 1
                   and "429" in ledger_batches(self.ledger)[3]["message"], "the 4th batch waits after a 429")
        self.kill(p)
        self.assertEqual(len(self.recorded()), 150)
        t, err = self.rerun_completes(src)
        self.assertEqual(t["queued"], self.n)

    def test_killed_while_a_request_is_in_flight_before_the_api_processed_it(self):
        src = write_csv(self.path("in.csv"), self.n)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold", "after": 4}]})
        p = self.start_queue(src)
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the 5th request is held")
        self.kill(p)
        self.assertEqual(ledger_batches(self.ledger)[4]["state"], "sending")
        # The API processes it after the client is gone (its answer goes nowhere).
        self.sb.control("POST", "release")
        wait_until(lambda: self.queue_log()[4]["response_status"] == 200, "the held request was processed")
        t, err = self.rerun_completes(src)
        self.assertEqual(t["queued"], self.n)
        # The rerun asked the API about batch 5 instead of sending it again.
        self.assertIn("checking with the API which prospects of 1 unconfirmed", err)
        self.assertEqual(len(self.queue_log()), 10)
        batch = ledger_batches(self.ledger)[4]
        self.assertEqual(batch["state"], "sent")
        self.assertIn("Tracking found all 50", batch["message"])

    def test_killed_after_the_api_processed_the_request_but_before_its_answer(self):
        src = write_csv(self.path("in.csv"), self.n)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold", "process": True, "after": 6}]})
        p = self.start_queue(src)
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the 7th answer is held")
        self.kill(p)
        self.sb.control("POST", "release")
        t, _ = self.rerun_completes(src)
        self.assertEqual(t["queued"], self.n)
        self.assertEqual(len(self.queue_log()), 10)

    def test_killed_and_rerun_while_the_lost_request_is_still_held(self):
        # The rerun cannot know yet: it sends the batch again; the old request, processed later,
        # finds the prospects pending and queues nothing. Still exactly once.
        src = write_csv(self.path("in.csv"), self.n)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold", "after": 2}]})
        p = self.start_queue(src)
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the 3rd request is held")
        self.kill(p)
        self.rerun_completes(src)
        self.sb.control("POST", "release")
        wait_until(lambda: self.queue_log()[2]["response_status"] == 200, "the held request was processed")
        self.assertEachQueuedOnce(self.valid_emails(self.n))

    def test_a_rerun_with_another_batch_size_settles_the_first_run_before_planning(self):
        src = write_csv(self.path("in.csv"), self.n)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold", "process": True, "after": 2}]})
        p = self.start_queue(src)
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the 3rd answer is held")
        self.kill(p)
        self.sb.control("POST", "release")
        code, out, err = self.queue(src, "--batch-size", "40")
        self.assertEqual(code, 0, err[-3000:])
        runs = read_ledger(self.ledger)["runs"]
        self.assertEqual(len(runs), 2)
        self.assertEqual(runs[0]["batches"][2]["state"], "sent")          # settled by email, not sent again
        self.assertEqual(sum(len(b["emails"]) for b in runs[1]["batches"]), self.n - 150)
        self.assertEqual(len(self.queue_log()), 3 + 9)                      # 350 more in batches of 40
        self.assertEachQueuedOnce(self.valid_emails(self.n))

    def test_killed_at_arbitrary_points(self):
        src = write_csv(self.path("in.csv"), self.n)
        for answered in (1, 4, 8):
            with self.subTest(answered=answered):
                self.sb.control("POST", "reset", {"credits": 1000000})
                # Each answer takes 150 ms, so that the run is still going when the kill comes after
                # `answered` answers (on a fast machine 10 batches take a few ms); the kill still
                # lands wherever the run happens to be: mid-request, writing the ledger, between.
                self.sb.control("POST", "faults", {"faults": [
                    {"match": "queue", "type": "slow", "delay_ms": 150, "times": 1000}]})
                if os.path.exists(self.ledger):
                    os.unlink(self.ledger)
                p = self.start_queue(src)
                wait_until(lambda: sum(1 for e in self.queue_log() if e["response_status"] == 200) >= answered or
                           p.poll() is not None, f"{answered} batches answered")
                if p.poll() is None:
                    self.kill(p, may_have_ended=True)
                self.sb.control("POST", "faults", {"faults": []})
                self.rerun_completes(src)

    def test_sigint_stops_after_the_request_in_flight(self):
        src = write_csv(self.path("in.csv"), self.n)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold", "after": 1}]})
        p = self.start_queue(src)
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the 2nd request is held")
        p.send_signal(signal.SIGINT)
        self.sb.control("POST", "release")
        p.wait(DEADLINE)
        self.assertEqual(p.returncode, 130)
        states = [b["state"] for b in ledger_batches(self.ledger)]
        self.assertEqual(states, ["sent", "sent"] + ["not_sent"] * 8)
        self.assertEqual(len(self.queue_log()), 2)
        self.rerun_completes(src)


# =================================================================================================
class LostAnswerTests(RunCase):
    def test_dropped_after_processing_ends_confirmed_as_queued_counted_once(self):
        src = write_csv(self.path("in.csv"), 150)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "drop", "process": True, "after": 1}]})
        code, out, err = self.queue(src)
        self.assertEqual(code, 0, err)
        b = ledger_batches(self.ledger)[1]
        self.assertEqual((b["state"], b["queue_status"], b["queued_earlier"], b["attempts"], b["queued"]),
                         ("sent", "NOT_ENQUEUED", True, 2, 50))
        t = json.loads(out)["run"]["totals"]
        self.assertEqual((t["queued"], t["already_pending"], t["api_queued"]), (150, 0, 150))
        self.assertEachQueuedOnce(self.valid_emails(150))

    def test_dropped_after_processing_through_nginx_is_a_502_and_still_counted_once(self):
        if shutil.which("nginx") is None:
            self.skipTest("nginx is not installed (scripts/deps.sh installs it)")
        proxy = NginxProcess(self.sb.port)
        self.addCleanup(proxy.close)
        src = write_csv(self.path("in.csv"), 150)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "drop", "process": True, "after": 1}]})
        code, out, err = self.queue(src, api=proxy.url + "/sandbox")
        self.assertEqual(code, 0, err)
        self.assertIn("(502", err)  # the retry says what it saw
        b = ledger_batches(self.ledger)[1]
        self.assertEqual((b["state"], b["queued_earlier"], b["queued"]), ("sent", True, 50))
        t = json.loads(out)["run"]["totals"]
        self.assertEqual((t["queued"], t["api_queued"]), (150, 150))
        self.assertEachQueuedOnce(self.valid_emails(150))

    def test_a_batch_too_large_stops_the_run_and_a_smaller_batch_size_sends_the_rest(self):
        src = write_csv(self.path("in.csv"), 120)
        self.sb.control("POST", "config", {"max_body_bytes": 2000})
        code, out, err = self.queue(src)
        self.assertEqual(code, 3, err)
        self.assertIn("lower the batch size", err)
        self.assertEqual([b["state"] for b in ledger_batches(self.ledger)], ["failed", "not_sent", "not_sent"])
        self.assertEqual(len(self.queue_log()), 1)
        code, out, err = self.queue(src, "--batch-size", "10")
        self.assertEqual(code, 0, err)
        self.assertEachQueuedOnce(self.valid_emails(120))

    def test_credits_run_out_then_the_rerun_sends_only_the_rest(self):
        src = write_csv(self.path("in.csv"), 150)
        self.sb.control("POST", "config", {"credits": 100})     # 66 prospects
        code, out, err = self.queue(src)
        self.assertEqual(code, 3, err)
        states = [b["state"] for b in ledger_batches(self.ledger)]
        self.assertEqual(states, ["sent", "partial", "not_sent"])
        self.assertIn("credits", err)
        self.sb.control("POST", "config", {"credits": 1000})
        code, out, err = self.queue(src)
        self.assertEqual(code, 0, err)
        self.assertEachQueuedOnce(self.valid_emails(150))
        t = json.loads(out)["run"]["totals"]
        self.assertEqual((t["queued"], t["api_queued"]), (150, 150))
        # The partly queued batch was settled by email and only its 34 others were sent again.
        bodies = [len(e["body"]["prospects"]) for e in self.queue_log()]
        self.assertEqual(bodies, [50, 50, 34, 50])


# =================================================================================================
class EndpointsAndKeysTests(RunCase):
    def test_sandbox_rehearsal_then_another_endpoint_and_another_key_are_kept_apart(self):
        src = write_csv(self.path("in.csv"), 120)
        other = SandboxProcess("--key", KEY, "--key", SECRET, "--progress-seconds", "3600")
        self.addCleanup(other.close)
        code, _, err = self.queue(src)                                  # the rehearsal
        self.assertEqual(code, 0, err)
        code, _, err = self.queue(src, api=other.url)                   # the same file elsewhere: allowed
        self.assertEqual(code, 0, err)
        self.assertEqual(len([e for e in other.requests() if e["path"] == QUEUE]), 3)
        code, _, err = self.queue(src, api=other.url, key=SECRET)       # another account there: allowed
        self.assertEqual(code, 0, err)
        self.assertEqual(len([e for e in other.requests() if e["path"] == QUEUE]), 6)
        before = len(other.requests())
        code, out, err = self.queue(src, api=other.url)                 # the same again: nothing is sent
        self.assertEqual(code, 0, err)
        self.assertIn("nothing left to send", err)
        self.assertEqual(len(other.requests()), before)
        runs = read_ledger(self.ledger)["runs"]
        self.assertEqual([(r["endpoint"], r["key_fingerprint"]) for r in runs],
                         [(self.sb.url, fingerprint(KEY)), (other.url, fingerprint(KEY)), (other.url, fingerprint(SECRET))])
        # Tracking picks the runs of one endpoint and one key.
        code, out, err = self.enrich("track", "--ledger", self.ledger, "--pace", "0", api=False)
        self.assertEqual(code, 3, err)       # queued, still pending
        self.assertEqual([r["endpoint"] for r in json.loads(out)["runs"]], [other.url])
        code, out, err = self.enrich("track", "--ledger", self.ledger, "--pace", "0")
        self.assertEqual([r["endpoint"] for r in json.loads(out)["runs"]], [self.sb.url])
        self.assertIn("queued with another key", err)

    def test_the_key_never_leaves_the_header(self):
        src = write_csv(self.path("in.csv"), 120)
        results = self.path("results.csv")
        code, out1, err1 = self.queue(src, key=SECRET)
        self.assertEqual(code, 0, err1)
        code, out2, err2 = self.enrich("track", "--ledger", self.ledger, "--pace", "0", "--results", results, src,
                                       key=SECRET, api=False)
        self.assertEqual(code, 3, err2)
        for name in os.listdir(self.dir):
            with open(self.path(name), "rb") as f:
                self.assertNotIn(SECRET.encode(), f.read(), name)
        for text in (out1, err1, out2, err2):
            self.assertNotIn(SECRET, text)
        self.assertEqual(read_ledger(self.ledger)["runs"][0]["key_fingerprint"], fingerprint(SECRET))
        self.assertEqual({e["api_key_sha256_prefix"] for e in self.sb.requests()}, {fingerprint(SECRET)})
        # Never an argument.
        code, _, err = self.enrich("queue", src, "--ledger", self.ledger, "--key", SECRET)
        self.assertEqual(code, 1)
        self.assertIn("never taken as an argument", err)
        self.assertNotIn(SECRET, err)

    def test_a_missing_or_unprintable_key_is_refused_before_anything_is_sent(self):
        src = write_csv(self.path("in.csv"), 10)
        code, _, err = self.queue(src, key=None)
        self.assertEqual(code, 1)
        self.assertIn("WOODPECKER_API_KEY is not set", err)
        code, _, err = self.queue(src, key="sandbox\u200b-key")
        self.assertEqual(code, 1)
        self.assertIn("Character 8 of the API key is U+200B", err)
        self.assertNotIn("sandbox", err.replace("for the sandbox", ""))
        self.assertEqual(self.sb.requests(), [])
        self.assertFalse(os.path.exists(self.ledger))

    def test_a_refused_key_stops_the_run(self):
        src = write_csv(self.path("in.csv"), 120)
        code, out, err = self.queue(src, key="wrong-key")
        self.assertEqual(code, 4, err)
        self.assertIn("The API key was refused (401)", err)
        self.assertEqual(len(self.sb.requests()), 1)
        self.assertEqual([b["state"] for b in ledger_batches(self.ledger)], ["not_sent"] * 3)


# =================================================================================================
class ConfirmationAndUsageTests(RunCase):
    def test_queueing_needs_yes_or_a_y_on_a_terminal(self):
        src = write_csv(self.path("in.csv"), 60)
        p = subprocess.run([ENRICH, "queue", src, "--ledger", self.ledger, "--api", self.sb.url], capture_output=True,
                           stdin=subprocess.DEVNULL, env=self.env(), timeout=DEADLINE)
        self.assertEqual(p.returncode, 1)
        self.assertIn(b"credit ceiling: 90 credits", p.stderr)
        self.assertIn(b"--yes", p.stderr)
        self.assertEqual(self.sb.requests(), [])
        self.assertFalse(os.path.exists(self.ledger))
        # On a terminal: the question, and "y".
        master, slave = pty.openpty()
        q = subprocess.Popen([ENRICH, "queue", src, "--ledger", self.ledger, "--api", self.sb.url], stdin=slave,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=self.env())
        os.close(slave)
        os.write(master, b"y\n")
        out, err = q.communicate(timeout=DEADLINE)
        os.close(master)
        self.assertEqual(q.returncode, 0, err)
        self.assertIn(b"Queue them? [y/N]", err)
        self.assertEachQueuedOnce(self.valid_emails(60))

    def test_usage_errors_say_what_to_do(self):
        src = write_csv(self.path("in.csv"), 3)
        cases = [
            (("queue",), "missing FILE"),
            (("queue", "-"), "give a file, not standard input"),
            (("queue", src, "--batch-size", "0"), "--batch-size takes a whole number from 1 to 1000"),
            (("queue", src, "--api", "http://api.woodpecker.co"), "unencrypted"),
            (("queue", src, "--pace", "1"), "unknown option '--pace' for queue"),
            (("track",), "missing --ledger"),
            (("track", "--ledger", self.ledger, "--results", "x.csv"), "--results needs the input FILE"),
            (("track", "--ledger", self.ledger), "there is no ledger"),
            (("queue", self.path("none.csv"), "--yes"), "cannot open"),
            (("queue", src, "--yes", "--map", "Nope=email"), "--map"),
        ]
        for args, words in cases:
            with self.subTest(args=args):
                code, _, err = self.enrich(*args, api=False)
                self.assertEqual(code, 1, err)
                self.assertIn(words, err)
        self.assertEqual(self.sb.requests(), [])

    def test_a_damaged_ledger_is_refused_and_kept(self):
        src = write_csv(self.path("in.csv"), 3)
        with open(self.ledger, "w") as f:
            f.write('{"format":"prospect-enricher-ledger","version":1,"runs":[{"endpoint":"x","key_fingerprint":"y",'
                    '"batches":[{"state":"gone","emails":[]}]}]}')
        code, _, err = self.queue(src)
        self.assertEqual(code, 1)
        self.assertIn("runs[0].batches[0].state", err)
        self.assertIn("Nothing was sent", err)
        self.assertEqual(self.sb.requests(), [])
        with open(self.ledger) as f:
            self.assertIn('"gone"', f.read())

    def test_two_processes_never_share_a_ledger(self):
        src = write_csv(self.path("in.csv"), 100)
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold"}]})
        p = self.start_queue(src)
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the first request is held")
        code, _, err = self.queue(src)
        self.assertEqual(code, 1)
        self.assertIn("another enrich queue or track is using", err)
        self.sb.control("POST", "release")
        p.wait(DEADLINE)
        self.assertEqual(p.returncode, 0)
        self.assertEachQueuedOnce(self.valid_emails(100))


# =================================================================================================
class TrackTests(RunCase):
    def test_track_backs_off_on_429_and_reports_what_is_still_pending(self):
        src = write_csv(self.path("in.csv"), 150)
        self.assertEqual(self.queue(src)[0], 0)
        self.sb.control("POST", "faults", {"faults": [
            {"match": "get", "type": "status", "status": 429, "retry_after": "0", "times": 2}]})
        code, out, err = self.enrich("track", "--ledger", self.ledger, "--pace", "0", api=False)
        self.assertEqual(code, 3, err)      # everything is still pending (an hour of progress)
        gets = [e["response_status"] for e in self.sb.requests() if e["method"] == "GET"]
        self.assertEqual(gets, [429, 429, 200, 200, 200])
        t = json.loads(out)["runs"][0]["totals"]
        self.assertEqual((t["tracked"], t["pending"], t["final"]), (150, 150, 0))
        self.assertIn("still pending: p0@example.com", err)
        self.sb.control("POST", "complete")
        code, out, err = self.enrich("track", "--ledger", self.ledger, "--pace", "0", api=False)
        self.assertEqual(code, 0, err)
        t = json.loads(out)["runs"][0]["totals"]
        self.assertEqual(t["by_result"], {"ENRICHED": 120, "NOT_IN_DATABASE": 15, "NO_DATA_FOUND": 15})
        self.assertEqual(t["credits_used"], 180)

    def test_unconfirmed_batches_are_settled_by_email_when_tracked(self):
        src = write_csv(self.path("in.csv"), 100)
        # Killed while the API holds the answer of the 2nd batch, which it has queued.
        self.sb.control("POST", "faults", {"faults": [{"match": "queue", "type": "hold", "process": True, "after": 1}]})
        p = self.start_queue(src)
        wait_until(lambda: self.sb.control("GET", "state")["held"] == 1, "the 2nd answer is held")
        self.kill(p)
        self.sb.control("POST", "release")
        self.assertEqual([b["state"] for b in ledger_batches(self.ledger)], ["sent", "sending"])
        code, out, err = self.enrich("track", "--ledger", self.ledger, "--pace", "0", api=False)
        self.assertEqual(code, 3, err)   # settled, and still pending (an hour of progress)
        t = json.loads(out)["runs"][0]["totals"]
        self.assertEqual((t["queued"], t["unconfirmed"], t["tracked"]), (100, 0, 100))
        self.assertEqual([b["state"] for b in ledger_batches(self.ledger)], ["sent", "sent"])
        self.assertTrue(any(e["path"] == LIST for e in self.sb.requests()))
        # Nothing is left to send.
        code, out, err = self.queue(src)
        self.assertEqual(code, 0, err)
        self.assertIn("nothing left to send", err)
        self.assertEqual(len(self.queue_log()), 2)
        self.assertEachQueuedOnce(self.valid_emails(100))

if __name__ == "__main__":
    unittest.main()
