#!/usr/bin/env python3
"""Try flashdeck on Anki packages other people made (issue 19's table).

    target/anki-venv/bin/python bench/real_decks.py DECK.apkg [DECK.apkg …]

For each package: convert it into a bank, build the bank, import the original
into a fresh collection with real Anki, import the rebuilt package over it
(the counts Anki reports: new, updated, conflicting…), and compare every
note's fields in the rebuilt package with the original's, byte for byte, as
Anki holds them after import. Prints a Markdown table and, per deck, the
notes whose fields differ. Not a test: the decks are other people's data
(../shared/real-decks/, never committed); the tests make their own decks
with real Anki (tests/integration/convert_*.rs).
"""

import argparse
import contextlib
import io
import os
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, "target", "release", "flashdeck")


def notes_by_guid(col):
    return {
        col.get_note(nid).guid: list(col.get_note(nid).fields)
        for nid in col.find_notes("")
    }


def import_package(col, path):
    from anki.collection import ImportAnkiPackageRequest

    options = col._backend.get_import_anki_package_presets()
    with contextlib.redirect_stdout(io.StringIO()):
        response = col.import_anki_package(
            ImportAnkiPackageRequest(package_path=path, options=options)
        )
    log = response.log
    return {k: len(getattr(log, k)) for k in ("new", "updated", "duplicate", "conflicting")}


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


def try_deck(package, tmp):
    import anki.lang
    from anki.collection import Collection

    anki.lang.set_lang("en")
    name = os.path.basename(os.path.dirname(package)) or os.path.basename(package)
    row = {"deck": name}
    banks = os.path.join(tmp, "banks")
    start = time.perf_counter()
    converted = run(["/usr/bin/time", "-f", "%M", BINARY, "convert", package, "--out", banks, "--force"])
    row["convert_s"] = time.perf_counter() - start
    row["convert_kb"] = converted.stderr.strip().splitlines()[-1] if converted.stderr.strip() else "?"
    row["converted"] = converted.returncode == 0
    if not row["converted"]:
        row["error"] = (converted.stderr or converted.stdout).strip().splitlines()[:3]
        return row
    bank = next(
        line.split("→ ")[1].split(":")[0]
        for line in converted.stdout.splitlines() + converted.stderr.splitlines()
        if "Converted" in line and "→ " in line
    )
    out = os.path.join(tmp, "out")
    built = run([BINARY, "build", bank, "--out", out, "--format", "apkg"])
    row["built"] = built.returncode == 0
    if not row["built"]:
        row["error"] = built.stderr.strip().splitlines()[:3]
        return row
    rebuilt = next(
        os.path.join(out, f) for f in os.listdir(out) if f.endswith(".apkg")
    )
    original_col = Collection(os.path.join(tmp, "original.anki2"))
    import_package(original_col, package)
    original = notes_by_guid(original_col)
    row["notes"] = len(original)
    row["reimport"] = import_package(original_col, rebuilt)
    original_col.close()
    rebuilt_col = Collection(os.path.join(tmp, "rebuilt.anki2"))
    import_package(rebuilt_col, rebuilt)
    again = notes_by_guid(rebuilt_col)
    rebuilt_col.close()
    row["identical"] = sum(1 for g, f in original.items() if again.get(g) == f)
    row["differ"] = [
        (g, [(i, a, b) for i, (a, b) in enumerate(zip(f, again.get(g, []))) if a != b])
        for g, f in original.items()
        if again.get(g) != f
    ]
    row["report"] = [
        line.strip()
        for line in converted.stderr.splitlines() + converted.stdout.splitlines()
        if line.strip().startswith(("Allowed", "Sanitized", "Scripts", "Skipped", "warning"))
    ]
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("packages", nargs="+")
    parser.add_argument("--show", type=int, default=3, help="differing notes shown per deck")
    args = parser.parse_args()
    rows = []
    for package in args.packages:
        with tempfile.TemporaryDirectory() as tmp:
            rows.append(try_deck(os.path.abspath(package), tmp))
    print("| deck | notes | converted | new / updated / conflicting | fields identical | convert time, peak |")
    print("|---|---:|---|---|---:|---|")
    for r in rows:
        if not r.get("built"):
            print(f"| {r['deck']} | | no: {' '.join(r.get('error', []))[:120]} | | | |")
            continue
        imp = r["reimport"]
        print(
            f"| {r['deck']} | {r['notes']} | yes | {imp['new']} / {imp['updated']} / {imp['conflicting']}"
            f" | {r['identical']} / {r['notes']} | {r['convert_s']:.2f} s, {int(r['convert_kb']) // 1024} MB |"
        )
    for r in rows:
        for line in r.get("report", [])[:10]:
            print(f"{r['deck']}: {line}", file=sys.stderr)
        for guid, diffs in r.get("differ", [])[: args.show]:
            for i, a, b in diffs[:2]:
                at = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
                start = max(0, at - 60)
                print(
                    f"{r['deck']} {guid} field {i}, from character {at}:\n"
                    f"  was {a[start:at + 160]!r}\n  now {b[start:at + 160]!r}",
                    file=sys.stderr,
                )


if __name__ == "__main__":
    main()
