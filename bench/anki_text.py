#!/usr/bin/env python3
"""Converted decks' Quizlet text against Anki's own rendering (issue 20).

    target/anki-venv/bin/python bench/anki_text.py DECK.apkg [DECK.apkg …]
        [--before OLD_BINARY] [--show N]

For each package: import it into a fresh collection with real Anki, convert
it with flashdeck, build the bank's Quizlet file, and compare each card's
text as a reader sees it in Anki with flashdeck's term and definition for
it (tests/anki/anki_text.py defines the comparison: `same`, `math` when
only typeset math differs, `differs`; Image Occlusion cards have no pair;
a cloze note is one pair, compared with every deletion asked at once).
With --before, the same with another flashdeck binary (an older commit's
build), side by side. Prints a Markdown table, then per deck the first
differing cards. Not a test: the decks are other people's data
(../shared/real-decks/, never committed); tests/integration/anki_text.rs
makes its own deck with Anki.
"""

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "anki"))
from anki_text import compare  # noqa: E402

BINARY = os.path.join(ROOT, "target", "release", "flashdeck")


def import_package(col, path):
    from anki.collection import ImportAnkiPackageRequest

    options = col._backend.get_import_anki_package_presets()
    with contextlib.redirect_stdout(io.StringIO()):
        col.import_anki_package(ImportAnkiPackageRequest(package_path=path, options=options))


def quizlet_of(binary, package, tmp):
    """The bank `binary` converts `package` into, and its Quizlet file."""
    banks = os.path.join(tmp, "banks")
    out = os.path.join(tmp, "out")
    converted = subprocess.run(
        [binary, "convert", package, "--out", banks, "--force"], capture_output=True, text=True
    )
    if converted.returncode != 0:
        raise SystemExit(f"{binary} convert {package} failed:\n{converted.stderr}")
    bank = next(os.path.join(banks, f) for f in os.listdir(banks) if f.endswith(".yaml"))
    built = subprocess.run(
        [binary, "build", bank, "--out", out, "--format", "quizlet"], capture_output=True, text=True
    )
    if built.returncode != 0:
        raise SystemExit(f"{binary} build {bank} failed:\n{built.stderr}")
    quizlet = next(os.path.join(out, f) for f in os.listdir(out) if f.endswith(".quizlet.txt"))
    with open(bank, encoding="utf-8") as b, open(quizlet, encoding="utf-8") as q:
        return b.read(), q.read()


def counts(result):
    verdicts = [r["verdict"] for r in result["cards"]]
    return {v: verdicts.count(v) for v in ("same", "math", "differs", "missing", "no pair")}


def main():
    import anki.lang
    from anki.collection import Collection

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="+")
    parser.add_argument("--before", help="an older flashdeck binary to compare with")
    parser.add_argument("--show", type=int, default=3, help="differing cards shown per deck")
    args = parser.parse_args()
    anki.lang.set_lang("en")
    binaries = [("after", BINARY)] + ([("before", args.before)] if args.before else [])
    rows = []
    for package in args.packages:
        package = os.path.abspath(package)
        name = os.path.basename(os.path.dirname(package)) or os.path.basename(package)
        with tempfile.TemporaryDirectory() as tmp:
            col = Collection(os.path.join(tmp, "collection.anki2"))
            import_package(col, package)
            row = {"deck": name}
            for label, binary in binaries:
                work = os.path.join(tmp, label)
                os.makedirs(work)
                bank, quizlet = quizlet_of(binary, package, work)
                row[label] = compare(col, bank, quizlet)
            col.close()
        rows.append(row)

    def pct(c, keys):
        compared = c["same"] + c["math"] + c["differs"] + c["missing"]
        return 100.0 * sum(c[k] for k in keys) / compared if compared else 100.0

    head = "| deck | cards compared | no Quizlet pair |"
    rule = "|---|---:|---:|"
    for label, _ in binaries[::-1]:
        head += f" same, {label} | same or only typeset math, {label} |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    for row in rows:
        after = counts(row["after"])
        compared = len(row["after"]["cards"]) - after["no pair"]
        line = f"| {row['deck']} | {compared} | {after['no pair']} |"
        for label, _ in binaries[::-1]:
            c = counts(row[label])
            line += f" {pct(c, ['same']):.1f} % | {pct(c, ['same', 'math']):.1f} % |"
        print(line)
    for row in rows:
        shown = 0
        for card in row["after"]["cards"]:
            if card["verdict"] in ("differs", "missing") and shown < args.show:
                shown += 1
                print(f"\n{row['deck']} {card['id']} (ord {card['ord']}, {card['notetype']}): {card['verdict']}",
                      file=sys.stderr)
                print(f"  anki      {card.get('anki')!r}", file=sys.stderr)
                print(f"  flashdeck {card.get('flashdeck')!r}", file=sys.stderr)


if __name__ == "__main__":
    main()
