#!/usr/bin/env python3
"""Writes the notes exported by export_notes.py with genanki: the baseline
the benchmark compares flashdeck with. It gets the cards already parsed and
rendered, so this measures genanki's writing alone."""
import json
import sys

import genanki


def main():
    notes_json, out = sys.argv[1], sys.argv[2]
    data = json.load(open(notes_json))
    models = {}
    for mid, m in data["models"].items():
        models[mid] = genanki.Model(
            int(mid), m["name"],
            fields=[{"name": f["name"]} for f in m["flds"]],
            templates=[{"name": t["name"], "qfmt": t["qfmt"], "afmt": t["afmt"]} for t in m["tmpls"]],
            css=m["css"],
            model_type=genanki.Model.CLOZE if m["type"] == 1 else genanki.Model.FRONT_BACK,
        )
    deck = genanki.Deck(data["deck"]["id"], data["deck"]["name"], description=data["deck"]["desc"])
    for n in data["notes"]:
        deck.add_note(genanki.Note(model=models[n["mid"]], fields=n["fields"], tags=n["tags"], guid=n["guid"]))
    genanki.Package(deck).write_to_file(out)


if __name__ == "__main__":
    main()
