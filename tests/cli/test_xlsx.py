"""`enrich` on Excel workbooks (.xlsx): the fixture written by Python's zipfile
(tests/fixtures/xlsx/make_workbook.py), its second sheet, a workbook written afresh by the same
script, and the refusals (.xls, a zip that is not a workbook, a damaged workbook) with the way out.
Runs build/native/enrich (or $ENRICH)."""
import importlib.util
import json
import os
import subprocess
import tempfile
import unittest
import zipfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
ENRICH = os.environ.get("ENRICH", os.path.join(ROOT, "build", "native", "enrich"))
BOOK = os.path.join(ROOT, "tests", "fixtures", "xlsx", "prospects.xlsx")
WAY_OUT = "CSV UTF-8"


def run(*args):
    p = subprocess.run([ENRICH, *args], capture_output=True, timeout=60)
    return p.returncode, p.stdout.decode("utf-8"), p.stderr.decode("utf-8")


def generator():
    spec = importlib.util.spec_from_file_location(
        "make_workbook", os.path.join(ROOT, "tests", "fixtures", "xlsx", "make_workbook.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class XlsxTest(unittest.TestCase):
    def test_fixture_matches_its_generator(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "again.xlsx")
            generator().write(out)
            # The parts, not the bytes: another zlib may compress the same parts differently.
            with zipfile.ZipFile(out) as a, zipfile.ZipFile(BOOK) as b:
                self.assertEqual(a.namelist(), b.namelist())
                for name in a.namelist():
                    self.assertEqual(a.read(name), b.read(name),
                                     name + " of tests/fixtures/xlsx/prospects.xlsx is stale: run make_workbook.py")
                    self.assertEqual(b.getinfo(name).compress_type, zipfile.ZIP_DEFLATED, name)

    def test_validate_reads_the_first_sheet(self):
        code, out, err = run("validate", BOOK)
        self.assertEqual(code, 2, err)  # one row has an invalid email
        report = json.loads(out)
        self.assertEqual(report["encoding"], "utf-8")
        self.assertEqual(report["delimiter"], ",")
        fields = {c["header"]: c["field"] for c in report["columns"]}
        self.assertEqual(fields["Email"], "email")
        self.assertEqual(fields["First Name"], "first_name")
        self.assertEqual(fields["Company"], "company_name")
        self.assertEqual(fields["LinkedIn URL"], "linkedin_url")
        s = report["summary"]
        self.assertEqual((s["rows"], s["valid"], s["invalid"], s["blank_lines"]), (4, 3, 1, 1))
        bad = [i for i in report["issues"] if i["severity"] == "error"]
        self.assertEqual(len(bad), 1)
        # Line numbers are the sheet's row numbers: not-an-email is on row 4 of the sheet.
        self.assertEqual((bad[0]["line"], bad[0]["code"]), (4, "email_invalid"))
        self.assertIn("reading the sheet “Prospects” (2 sheets; --sheet NAME reads another)", err)

    def test_cells_as_excel_shows_them(self):
        code, out, err = run("parse", BOOK)
        self.assertEqual(code, 0, err)
        rows = json.loads(out)
        self.assertEqual(len(rows), 4)
        zoe = rows[0]
        self.assertEqual(zoe["First Name"], "Zoë")
        self.assertEqual(zoe["Last Name"], "Núñez")
        self.assertEqual(zoe["Company"], 'Acme, "Rockets" Inc')
        self.assertEqual(zoe["Added"], "2024-01-01")
        self.assertEqual(zoe["Score"], "0.3")
        self.assertEqual(zoe["Active"], "TRUE")
        self.assertEqual(zoe["Phone"], "14155550123")
        self.assertEqual(zoe["Share"], "12.50%")
        self.assertEqual(zoe["Called at"], "13:30")
        bjorn = rows[1]
        self.assertEqual((bjorn["First Name"], bjorn["Company"], bjorn["Website"], bjorn["Added"], bjorn["Score"], bjorn["Active"]),
                         ("Björn", "Initech", "", "2023-12-31", "42", "FALSE"))
        jose = rows[2]
        self.assertEqual((jose["Company"], jose["Website"], jose["Score"]), ("García & Hijos <SL>", "hijos.es", "#N/A"))
        self.assertEqual((rows[3]["First Name"], rows[3]["Last Name"], rows[3]["Score"]), ("李", "王", "1234.5"))

    def test_second_sheet_by_name(self):
        code, out, err = run("validate", BOOK, "--sheet", "Second list")
        self.assertEqual(code, 0, err)
        self.assertEqual(json.loads(out)["summary"]["rows"], 3)
        code, out, err = run("parse", BOOK, "--sheet", "Second list")
        self.assertEqual([r["First Name"] for r in json.loads(out)], ["Amélie", "Chloé", "Дмитрий"])
        code, out, err = run("validate", BOOK, "--sheet", "Leads")
        self.assertEqual(code, 1)
        self.assertIn("no sheet named “Leads”. Its sheets: “Prospects”, “Second list”.", err)

    def test_a_workbook_on_standard_input(self):
        """Piped (read whole first: a zip's directory is at its end) and redirected from a file: the
        same report as by its name; a CSV piped is still read as it comes, its first bytes kept."""
        code, by_name, _ = run("validate", BOOK)
        with open(BOOK, "rb") as f:
            book = f.read()
        p = subprocess.run([ENRICH, "validate", "-"], input=book, capture_output=True, timeout=60)
        self.assertEqual((p.returncode, p.stdout.decode("utf-8")), (code, by_name))
        self.assertIn("standard input: reading the sheet “Prospects”", p.stderr.decode("utf-8"))
        with open(BOOK, "rb") as f:
            p = subprocess.run([ENRICH, "parse", "-", "--sheet", "Second list"], stdin=f, capture_output=True, timeout=60)
        self.assertEqual([r["First Name"] for r in json.loads(p.stdout)], ["Amélie", "Chloé", "Дмитрий"])
        p = subprocess.run([ENRICH, "validate", "-"], input=book[:3000], capture_output=True, timeout=60)
        self.assertEqual(p.returncode, 1)
        self.assertIn("standard input: This Excel workbook could not be read", p.stderr.decode("utf-8"))
        p = subprocess.run([ENRICH, "parse", "-"], input=b"email\na@b.co\n", capture_output=True, timeout=60)
        self.assertEqual((p.returncode, json.loads(p.stdout)), (0, [{"email": "a@b.co"}]))
        p = subprocess.run([ENRICH, "parse", "-"], input=b"PK,email\nx,a@b.co\n", capture_output=True, timeout=60)
        self.assertEqual((p.returncode, json.loads(p.stdout)), (0, [{"PK": "x", "email": "a@b.co"}]), "PK, not PK\\3\\4")
        p = subprocess.run([ENRICH, "validate", "-", "--sheet", "X"], input=b"email\na@b.co\n", capture_output=True, timeout=60)
        self.assertIn("--sheet applies to an Excel workbook (.xlsx) only; standard input is not one", p.stderr.decode("utf-8"))

    def test_batches_from_a_workbook(self):
        code, out, err = run("batches", BOOK, "--batch-size", "2")
        self.assertEqual(code, 2, err)
        bodies = [json.loads(line) for line in out.splitlines()]
        emails = [p["email"] for b in bodies for p in b["prospects"]]
        self.assertEqual(emails, ["zoe.nunez@acme.com", "bjorn@initech.com", "li.wang@example.cn"])

    def test_refusals_with_the_way_out(self):
        with tempfile.TemporaryDirectory() as d:
            xls = os.path.join(d, "old.xls")
            with open(xls, "wb") as f:
                f.write(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 600)
            code, out, err = run("validate", xls)
            self.assertEqual(code, 1)
            self.assertIn("old Excel workbook (.xls)", err)
            self.assertIn(WAY_OUT, err)

            other = os.path.join(d, "photos.zip")
            with zipfile.ZipFile(other, "w") as z:
                z.writestr("a.txt", "hello")
            code, out, err = run("validate", other)
            self.assertEqual(code, 1)
            self.assertIn("not an Excel .xlsx workbook", err)
            self.assertIn(WAY_OUT, err)

            cut = os.path.join(d, "cut.xlsx")
            with open(BOOK, "rb") as f, open(cut, "wb") as g:
                g.write(f.read()[:2000])
            code, out, err = run("validate", cut)
            self.assertEqual(code, 1)
            self.assertIn("could not be read: its zip directory (at the end of the file) is missing", err)
            self.assertIn(WAY_OUT, err)

            # Damaged compressed data in the sheet: zlib says so, the user reads words.
            with open(BOOK, "rb") as f:
                data = bytearray(f.read())
            with zipfile.ZipFile(BOOK) as z:
                info = z.getinfo("xl/worksheets/sheet1.xml")
            start = info.header_offset + 30 + len(info.filename)
            for i in range(start + 10, start + 40):
                data[i] ^= 0x55
            broken = os.path.join(d, "broken.xlsx")
            with open(broken, "wb") as f:
                f.write(bytes(data))
            code, out, err = run("validate", broken)
            self.assertEqual(code, 1)
            self.assertIn("xl/worksheets/sheet1.xml", err)
            self.assertIn(WAY_OUT, err)

            code, out, err = run("validate", os.path.join(ROOT, "tests", "fixtures", "exports", "apollo.csv"), "--sheet", "X")
            self.assertEqual(code, 1)
            self.assertIn("--sheet applies to an Excel workbook (.xlsx) only", err)


if __name__ == "__main__":
    unittest.main()
