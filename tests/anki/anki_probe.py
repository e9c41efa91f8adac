#!/usr/bin/env python3
"""Drive Anki's own Python package (`anki` on PyPI) for tests/anki_import.rs.

Every subcommand prints one JSON object on stdout describing what Anki sees.

    anki_probe.py import PKG --col PATH   import PKG into the collection at PATH
                                          (created when missing) with the
                                          importer's default options, then
                                          describe the collection
    anki_probe.py review --col PATH --deck NAME --count N
                                          study deck NAME: answer the next N
                                          queued cards "Easy"
    anki_probe.py restyle PKG --out PKG2 --css TEXT
                                          copy PKG with TEXT as its note types'
                                          CSS (same modification time)
    anki_probe.py strip < JSON            anki.utils' strip_html_media and
                                          field_checksum of each string
    anki_probe.py state --col PATH        describe the collection
    anki_probe.py edit --col PATH --changes JSON
                                          edit notes through Anki's note API, as
                                          the editor would: {"edits": [{"guid",
                                          "field", "replace": [old, new]} or
                                          {"guid", "add_tags": [...]}], "add":
                                          [{"notetype", "deck", "fields": {...},
                                          "tags": [...]}]}
    anki_probe.py export --col PATH --out PKG [--with-scheduling]
                                          File → Export → Anki Deck Package

The description ("state") holds the note types, decks, notes (with the sort
field and checksum Anki stored, and what anki.utils computes for them), cards,
the review log, the media folder, Anki's media check, and every card's
rendered question and answer (with the type-in comparison Anki's reviewer
would make). `import` adds the import log and the notes of the package
itself (read with sqlite3), and ends with Check Database.
"""

import argparse
import contextlib
import hashlib
import io
import json
import os
import sqlite3
import sys
import tempfile
import zipfile


def open_collection(path):
    import anki.lang
    from anki.collection import Collection

    # anki.utils' strip_html_media and field_checksum need the i18n backend
    # that the desktop app sets up at start.
    anki.lang.set_lang("en")
    return Collection(path)


def settle_reviews(col):
    """Run Anki's Check Database after cards were answered, so the test
    collection starts consistent. Anki stores a card's last review time twice,
    in the card and as its review-log entry's id. The two can disagree by a
    second: the log's id is moved on when another entry already has it, and a
    loaded machine's clock can step back. When they disagree, a later Check
    Database reports "Added last review time to 1 card", which would be blamed
    on the import under test. Any other repair means the collection itself is
    broken, and the script stops."""
    repairs = list(col._backend.check_database())
    unexpected = [r for r in repairs if "last review time" not in r]
    if unexpected:
        raise SystemExit(f"the collection needed repairs after answering cards: {unexpected}")


def note_summary(note):
    return {"id": note.id.nid, "fields": list(note.fields)}


def import_log(response):
    log = response.log
    kinds = [
        "new",
        "updated",
        "duplicate",
        "conflicting",
        "first_field_match",
        "missing_notetype",
        "missing_deck",
        "empty_first_field",
    ]
    out = {kind: len(getattr(log, kind)) for kind in kinds}
    out["found_notes"] = log.found_notes
    out["notes"] = {kind: [note_summary(n) for n in getattr(log, kind)] for kind in kinds}
    return out


