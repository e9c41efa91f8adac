#!/usr/bin/env python3
"""`flashdeck convert` of a big Anki package against Anki's own importer.

Anki (the `anki` package, in target/anki-venv: run the Anki tests once to
create it) makes a collection of N notes (Basic and a custom two-template
type, with some HTML), exports it as a current (v3) package, and then:

- `flashdeck convert` reads the package into a bank (unzip, zstd, SQLite,
  bank text, check, lock), timed with its peak memory;
- Anki's importer imports the same package into a fresh collection (what a
  user's Import does), timed with its peak memory, in its own process.

    target/anki-venv/bin/python bench/convert_bench.py            # 10k and 100k notes
    target/anki-venv/bin/python bench/convert_bench.py --notes 20000

Work files live under target/bench/convert/.
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from measure import measure

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench" / "convert"
FLASHDECK = ROOT / "target" / "release" / "flashdeck"
WORDS = "model view template query field form admin cache signal router request response middleware".split()


def make(n, folder):
    """A collection of n notes, exported as v3 (run in a child process)."""
    import anki.lang
    from anki.collection import Collection, ExportAnkiPackageOptions

    anki.lang.set_lang("en")
    col = Collection(str(folder / "collection.anki2"))
    basic = col.models.by_name("Basic")
    vocab = col.models.new("Vocab")
    for name in ["Word", "Meaning", "Example"]:
        col.models.add_field(vocab, col.models.new_field(name))
    for name, q, a in [("Recognition", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}<br>{{Example}}"),
                       ("Production", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}")]:
        t = col.models.new_template(name)
        t["qfmt"], t["afmt"] = q, a
        col.models.add_template(vocab, t)
    col.models.add(vocab)
    vocab = col.models.by_name("Vocab")
    deck = col.decks.id("Bench::Notes")
    for i in range(n):
        w = [WORDS[(i * k) % len(WORDS)] for k in range(1, 12)]
        if i % 2:
            note = col.new_note(basic)
            note.fields[:] = [f"Card {i}: what does the {w[0]} {w[1]} do?", f"It <b>{w[2]}s</b> the {w[3]} {w[4]}.<br>See {w[5]}."]
        else:
            note = col.new_note(vocab)
            note.fields[:] = [f"{w[0]}-{i}", f"the {w[1]} {w[2]}", f"<i>{w[3]}</i> {w[4]} {w[5]} {w[6]}."]
        note.tags = [w[7], f"level::{i % 5}"]
        col.add_note(note, deck)
    options = ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False)
    col.export_anki_package(out_path=str(folder / "deck.apkg"), options=options, limit=None)
    col.close()


def anki_import(package, folder):
    """Anki's importer, default options, into a fresh collection (child process)."""
    import anki.lang
    from anki.collection import Collection, ImportAnkiPackageRequest

    anki.lang.set_lang("en")
    col = Collection(str(folder / "fresh.anki2"))
    options = col._backend.get_import_anki_package_presets()
    col.import_anki_package(ImportAnkiPackageRequest(package_path=str(package), options=options))
    col.close()


def measured(cmd):
    """(seconds, peak MB)."""
    elapsed, peak, _, _ = measure(cmd)
    return elapsed, peak


def main():
    if len(sys.argv) == 4 and sys.argv[1] in ("--make", "--import"):
        folder = Path(sys.argv[3])
        if sys.argv[1] == "--make":
            make(int(sys.argv[2]), folder)
        else:
            anki_import(Path(sys.argv[2]), folder)
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--notes", type=int, nargs="*", default=[10_000, 100_000])
    args = parser.parse_args()
    if not FLASHDECK.exists():
        sys.exit("build first: cargo build --release")
    print(f"{'notes':>8} {'package':>9} {'flashdeck convert':>18} {'peak MB':>8} {'Anki import':>12} {'peak MB':>8} {'ratio':>6}")
    for n in args.notes:
        folder = WORK / str(n)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        subprocess.run([sys.executable, __file__, "--make", str(n), str(folder)], check=True)
        package = folder / "deck.apkg"
        size = package.stat().st_size / 1e6
        ours, ours_mem = measured([str(FLASHDECK), "convert", "-q", str(package), "--out", str(folder / "bank")])
        theirs, theirs_mem = measured([sys.executable, __file__, "--import", str(package), str(folder)])
        print(f"{n:>8} {size:>7.1f}MB {ours:>17.2f}s {ours_mem:>8.0f} {theirs:>11.2f}s {theirs_mem:>8.0f} {theirs / ours:>5.2f}×", flush=True)


if __name__ == "__main__":
    main()
