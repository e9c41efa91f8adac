#!/usr/bin/env python3
"""Build a deck the way an Anki user would, with Anki's own Python package.

Every subcommand prints one JSON object on stdout.

    anki_deck.py make --col PATH --package OUT.apkg --media-out DIR
                        create a new collection at PATH with stock note types
                        (Basic, Basic (and reversed card), Cloze, Basic (type
                        in the answer)) and a custom "Vocab" type, decks
                        Lang::Nouns and Lang::Verbs, ten notes, two cards
                        answered in each subdeck; export all notes with
                        Anki's exporter (current format, no scheduling, no
                        deck configs) to OUT.apkg
    anki_deck.py render --col PATH
                        every card's rendered question and answer HTML, by
                        note guid and template ord
    anki_deck.py compare --col PATH --bank BANK.yaml --quizlet DECK.quizlet.txt
                        each card's text as Anki shows it against flashdeck's
                        Quizlet pair for it (anki_text.py says how)

`make` reports the note types the notes use (with the ids Anki keeps for
fields and templates, and the original stock kind), the notes with their
cards' decks, and the collection's description from anki_probe.describe.
DIR is created and left empty: the deck has no media.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from anki_probe import describe, open_collection, settle_reviews  # noqa: E402

VOCAB_CSS = ".card { font-family: serif; } .word { font-size: 30px; }"
VOCAB_TEMPLATES = [
    (
        "Recognition",
        "<div class=word>{{Word}}</div>",
        "{{FrontSide}}<hr id=answer>{{Meaning}}"
        "{{#Example}}<div class=ex>{{Example}}</div>{{/Example}}",
    ),
    ("Production", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
]

# (note type, deck, fields, tags)
NOTES = [
    ("Basic", "Lang::Nouns", ["<b>perro</b>", "dog"], ["lang::es", "animals"]),
    ("Basic", "Lang::Verbs", ["comer", "to eat<br>to dine"], ["lang::es"]),
    ("Basic (and reversed card)", "Lang::Nouns", ["gato", "<i>cat</i>"], ["lang::es"]),
    ("Basic (and reversed card)", "Lang::Verbs", ["beber", "to drink"], ["lang::es", "drinks"]),
    ("Cloze", "Lang::Nouns", ["{{c1::Madrid}} is the capital of {{c2::Spain}}", ""], ["geo"]),
    (
        "Cloze",
        "Lang::Verbs",
        ["{{c1::yo}} {{c2::hablo::verb, 1st person}} {{c3::espa&ntilde;ol}}", "Tom &amp; Jerry"],
        ["lang::es", "grammar"],
    ),
    ("Basic (type in the answer)", "Lang::Verbs", ["to live", "vivir"], ["lang::es", "typing"]),
    ("Vocab", "Lang::Nouns", ["casa", "house", "Mi <b>casa</b> es tu casa."], ["lang::es"]),
    ("Vocab", "Lang::Nouns", ["pan", "bread &amp; butter", ""], ["lang::es", "food"]),
    ("Vocab", "Lang::Verbs", ["correr", "to run", "<i>Corro</i> cada día.<br>¡Sí!"], ["lang::es"]),
]


# With --rich, for the convert round trip: HTML that converters trip on,
# media, scripts from every direction, and GUIDs YAML and CSV misread.
# (note type, deck, fields, tags, guid or None)
RICH_NOTES = [
    ("Basic", "Lang::Nouns",
     ["<table><tr><td>uno</td><td>1</td></tr></table>", "<ul><li>one</li><li>two</li></ul>"],
     ["lang::es::numbers"], "true"),
    ("Basic", "Lang::Verbs",
     ["<pre><code>def f():\n    return 1</code></pre>", "Python &lt;3 &amp; &quot;quotes&quot;"],
     ["code"], "0012345678"),
    ("Basic", "Lang::Verbs",
     ["\\(x^2\\) and \\[\\sum_i i\\]", "{{ user.name }} stays literal"],
     ["math"], "#a;b,c"),
    ("Basic", "Lang::Nouns",
     ['<img src="pic.png">', "[sound:sound.mp3] שלום 日本語 😀"],
     ["media"], None),
    ("Cloze", "Lang::Verbs",
     ["{{c1::uno::número}}, {{c2::dos}} y {{c3::tres}} ({{ user.name }})", "<i>counting</i>"],
     ["cloze"], None),
]

# With --rich too: what real decks hold that Anki reads but a hand-written
# bank is told to fix, and what Anki's editor writes (issue 19). Each made
# convert refuse the deck, or come back changed, before.
REAL_DECK_NOTES = [
    # A nested deletion (Anki 2.1.56+).
    ("Cloze", "Lang::Nouns",
     ["{{c1::Canberra, a {{c2::purpose-built}} city,}} is the capital", ""], ["cloze"], None),
    # TeX braces right before a deletion's end, and an empty deletion.
    ("Cloze", "Lang::Nouns",
     ["\\(\\sqrt{{{c1::n}}}\\) and {{c2::}} {{c3::x}}", ""], ["cloze"], None),
    # A control character Anki keeps.
    ("Basic", "Lang::Nouns", ["bell\x08char", "back"], ["control"], None),
    # Colour, direction, language, class and style from Anki's editor.
    ("Basic", "Lang::Nouns",
     ['<font color="#ff0000">red</font> <span style="color: rgb(0, 0, 255);">blue</span>',
      '<div dir="rtl" lang="ar">مرحبا</div><span class="highlight">marked</span>'
      '&nbsp;<table><tbody><tr><td>a<sub>1</sub></td></tr></tbody></table>'
      '<ruby>漢<rt>kan</rt></ruby><hr>'],
     ["editor"], None),
    # A note type whose template runs a script; fields in Persian (the
    # field-emptiness check once panicked on it), CJK and combining marks.
    ("Quiz", "Lang::Nouns",
     ["<b>دانشگاه</b> تهران", "日本語 e\u0301 \U0001F600"], ["quiz"], None),
    ("Image Occlusion", "Lang::Nouns",
     ["{{c1::image-occlusion:rect:left=.1:top=.2:width=.3:height=.25:oi=1}}"
      "{{c2::image-occlusion:ellipse:left=.5:top=.5:rx=.1:ry=.1:oi=1}}",
      '<img src="pic.png">', "Parts", "", ""], ["occlusion"], None),
]

# With --html-notes (issue 20): what made the handouts and Quizlet files
# of a converted deck worse than a Markdown bank's. Code spans with
# entities, a highlighted code block, a table, MathJax, LaTeX in a field
# and in a template, a type-in answer in lines, emphasis with a space
# before its end, `$` inside code, ordered lists; in subdecks, with
# hierarchical tags.
HTML_NOTES = [
    ("Basic", "Lang::Code",
     ["What does <code>vec!&#91;1, 2, 3&#93;</code> make?",
      "A <code>Vec&lt;i32&gt;</code>, lent as <code>&amp;mut T</code> or <code>Option&lt;&amp;T&gt;</code>:"
      '<pre><code class="language-rust">let v = vec![1, 2];\nif v.len() &lt; 3 &amp;&amp; ok {\n    v.push(3);\n}</code></pre>'],
     ["rust::syntax"], None),
    ("Basic", "Lang::Code",
     ["Integer sizes",
      "<table><tbody><tr><th>type</th><th>bits</th></tr><tr><td>i8</td><td>8</td></tr>"
      "<tr><td><code>i16</code></td><td>16</td></tr></tbody></table>"],
     ["rust::types"], None),
    ("Basic", "Lang::Math",
     ["Area of a circle of radius \\(r\\)?",
      "\\(\\pi r^2\\), and \\[\\sqrt{x} \\le \\frac{1}{2}\\] when \\(a &lt; b\\)"],
     ["math::geometry"], None),
    ("Basic", "Lang::Math",
     ["Einstein: [$]E = mc^2[/$]",
      "[latex]Energy \\(E\\) and mass[/latex] [$$]m_0[/$$]"],
     ["math::physics"], None),
    ("LaTeX", "Lang::Math", ["a^2 + b^2 = c^2", "Pythagoras"], ["math::geometry"], None),
    ("Basic (type in the answer)", "Lang::Medicine",
     ["Red man syndrome from vancomycin",
      "Mild: Stop it<div>Moderate: Benadryl</div><div>Severe: Benadryl, Pepcid<br>and IVF</div>"],
     ["medicine::drugs"], None),
    ("Basic", "Lang::Finance",
     ["Was ist ein <b>Future</b>?",
      "Eine <b>standardisierte </b>Vereinbarung, <i>börsengehandelt </i>und <code>less than $25</code>"],
     ["finance::derivate"], None),
    ("Basic", "Lang::Finance",
     ["Steps of a trade", "<ol><li>order</li><li>match<ul><li>price</li></ul></li><li>settle</li></ol>"],
     ["finance"], None),
]

# A note type that typesets its field as LaTeX (Anki makes an image of it).
LATEX_TEMPLATE = (
    "LaTeX",
    "[latex]\\({{Formula}}\\)[/latex]",
    "{{FrontSide}}<hr id=answer>{{Name}}",
)

QUIZ_TEMPLATE = (
    "Quiz",
    "{{Question}}<script>document.body.dataset.quiz = 'ready';</script>",
    "{{FrontSide}}<hr id=answer>{{Answer}}",
)

# A 1×1 PNG and a few bytes of MP3 frame header, enough for Anki's media check.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
MP3 = bytes.fromhex("fffb9064") + bytes(400)


def add_vocab(col):
    models = col.models
    nt = models.new("Vocab")
    for name in ["Word", "Meaning", "Example"]:
        models.add_field(nt, models.new_field(name))
    for name, qfmt, afmt in VOCAB_TEMPLATES:
        template = models.new_template(name)
        template["qfmt"], template["afmt"] = qfmt, afmt
        models.add_template(nt, template)
    nt["css"] = VOCAB_CSS
    nt["sortf"] = 0  # Word
    models.add(nt)
    return nt


def add_single_card_type(col, template, fields):
    """A note type of `fields` and one template (name, front, back)."""
    models = col.models
    name, qfmt, afmt = template
    nt = models.new(name)
    for field in fields:
        models.add_field(nt, models.new_field(field))
    card = models.new_template(name)
    card["qfmt"], card["afmt"] = qfmt, afmt
    models.add_template(nt, card)
    models.add(nt)
    return nt


def answer_cards(col, deck, ratings):
    """Study DECK (v3 scheduler), answering the next queued cards in turn."""
    import anki.collection  # noqa: F401  (before anki.cards: import cycle)
    from anki.cards import Card

    col.decks.set_current(col.decks.id_for_name(deck))
    for rating in ratings:
        queued = col.sched.get_queued_cards(fetch_limit=1)
        if not queued.cards:
            break
        top = queued.cards[0]
        card = Card(col)
        card._load_from_backend_card(top.card)
        card.start_timer()
        col.sched.answer_card(
            col.sched.build_answer(card=card, states=top.states, rating=rating)
        )


def notetype_summary(nt):
    return {
        "id": nt["id"],
        "name": nt["name"],
        "kind": nt["type"],
        "sortf": nt["sortf"],
        "css": nt["css"],
        "original_stock_kind": nt.get("originalStockKind"),
        "original_id": nt.get("originalId"),
        "fields": [{"name": f["name"], "ord": f["ord"], "id": f.get("id")} for f in nt["flds"]],
        "templates": [
            {"name": t["name"], "ord": t["ord"], "id": t.get("id"), "qfmt": t["qfmt"], "afmt": t["afmt"]}
            for t in nt["tmpls"]
        ],
    }


def note_summary(col, nid):
    note = col.get_note(nid)
    cards = sorted(note.cards(), key=lambda c: c.ord)
    return {
        "guid": note.guid,
        "mid": note.mid,
        "notetype": note.note_type()["name"],
        "mod": note.mod,
        "tags": list(note.tags),
        "fields": list(note.fields),
        "cards": [{"ord": c.ord, "deck": col.decks.name(c.did)} for c in cards],
    }


def cmd_make(args):
    from anki.collection import ExportAnkiPackageOptions
    from anki.scheduler.v3 import CardAnswer

    if os.path.exists(args.col):
        raise SystemExit(f"{args.col} exists; make creates a new collection")
    os.makedirs(args.media_out, exist_ok=True)
    col = open_collection(args.col)
    try:
        add_vocab(col)  # a new collection already has the stock note types
        nids = []
        notes = [(t, d, f, g, None) for t, d, f, g in NOTES]
        if args.rich:
            col.media.write_data("pic.png", PNG)
            col.media.write_data("sound.mp3", MP3)
            notes += RICH_NOTES + REAL_DECK_NOTES
            add_single_card_type(col, QUIZ_TEMPLATE, ["Question", "Answer"])
            # An Image Occlusion note as Anki 23.10+ stores it: the masks
            # are deletions of its Occlusion field.
            col.add_image_occlusion_notetype()
        if args.html_notes:
            notes += HTML_NOTES
            add_single_card_type(col, LATEX_TEMPLATE, ["Formula", "Name"])
        for notetype, deck, fields, tags, guid in notes:
            note = col.new_note(col.models.by_name(notetype))
            note.fields[:] = fields
            note.tags = tags
            if guid is not None:
                note.guid = guid
            col.add_note(note, col.decks.id(deck))
            nids.append(note.id)
        # The reverse card of "gato" goes to the other subdeck.
        card = next(c for c in col.get_note(nids[2]).cards() if c.ord == 1)
        card.did = col.decks.id("Lang::Verbs")
        col.update_card(card)

        answer_cards(col, "Lang::Nouns", [CardAnswer.EASY, CardAnswer.GOOD])
        answer_cards(col, "Lang::Verbs", [CardAnswer.EASY, CardAnswer.HARD])
        settle_reviews(col)

        # As the desktop's "Anki Deck Package" export: no scheduling.
        options = ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
        )
        exported = col.export_anki_package(out_path=args.package, options=options, limit=None)
        if args.text_export:
            # File → Export → Notes in Plain Text, every column ticked.
            col.export_note_csv(out_path=args.text_export, limit=None, with_html=True, with_tags=True,
                                with_deck=True, with_notetype=True, with_guid=True)
        if args.legacy_package:
            # "Support older Anki versions" ticked: the v2 layout.
            options.legacy = True
            col.export_anki_package(out_path=args.legacy_package, options=options, limit=None)

        notes = [note_summary(col, nid) for nid in nids]
        used = sorted({n["mid"] for n in notes})
        result = {
            "package": args.package,
            "collection": args.col,
            "exported_notes": exported,
            "notetypes": [notetype_summary(col.models.get(mid)) for mid in used],
            "notes": notes,
            "state": describe(col),
        }
        if args.colpkg:
            # File → Export → Anki Collection Package: the whole collection,
            # with its scheduling (this closes the collection).
            col.export_collection_package(args.colpkg, include_media=True, legacy=False)
            col = None
        return result
    finally:
        if col is not None:
            col.close()


def cmd_render(args):
    col = open_collection(args.col)
    try:
        rendered = []
        for cid in col.db.list("select id from cards"):
            card = col.get_card(cid)
            output = card.render_output(reload=True)
            rendered.append(
                {
                    "guid": card.note().guid,
                    "ord": card.ord,
                    "question": output.question_text,
                    "answer": output.answer_text,
                }
            )
        rendered.sort(key=lambda r: (r["guid"], r["ord"]))
        return {"rendered": rendered}
    finally:
        col.close()


def cmd_compare(args):
    from anki_text import compare

    col = open_collection(args.col)
    try:
        with open(args.bank, encoding="utf-8") as f:
            bank = f.read()
        with open(args.quizlet, encoding="utf-8") as f:
            quizlet = f.read()
        return compare(col, bank, quizlet)
    finally:
        col.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("make")
    p.add_argument("--col", required=True)
    p.add_argument("--package", required=True)
    p.add_argument("--media-out", required=True)
    p.add_argument("--legacy-package", help="also export with 'Support older Anki versions' (v2 layout)")
    p.add_argument("--rich", action="store_true", help="add RICH_NOTES and their media")
    p.add_argument("--html-notes", action="store_true", help="add HTML_NOTES (and the LaTeX note type)")
    p.add_argument("--text-export", help="also export 'Notes in Plain Text' (HTML on) to this path")
    p.add_argument("--colpkg", help="last, export the whole collection (.colpkg) to this path")
    p.set_defaults(run=cmd_make)
    p = sub.add_parser("render")
    p.add_argument("--col", required=True)
    p.set_defaults(run=cmd_render)
    p = sub.add_parser("compare")
    p.add_argument("--col", required=True)
    p.add_argument("--bank", required=True, help="the bank `flashdeck convert` made of the collection's export")
    p.add_argument("--quizlet", required=True, help="the .quizlet.txt `flashdeck build` made of that bank")
    p.set_defaults(run=cmd_compare)
    args = parser.parse_args()
    result = args.run(args)
    json.dump(result, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
