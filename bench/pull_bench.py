#!/usr/bin/env python3
"""What `flashdeck pull` costs as a bank grows (issue 20).

    python3 bench/pull_bench.py [N …]      (default 1000 10000 50000)

For each size: a generated bank (bench/gen_bank.py) is built into an .apkg;
1% of its notes are then edited as Anki's editor would (a word of the second
field changed, the note's time moved on) straight in the package's
collection, and the package is pulled into the bank. Beside it, the floor:
`build --format apkg` of the same bank, since a pull renders every note as a
build does to tell what Anki changed. Each pair runs alternately three times
(this machine's speed drifts); the table gives medians, time per 1,000
cards, and the pull's cost as a multiple of the build's.
"""
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from measure import measure  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
BINARY = ROOT / "target" / "release" / "flashdeck"


def edited_package(package, out, share=0.01):
    """`package` with `share` of its notes edited: one word of the second field."""
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(package) as src:
            entries = [(info.filename, src.read(info.filename)) for info in src.infolist()]
        db_path = os.path.join(tmp, "collection.anki2")
        Path(db_path).write_bytes(dict(entries)["collection.anki2"])
        db = sqlite3.connect(db_path)
        rows = db.execute("select id, flds, mod from notes order by id").fetchall()
        step = max(1, int(1 / share))
        edited = 0
        for nid, flds, mod in rows[::step]:
            fields = flds.split("\x1f")
            if len(fields) < 2 or " " not in fields[1]:
                continue
            fields[1] = fields[1].replace(" ", " edited ", 1)
            db.execute("update notes set flds = ?, mod = ? where id = ?",
                       ("\x1f".join(fields), mod + 3600, nid))
            edited += 1
        db.commit()
        db.close()
        collection = Path(db_path).read_bytes()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
            for name, data in entries:
                if name == "flashdeck.json":
                    continue  # Anki's own export carries no bank
                dst.writestr(name, collection if name == "collection.anki2" else data)
    return edited


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000, 50000]
    rows = []
    for n in sizes:
        work = Path(tempfile.mkdtemp(prefix="flashdeck-pull-bench-"))
        try:
            bank = work / "bank.yaml"
            subprocess.run([sys.executable, str(ROOT / "bench" / "gen_bank.py"), str(n), str(bank)],
                           check=True, capture_output=True)
            measure([BINARY, "build", bank, "--out", work / "out", "--format", "apkg", "-q"])
            package = next((work / "out").glob("*.apkg"))
            export = work / "export.apkg"
            edited = edited_package(package, export)
            pristine = bank.read_text()
            lock = bank.with_suffix(".lock").read_text()
            pulls, builds, peaks = [], [], []
            for _ in range(3):
                bank.write_text(pristine)
                bank.with_suffix(".lock").write_text(lock)
                seconds, peak, _, err = measure([BINARY, "pull", export, bank])
                pulls.append(seconds)
                peaks.append(peak)
                seconds, _, _, _ = measure([BINARY, "build", bank, "--out", work / "floor",
                                            "--format", "apkg", "-q"])
                builds.append(seconds)
            changed = err.count("`card-")
            pull, build = statistics.median(pulls), statistics.median(builds)
            rows.append((n, edited, changed, pull, pull / n * 1000, max(peaks), build, pull / build))
        finally:
            shutil.rmtree(work, ignore_errors=True)
    print("| cards | edited in the export | pulled | pull (s) | per 1,000 cards (s) | pull peak (MB) | build --format apkg (s) | pull / build |")
    print("|---|---|---|---|---|---|---|---|")
    for n, edited, changed, pull, per, peak, build, ratio in rows:
        print(f"| {n:,} | {edited} | {changed} | {pull:.2f} | {per:.3f} | {peak:.0f} | {build:.2f} | {ratio:.2f}× |")


if __name__ == "__main__":
    main()
