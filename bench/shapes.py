#!/usr/bin/env python3
"""Linear cost for every shape of bank people write: each shape is generated
at doubling sizes and checked (`flashdeck check`, and for the card-count
shapes `flashdeck build --format apkg` too, and for many media every
output); the table shows time, peak
memory, and the time ratio to the previous size, which stays near 2 when the
cost grows in a straight line (near 4 would be quadratic).

    python3 bench/shapes.py                 # every shape, default sizes
    python3 bench/shapes.py --shapes templated,varied --scale 2

Banks and outputs live under target/bench/shapes/.
"""
import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "target" / "bench" / "shapes"
FLASHDECK = ROOT / "target" / "release" / "flashdeck"
sys.path.insert(0, str(ROOT / "bench"))
import gen_bank  # noqa: E402
from measure import measure  # noqa: E402

HEAD = "deck:\n  id: shape\n  name: Shape\ncards:\n"


def varied(n, folder):
    rng = gen_bank.random.Random(n)
    text = HEAD + "".join(gen_bank.card(rng, i) for i in range(n))
    (folder / "bank.yaml").write_text(text)


def templated(n, folder):
    """Numbered questions that share most of their words (the issue's case)."""
    cards = "".join(
        f"  - id: q-{i}\n    question: \"Question {i}: what does function number {i} of the helpers module return?\"\n"
        f"    answer: It returns {i} squared, {i * i}.\n" for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + cards)


GREEK = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Zeta", "Eta", "Theta", "Iota", "Kappa",
         "Lambda", "Mu", "Nu", "Xi", "Omicron", "Pi", "Rho", "Sigma", "Tau", "Upsilon", "Phi", "Chi",
         "Psi", "Omega"]
WORDS = ["river", "mountain", "harbour", "valley", "forest", "desert", "island", "bridge", "tower",
         "market", "garden", "castle", "temple", "canal", "meadow", "glacier", "canyon", "plateau",
         "lagoon", "village", "quarry", "orchard", "vineyard", "lighthouse"]


def short_varied(n, folder):
    """Short cards of varied words (a question of about ten words, an answer
    of about seven): the baseline for the short templated shapes."""
    rng = gen_bank.random.Random(n)
    vocabulary = gen_bank.WORDS if hasattr(gen_bank, "WORDS") else WORDS + GREEK
    words = [w.lower() for w in vocabulary] + [w.lower() for w in WORDS + GREEK]
    cards = []
    for i in range(n):
        q = " ".join(rng.choice(words) for _ in range(9)).capitalize()
        a = " ".join(rng.choice(words) for _ in range(6)).capitalize()
        cards.append(f"  - id: q-{i}\n    question: \"{q} {i}?\"\n    answer: \"{a}.\"\n")
    (folder / "bank.yaml").write_text(HEAD + "".join(cards))


def short_templated(n, folder):
    """Short cards that share one sentence and differ in a number and a word
    (issue 21's shape): "What is the capital of region number 17 of the
    atlas?" / "The capital of region 17 is Phi kappa."."""
    cards = "".join(
        f"  - id: q-{i}\n    question: \"What is the capital of region number {i} of the atlas?\"\n"
        f"    answer: \"The capital of region {i} is {GREEK[i % len(GREEK)]} {GREEK[(i // 24) % len(GREEK)].lower()}.\"\n"
        for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + cards)


def word_templated(n, folder):
    """Short cards that share one sentence and differ only in words, no
    number: "Which river flows through Alpha mountain harbour?" /
    "The Beta river."."""
    names = [f"{GREEK[i % 24]} {WORDS[(i // 24) % 24]} {WORDS[(i // 576) % 24]} {GREEK[(i // 13824) % 24]}"
             for i in range(n)]
    cards = "".join(
        f"  - id: q-{i}\n    question: \"Which river flows through {names[i]}?\"\n"
        f"    answer: \"The {GREEK[(i * 7) % 24]} river.\"\n"
        for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + cards)


def far_duplicates(n, folder):
    """The varied bank's first half twice, the copy numbered on: n/2 pairs of
    near-duplicate questions, each pair half the file apart (each warning
    once drew every line between its places)."""
    half = n // 2
    first = gen_bank.random.Random(n)
    again = gen_bank.random.Random(n)
    cards = [gen_bank.card(first, i) for i in range(half)] + [gen_bank.card(again, half + i) for i in range(half)]
    (folder / "bank.yaml").write_text(HEAD + "".join(cards))


