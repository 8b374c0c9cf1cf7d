#!/usr/bin/env python3
"""Tests for jmh/bandwidth-table (standard library only, well under a second).
Run: python3 native-bench/tests/test_bandwidth_table.py
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "jmh", "bandwidth-table")


def result(name, gbs, params, err=0.5):
    return {"benchmark": "dev.vectrain.bench." + name, "mode": "thrpt", "params": {k: str(v) for k, v in params.items()},
            "primaryMetric": {"score": 1.0, "scoreError": 0.0, "scoreUnit": "ops/s"},
            "secondaryMetrics": {"gigabytes": {"score": gbs, "scoreError": err, "scoreUnit": "ops/s"}}}


class BandwidthTableTest(unittest.TestCase):
    def run_table(self, rows, *opts):
        with tempfile.TemporaryDirectory() as d:
            p = os.path.join(d, "r.json")
            with open(p, "w") as f:
                f.write(rows if isinstance(rows, str) else json.dumps(rows))
            r = subprocess.run([sys.executable, SCRIPT, p, *opts], capture_output=True, text=True)
            return r.returncode, r.stdout, r.stderr

    def test_ratios_use_the_copies_of_the_same_size(self):
        rows = [result("ElementwiseBench.copy", 50.0, {"n": 4194304}),
                result("ElementwiseBench.vectorCopyLoop", 40.0, {"n": 4194304}),
                result("ElementwiseBench.copy", 80.0, {"n": 1048576}),
                result("ElementwiseBench.vectorCopyLoop", 100.0, {"n": 1048576}),
                result("ActivationBench.reluForward", 30.0, {"n": 4194304}),
                result("NormBench.layerNormForward", 20.0, {"shape": "1024x1024", "threads": 1}),
                result("NormBench.layerNormForward", 99.0, {"shape": "1024x1024", "threads": 2})]
        rc, out, err = self.run_table(rows, "--markdown")
        self.assertEqual(rc, 0, err)
        relu = next(line for line in out.splitlines() if "reluForward" in line)
        self.assertIn("30.0 ± 0.5, 60 %, 75 %", relu)
        ln = next(line for line in out.splitlines() if "layerNormForward" in line)
        self.assertIn("20.0 ± 0.5, 25 %, 20 %", ln)     # 1024x1024 = 1M floats, one thread only
        self.assertNotIn("99.0", out)
        self.assertTrue(out.splitlines()[2].startswith("| ElementwiseBench.copy"))

    def test_threads_option_reads_kernels_against_copies_of_the_same_thread_count(self):
        rows = [result("ElementwiseBench.copy", 50.0, {"n": 4194304, "threads": 1}),
                result("ElementwiseBench.copy", 60.0, {"n": 4194304, "threads": 2}),
                result("ElementwiseBench.vectorCopyLoop", 40.0, {"n": 4194304, "threads": 1}),
                result("ElementwiseBench.vectorCopyLoop", 80.0, {"n": 4194304, "threads": 2}),
                result("ActivationBench.tanhForward", 20.0, {"n": 4194304, "threads": 1}),
                result("ActivationBench.tanhForward", 42.0, {"n": 4194304, "threads": 2})]
        rc, out, err = self.run_table(rows, "--threads", "2", "--markdown")
        self.assertEqual(rc, 0, err)
        tanh = next(line for line in out.splitlines() if "tanhForward" in line)
        self.assertIn("42.0 ± 0.5, 70 %, 52 %", tanh)
        self.assertNotIn("20.0", out)
        rc, out, _ = self.run_table(rows)
        self.assertIn("20.0 ± 0.5, 40 %, 50 %", out)
        rc, _, err = self.run_table(rows, "--threads", "3")
        self.assertEqual(rc, 1)
        self.assertIn("threads=3", err)
        rc, _, err = self.run_table(rows, "--threads", "two")
        self.assertEqual(rc, 1)
        self.assertIn("--threads needs a positive whole number", err)

    def test_missing_reference_reads_n_a(self):
        rc, out, _ = self.run_table([result("ActivationBench.reluForward", 30.0, {"n": 4096})])
        self.assertEqual(rc, 0)
        self.assertIn("n/a", out)

    def test_unreadable_file_is_one_clear_line(self):
        rc, _, err = self.run_table("{not json")
        self.assertEqual(rc, 1)
        self.assertIn("cannot read", err)
        self.assertNotIn("Traceback", err)

    def test_file_without_the_counter_says_so(self):
        rc, _, err = self.run_table([{"benchmark": "a.B.c", "params": {"n": "4"}, "secondaryMetrics": {}}])
        self.assertEqual(rc, 1)
        self.assertIn("no results with a `gigabytes` counter", err)


if __name__ == "__main__":
    unittest.main()
