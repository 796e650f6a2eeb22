"""scripts/bench.sh and its exports: the same bytes every time, the wide export as described, and a
small run end to end (the page's worker, the parsers, the page, the native CLI) that ends with the
ratio line. No timing is asserted: timing goals live in docs/performance.md, not in tests.

The end-to-end run needs build/web and build/native/enrich (scripts/test.sh builds them first); it
generates tiny exports in a temporary folder, so build/bench/ and its results are left alone."""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
GEN = os.path.join(ROOT, "scripts", "bench", "gen_exports.py")
BENCH = os.path.join(ROOT, "scripts", "bench.sh")


class ExportTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pe-bench-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def gen(self, kind, rows, name):
        path = os.path.join(self.tmp, name)
        subprocess.run(["python3", GEN, kind, str(rows), path], check=True)
        with open(path, "rb") as f:
            return f.read()

    def test_the_same_bytes_every_time(self):
        for kind in ("basic", "apollo"):
            with self.subTest(kind=kind):
                self.assertEqual(self.gen(kind, 300, kind + "1.csv"), self.gen(kind, 300, kind + "2.csv"))

    def test_basic_export_is_the_first_benchmarks(self):
        lines = self.gen("basic", 51, "b.csv").decode("ascii").splitlines()
        self.assertEqual(len(lines), 52)
        self.assertEqual(lines[0], "First Name,Last Name,Title,Company,Email,Email Status,Person Linkedin Url,Website,City")
        self.assertEqual(lines[1], 'First0,Last0,"Head of Sales, EMEA",Company 0,broken0,Verified,'
                                   'http://www.linkedin.com/in/user-0,company0.com,"Berlin, DE"')
        self.assertEqual(lines[2], 'First1,Last1,"Head of Sales, EMEA",Company 1,user1@company1.com,Verified,'
                                   'http://www.linkedin.com/in/user-1,company1.com,"Berlin, DE"')

    def test_wide_export_has_30_columns_quoted_commas_and_non_ascii_names(self):
        data = self.gen("apollo", 2000, "w.csv")
        text = data.decode("utf-8")
        records = list(csv.reader(io.StringIO(text, newline="")))
        self.assertEqual(len(records), 2001)
        self.assertEqual({len(r) for r in records}, {30})
        body = records[1:]
        self.assertGreater(sum(1 for r in body if any("," in v for v in r)), 1000)
        self.assertGreater(sum(1 for r in body if any(ord(c) > 127 for c in r[0] + r[1])), 200)
        self.assertIn('""', text)  # a value with quotes in it, doubled as CSV does
        emails = [r[5] for r in body]
        self.assertGreater(sum(1 for e in emails if "@" not in e or ".." in e or " " in e), 10)   # invalid ones
        self.assertGreater(len(emails) - len(set(emails)), 5)                                      # repeats


class BenchRunTests(unittest.TestCase):
    def test_bad_arguments_are_refused_with_a_message(self):
        for args, said in ((["--reps", "0"], "--reps needs a whole number above 0"),
                           (["--frobnicate"], "unknown argument '--frobnicate'")):
            with self.subTest(args=args):
                r = subprocess.run(["bash", BENCH, *args], capture_output=True, text=True, cwd=ROOT)
                self.assertEqual(r.returncode, 2)
                self.assertIn(said, r.stderr)

    def test_small_run_measures_everything_and_ends_with_the_ratio_line(self):
        tmp = tempfile.mkdtemp(prefix="pe-bench-run-")
        self.addCleanup(shutil.rmtree, tmp, True)
        r = subprocess.run(["bash", BENCH, "--rows", "2000", "--wide-rows", "600", "--reps", "1"],
                           capture_output=True, text=True, cwd=ROOT, env=dict(os.environ, BENCH_DIR=tmp))
        self.assertEqual(r.returncode, 0, r.stdout[-2000:] + r.stderr[-4000:])
        lines = r.stdout.rstrip("\n").split("\n")
        self.assertRegex(lines[-1], r"^ratio ours/papaparse=\d+\.\d\d ours/udsv=\d+\.\d\d$")
        self.assertEqual(sum(1 for line in lines if line.startswith("ratio ")), 1)
        for row in ("ours: full pipeline (worker)", "ours: bodies, every batch", "ours: first request leaves",
                    "Papa Parse, header:true", "uDSV stringObjs", "TextDecoder alone", "the page: chosen → shown",
                    "native enrich validate"):
            self.assertEqual(sum(1 for line in lines if line.startswith(row)), 2, row)
        self.assertTrue(re.search(r"^module: .* kB gzipped", r.stdout, re.M), r.stdout)

        with open(os.path.join(tmp, "results.json")) as f:
            results = json.load(f)
        self.assertEqual([f["label"] for f in results["files"]], ["basic", "wide"])
        for f, rows, columns in zip(results["files"], (2000, 600), (9, 30)):
            s = f["samples"]
            self.assertEqual(f["columns"], columns)
            self.assertEqual(s["ours"][0]["summary"]["rows"], rows)
            self.assertEqual(s["ours"][0]["total"], rows)
            self.assertGreater(s["ours"][0]["wasmBytes"], f["size"])
            self.assertGreater(s["ours"][0]["rendererPeakBytes"], 0)
            self.assertEqual(s["bodies"][0]["count"], s["ours"][0]["batches"])
            self.assertGreater(s["bodies"][0]["chars"], 0)
            self.assertEqual(s["send"][0]["stopReason"], "auth")
            self.assertIsNotNone(s["send"][0]["firstRequestMs"])
            self.assertEqual(s["udsv"][0]["records"], rows)
            self.assertGreaterEqual(s["papaparse"][0]["records"], rows)   # Papa counts the last empty line too
            self.assertIn("Read %s rows" % format(rows, ","), s["page"][0]["status"])
            self.assertEqual(len(f["native"]), 1)
            self.assertEqual(f["native"][0]["exit"], 2)                    # the exports have invalid rows
            self.assertGreater(f["native"][0]["peakRssBytes"], 0)


if __name__ == "__main__":
    unittest.main()
