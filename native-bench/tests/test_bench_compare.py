#!/usr/bin/env python3
"""Tests for scripts/bench-compare (standard library only, well under a second).
Run: python3 native-bench/tests/test_bench_compare.py   (or python3 -m unittest discover -s native-bench/tests)
"""
import json
import os
import subprocess
import sys
import tempfile
import unittest

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "bench-compare")


def result(name, score, err=1.0, mode="thrpt", unit="ops/s", params=None, alloc=None, gc_key="\u00b7gc.alloc.rate.norm"):
    r = {"benchmark": name, "mode": mode, "threads": 1, "forks": 1,
         "primaryMetric": {"score": score, "scoreError": err, "scoreUnit": unit}, "secondaryMetrics": {}}
    if params:
        r["params"] = {k: str(v) for k, v in params.items()}
    if alloc is not None:
        r["secondaryMetrics"][gc_key] = {"score": alloc, "scoreError": 0.0, "scoreUnit": "B/op"}
    return r


class BenchCompareTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, content):
        p = os.path.join(self.tmp.name, name)
        with open(p, "w") as f:
            f.write(content if isinstance(content, str) else json.dumps(content))
        return p

    def run_cmp(self, base, new, *opts):
        b = self.write("base.json", base)
        n = self.write("new.json", new)
        p = subprocess.run([sys.executable, SCRIPT, b, n, *opts], capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr

    def test_identical_results_pass(self):
        rs = [result("a.B.x", 100.0, params={"n": 16}, alloc=0.0), result("a.B.y", 5.0, mode="avgt", unit="us/op")]
        rc, out, _ = self.run_cmp(rs, rs)
        self.assertEqual(rc, 0, out)
        self.assertIn("2 compared, 0 failed", out)

    def test_throughput_drop_beyond_threshold_and_error_fails(self):
        rc, out, _ = self.run_cmp([result("a.B.x", 100.0, err=1.0)], [result("a.B.x", 90.0, err=1.0)])
        self.assertEqual(rc, 1)
        self.assertIn("SLOWER", out)
        self.assertIn("-10.0%", out)

    def test_drop_within_error_bars_passes(self):
        rc, out, _ = self.run_cmp([result("a.B.x", 100.0, err=6.0)], [result("a.B.x", 90.0, err=6.0)])
        self.assertEqual(rc, 0, out)
        self.assertIn("within error", out)

    def test_drop_below_threshold_passes_and_threshold_is_configurable(self):
        base, new = [result("a.B.x", 100.0, err=0.1)], [result("a.B.x", 97.0, err=0.1)]
        self.assertEqual(self.run_cmp(base, new)[0], 0)
        self.assertEqual(self.run_cmp(base, new, "--threshold", "2%")[0], 1)
        self.assertEqual(self.run_cmp(base, new, "--threshold=0.02")[0], 1)

    def test_avgt_is_lower_is_better(self):
        base = [result("a.B.t", 10.0, err=0.1, mode="avgt", unit="us/op")]
        self.assertEqual(self.run_cmp(base, [result("a.B.t", 12.0, err=0.1, mode="avgt", unit="us/op")])[0], 1)
        rc, out, _ = self.run_cmp(base, [result("a.B.t", 8.0, err=0.1, mode="avgt", unit="us/op")])
        self.assertEqual(rc, 0)
        self.assertIn("faster", out)

    def test_units_are_converted(self):
        base = [result("a.B.x", 100.0, err=0.5, unit="ops/ms")]
        self.assertEqual(self.run_cmp(base, [result("a.B.x", 100000.0, err=500, unit="ops/s")])[0], 0)
        self.assertEqual(self.run_cmp(base, [result("a.B.x", 80000.0, err=500, unit="ops/s")])[0], 1)

    def test_params_distinguish_benchmarks(self):
        base = [result("a.B.x", 100.0, params={"n": 1}), result("a.B.x", 10.0, params={"n": 2})]
        new = [result("a.B.x", 10.0, params={"n": 2}), result("a.B.x", 100.0, params={"n": 1})]
        self.assertEqual(self.run_cmp(base, new)[0], 0)

    def test_allocation_appearing_fails(self):
        rc, out, _ = self.run_cmp([result("a.B.x", 100.0, alloc=0.0)], [result("a.B.x", 100.0, alloc=48.0)])
        self.assertEqual(rc, 1)
        self.assertIn("ALLOCATES", out)

    def test_allocation_noise_below_tolerance_passes(self):
        rc, out, _ = self.run_cmp([result("a.B.x", 100.0, alloc=0.001)], [result("a.B.x", 100.0, alloc=0.4)])
        self.assertEqual(rc, 0, out)
        self.assertEqual(self.run_cmp([result("a.B.x", 100.0, alloc=0.0)], [result("a.B.x", 100.0, alloc=3.0)],
                                      "--alloc-tolerance", "5")[0], 0)

    def test_allocation_key_without_middle_dot(self):
        rc, _, _ = self.run_cmp([result("a.B.x", 100.0, alloc=0.0, gc_key="gc.alloc.rate.norm")],
                                [result("a.B.x", 100.0, alloc=64.0, gc_key="gc.alloc.rate.norm")])
        self.assertEqual(rc, 1)

    def test_unchanged_allocation_of_an_allocating_benchmark_passes(self):
        self.assertEqual(self.run_cmp([result("a.B.x", 100.0, alloc=64.0)], [result("a.B.x", 100.0, alloc=64.0)])[0], 0)

    def test_missing_and_new_are_reported_not_failed(self):
        rc, out, _ = self.run_cmp([result("a.B.old", 1.0), result("a.B.x", 5.0)],
                                  [result("a.B.x", 5.0), result("a.B.added", 2.0)])
        self.assertEqual(rc, 0)
        self.assertIn("missing", out)
        self.assertIn("new", out)
        self.assertIn("1 missing in NEW, 1 new", out)

    def test_nan_error_counts_as_zero(self):
        rc, _, _ = self.run_cmp([result("a.B.x", 100.0, err="NaN")], [result("a.B.x", 90.0, err="NaN")])
        self.assertEqual(rc, 1)

    def test_bad_inputs_give_one_message_and_exit_2(self):
        good = [result("a.B.x", 1.0)]
        for bad, expect in (("not json {", "not JSON"), ({"a": 1}, "not a JMH result file"),
                            ([{"foo": 1}], "entry 0"), ([], "no benchmark results")):
            rc, out, err = self.run_cmp(good, bad)
            self.assertEqual(rc, 2, (bad, out, err))
            self.assertIn(expect, err)
            self.assertEqual(len(err.strip().splitlines()), 1, err)
        p = subprocess.run([sys.executable, SCRIPT, self.write("b.json", good), "/nonexistent.json"],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("cannot read", p.stderr)

    def test_usage_errors_exit_2(self):
        for args in ([], ["only-one.json"], ["a", "b", "--threshold"], ["a", "b", "--threshold", "x"], ["a", "b", "--bogus"]):
            p = subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, args)
            self.assertIn("usage", p.stderr)


if __name__ == "__main__":
    unittest.main()
