"""scripts/configure.sh: a stale or failing CMake configuration says what happened and what to do.

Uses a tiny CMake project in a temporary folder, so it runs in a second or two."""
import os
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CONFIGURE = os.path.join(ROOT, "scripts", "configure.sh")


def run(*args, cwd=None):
    return subprocess.run(["bash", CONFIGURE, *args], cwd=cwd, capture_output=True, text=True)


class ConfigureTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="pe-configure-")
        self.addCleanup(shutil.rmtree, self.tmp, True)

    def project(self, name, body="project(x NONE)\n"):
        src = os.path.join(self.tmp, name, "src")
        os.makedirs(src)
        with open(os.path.join(src, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.16)\n" + body)
        return src

    def test_quiet_when_it_works(self):
        src = self.project("a")
        build = os.path.join(self.tmp, "a", "build")
        r = run(build, "cmake", "-S", src, "-B", build)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout + r.stderr, "")
        self.assertTrue(os.path.exists(os.path.join(build, "CMakeCache.txt")))

    def test_build_folder_copied_from_another_path_is_started_afresh(self):
        src = self.project("a")
        build = os.path.join(self.tmp, "a", "build")
        self.assertEqual(run(build, "cmake", "-S", src, "-B", build).returncode, 0)
        # The whole project with its build folder copied elsewhere: plain CMake refuses this cache.
        shutil.copytree(os.path.join(self.tmp, "a"), os.path.join(self.tmp, "b"), symlinks=True)
        src2, build2 = os.path.join(self.tmp, "b", "src"), os.path.join(self.tmp, "b", "build")
        plain = subprocess.run(["cmake", "-S", src2, "-B", build2], capture_output=True, text=True)
        self.assertNotEqual(plain.returncode, 0, "plain cmake was expected to refuse a copied cache")
        r = run(build2, "cmake", "-S", src2, "-B", build2)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("was configured at " + build, r.stdout)
        self.assertIn("starting it afresh", r.stdout)
        with open(os.path.join(build2, "CMakeCache.txt")) as f:
            self.assertIn("CMAKE_CACHEFILE_DIR:INTERNAL=" + build2 + "\n", f.read())

    def test_failure_prints_the_cause_and_what_to_do(self):
        src = self.project("c", 'project(x NONE)\nmessage(FATAL_ERROR "nlohmann/json.hpp not found: install it")\n')
        build = os.path.join(self.tmp, "c", "build")
        r = run(build, "cmake", "-S", src, "-B", build)
        self.assertEqual(r.returncode, 1)
        self.assertIn("failed", r.stderr)
        self.assertIn("nlohmann/json.hpp not found: install it", r.stderr)
        self.assertIn("What to do", r.stderr)
        self.assertIn("scripts/deps.sh", r.stderr)

    def test_failing_existing_cache_is_retried_from_an_empty_folder(self):
        src = self.project("d")
        build = os.path.join(self.tmp, "d", "build")
        self.assertEqual(run(build, "cmake", "-S", src, "-B", build).returncode, 0)
        # A cache made with another generator cannot be reused ("Does not match the generator used previously").
        with open(os.path.join(build, "CMakeCache.txt")) as f:
            cache = f.read()
        with open(os.path.join(build, "CMakeCache.txt"), "w") as f:
            f.write(cache.replace("CMAKE_GENERATOR:INTERNAL=Unix Makefiles", "CMAKE_GENERATOR:INTERNAL=Ninja"))
        r = run(build, "cmake", "-S", src, "-B", build, "-G", "Unix Makefiles")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("did not configure with its existing cache", r.stdout)

    def test_usage(self):
        r = run()
        self.assertEqual(r.returncode, 2)
        self.assertIn("usage", r.stderr)


if __name__ == "__main__":
    unittest.main()
