#!/usr/bin/env python3
"""Issues 10's and 21's goals in one table, the varied and templated banks side by side.

At 100k cards (`--cards`), for the varied bank of bench/gen_bank.py and the
templated bank of bench/shapes.py ("Question 12: …", numbered, sharing most
words): `check`, `build --format apkg`, and `build` of all six outputs, each
with its time, peak memory and the warnings it printed. Then, on the varied
bank: the apkg build against its floor (examples/floor.rs: parsing the YAML,
the SQLite rows with Anki's indexes, zipping, each alone), the apkg build at
1M cards (`--million`, 0 to skip) against 100k, other templated shapes
(short cards sharing one sentence that differ in a number and a word, or in
words only) checked against short varied cards, and the Django bank's six
outputs (median and slowest of `--django-runs`, and against `check` of the
same bank run alternately with them).

Every build is a rebuild with the lock present (a first, unmeasured build
writes it), into an empty output folder. Each 100k figure is the median of
`--runs` runs. The machine is noisy (the same build varies by half from one
minute to the next), so each ratio is taken between neighbours: the two
commands compared run alternately, and the ratio shown is the median of the
pairs' ratios, with their range; the 1M build runs `--million-runs` times,
each next to a 100k build.

    cargo build --release && cargo build --release --example floor
    python3 bench/goals.py
    python3 bench/goals.py --million 0        # without the 1M-card build

Banks and outputs live under target/bench/goals/.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench" / "goals"
FLASHDECK = ROOT / "target" / "release" / "flashdeck"
FLOOR = ROOT / "target" / "release" / "examples" / "floor"
sys.path.insert(0, str(ROOT / "bench"))
from shapes import run_measured as run  # noqa: E402


def bank(name, n):
    folder = WORK / f"{name}-{n}"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    # Generated in a child process, so this one never holds a bank.
    subprocess.run([sys.executable, str(ROOT / "bench" / "shapes.py"), "--generate", name, str(n), str(folder)],
                   check=True)
    # The first build writes the lock; the measured ones are rebuilds.
    subprocess.run([str(FLASHDECK), "build", "bank.yaml", "--format", "apkg", "--out", "first", "-q"],
                   cwd=folder, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(folder / "first")
    return folder


RUNS = 3


def summary(results):
    """(median seconds, median peak MB, warnings, stdout) of `run` results."""
    seconds = statistics.median(r[0] for r in results)
    peak = statistics.median(r[1] for r in results)
    return seconds, peak, results[0][2], results[0][3]


def paired(first, second, times=None):
    """Runs the commands `first` and `second` (each a (cmd, folder, before)
    triple) alternately, `times` times (RUNS unless given): (the `summary` of
    each, the pairs' time ratios second/first, and their peak ratios)."""
    runs = ([], [])
    for _ in range(times or RUNS):
        for (cmd, folder, before), results in zip((first, second), runs):
            before()
            results.append(run(cmd, folder))
    time_ratios = [b[0] / a[0] for a, b in zip(*runs)]
    peak_ratios = [b[1] / a[1] for a, b in zip(*runs)]
    return tuple(summary(rs) for rs in runs), time_ratios, peak_ratios


def spread(ratios):
    """The median of `ratios`, and their range when there are several."""
    text = f"{statistics.median(ratios):.2f}×"
    return text + (f" ({min(ratios):.2f}–{max(ratios):.2f})" if len(ratios) > 1 else "")


def write_cost(folder):
    """Seconds that writing the files of `folder` into a fresh folder takes,
    bytes already in memory, each flushed to disk as flashdeck does before
    renaming (the median of RUNS): what any tool writing the same outputs
    durably pays, whatever it renders. On this machine's disk the flush, not
    the copy, is most of it."""
    files = [(p.relative_to(folder), p.read_bytes()) for p in sorted(folder.rglob("*")) if p.is_file()]
    target = folder.parent / (folder.name + "-copy")
    times = []
    for _ in range(RUNS):
        shutil.rmtree(target, ignore_errors=True)
        start = time.perf_counter()
        for rel, data in files:
            (target / rel).parent.mkdir(parents=True, exist_ok=True)
            with open(target / rel, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
        times.append(time.perf_counter() - start)
    shutil.rmtree(target, ignore_errors=True)
    return statistics.median(times)


def build(folder, out, *formats, fresh=True):
    """A (cmd, folder, before) triple for `paired`: a build of `formats`
    into `out`, emptied first when `fresh`."""
    args = [a for f in formats for a in ("--format", f)]
    before = (lambda: shutil.rmtree(folder / out, ignore_errors=True)) if fresh else (lambda: None)
    return [str(FLASHDECK), "build", "bank.yaml", *args, "--out", out], folder, before


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cards", type=int, default=100_000)
    parser.add_argument("--million", type=int, default=1_000_000, help="cards of the big build; 0 skips it")
    parser.add_argument("--django-runs", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="runs of each 100k command (the median is shown)")
    parser.add_argument("--million-runs", type=int, default=3, help="runs of the 1M build, each beside a 100k one")
    args = parser.parse_args()
    global RUNS
    RUNS = args.runs
    for tool in (FLASHDECK, FLOOR):
        if not tool.exists():
            sys.exit("build first: cargo build --release && cargo build --release --example floor")
    n = args.cards
    results = {}
    folders = {name: bank(name, n) for name in ("varied", "templated")}
    # The templated bank against the varied one, in pairs like every ratio.
    templated_vs_varied = {
        "check": paired(*(([str(FLASHDECK), "check", "bank.yaml"], folders[name], lambda: None)
                          for name in ("varied", "templated"))),
        "apkg": paired(*(build(folders[name], "apkg", "apkg") for name in ("varied", "templated"))),
    }
    for name, folder in folders.items():
        (apkg, all_six), all_ratios, _ = paired(build(folder, "apkg", "apkg"), build(folder, "all"))
        # The maintainer's rebuild: outputs present and unchanged, so
        # nothing is written.
        (apkg_again, all_again), again_ratios, _ = paired(build(folder, "apkg", "apkg", fresh=False),
                                                          build(folder, "all", fresh=False))
        results[name] = {
            "check": templated_vs_varied["check"][0][name == "templated"],
            "apkg": apkg, "all": all_six, "all-ratios": all_ratios,
            "apkg-again": apkg_again, "all-again": all_again, "again-ratios": again_ratios,
        }
    varied_folder = WORK / f"varied-{n}"
    write_all_six = write_cost(varied_folder / "all")
    write_apkg = write_cost(varied_folder / "apkg")
    _, _, _, floor_out = run([str(FLOOR), "bank.yaml"], varied_folder)
    floor_parts = {k: float(v) for k, v in (line.split() for line in floor_out.strip().splitlines())}
    floor = sum(floor_parts.values())
    million = None
    if args.million:
        folder = bank("varied", args.million)
        million = paired(build(varied_folder, "apkg", "apkg"), build(folder, "apkg", "apkg"), args.million_runs)
        shutil.rmtree(folder)
    # Other templated shapes: short cards sharing one sentence, against
    # short varied cards (bench/shapes.py), checked in pairs.
    short = {name: bank(name, n) for name in ("short-varied", "short-templated", "word-templated")}
    short_pairs = {
        name: paired(([str(FLASHDECK), "check", "bank.yaml"], short["short-varied"], lambda: None),
                     ([str(FLASHDECK), "check", "bank.yaml"], short[name], lambda: None))
        for name in ("short-templated", "word-templated")
    }
    short_bytes = {name: (folder / "bank.yaml").stat().st_size for name, folder in short.items()}
    # The Django bank: all six outputs, and `check` of it alternately with it.
    django_out = WORK / "django"
    django_build = ([str(FLASHDECK), "build", "source/django-interview.yaml", "--out", str(django_out), "-q"], ROOT,
                    lambda: shutil.rmtree(django_out, ignore_errors=True))
    django_check = ([str(FLASHDECK), "check", "source/django-interview.yaml", "-q"], ROOT, lambda: None)
    django_runs = ([], [])
    for _ in range(args.django_runs):
        for (cmd, cwd, before), times in zip((django_check, django_build), django_runs):
            before()
            times.append(run(cmd, cwd)[0])
    django_checks, django = django_runs
    django_ratios = [b / a for a, b in zip(django_checks, django)]

    v, t = results["varied"], results["templated"]
    rows = []

    def row(what, varied, templated, ratio, goal, met):
        rows.append((what, varied, templated, ratio, goal, met))

    yes = lambda ok: "yes" if ok else "NO"  # noqa: E731
    secs = lambda r: f"{r[0]:.2f} s"  # noqa: E731
    mb = lambda r: f"{r[1]:.0f} MB"  # noqa: E731
    for key, label in (("check", "check"), ("apkg", "build --format apkg")):
        (pv, pt), time_ratios, peak_ratios = templated_vs_varied[key]
        row(f"{label}: time", secs(pv), secs(pt), f"{spread(time_ratios)} (t/v)", "templated ≤ 1.2× varied",
            yes(statistics.median(time_ratios) <= 1.2))
        row(f"{label}: peak memory", mb(pv), mb(pt), f"{spread(peak_ratios)} (t/v)", "", "")
    row("check: warnings printed", str(v["check"][2]), str(t["check"][2]), "", "fit on one screen",
        yes(max(v["check"][2], t["check"][2]) <= 20))
    for name, r in (("varied", v), ("templated", t)):
        ratios = r["all-ratios"]
        row(f"all six outputs ({name}): time", secs(v["all"]) if name == "varied" else "",
            secs(t["all"]) if name == "templated" else "", f"{spread(ratios)} apkg ({r['apkg'][0]:.2f} s)",
            "≤ 1.3× apkg", yes(statistics.median(ratios) <= 1.3))
        row(f"all six outputs ({name}): peak", mb(v["all"]) if name == "varied" else "",
            mb(t["all"]) if name == "templated" else "", "", "≤ 250 MB", yes(r["all"][1] <= 250))
    for name, r in (("varied", v), ("templated", t)):
        ratios = r["again-ratios"]
        row(f"all six, rebuilt with outputs unchanged ({name})",
            secs(r["all-again"]) if name == "varied" else "", secs(r["all-again"]) if name == "templated" else "",
            f"{spread(ratios)} apkg rebuilt ({r['apkg-again'][0]:.2f} s)", "≤ 1.3× apkg",
            yes(statistics.median(ratios) <= 1.3))
    floor_six = v["apkg"][0] + write_all_six - write_apkg
    row(f"floor of all six: the apkg build + writing the other files durably "
        f"({write_all_six:.2f} s for all, {write_apkg:.2f} s for the apkg)",
        f"{floor_six:.2f} s", "", f"{floor_six / v['apkg'][0]:.2f}× apkg", "measure, report", "")
    parts = " + ".join(f"{k} {s:.2f}" for k, s in floor_parts.items())
    row(f"apkg build / floor ({parts} = {floor:.2f} s)", secs(v["apkg"]), "", f"{v['apkg'][0] / floor:.2f}× floor",
        "measure, report", "")
    if million:
        (beside, big), time_ratios, peak_ratios = million
        row(f"{args.million:,} cards, build --format apkg: time (median of {len(time_ratios)})", secs(big), "",
            f"{spread(time_ratios)} {n:,} beside it ({beside[0]:.2f} s)", "≤ 11×",
            yes(statistics.median(time_ratios) <= 11))
        row(f"{args.million:,} cards, build --format apkg: peak", mb(big), "", f"{spread(peak_ratios)} {n:,}",
            "≤ 10×", yes(statistics.median(peak_ratios) <= 10))
    for name, ((pv, pt), time_ratios, _) in short_pairs.items():
        per_byte = [r * short_bytes["short-varied"] / short_bytes[name] for r in time_ratios]
        row(f"check: {name} against short-varied ({short_bytes[name] / 1e6:.1f} and "
            f"{short_bytes['short-varied'] / 1e6:.1f} MB; per byte {spread(per_byte)})",
            secs(pv), secs(pt), f"{spread(time_ratios)} (t/v)", "templated ≤ 1.2× varied",
            yes(statistics.median(time_ratios) <= 1.2))
    median = statistics.median(django)
    row(f"Django bank, all six (median, slowest of {len(django)})", f"{median * 1000:.0f} ms, {max(django) * 1000:.0f} ms",
        "", "", "≤ 50 ms", yes(median <= 0.05))
    row(f"Django bank, all six against check of it (check {statistics.median(django_checks) * 1000:.0f} ms)",
        "", "", spread(django_ratios), "≤ 2× check", yes(statistics.median(django_ratios) <= 2))

    print(f"{n:,} cards unless said; medians of {RUNS} runs; {os.cpu_count()} cores")
    header = ("goal", "varied", "templated", "ratio", "target", "met")
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(6)]
    for r in [header] + rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip())
    print("\nstages of the varied bank's all-six build (FLASHDECK_TIMINGS=1):")
    env = dict(os.environ, FLASHDECK_TIMINGS="1")
    shutil.rmtree(varied_folder / "all", ignore_errors=True)
    proc = subprocess.run([str(FLASHDECK), "build", "bank.yaml", "--out", "all", "-q"], cwd=varied_folder, env=env,
                          capture_output=True, text=True, check=True)
    for line in proc.stderr.splitlines():
        if line.startswith("timing:"):
            print("  " + line.removeprefix("timing: ").split("   now")[0] + "   peak" + line.split("peak")[-1])


if __name__ == "__main__":
    main()