def identical(n, folder):
    cards = "".join(f"  - id: q-{i}\n    question: What is Django?\n    answer: A framework, take {i}.\n" for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + cards)


def huge_field(kib, folder):
    """One card whose answer is `kib` KiB of Markdown paragraphs."""
    paragraph = "Django's ORM turns `QuerySet` calls into SQL; see **lazy** evaluation. " * 10 + "\n\n"
    body = (paragraph * (kib * 1024 // len(paragraph) + 1))[: kib * 1024]
    indented = "".join("      " + line + "\n" if line else "\n" for line in body.split("\n"))
    (folder / "bank.yaml").write_text(HEAD + "  - id: big\n    question: Long?\n    answer: |\n" + indented)


def many_tags(n, folder):
    """One card with n tags."""
    tags = ", ".join(f"tag-{i}" for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + f"  - id: t\n    question: Tags?\n    answer: Many.\n    tags: [{tags}]\n")


def deep_tags(n, folder):
    """n cards, each with a 50-level tag hierarchy."""
    cards = "".join(
        f"  - id: q-{i}\n    question: Card {i} about part {i % 13} of the deep tag tree?\n    answer: Yes, {i}.\n"
        f"    tags: [{'::'.join(f'level{j}x{i % 7}' for j in range(50))}]\n" for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + cards)


def entity_media(n, folder):
    """n cards whose image path is written with an entity (`m&#46;png`)."""
    (folder / "m.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    cards = "".join(
        f"  - id: q-{i}\n    question: \"![diagram {i}](m&#46;png) What is shown in figure {i} of chapter {i % 17}?\"\n    answer: Figure {i}.\n"
        for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + cards)


def many_media(n, folder):
    """n cards, each showing its own image file (all built: every output ships them)."""
    media = folder / "img"
    media.mkdir()
    for i in range(n):
        # A distinct tiny PNG-signed file per card (the bytes differ, so no two are one file).
        (media / f"fig-{i}.png").write_bytes(b"\x89PNG\r\n\x1a\n" + i.to_bytes(4, "big"))
    cards = "".join(
        f"  - id: q-{i}\n    question: \"![figure {i}](img/fig-{i}.png) What does figure {i} show?\"\n    answer: Part {i}.\n"
        for i in range(n))
    (folder / "bank.yaml").write_text(HEAD + cards)


NOTE_TYPE_HEAD = """deck:
  id: shape
  name: Shape
note-types:
  - name: Pair
    fields: [Front, Back, Extra]
    templates:
      - name: Forward
        front: "<div class=front>{{Front}}</div>"
        back: "{{FrontSide}}<hr id=answer>{{Back}}{{#Extra}}<div class=extra>{{Extra}}</div>{{/Extra}}"
      - name: Backward
        front: "<div class=front>{{Back}}</div>"
        back: "{{FrontSide}}<hr id=answer>{{Front}}"
defaults:
  note-type: Pair
cards:
"""


def as_note(card_yaml):
    """A gen_bank card as a note of the two-template type above: question (or
    cloze text) → Front, answer → Back, extra → Extra; same text, same tags."""
    keep, fields, current = [], [], None
    names = {"question": "Front", "text": "Front", "answer": "Back", "extra": "Extra"}
    for line in card_yaml.splitlines():
        key = line[4:].split(":", 1)[0] if line.startswith("    ") and not line.startswith("     ") else None
        if key in names:
            current = fields
            fields.append("      " + names[key] + ":" + line.split(":", 1)[1])
        elif key in ("type", "references"):
            current = []  # dropped with its continuation lines
        elif key is not None or line.startswith("  - "):
            current = keep
            keep.append(line)
        elif current is not None:
            current.append(("  " + line) if current is fields and line.strip() else line)
    return "\n".join(keep + ["    fields:"] + fields) + "\n"


def note_type(n, folder):
    """n notes of a bank-declared note type with two templates, the varied
    bank's text in its fields (against `varied`: the cost of the template path)."""
    rng = gen_bank.random.Random(n)
    text = NOTE_TYPE_HEAD + "".join(as_note(gen_bank.card(rng, i)) for i in range(n))
    (folder / "bank.yaml").write_text(text)


def quizlet_file(n, folder):
    """A Quizlet export of n numbered cards, for `flashdeck convert`."""
    with open(folder / "set.txt", "w") as f:
        for i in range(n):
            f.write(f"Question {i}: what does function {i} return?\t{i} squared, {i * i}.\n")


def many_banks(n, folder):
    """n banks of 50 cards each, checked in one run."""
    rng = gen_bank.random.Random(n)
    for b in range(n):
        text = f"deck:\n  id: bank-{b}\n  name: Bank {b}\ncards:\n" + "".join(gen_bank.card(rng, i) for i in range(50))
        (folder / f"bank-{b}.yaml").write_text(text)


SHAPES = {
    # name: (generator, sizes, unit, also build)
    "varied": (varied, [10_000, 20_000, 40_000], "cards", True),
    "templated": (templated, [10_000, 20_000, 40_000], "cards", True),
    "short-varied": (short_varied, [25_000, 50_000, 100_000], "cards", False),
    "short-templated": (short_templated, [25_000, 50_000, 100_000], "cards", False),
    "word-templated": (word_templated, [25_000, 50_000, 100_000], "cards", False),
    "identical": (identical, [10_000, 20_000, 40_000], "cards", False),
    "far-duplicates": (far_duplicates, [10_000, 20_000, 40_000], "cards", False),
    "huge-field": (huge_field, [128, 256, 512, 1000], "KiB", True),
    "many-tags": (many_tags, [25_000, 50_000, 100_000], "tags", False),
    "deep-tags": (deep_tags, [5_000, 10_000, 20_000], "cards", False),
    "entity-media": (entity_media, [10_000, 20_000, 40_000], "cards", False),
    "many-banks": (many_banks, [50, 100, 200], "banks", False),
    "many-media": (many_media, [2_000, 4_000, 8_000], "media", "all"),
    "note-type": (note_type, [10_000, 20_000, 40_000], "notes", True),
    # Converted, not checked: `convert` reads the file, writes and checks a bank.
    "quizlet-file": (quizlet_file, [50_000, 100_000, 200_000], "cards", "convert"),
}


def run_measured(cmd, cwd):
    """(seconds, peak MB of that process alone, warnings printed, stdout)."""
    elapsed, peak, stdout, stderr = measure(cmd, cwd=cwd)
    warnings = stderr.count("\nwarning[") + stderr.startswith("warning[")
    return elapsed, peak, warnings, stdout


def main():
    if len(sys.argv) == 5 and sys.argv[1] == "--generate":
        SHAPES[sys.argv[2]][0](int(sys.argv[3]), Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size")
    args = parser.parse_args()
    if not FLASHDECK.exists():
        sys.exit("build first: cargo build --release")
    print(f"{'shape':<13} {'size':>12} {'command':<13} {'time':>8} {'×prev':>6} {'peak MB':>8} {'warnings':>8}")
    for name in args.shapes.split(","):
        generate, sizes, unit, build = SHAPES[name]
        commands = {True: (["check"], ["build", "--format", "apkg"]), False: (["check"],),
                    # Every output: the sheets ship each media file too.
                    "all": (["check"], ["build"]),
                    "convert": (["convert"],)}[build]
        for command in commands:
            previous = None
            for size in sizes:
                size = int(size * args.scale)
                folder = WORK / f"{name}-{size}"
                shutil.rmtree(folder, ignore_errors=True)
                folder.mkdir(parents=True)
                # In a child process: a forked child's peak memory counts the
                # parent's, so the parent never holds a generated bank.
                subprocess.run([sys.executable, __file__, "--generate", name, str(size), str(folder)], check=True)
                target = {"many-banks": ".", "quizlet-file": "set.txt"}.get(name, "bank.yaml")
                cmd = [str(FLASHDECK), *command, target]
                if command[0] in ("build", "convert"):
                    cmd += ["--out", "out"]
                seconds, peak, warnings, _ = run_measured(cmd, folder)
                ratio = f"{seconds / previous:.2f}" if previous else ""
                previous = seconds
                label = "build (all)" if command == ["build"] else " ".join(command[:1])
                print(f"{name:<13} {size:>9} {unit:<3}"[:26].ljust(26)
                      + f" {label:<13} {seconds:>7.2f}s {ratio:>6} {peak:>8.0f} {warnings:>8}", flush=True)


if __name__ == "__main__":
    main()
