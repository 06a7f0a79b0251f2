"""`hearth bench` and scripts/bench_compare.sh end to end on a shared tiny model. Only the shape of the
output is checked, never the speed. Run through CTest with HEARTH_CLI and HEARTH_SHARED_DIR set."""
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CLI = os.environ.get("HEARTH_CLI", "")
REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("HEARTH_SHARED_DIR", REPO.parent / "shared"))
TINY = SHARED / "data" / "models" / "tiny-qwen2-Q8_0.gguf"
COMPARE = REPO / "scripts" / "bench_compare.sh"

pytestmark = pytest.mark.skipif(not CLI, reason="HEARTH_CLI is not set")


def run(*args, check=None):
    proc = subprocess.run([CLI, *map(str, args)], capture_output=True, timeout=300)
    if check is not None:
        assert proc.returncode == check, proc.stderr.decode(errors="replace")
    return proc


def test_bench_json():
    data = json.loads(run("bench", TINY, "-p", "16", "-n", "4", "-r", "2", "-t", "1", "--json", check=0).stdout)
    assert data["model"] == str(TINY)
    assert data["threads"] == 1
    assert data["reps"] == 2
    assert data["pp"]["n"] == 16 and data["tg"]["n"] == 4
    for test in ("pp", "tg"):
        assert data[test]["tok_s"] > 0
        assert data[test]["sd"] >= 0
    assert data["peak_rss_bytes"] > 0
    assert data["model_bytes"] > 0 and data["n_params"] > 0


def test_bench_default_threads_and_text_table():
    data = json.loads(run("bench", TINY, "-p", "8", "-n", "2", "-r", "1", "--json", check=0).stdout)
    assert data["threads"] >= 1
    assert data["pp"]["sd"] == 0  # One repetition has no spread.
    text = run("bench", TINY, "-p", "8", "-n", "2", "-r", "1", "-t", "1", check=0).stdout.decode()
    assert "| model" in text and "t/s" in text
    assert "pp8" in text and "tg2" in text
    assert "tiny-qwen2-Q8_0.gguf" in text


def test_bench_skips_a_test_given_zero():
    data = json.loads(run("bench", TINY, "-p", "0", "-n", "3", "-r", "1", "-t", "1", "--json", check=0).stdout)
    assert data["pp"] == {"n": 0, "tok_s": 0, "sd": 0}
    assert data["tg"]["n"] == 3 and data["tg"]["tok_s"] > 0
    data = json.loads(run("bench", TINY, "-p", "5", "-n", "0", "-r", "1", "-t", "1", "--json", check=0).stdout)
    assert data["tg"]["n"] == 0 and data["tg"]["tok_s"] == 0
    assert data["pp"]["tok_s"] > 0
    assert "tg" not in run("bench", TINY, "-p", "5", "-n", "0", "-r", "1", "-t", "1", check=0).stdout.decode()


@pytest.mark.parametrize("args", [
    ["bench"],
    ["bench", "a.gguf", "b.gguf"],
    ["bench", "m.gguf", "--bogus"],
    ["bench", "m.gguf", "-p", "x"],
    ["bench", "m.gguf", "-p", "-1"],
    ["bench", "m.gguf", "-n"],
    ["bench", "m.gguf", "-r", "0"],
    ["bench", "m.gguf", "-t", "0"],
    ["bench", "m.gguf", "-p", "0", "-n", "0"],
    ["bench", "m.gguf", "--json=yes"],
])
def test_bench_bad_arguments_exit_2_with_usage(args):
    proc = run(*args)
    assert proc.returncode == 2, (args, proc.stderr)
    err = proc.stderr.decode()
    assert "hearth: error:" in err and "usage: hearth bench" in err
    assert proc.stdout == b""


def test_bench_missing_model_exits_1(tmp_path):
    proc = run("bench", tmp_path / "missing.gguf", "--json")
    assert proc.returncode == 1
    assert proc.stderr.decode().startswith("hearth: error:")
    assert proc.stdout == b""


def test_bench_help():
    assert b"usage: hearth bench" in run("bench", "--help", check=0).stdout
    assert b"bench" in run("--help", check=0).stdout


