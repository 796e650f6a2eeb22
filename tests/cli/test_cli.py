"""The native `enrich` command: exit codes, output formats, options. Runs build/native/enrich."""
import json
import os
import subprocess
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENRICH = os.environ.get("ENRICH", os.path.join(ROOT, "build", "native", "enrich"))
FIX = os.path.join(ROOT, "tests", "fixtures")


def run(*args, stdin=None):
    p = subprocess.run([ENRICH, *args], input=stdin, capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


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


if __name__ == "__main__":
    unittest.main()