def package_contents(package):
    """The notes and note types our writer put in the package, read directly."""
    with zipfile.ZipFile(package) as archive:
        names = archive.namelist()
        media_map = json.loads(archive.read("media").decode("utf-8"))
        compression = {info.filename: info.compress_type for info in archive.infolist()}
        with tempfile.TemporaryDirectory() as tmp:
            db_path = os.path.join(tmp, "collection.anki2")
            with open(db_path, "wb") as f:
                f.write(archive.read("collection.anki2"))
            db = sqlite3.connect(db_path)
            try:
                notes = [
                    {
                        "id": nid,
                        "guid": guid,
                        "mid": mid,
                        "mod": mod,
                        "sfld": str(sfld),
                        "csum": csum,
                        "fields": flds.split("\x1f"),
                    }
                    for nid, guid, mid, mod, sfld, csum, flds in db.execute(
                        "select id, guid, mid, mod, sfld, csum, flds from notes order by id"
                    )
                ]
                (models_json,) = db.execute("select models from col").fetchone()
                models = [
                    {
                        "id": m["id"],
                        "name": m["name"],
                        "mod": m["mod"],
                        "sortf": m["sortf"],
                        "css_sha1": hashlib.sha1(m["css"].encode("utf-8")).hexdigest(),
                    }
                    for m in json.loads(models_json).values()
                ]
                card_count = db.execute("select count() from cards").fetchone()[0]
            finally:
                db.close()
    return {
        "entries": names,
        "compression": compression,
        "media_map": media_map,
        "notes": notes,
        "notetypes": models,
        "card_count": card_count,
    }


def rendered_cards(col):
    """Every card's question and answer HTML, as the reviewer gets them."""
    from anki.utils import strip_html

    out = []
    for cid in col.db.list("select id from cards order by id"):
        card = col.get_card(cid)
        note = card.note()
        rendered = card.render_output(reload=True)
        sample = {
            "card_id": cid,
            "guid": note.guid,
            "notetype": col.models.get(note.mid)["name"],
            "ord": card.ord,
            "question": rendered.question_text,
            "answer": rendered.answer_text,
            "css_chars": len(rendered.css),
        }
        # What the desktop reviewer does with {{type:Field}}: it shows an
        # input box, then compares what was typed with the field's text
        # (HTML stripped). Here the "typed" text is the expected answer.
        if "[[type:" in rendered.question_text:
            field = rendered.question_text.split("[[type:", 1)[1].split("]]", 1)[0]
            expected = strip_html(note[field])
            sample["type_in"] = {
                "field": field,
                "expected": expected,
                "comparison": col.compare_answer(expected, expected, True),
            }
        out.append(sample)
    return out


def describe(col):
    from anki.utils import field_checksum, strip_html_media

    notetypes = []
    for nt in col.models.all():
        notetypes.append(
            {
                "id": nt["id"],
                "name": nt["name"],
                "mod": nt["mod"],
                "kind": nt["type"],
                "sortf": nt["sortf"],
                "fields": [f["name"] for f in nt["flds"]],
                "templates": [t["name"] for t in nt["tmpls"]],
                "css_sha1": hashlib.sha1(nt["css"].encode("utf-8")).hexdigest(),
            }
        )
    notetype_names = {nt["id"]: nt["name"] for nt in notetypes}
    sort_index = {nt["id"]: nt["sortf"] for nt in notetypes}
    decks = [{"id": d.id, "name": d.name} for d in col.decks.all_names_and_ids()]
    deck_names = {d["id"]: d["name"] for d in decks}

    notes = []
    for nid, guid, mid, mod, tags, flds, sfld, csum in col.db.all(
        "select id, guid, mid, mod, tags, flds, sfld, csum from notes order by id"
    ):
        fields = flds.split("\x1f")
        notes.append(
            {
                "id": nid,
                "guid": guid,
                "mid": mid,
                "notetype": notetype_names.get(mid),
                "mod": mod,
                "tags": tags.split(),
                "fields": fields,
                "sfld": str(sfld),
                "csum": csum,
                "utils_sfld": strip_html_media(fields[sort_index.get(mid, 0)]),
                "utils_csum": field_checksum(fields[0]),
            }
        )

    cards = []
    for row in col.db.all(
        "select id, nid, did, ord, mod, type, queue, due, ivl, factor, reps, lapses"
        " from cards order by id"
    ):
        cid, nid, did, ord_, mod, ctype, queue, due, ivl, factor, reps, lapses = row
        cards.append(
            {
                "id": cid,
                "nid": nid,
                "deck": deck_names.get(did),
                "ord": ord_,
                "mod": mod,
                "type": ctype,
                "queue": queue,
                "due": due,
                "ivl": ivl,
                "factor": factor,
                "reps": reps,
                "lapses": lapses,
            }
        )

    revlog = [
        {
            "id": rid,
            "cid": cid,
            "ease": ease,
            "ivl": ivl,
            "last_ivl": last_ivl,
            "factor": factor,
            "type": rtype,
        }
        for rid, cid, ease, ivl, last_ivl, factor, rtype in col.db.all(
            "select id, cid, ease, ivl, lastIvl, factor, type from revlog order by id"
        )
    ]

    media_dir = col.media.dir()
    media_files = {}
    for name in sorted(os.listdir(media_dir)):
        path = os.path.join(media_dir, name)
        if os.path.isfile(path):
            with open(path, "rb") as f:
                media_files[name] = hashlib.sha1(f.read()).hexdigest()
    media_check = col.media.check()

    return {
        "notetypes": notetypes,
        "decks": decks,
        "notes": notes,
        "cards": cards,
        "revlog": revlog,
        "media_files": media_files,
        "media_check": {
            "missing": list(media_check.missing),
            "unused": list(media_check.unused),
        },
        "rendered": rendered_cards(col),
    }


