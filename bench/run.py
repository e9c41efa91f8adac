#!/usr/bin/env python3
"""The benchmark: builds generated banks of 1k, 10k and 100k cards with
`flashdeck build --format apkg` (YAML parsing, validation, rendering and the
package included) and writes the same notes with Python genanki, then prints
a table of median wall time, peak memory and the speed ratio.

    python3 bench/run.py                  # 1k, 10k, 100k cards, 3 runs each
    python3 bench/run.py --sizes 1000 --runs 1

Everything it creates lives under target/bench/ (banks, outputs) and
target/bench-venv/ (genanki, pinned in bench/requirements.txt).
"""
import argparse
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

from measure import measure

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench"
VENV = ROOT / "target" / "bench-venv"
FLASHDECK = ROOT / "target" / "release" / "flashdeck"


def run_measured(cmd, cwd=None, env=None):
    """Runs a command; returns (seconds, peak resident MB) of that process alone."""
    elapsed, peak, _, _ = measure(cmd, cwd=cwd, env=env)
    return elapsed, peak



def venv_python():
    python = VENV / "bin" / "python"
    requirements = (ROOT / "bench" / "requirements.txt").read_bytes()
    marker = VENV / ".requirements-sha1"
    digest = hashlib.sha1(requirements).hexdigest()
    if not (python.exists() and marker.exists() and marker.read_text() == digest):
        shutil.rmtree(VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "-r", str(ROOT / "bench" / "requirements.txt")], check=True)
        marker.write_text(digest)
    return python


def machine():
    cpu = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{cpu}, {os.cpu_count()} cores, {mem_gib:.0f} GiB, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    python = venv_python()
    genanki_version = subprocess.run([str(python), "-c", "import genanki; print(genanki.__version__)"],
                                     capture_output=True, text=True, check=True).stdout.strip()
    env = dict(os.environ, SOURCE_DATE_EPOCH="1764028800")
    rows = []
    for n in sizes:
        folder = WORK / f"bank-{n}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        bank = folder / "bank.yaml"
        subprocess.run([sys.executable, str(ROOT / "bench" / "gen_bank.py"), str(n), str(bank)], check=True)
        # A first build writes the lock; the timed builds are a maintainer's rebuilds.
        run_measured([str(FLASHDECK), "build", str(bank), "--format", "apkg", "--out", str(folder / "first"), "-q"], env=env)
        notes = folder / "notes.json"
        subprocess.run([str(python), str(ROOT / "bench" / "export_notes.py"), str(folder / "first" / f"bench-{n}.apkg"), str(notes)], check=True)
        ours, theirs, python_job = [], [], []
        for run in range(args.runs):
            out = folder / f"out-{run}"
            ours.append(run_measured([str(FLASHDECK), "build", str(bank), "--format", "apkg", "--out", str(out), "-q"], env=env))
            theirs.append(run_measured([str(python), str(ROOT / "bench" / "genanki_write.py"), str(notes), str(folder / f"genanki-{run}.apkg")]))
            python_job.append(run_measured([str(python), str(ROOT / "bench" / "python_pipeline.py"), str(bank), str(folder / f"python-{run}.apkg")]))
        median = lambda runs: statistics.median(t for t, _ in runs)
        peak = lambda runs: max(m for _, m in runs)
        rows.append((n, bank.stat().st_size / 2**20, median(ours), peak(ours), median(theirs), peak(theirs),
                     median(python_job), peak(python_job)))

    print(f"machine: {machine()}")
    print(f"flashdeck {subprocess.run([str(FLASHDECK), '--version'], capture_output=True, text=True).stdout.split()[-1]}, genanki {genanki_version}, median of {args.runs} runs\n")
    print("| cards | bank | flashdeck build --format apkg | peak memory | genanki, writing only | peak memory | ratio | PyYAML + Markdown + genanki | peak memory | ratio |")
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, mb, ours_s, ours_m, theirs_s, theirs_m, job_s, job_m in rows:
        print(f"| {n:,} | {mb:.1f} MB | {ours_s:.2f} s | {ours_m:.0f} MB | {theirs_s:.2f} s | {theirs_m:.0f} MB | "
              f"{theirs_s / ours_s:.2f}× | {job_s:.2f} s | {job_m:.0f} MB | {job_s / ours_s:.2f}× |")
    print("\nratio = the Python time ÷ flashdeck's time (above 1: flashdeck is faster).")


if __name__ == "__main__":
    main()
