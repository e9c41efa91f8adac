#!/usr/bin/env python3
"""Reads the notes of a flashdeck .apkg (its collection.anki2) into JSON, so
genanki can write exactly the same notes: same note types (ids, fields,
templates, CSS), fields, tags and GUIDs."""
import json
import sqlite3
import sys
import tempfile
import zipfile


def main():
    apkg, out = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(apkg) as z:
        z.extract("collection.anki2", tmp)
        db = sqlite3.connect(f"{tmp}/collection.anki2")
        models_json, decks_json = db.execute("SELECT models, decks FROM col").fetchone()
        models = json.loads(models_json)
        deck = next(d for d in json.loads(decks_json).values() if d["id"] != 1)
        notes = [{"guid": g, "mid": str(m), "fields": f.split("\x1f"), "tags": t.split()}
                 for g, m, f, t in db.execute("SELECT guid, mid, flds, tags FROM notes ORDER BY id")]
        db.close()
    json.dump({"deck": {"id": deck["id"], "name": deck["name"], "desc": deck["desc"]},
               "models": models, "notes": notes}, open(out, "w"))


if __name__ == "__main__":
    main()