def cmd_import(args):
    from anki.collection import ImportAnkiPackageRequest

    col = open_collection(args.col)
    try:
        options = col._backend.get_import_anki_package_presets()
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            response = col.import_anki_package(
                ImportAnkiPackageRequest(package_path=args.package, options=options)
            )
        out = {
            "options": {
                "merge_notetypes": options.merge_notetypes,
                "update_notes": options.update_notes,
                "update_notetypes": options.update_notetypes,
                "with_scheduling": options.with_scheduling,
                "with_deck_configs": options.with_deck_configs,
            },
            "import_output": captured.getvalue(),
            "log": import_log(response),
            "package": package_contents(args.package),
            "state": describe(col),
        }
        # Last, as a user would after importing: Tools > Check Database.
        out["check_database"] = list(col._backend.check_database())
    finally:
        col.close()
    return out


def cmd_review(args):
    import anki.collection  # noqa: F401  (before anki.cards: import cycle)
    from anki.cards import Card
    from anki.scheduler.v3 import CardAnswer

    col = open_collection(args.col)
    answered = []
    try:
        did = col.decks.id_for_name(args.deck)
        if did is None:
            raise SystemExit(f"no deck named {args.deck!r}")
        col.decks.set_current(did)
        for _ in range(args.count):
            queued = col.sched.get_queued_cards(fetch_limit=1)
            if not queued.cards:
                break
            top = queued.cards[0]
            card = Card(col)
            card._load_from_backend_card(top.card)
            card.start_timer()
            answer = col.sched.build_answer(
                card=card, states=top.states, rating=CardAnswer.EASY
            )
            col.sched.answer_card(answer)
            card.load()
            answered.append(
                {"id": card.id, "nid": card.nid, "ivl": card.ivl, "type": card.type}
            )
        settle_reviews(col)
        out = {"answered": answered, "state": describe(col)}
    finally:
        col.close()
    return out


def cmd_restyle(args):
    """Copy a package with other CSS in its note types, same modification time:
    what an older flashdeck release with different styling would have written."""
    with tempfile.TemporaryDirectory() as tmp:
        db_path = os.path.join(tmp, "collection.anki2")
        with zipfile.ZipFile(args.package) as src:
            entries = [(info, src.read(info.filename)) for info in src.infolist()]
        with open(db_path, "wb") as f:
            f.write(dict((i.filename, b) for i, b in entries)["collection.anki2"])
        db = sqlite3.connect(db_path)
        try:
            (models_json,) = db.execute("select models from col").fetchone()
            models = json.loads(models_json)
            for model in models.values():
                model["css"] = args.css
            db.execute("update col set models = ?", (json.dumps(models),))
            db.commit()
        finally:
            db.close()
        with open(db_path, "rb") as f:
            collection = f.read()
        with zipfile.ZipFile(args.out, "w", zipfile.ZIP_DEFLATED) as dst:
            for info, data in entries:
                if info.filename == "collection.anki2":
                    data = collection
                dst.writestr(info.filename, data)
    return {"written": args.out}


