#!/usr/bin/env python3
"""Writes the hostile-input corpus of `flashdeck convert` (damaged and
malicious Anki packages) into this folder. The files are committed; run this
again only to change them. `v3-export.apkg` (a real export by Anki 26.9.3,
from tests/anki/anki_deck.py make --rich) is the base of the zstd cases.

    python3 tests/corpus/convert/make.py
"""
import io
import json
import os
import sqlite3
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))


def collection(models=None, notes=(), tables=True):
    """A schema-11 collection's bytes, with `models` (JSON) and `notes`."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "c.anki2")
        db = sqlite3.connect(path)
        if tables:
            db.executescript(
                "CREATE TABLE col (id integer primary key, crt integer, mod integer, scm integer, ver integer,"
                " dty integer, usn integer, ls integer, conf text, models text, decks text, dconf text, tags text);"
                "CREATE TABLE notes (id integer primary key, guid text, mid integer, mod integer, usn integer,"
                " tags text, flds text, sfld text, csum integer, flags integer, data text);"
                "CREATE TABLE cards (id integer primary key, nid integer, did integer, ord integer, mod integer,"
                " usn integer, type integer, queue integer, due integer, ivl integer, factor integer, reps integer,"
                " lapses integer, left integer, odue integer, odid integer, flags integer, data text);"
                "CREATE TABLE revlog (id integer primary key, cid integer, usn integer, ease integer, ivl integer,"
                " lastIvl integer, factor integer, time integer, type integer);"
            )
            decks = {"1": {"id": 1, "name": "Default"}}
            db.execute(
                "INSERT INTO col VALUES (1, 0, 0, 0, 11, 0, 0, 0, '{}', ?, ?, '{}', '{}')",
                (json.dumps(models or {}), json.dumps(decks)),
            )
            for i, (mid, fields) in enumerate(notes):
                db.execute(
                    "INSERT INTO notes VALUES (?, ?, ?, 1700000000, 0, '', ?, '', 0, 0, '')",
                    (1000 + i, f"guid{i}", mid, "\x1f".join(fields)),
                )
                db.execute(
                    "INSERT INTO cards VALUES (?, ?, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '')",
                    (2000 + i, 1000 + i),
                )
        else:
            db.execute("CREATE TABLE recipes (name text)")
        db.commit()
        db.close()
        with open(path, "rb") as f:
            return f.read()


BASIC = {
    "5": {
        "id": 5, "name": "Basic", "type": 0, "mod": 0, "sortf": 0, "css": "",
        "flds": [{"name": "Front", "ord": 0}, {"name": "Back", "ord": 1}],
        "tmpls": [{"name": "Card 1", "ord": 0, "qfmt": "{{Front}}", "afmt": "{{Back}}"}],
    }
}


def package(name, entries, compress=zipfile.ZIP_STORED):
    with zipfile.ZipFile(os.path.join(HERE, name), "w", compress) as z:
        for entry, data in entries:
            z.writestr(entry, data)


def main():
    good = collection(BASIC, [(5, ["hola", "hello"])])
    with open(os.path.join(HERE, "not-a-zip.apkg"), "wb") as f:
        f.write(b"This is a text file someone renamed to .apkg\n")
    package("media-traversal.apkg", [("collection.anki2", good), ("media", '{"0": "../../evil.sh"}'), ("0", b"#!/bin/sh\n")])
    package("media-absolute-path.apkg", [("collection.anki2", good), ("media", '{"0": "/etc/cron.d/x"}'), ("0", b"x")])
    # 101 MiB of zeros deflate to about 100 KB: more than one media file may hold.
    package("zip-bomb.apkg", [("collection.anki2", good), ("media", '{"0": "big.png"}'), ("0", bytes(101 << 20))],
            zipfile.ZIP_DEFLATED)
    package("wrong-protobuf-meta.apkg", [("meta", b"\x0a\xff\xff\xff\xff\x0f"), ("collection.anki2", good)])
    package("newer-anki.apkg", [("meta", b"\x08\x09"), ("collection.anki2", good)])
    package("not-sqlite.apkg", [("collection.anki2", b"not a database at all")])
    package("not-a-collection.apkg", [("collection.anki2", collection(tables=False))])
    package("zero-notes.apkg", [("collection.anki2", collection(BASIC, []))])
    no_templates = json.loads(json.dumps(BASIC))
    no_templates["5"]["tmpls"] = []
    package("zero-templates.apkg", [("collection.anki2", collection(no_templates, [(5, ["hola", "hello"])]))])
    package("v3-without-collection.apkg", [("meta", b"\x08\x03"), ("collection.anki2", good)])
    # From a real v3 export: the zstd collection cut in half, and a media map
    # that is not zstd.
    with zipfile.ZipFile(os.path.join(HERE, "v3-export.apkg")) as z:
        real = {i.filename: z.read(i.filename) for i in z.infolist()}
    cut = dict(real)
    cut["collection.anki21b"] = real["collection.anki21b"][: len(real["collection.anki21b"]) // 2]
    package("truncated-zstd.apkg", list(cut.items()))
    bad_map = dict(real)
    bad_map["media"] = b"\x0a\x05hello"
    package("media-map-not-zstd.apkg", list(bad_map.items()))
    # A zip whose directory declares a 4 GiB entry holding 3 bytes.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        z.writestr("collection.anki2", b"abc")
    data = bytearray(buf.getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 24 : central + 28] = (0xFFFFFFF0).to_bytes(4, "little")
    local = data.find(b"PK\x03\x04")
    data[local + 22 : local + 26] = (0xFFFFFFF0).to_bytes(4, "little")
    with open(os.path.join(HERE, "huge-declared-size.apkg"), "wb") as f:
        f.write(bytes(data))


if __name__ == "__main__":
    main()
