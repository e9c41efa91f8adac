#!/usr/bin/env python3
"""The same job in Python: read the bank with PyYAML (libyaml's C loader when
available), render Markdown with Python-Markdown (fenced code highlighted by
Pygments with inline styles, tables), and write the package with genanki.
A second baseline for the benchmark; no validation is done."""
import re
import sys

import genanki
import markdown
import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FIELDS = ["Front", "Back", "Extra", "References"]


def main():
    bank_path, out = sys.argv[1], sys.argv[2]
    bank = yaml.load(open(bank_path, encoding="utf-8"), Loader=Loader)
    md = markdown.Markdown(extensions=["fenced_code", "tables", "codehilite"],
                           extension_configs={"codehilite": {"noclasses": True}})

    def html(text):
        md.reset()
        return md.convert(text or "")

    deck_id = abs(hash(bank["deck"]["id"])) % (1 << 31)
    models = {
        kind: genanki.Model(deck_id + i, f"{bank['deck']['name']} {kind}",
                            fields=[{"name": f} for f in (["Text", "Extra", "References"] if kind == "cloze" else FIELDS)],
                            templates=[{"name": "Card 1", "qfmt": "{{cloze:Text}}" if kind == "cloze" else "{{Front}}",
                                        "afmt": "{{cloze:Text}}<br>{{Extra}}" if kind == "cloze" else "{{FrontSide}}<hr id=answer>{{Back}}"}],
                            model_type=genanki.Model.CLOZE if kind == "cloze" else genanki.Model.FRONT_BACK)
        for i, kind in enumerate(["basic", "reversed", "cloze", "type-in"])
    }
    deck = genanki.Deck(deck_id, bank["deck"]["name"])
    default_tags = (bank.get("defaults") or {}).get("tags", [])
    for card in bank["cards"]:
        kind = card.get("type", "basic")
        tags = default_tags + card.get("tags", []) + ([re.sub(r"\s+", "_", card["topic"])] if card.get("topic") else [])
        refs = "<br>".join(card.get("references", []))
        if kind == "cloze":
            fields = [html(card["text"]), html(card.get("extra")), refs]
        else:
            fields = [html(card["question"]), html(card["answer"]), html(card.get("extra")), refs]
        deck.add_note(genanki.Note(model=models[kind], fields=fields, tags=tags,
                                   guid=genanki.guid_for(bank["deck"]["id"], card["id"])))
    genanki.Package(deck).write_to_file(out)


if __name__ == "__main__":
    main()