def cmd_strip(args):
    """anki.utils' sort field text and checksum of each HTML string in a JSON
    list on stdin."""
    import anki.lang
    from anki.utils import field_checksum, strip_html_media

    anki.lang.set_lang("en")
    texts = json.load(sys.stdin)
    return {
        "stripped": [
            {"html": t, "stripped": strip_html_media(t), "csum": field_checksum(t)}
            for t in texts
        ]
    }


def cmd_edit(args):
    """Edits notes as a user would in Anki's editor (Anki stamps each edited
    note with the current time) and adds notes."""
    with open(args.changes, encoding="utf-8") as f:
        changes = json.load(f)
    col = open_collection(args.col)
    try:
        edited = []
        for edit in changes.get("edits", []):
            nid = col.db.scalar("select id from notes where guid = ?", edit["guid"])
            if nid is None:
                raise SystemExit(f"no note with GUID {edit['guid']!r}")
            note = col.get_note(nid)
            if "replace" in edit:
                old, new = edit["replace"]
                if old not in note[edit["field"]]:
                    raise SystemExit(f"{old!r} is not in field {edit['field']!r}: {note[edit['field']]!r}")
                note[edit["field"]] = note[edit["field"]].replace(old, new, 1)
            for tag in edit.get("add_tags", []):
                note.add_tag(tag)
            col.update_note(note)
            edited.append(nid)
        added = []
        for new in changes.get("add", []):
            note = col.new_note(col.models.by_name(new["notetype"]))
            for name, value in new["fields"].items():
                note[name] = value
            note.tags = new.get("tags", [])
            col.add_note(note, col.decks.id(new["deck"]))
            added.append(note.guid)
        return {"edited": edited, "added": added, "state": describe(col)}
    finally:
        col.close()


def cmd_export(args):
    """File → Export → Anki Deck Package of the whole collection."""
    from anki.collection import ExportAnkiPackageOptions

    col = open_collection(args.col)
    try:
        options = ExportAnkiPackageOptions(
            with_scheduling=args.with_scheduling, with_deck_configs=False, with_media=True, legacy=False
        )
        count = col.export_anki_package(out_path=args.out, options=options, limit=None)
        return {"exported": count}
    finally:
        col.close()


def cmd_state(args):
    col = open_collection(args.col)
    try:
        return {"state": describe(col)}
    finally:
        col.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("import")
    p.add_argument("package")
    p.add_argument("--col", required=True)
    p.set_defaults(run=cmd_import)
    p = sub.add_parser("review")
    p.add_argument("--col", required=True)
    p.add_argument("--deck", required=True)
    p.add_argument("--count", type=int, required=True)
    p.set_defaults(run=cmd_review)
    p = sub.add_parser("restyle")
    p.add_argument("package")
    p.add_argument("--out", required=True)
    p.add_argument("--css", required=True)
    p.set_defaults(run=cmd_restyle)
    p = sub.add_parser("strip")
    p.set_defaults(run=cmd_strip)
    p = sub.add_parser("state")
    p.add_argument("--col", required=True)
    p.set_defaults(run=cmd_state)
    p = sub.add_parser("edit")
    p.add_argument("--col", required=True)
    p.add_argument("--changes", required=True)
    p.set_defaults(run=cmd_edit)
    p = sub.add_parser("export")
    p.add_argument("--col", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--with-scheduling", action="store_true")
    p.set_defaults(run=cmd_export)
    args = parser.parse_args()
    result = args.run(args)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