FAKE_LLAMA_BENCH = """#!{python}
# Stands in for llama-bench: answers -o json with fixed speeds in llama-bench's output shape.
import json, sys
a = sys.argv[1:]
assert a[a.index("-o") + 1] == "json"
with open({log!r}, "a") as log:
    log.write("llama\\n")
p, n = int(a[a.index("-p") + 1]), int(a[a.index("-n") + 1])
rows = []
if p:
    rows.append({{"model_filename": a[a.index("-m") + 1], "n_prompt": p, "n_gen": 0, "avg_ts": 500.0,
                 "stddev_ts": 5.0}})
if n:
    rows.append({{"n_prompt": 0, "n_gen": n, "avg_ts": 50.0, "stddev_ts": 0.5}})
print(json.dumps(rows, indent=2))
"""


def test_bench_compare_with_stand_in_llama_bench(tmp_path):
    log = tmp_path / "calls.log"
    fake = tmp_path / "llama-bench"
    fake.write_text(FAKE_LLAMA_BENCH.format(python=sys.executable, log=str(log)))
    fake.chmod(0o755)
    proc = subprocess.run(
        ["bash", COMPARE, "--llama-bench", fake, "--hearth", CLI, "-t", "1", "-r", "2", "-p", "16", "-n", "4",
         "--rounds", "2", TINY],
        capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    out = proc.stdout.decode()
    assert "CPU:" in out and re.search(r"hearth \d+\.\d+\.\d+", out)
    assert "| model | file size | test | hearth t/s | llama.cpp t/s | ratio |" in out
    rows = [line for line in out.splitlines() if line.startswith("| tiny-qwen2-Q8_0.gguf")]
    assert len(rows) == 2
    assert "| pp16 |" in rows[0] and "500.00 ± 4.08" in rows[0]  # 2 rounds x 2 reps of sd 5, pooled.
    assert "| tg4 |" in rows[1] and "50.00 ± 0.41" in rows[1]
    for row in rows:
        assert float(row.rstrip(" |").rsplit("|", 1)[1]) > 0
    assert log.read_text().count("llama") == 2


def test_bench_compare_bandwidth_ceiling_table(tmp_path):
    fake = tmp_path / "llama-bench"
    fake.write_text(FAKE_LLAMA_BENCH.format(python=sys.executable, log=str(tmp_path / "calls.log")))
    fake.chmod(0o755)
    membw = tmp_path / "membw"  # Stand-in: a fixed reading, in membw.c's output format.
    membw.write_text("#!/bin/sh\necho \"read bandwidth: 20.0 GB/s (best of 10, 2048 MiB, $OMP_NUM_THREADS threads)\"\n")
    membw.chmod(0o755)
    proc = subprocess.run(
        ["bash", COMPARE, "--llama-bench", fake, "--hearth", CLI, "--membw", membw, "-t", "1", "-r", "1", "-p", "8",
         "-n", "4", TINY],
        capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    out = proc.stdout.decode()
    assert "| model | weight bytes/token | read bandwidth GB/s | ceiling t/s |" in out
    row = next(line for line in out.splitlines() if line.startswith("| tiny-qwen2-Q8_0.gguf") and "GB" not in line
               and "MB |" in line)
    cells = [c.strip() for c in row.strip("|").split("|")]
    weight_mb = float(cells[1].split()[0])
    assert cells[2] == "20.0 ± 0.0"
    assert float(cells[3]) == pytest.approx(20e9 / (weight_mb * 1e6), rel=1e-2)
    assert cells[7] == f"{100 * 50.0 / float(cells[3]):.0f}%"  # The stand-in llama-bench decodes at 50 t/s.
    missing = subprocess.run(["bash", COMPARE, "--llama-bench", fake, "--membw", tmp_path / "nope", TINY],
                             capture_output=True, timeout=60)
    assert missing.returncode == 1 and b"membw not executable" in missing.stderr


@pytest.mark.parametrize("args", [[], ["--llama-bench"], ["--llama-bench", "x", "-p", "ten", "m.gguf"],
                                  ["--llama-bench", "x"], ["--bogus", "m.gguf"]])
def test_bench_compare_bad_arguments_exit_2(args):
    proc = subprocess.run(["bash", COMPARE, *args], capture_output=True, timeout=60)
    assert proc.returncode == 2, (args, proc.stderr)
    assert b"usage" in proc.stderr.lower() or b"bench_compare.sh" in proc.stderr
