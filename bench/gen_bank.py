#!/usr/bin/env python3
"""Writes a flashdeck bank of N generated cards: a deterministic mix of card
types, Markdown (paragraphs, lists, inline and block code) and tags, sized
like real interview cards (a one-line question, a few sentences of answer)."""
import random
import sys

WORDS = ("model view template query field form request response cache session signal "
         "middleware router serializer admin migration index transaction manager queryset "
         "database column table relation foreign key many unique default validator widget "
         "context processor static media url path include reverse namespace test client").split()
TOPICS = ["Models", "Views and URLs", "Templates", "Forms", "Security", "Performance", "Testing"]


def sentence(rng, n):
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def card(rng, i):
    kind = rng.random()
    lines = [f"  - id: card-{i}", f"    topic: {rng.choice(TOPICS)}"]
    if kind < 0.05:
        lines += ["    type: cloze", "    text: |",
                  f"      The {{{{c1::{rng.choice(WORDS)}}}}} of a {rng.choice(WORDS)} is "
                  f"{{{{c2::{rng.choice(WORDS)} {rng.choice(WORDS)}}}}}, number {i}."]
    else:
        if kind < 0.10:
            lines.append("    type: reversed")
        elif kind < 0.13:
            lines.append("    type: type-in")
        q = sentence(rng, rng.randint(6, 12))[:-1]
        lines.append(f"    question: \"Card {i}: {q}?\"")
        lines.append("    answer: |")
        lines.append(f"      {sentence(rng, rng.randint(12, 24))} Use `{rng.choice(WORDS)}_{rng.choice(WORDS)}()` here.")
        if rng.random() < 0.5:
            lines += ["", f"      - {sentence(rng, 5)}", f"      - {sentence(rng, 6)}"]
        if rng.random() < 0.1:
            lines += ["", "      ```python", f"      def {rng.choice(WORDS)}(request):",
                      f"          return {rng.choice(WORDS)}.objects.filter(pk=1)", "      ```"]
    lines.append(f"    tags: [{rng.choice(WORDS)}, level::{rng.randint(1, 3)}]")
    return "\n".join(lines) + "\n"


def main():
    n, path = int(sys.argv[1]), sys.argv[2]
    rng = random.Random(n)
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"deck:\n  id: bench-{n}\n  name: \"Benchmark::{n} cards\"\n"
                  "  description: Generated for the benchmark.\ndefaults:\n  tags: [bench]\ncards:\n")
        for i in range(n):
            out.write(card(rng, i))


if __name__ == "__main__":
    main()
