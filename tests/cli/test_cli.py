"""The native `enrich` command: exit codes, output formats, options, streaming and memory.
Runs build/native/enrich (or $ENRICH)."""
import json
import os
import resource
import select
import shutil
import subprocess
import tempfile
import threading
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENRICH = os.environ.get("ENRICH", os.path.join(ROOT, "build", "native", "enrich"))
FIX = os.path.join(ROOT, "tests", "fixtures")


def run(*args, stdin=None):
    p = subprocess.run([ENRICH, *args], input=stdin, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def limit_address_space(mb):
    """preexec_fn: the child may map at most `mb` MiB (a safety net, and the way to run out of memory)."""
    def apply():
        resource.setrlimit(resource.RLIMIT_AS, (mb << 20, mb << 20))
    return apply


def run_measured(args, address_space_mb):
    """Runs enrich with standard output read as it comes. Returns (exit code, number of output lines,
    last output line, stderr, peak RSS of that child in MiB): os.wait4 gives the rusage of this child
    alone."""
    with tempfile.TemporaryFile() as err:
        p = subprocess.Popen([ENRICH, *args], stdout=subprocess.PIPE, stderr=err,
                             preexec_fn=limit_address_space(address_space_mb))
        lines, tail = 0, b""
        while True:
            block = p.stdout.read(1 << 20)
            if not block:
                break
            lines += block.count(b"\n")
            tail = (tail + block)[-100000:]
        p.stdout.close()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        last = tail.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("utf-8", "replace")
        return p.returncode, lines, last, err.read().decode("utf-8", "replace"), usage.ru_maxrss / 1024


def first_line_before_eof(args, head, rest):
    """Writes `head` to enrich's standard input and keeps the input open; returns the first line of
    output once it arrives (or None if the program exits first), then sends `rest` and closes the
    input. A program that waited for the end of the input would never answer: the wait is bounded by a
    generous deadline only so that such a program fails the test instead of hanging it."""
    p = subprocess.Popen([ENRICH, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    writer = threading.Thread(target=lambda: (p.stdin.write(head), p.stdin.flush()))
    writer.start()
    out, line = b"", None
    deadline = time.monotonic() + 120
    try:
        while b"\n" not in out and time.monotonic() < deadline:
            ready, _, _ = select.select([p.stdout], [], [], deadline - time.monotonic())
            if not ready:
                break
            block = os.read(p.stdout.fileno(), 65536)
            if not block:
                break
            out += block
        if b"\n" in out:
            line = out.split(b"\n", 1)[0].decode("utf-8")
    finally:
        # Keep reading the output while the rest of the input goes in: a program blocked on a full
        # output pipe would not read its input either.
        drain = threading.Thread(target=p.stdout.read)
        drain.start()
        writer.join()
        try:
            p.stdin.write(rest)
            p.stdin.close()
        except BrokenPipeError:
            pass
        drain.join()
        p.wait(timeout=120)
        p.stdout.close()
        p.stderr.close()
    return line, p.returncode


class CliTest(unittest.TestCase):
    def test_validate_all_valid_exits_0(self):
        code, out, err = run("validate", "-", stdin=b"email,first_name\na@example.com,Ada\n")
        self.assertEqual(code, 0, err)
        rep = json.loads(out)
        self.assertEqual(rep["encoding"], "utf-8")
        self.assertEqual(rep["delimiter"], ",")
        self.assertEqual(rep["columns"], [{"header": "email", "field": "email"}, {"header": "first_name", "field": "first_name"}])
        self.assertEqual(rep["summary"]["rows"], 1)
        self.assertEqual(rep["summary"]["valid"], 1)
        self.assertEqual(rep["summary"]["credits_max"], 1.5)
        for key in ("rows", "valid", "invalid", "duplicates", "blank_lines", "credits_max"):
            self.assertIn(key, rep["summary"])

    def test_validate_with_errors_exits_2_and_reports_row_and_line(self):
        code, out, _ = run("validate", "-", stdin=b"email\na@example.com\n\nnot-an-email\na@example.com\n")
        self.assertEqual(code, 2)
        rep = json.loads(out)
        s = rep["summary"]
        self.assertEqual((s["rows"], s["valid"], s["invalid"], s["duplicates"], s["blank_lines"]), (3, 1, 1, 1, 1))
        bad = [i for i in rep["issues"] if i["severity"] == "error" and i["field"] == "email"]
        self.assertEqual([(i["row"], i["line"]) for i in bad], [(2, 4), (3, 5)])
        self.assertEqual(bad[1]["code"], "duplicate_email")

    # Issue 13: lines of nothing but delimiters or whitespace are blank lines in every command.
    ISSUE_13 = b"email,name,,,\na@b.com,x,,,\nc@d.com,y,,,\n,,,,\n,,,,\n"

    def test_validate_counts_lines_of_delimiters_as_blank_lines_not_invalid_rows(self):
        for data in (self.ISSUE_13, self.ISSUE_13.replace(b"\n", b"\r\n"), self.ISSUE_13.replace(b",", b";"),
                     b"\xff\xfe" + self.ISSUE_13.decode().encode("utf-16-le"),
                     b'\t,\t\n"",""\nemail,name\n" " , \na@b.com,Ann\n\xc2\xa0,\xc2\xa0\nc@d.com,Bo\n'):
            code, out, err = run("validate", "-", stdin=data)
            self.assertEqual(code, 0, err)
            rep = json.loads(out)
            s = rep["summary"]
            self.assertEqual((s["rows"], s["valid"], s["invalid"], s["errors"]), (2, 2, 0, 0), data)
            self.assertGreaterEqual(s["blank_lines"], 2)
            self.assertFalse([i for i in rep["issues"] if i["code"] == "email_missing"], data)
            # Row and line numbers stay those of the file.
            self.assertFalse([i for i in rep["issues"] if i["row"] is not None and i["row"] > 2], rep["issues"])
        code, out, _ = run("validate", "-", stdin=self.ISSUE_13)
        rep = json.loads(out)
        self.assertEqual(rep["summary"]["blank_lines"], 2)
        # The empty columns: one info issue, last (known only at the end of the stream).
        self.assertEqual(rep["issues"][-1], {"row": None, "line": None, "field": None, "severity": "info",
                                             "code": "empty_columns_ignored", "message":
                                             "3 empty columns at the end were ignored (columns 3 to 5 have no header "
                                             "and no value in any row)."})
        # The JSON report writes the columns before reading the rows: all five are there. The JSON
        # Lines summary comes at the end: the empty ones are left out, as on the page.
        self.assertEqual(len(rep["columns"]), 5)
        code, out, _ = run("validate", "-", "--format", "jsonl", stdin=self.ISSUE_13)
        self.assertEqual(code, 0)
        lines = [json.loads(line) for line in out.splitlines()]
        self.assertEqual([c["header"] for c in lines[-1]["columns"]], ["email", "name"])
        self.assertEqual(lines[-2]["code"], "empty_columns_ignored")

    def test_batches_and_parse_skip_lines_of_delimiters(self):
        code, out, err = run("batches", "-", stdin=self.ISSUE_13)
        self.assertEqual(code, 0, err)
        self.assertEqual([len(json.loads(line)["prospects"]) for line in out.splitlines()], [2])
        code, out, err = run("parse", "-", stdin=b'email,name\n,\n"a@b.com" ,Ann\n" " ,""\n')
        self.assertEqual((code, err), (0, ""))
        self.assertEqual(json.loads(out), [{"email": "a@b.com", "name": "Ann"}])

    def test_unreadable_input_exits_1_with_message(self):
        code, out, err = run("validate", "/nonexistent/file.csv")
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("cannot open", err)
        code, _, err = run("validate", "-", stdin=b"name,company\nAda,X\n")
        self.assertEqual(code, 1)
        self.assertIn("No email column", err)
        code, _, err = run("validate", "-", stdin=b"")
        self.assertEqual(code, 1)
        self.assertIn("empty", err)

    def test_batches_are_json_lines_of_exact_bodies(self):
        csv = "email\n" + "".join(f"p{i}@example.com\n" for i in range(5))
        code, out, _ = run("batches", "-", "--batch-size", "2", stdin=csv.encode())
        self.assertEqual(code, 0)
        lines = out.strip().split("\n")
        self.assertEqual(len(lines), 3)
        self.assertEqual(lines[0], '{"prospects":[{"email":"p0@example.com"},{"email":"p1@example.com"}]}')
        self.assertEqual(json.loads(lines[2]), {"prospects": [{"email": "p4@example.com"}]})

    def test_parse_gives_objects_keyed_by_header(self):
        code, out, _ = run("parse", "-", stdin=b'a,b\n1,"x, ""y"""\n2,"multi\nline"\n')
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out), [{"a": "1", "b": 'x, "y"'}, {"a": "2", "b": "multi\nline"}])

    def test_options_delimiter_encoding_and_map(self):
        data = "Kontakt;Vorname\nj\u00fcrgen@example.de;J\u00fcrgen\n".encode("cp1252")
        code, out, _ = run("parse", "-", "--delimiter", ";", "--encoding", "windows-1252", stdin=data)
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out), [{"Kontakt": "j\u00fcrgen@example.de", "Vorname": "J\u00fcrgen"}])
        code, out, _ = run("batches", "-", "--map", "Contact=email", stdin=b"Contact\nx@example.com\n")
        self.assertEqual(code, 0)
        self.assertEqual(out.strip(), '{"prospects":[{"email":"x@example.com"}]}')

    def test_bad_options_exit_1(self):
        for args in (["validate", "-", "--batch-size", "0"], ["validate", "-", "--delimiter", "x"],
                     ["validate", "-", "--map", "nofield"], ["frobnicate", "-"], ["validate"]):
            code, _, err = run(*args, stdin=b"email\na@example.com\n")
            self.assertEqual(code, 1, args)
            self.assertTrue(err.startswith("enrich: "), err)

    def test_batch_size_is_at_most_the_cores_maximum_as_on_the_page(self):
        code, _, err = run("batches", "-", "--batch-size", "1001", stdin=b"email\na@example.com\n")
        self.assertEqual(code, 1)
        self.assertEqual(err, "enrich: --batch-size takes a whole number from 1 to 1000\n")
        code, out, err = run("validate", "-", "--batch-size", "1000", stdin=b"email\na@example.com\n")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["summary"]["batch_size"], 1000)

    def test_file_argument_and_fixture(self):
        code, out, _ = run("validate", os.path.join(FIX, "exports", "apollo.csv"))
        self.assertEqual(code, 2)
        rep = json.loads(out)
        self.assertEqual(rep["summary"]["rows"], 4)
        self.assertEqual(rep["summary"]["valid"], 3)


    def test_map_of_an_unknown_column_is_a_usage_error(self):
        data = b"email,first_name\nm@example.com,Ann\n"
        for cmd in ("validate", "batches"):
            for key in ("Emial", "#3"):
                code, out, err = run(cmd, "-", "--map", key + "=ignore", stdin=data)
                self.assertEqual(code, 1, (cmd, key, err))
                self.assertEqual(out, "")
                self.assertTrue(err.startswith("enrich: "), err)
                self.assertIn("\u201c" + key + "\u201d", err)
                self.assertIn("\u201cemail\u201d, \u201cfirst_name\u201d", err)
        # The typo is reported even when it leaves the file without an email column.
        code, _, err = run("validate", "-", "--map", "Contacts=email", stdin=b"Contact\nx@example.com\n")
        self.assertEqual(code, 1)
        self.assertIn("\u201cContacts\u201d", err)
        # Keys that do match (exact, spacing-tolerant, #N) are fine.
        for key in ("first_name", " first_name ", "#2"):
            code, _, err = run("validate", "-", "--map", key + "=ignore", stdin=data)
            self.assertEqual(code, 0, (key, err))

    def test_parse_warns_once_per_duplicated_header(self):
        code, out, err = run("parse", "-", stdin=b"a,a\n1,2")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), [{"a": "2"}])
        self.assertIn("header \u201ca\u201d appears in columns 1 and 2; parse output keeps the last value", err)
        code, out, err = run("parse", "-", stdin=b"a,b,a,b,a,c\n1,2,3,4,5,6\n7,8,9,10,11,12\n")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out), [{"a": "5", "b": "4", "c": "6"}, {"a": "11", "b": "10", "c": "12"}])
        self.assertEqual(err.count("header \u201ca\u201d"), 1, err)
        self.assertIn("header \u201ca\u201d appears in columns 1, 3 and 5", err)
        self.assertIn("header \u201cb\u201d appears in columns 2 and 4", err)
        self.assertNotIn("\u201cc\u201d", err)
        # Exit code unchanged when rows have errors.
        code, _, err = run("parse", "-", stdin=b'a,a\n1,"2\n')
        self.assertEqual(code, 2)
        self.assertIn("appears in columns 1 and 2", err)
        code, _, err = run("parse", "-", stdin=b"a,b\n1,2\n")
        self.assertEqual((code, err), (0, ""))

    def test_validate_report_has_the_documented_keys_with_the_summary_last(self):
        code, out, _ = run("validate", "-", stdin=b"email\na@example.com\nbroken\n")
        self.assertEqual(code, 2)
        self.assertEqual(list(json.loads(out).keys()), ["encoding", "delimiter", "columns", "issues", "summary"])
        self.assertEqual(out.count("\n"), 1)  # one line, as before

    def test_validate_jsonl_is_one_line_per_issue_then_a_summary_line(self):
        data = b"email,first_name\na@example.com,Ada\nbroken,Bo\na@example.com,Cy\n,Di\n"
        code, out, err = run("validate", "-", "--format", "jsonl", stdin=data)
        self.assertEqual(code, 2, err)
        lines = [json.loads(line) for line in out.splitlines()]
        code, report, _ = run("validate", "-", stdin=data)
        report = json.loads(report)
        self.assertEqual(lines[:-1], report["issues"])
        self.assertEqual([(i["row"], i["code"]) for i in lines[:-1] if i["severity"] == "error"],
                         [(2, "email_invalid"), (3, "duplicate_email"), (4, "email_missing")])
        self.assertEqual(lines[-1], {k: report[k] for k in ("encoding", "delimiter", "columns", "summary")})
        self.assertEqual(list(lines[-1].keys()), ["encoding", "delimiter", "columns", "summary"])
        self.assertEqual(lines[-1]["summary"]["duplicates"], 1)

    def test_validate_jsonl_exit_codes(self):
        code, out, _ = run("validate", "-", "--format", "jsonl", stdin=b"email\na@example.com\n")
        self.assertEqual(code, 0)
        self.assertEqual(json.loads(out.splitlines()[-1])["summary"]["valid"], 1)
        code, out, err = run("validate", "-", "--format", "jsonl", stdin=b"name\nAda\n")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("No email column", err)
        code, out, err = run("validate", "/nonexistent/file.csv", "--format", "jsonl")
        self.assertEqual((code, out), (1, ""))
        self.assertIn("cannot open", err)
        for args in (["validate", "-", "--format", "xml"], ["batches", "-", "--format", "jsonl"],
                     ["parse", "-", "--format", "json"]):
            code, out, err = run(*args, stdin=b"email\na@example.com\n")
            self.assertEqual((code, out), (1, ""), args)
            self.assertIn("--format", err)

    def test_reading_that_stops_part_way_closes_the_output_and_exits_1(self):
        rows = "".join(f"p{i}@example.com\n" for i in range(10))
        data = ("email\n" + rows + '"' + "x" * (5 << 20) + '"\n').encode()
        code, out, err = run("validate", "-", stdin=data)
        self.assertEqual(code, 1)
        rep = json.loads(out)  # still one valid JSON document
        self.assertEqual(rep["summary"]["rows"], 10)
        self.assertEqual(rep["issues"][-1]["code"], "csv_field_too_large")
        self.assertIn("more than 4194304 bytes", err)
        self.assertIn("only the rows before that point", err)
        code, out, err = run("batches", "-", "--batch-size", "4", stdin=data)
        self.assertEqual(code, 1)
        # The full batches read before the error; the last 2 rows are no batch (the input did not end).
        self.assertEqual([len(json.loads(b)["prospects"]) for b in out.splitlines()], [4, 4])
        self.assertIn("more than 4194304 bytes", err)
        code, out, err = run("parse", "-", stdin=data)
        self.assertEqual(code, 1)
        self.assertEqual(len(json.loads(out)), 10)
        self.assertIn("csv_field_too_large", err)

    def test_title_lines_before_the_header_are_said_and_can_be_chosen(self):
        path = os.path.join(ROOT, "tests", "fixtures", "exports", "sales-navigator-scrape.csv")
        note = ("enrich: note: lines 1 to 2 before the header on line 3 were read as title lines, not rows "
                "(--title-lines 0 reads the first line as the header)\n")
        for cmd in ("validate", "parse", "batches"):
            code, out, err = run(cmd, path)
            self.assertEqual(err, note, cmd)
        code, out, _ = run("validate", path)
        self.assertEqual(code, 2)
        self.assertEqual(json.loads(out)["summary"]["rows"], 6)
        self.assertEqual(json.loads(run("parse", path)[1])[0]["First Name"], "Jared")
        with open(path, "rb") as f:
            code, out, err = run("validate", "-", stdin=f.read())
        self.assertEqual(err, note, "standard input")
        code, out, err = run("validate", path, "--title-lines", "0")
        self.assertEqual(code, 1)
        self.assertIn("No email column was found", err)
        self.assertNotIn("note:", err)
        code, _, err = run("validate", path, "--title-lines", "x")
        self.assertEqual(code, 1)
        self.assertIn("--title-lines takes how many lines come before the header", err)

    def test_a_refused_input_on_a_pipe_ends_without_waiting_for_the_pipe(self):
        # An old Excel workbook's first bytes on a pipe that stays open: the refusal ends the program
        # at once (it must not wait in read() for more of the pipe). (A zip on a pipe is read to its
        # end: it may be an .xlsx workbook, whose directory is there; see test_xlsx.py.)
        p = subprocess.Popen([ENRICH, "validate", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
        try:
            try:
                p.stdin.write(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * ((1 << 20) + (64 << 10)))  # past the 1 MiB sample
                p.stdin.flush()
            except BrokenPipeError:
                pass  # the program stopped reading already
            code = p.wait(timeout=60)  # the pipe is still open: only the program's own end ends this
            self.assertEqual(code, 1)
            self.assertIn(b"old Excel workbook (.xls)", p.stderr.read())
        finally:
            p.kill()
            try:
                p.stdin.close()
            except BrokenPipeError:
                pass
            p.wait()
            p.stdout.close()
            p.stderr.close()

    def test_encoding_of_a_file_is_detected_on_all_of_it(self):
        # The first non-ASCII byte comes after the first megabyte. A file is read twice (detect, then
        # check) and gives what the page gives; standard input is detected on its first megabyte.
        body = "".join(f"p{i}@example.com,Ann\n" for i in range(60000))
        data = ("email,first_name\n" + body).encode() + b"late@example.com,Jos\xe9\n"
        self.assertGreater(len(data), 1 << 20)
        with tempfile.NamedTemporaryFile(suffix=".csv") as f:
            f.write(data)
            f.flush()
            code, out, _ = run("validate", f.name)
            self.assertEqual(code, 0)
            self.assertEqual(json.loads(out)["encoding"], "windows-1252")
            code, out, _ = run("parse", f.name)
            self.assertEqual(json.loads(out)[-1], {"email": "late@example.com", "first_name": "Jos\u00e9"})
        code, out, _ = run("validate", "-", stdin=data)
        rep = json.loads(out)
        self.assertEqual(rep["encoding"], "utf-8")
        self.assertEqual(rep["issues"][-1]["code"], "encoding_invalid_bytes")  # known at the end: last

    def test_batches_are_written_as_soon_as_they_are_full(self):
        head = b"email\n" + b"".join(b"p%d@example.com\n" % i for i in range(80000))  # over 1 MB
        self.assertGreater(len(head), (1 << 20) + (64 << 10))
        line, code = first_line_before_eof(["batches", "-", "--batch-size", "3"], head, b"last@example.com\n")
        self.assertIsNotNone(line, "no request body before the end of the input")
        self.assertEqual(json.loads(line), {"prospects": [{"email": "p0@example.com"}, {"email": "p1@example.com"},
                                                          {"email": "p2@example.com"}]})
        self.assertEqual(code, 0)

    def test_validate_jsonl_writes_issues_as_they_are_found(self):
        head = b"email,linkedin\nbroken,linkedin.com/in/b\n" + b"".join(
            b"p%d@example.com,linkedin.com/in/p%d\n" % (i, i) for i in range(50000))
        self.assertGreater(len(head), (1 << 20) + (64 << 10))
        line, code = first_line_before_eof(["validate", "-", "--format", "jsonl"], head, b"p1@example.com,\n")
        self.assertIsNotNone(line, "no issue before the end of the input")
        self.assertEqual(json.loads(line)["code"], "email_invalid")
        self.assertEqual(code, 2)

    def test_parse_of_4000_columns_and_300_rows(self):
        cols, rows = 4000, 300
        headers = [f"c{c}" for c in range(cols - 1)] + ["c0"]  # the last column repeats the first header
        lines = [",".join(headers)] + [",".join(f"v{r}_{c}" for c in range(cols)) for r in range(rows)]
        code, out, err = run("parse", "-", stdin=("\n".join(lines) + "\n").encode())
        self.assertEqual(code, 0, err)
        got = json.loads(out)
        self.assertEqual(len(got), rows)
        for r in (0, 137, rows - 1):
            expected = {f"c{c}": f"v{r}_{c}" for c in range(cols - 1)}
            expected["c0"] = f"v{r}_{cols - 1}"  # the last value wins
            self.assertEqual(got[r], expected)
            self.assertEqual(list(got[r].keys())[:3], ["c0", "c1", "c2"])  # at the first column's place
        self.assertEqual(err.count("appears in columns"), 1)
        self.assertIn("header \u201cc0\u201d appears in columns 1 and 4000", err)


class CliMemoryTest(unittest.TestCase):
    """Memory is a behaviour: `enrich validate` streams, so its peak RSS does not grow with the input
    (apart from the duplicate index, about 20 to 60 bytes per distinct email)."""

    ROWS = 1_070_000  # about 87 MB

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="enrich-mem-")
        cls.path = os.path.join(cls.dir, "big.csv")
        with open(cls.path, "w", newline="") as f:
            f.write("First Name,Last Name,Company,Email,Website\n")
            chunk = []
            for i in range(cls.ROWS):
                j = i - 5000 if i % 10000 == 9999 else i  # a few duplicates
                # The website has a path: a warning on every row.
                chunk.append(f"First{i},Last{i},Company {i % 997},user{j}@company{j % 997}.com,"
                             f"company{i % 997}.com/about\n")
                if len(chunk) == 50000:
                    f.write("".join(chunk))
                    chunk = []
            f.write("".join(chunk))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def test_validate_of_a_large_file_stays_in_bounded_memory(self):
        size_mb = os.path.getsize(self.path) / (1 << 20)
        self.assertGreater(size_mb, 60)
        dups = self.ROWS // 10000
        for fmt in ("json", "jsonl"):
            # The address-space cap is only a safety net for the machine (the unbounded version this
            # replaces needed about 20 times the input).
            args = ["validate", self.path] + (["--format", "jsonl"] if fmt == "jsonl" else [])
            code, lines, last, err, rss_mb = run_measured(args, 2048)
            self.assertEqual(code, 2, err)
            # The duplicate index holds about a million emails here: 2^21 slots of 20 bytes (42 MB),
            # plus the half-size table while it grows. Everything else is about 10 MB.
            self.assertLess(rss_mb, 150, f"peak RSS {rss_mb:.0f} MB for a {size_mb:.0f} MB input")
            if fmt == "jsonl":
                self.assertEqual(lines, self.ROWS + dups + 1)  # one warning per row, the duplicates, the summary
                summary = json.loads(last)["summary"]
            else:
                self.assertEqual(lines, 1)
                summary = json.loads(last[last.rindex(',"summary":') + 11:-1])
            self.assertEqual((summary["rows"], summary["valid"], summary["duplicates"], summary["rows_with_warnings"]),
                             (self.ROWS, self.ROWS - dups, dups, self.ROWS))

    def test_running_out_of_memory_is_reported_in_words(self):
        # 40 MB of address space is enough to read and check but not for the duplicate index of a
        # million distinct emails: the index cannot grow, and the program says so instead of aborting.
        code, _, _, err, _ = run_measured(["validate", self.path], 40)
        self.assertEqual(code, 1, err)
        self.assertIn("enrich: out of memory", err)
        self.assertIn("split the file", err)
        self.assertNotIn("terminate called", err)


if __name__ == "__main__":
    unittest.main()
