#!/usr/bin/env python3
"""`flashdeck build --format apkg` against its floor, and at 1M cards.

For each size, the varied bank of bench/gen_bank.py is generated, built
(`--format apkg`, time and peak memory, with FLASHDECK_TIMINGS for the
stages), and measured by `examples/floor.rs`: parsing the YAML, writing the
SQLite rows with Anki's indexes, and zipping, alone. The table shows the
build as a multiple of that floor, and each size against the first.

    cargo build --release --example floor && python3 bench/floor.py
    python3 bench/floor.py --cards 100000 1000000

Banks and outputs live under target/bench/floor/.
"""
import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench" / "floor"
FLASHDECK = ROOT / "target" / "release" / "flashdeck"
FLOOR = ROOT / "target" / "release" / "examples" / "floor"
sys.path.insert(0, str(ROOT / "bench"))
import gen_bank  # noqa: E402
from measure import measure  # noqa: E402


def generate(n, path):
    rng = gen_bank.random.Random(n)
    with open(path, "w") as f:
        f.write("deck:\n  id: floor\n  name: Floor\ncards:\n")
        for i in range(n):
            f.write(gen_bank.card(rng, i))


def measured(cmd, env=None):
    """(seconds, peak MB, stdout, stderr)."""
    return measure(cmd, env=env)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--generate":
        generate(int(sys.argv[2]), sys.argv[3])
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--cards", type=int, nargs="*", default=[100_000, 1_000_000])
    args = parser.parse_args()
    for tool in (FLASHDECK, FLOOR):
        if not tool.exists():
            sys.exit("build first: cargo build --release && cargo build --release --example floor")
    rows = []
    for n in args.cards:
        folder = WORK / str(n)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        bank = folder / "bank.yaml"
        subprocess.run([sys.executable, __file__, "--generate", str(n), str(bank)], check=True)
        env = dict(os.environ, FLASHDECK_TIMINGS="1")
        build, peak, _, timings = measured(
            [str(FLASHDECK), "build", str(bank), "--format", "apkg", "--out", str(folder / "out"), "-q"], env)
        floor_time, floor_peak, out, _ = measured([str(FLOOR), str(bank)])
        parts = dict(line.split() for line in out.strip().splitlines())
        floor = sum(float(v) for v in parts.values())
        stages = [l.split("   now")[0].replace("timing: ", "").strip() for l in timings.splitlines() if l.startswith("timing:")]
        rows.append((n, bank.stat().st_size / 1e6, build, peak, parts, floor, stages))
    print(f"{'cards':>9} {'bank':>8} {'build apkg':>11} {'peak MB':>8} {'parse':>7} {'sqlite':>7} {'zip':>6} {'floor':>7} {'build/floor':>11}")
    for n, size, build, peak, parts, floor, _ in rows:
        print(f"{n:>9} {size:>6.0f}MB {build:>10.2f}s {peak:>8.0f} {float(parts['parse']):>6.2f}s "
              f"{float(parts['sqlite']):>6.2f}s {float(parts['zip']):>5.2f}s {floor:>6.2f}s {build / floor:>10.2f}×")
    if len(rows) > 1:
        base = rows[0]
        for n, _, build, peak, *_ in rows[1:]:
            print(f"{n} against {base[0]} cards: time {build / base[2]:.2f}×, peak memory {peak / base[3]:.2f}×")
    for n, *_, stages in rows:
        print(f"stages at {n} cards:")
        for s in stages:
            print(f"  {s}")


if __name__ == "__main__":
    main()
