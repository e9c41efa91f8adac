"""What a reader sees of each card in Anki, and flashdeck's Quizlet text
against it (issue 20: every writer is right for HTML fields).

Used by `anki_deck.py compare` (tests/integration/anki_text.rs) and by
bench/anki_text.py (the real decks). The comparison, card by card:

1. **Anki's side.** Anki renders the card (`Card.render_output`): the
   question, and the answer below `<hr id=answer>` (what Quizlet's
   definition holds: the question is on the other side of the card). The
   reviewer's type-in box is replaced as Anki's reviewer does it when
   nothing was typed: the question loses `[[type:…]]` (an input box), the
   answer shows `Collection.compare_answer(expected, "")`, the expected
   answer as Anki prints it. Play buttons (`[anki:play:…]`) are not text.
   A cloze note is one Quizlet pair with every deletion asked at once, a
   card Anki never shows: Anki renders that card too, from a copy of the
   note with every deletion renumbered `c1` (the same text, one card).
   Anki's note that LaTeX images are turned off in its preferences is about
   the machine, not the card: it is left out. Image Occlusion notes have no
   Quizlet pair (Quizlet cannot hide parts of
   a picture): they are counted apart, as `no pair`.
2. **What a reader sees of that HTML** (`reader_text`): elements a browser
   does not show (`script`, `style`, `head`, `template`…) and comments are
   dropped; entities decoded; `<br>` and block elements end a line; images
   are not text, except Anki's LaTeX images, whose text is their `alt` (the
   LaTeX source Anki typesets, `$x$` and a displaymath environment read as
   the MathJax math `\\(x\\)` and `\\[x\\]`); white space collapses.
3. **Laid out on one line** the way flashdeck's Quizlet file writes every
   card, Markdown or HTML (README, "Quizlet"): line breaks become a space;
   a list item starts with `• ` (`N. ` in an ordered list); a table's cells
   are separated by ` | ` and its rows by `; `; the lines of a `<pre>` block
   are joined by ` ⏎ `, with ` ⏎ ` between the block and text around it.

The two texts then compare as strings, white space collapsed (indentation
of code is not compared): `same` when equal. MathJax
(`\\( … \\)`, `\\[ … \\]`) is typeset by MathJax in Anki and as Unicode
text by flashdeck (`x²`): a card that differs only inside math segments is
`math` (each math segment of Anki's text matches any text). Anything else
is `differs`.
"""

import html
import json
import re
from html.parser import HTMLParser

# Elements a browser does not render (their text is not seen).
HIDDEN = {
    "script", "style", "head", "title", "template", "noscript", "iframe",
    "object", "embed", "audio", "video", "select", "datalist", "svg", "math",
}
# Elements that start and end a line (display: block and the like).
BLOCKS = {
    "p", "div", "section", "article", "header", "footer", "main", "aside",
    "nav", "figure", "figcaption", "center", "address", "details", "summary",
    "dl", "dt", "dd", "form", "fieldset", "legend", "h1", "h2", "h3", "h4",
    "h5", "h6", "blockquote", "hr", "ul", "ol", "table", "caption", "body",
    "html",
}
VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "base", "source", "track"}

LIST_MARK = "\u2022 "  # •
CODE_BREAK = " \u23ce "  # ⏎


class _Reader(HTMLParser):
    """HTML → the one-line text described in the module's docstring."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out = ""
        self.hidden = []  # open hidden elements
        self.code = None  # the text of the open <pre>, lines as written
        self.pre = 0
        self.lists = []  # None (ul) or the next number (ol)
        self.tables = []  # [rows started, cells started in the row]

    def handle_starttag(self, tag, attrs):
        if self.hidden:
            if tag not in VOID:
                self.hidden.append(tag)
            return
        if tag in HIDDEN:
            self.hidden.append(tag)
            return
        attrs = dict(attrs)
        if self.code is not None:
            if tag == "br":
                self.code += "\n"
            elif tag == "pre":
                self.pre += 1
            return
        if tag == "br":
            self.out += " "
        elif tag == "img":
            if "latex" in (attrs.get("class") or "").split():
                self.out += _latex_source(attrs.get("alt") or "")
        elif tag == "pre":
            self.pre = 1
            self.code = ""
            if self.out.strip():
                self.out = self.out.rstrip() + CODE_BREAK
        elif tag == "ul":
            self.lists.append(None)
            self.out += " "
        elif tag == "ol":
            start = (attrs.get("start") or "1").strip()
            self.lists.append(int(start) if start.isdigit() else 1)
            self.out += " "
        elif tag == "li":
            if self.lists and self.lists[-1] is not None:
                self.out += f" {self.lists[-1]}. "
                self.lists[-1] += 1
            else:
                self.out += " " + LIST_MARK
        elif tag == "table":
            self.tables.append([0, 0])
            self.out += " "
        elif tag == "tr":
            if self.tables:
                if self.tables[-1][0]:
                    self.out = self.out.rstrip() + "; "
                self.tables[-1][0] += 1
                self.tables[-1][1] = 0
        elif tag in ("td", "th"):
            if self.tables:
                if self.tables[-1][1]:
                    self.out = self.out.rstrip() + " | "
                self.tables[-1][1] += 1
        elif tag in BLOCKS:
            self.out += " "

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.hidden:
            if tag in self.hidden:
                while self.hidden and self.hidden.pop() != tag:
                    pass
            return
        if self.code is not None:
            if tag == "pre":
                self.pre -= 1
                if self.pre == 0:
                    lines = [line for line in self.code.split("\n") if line.strip()]
                    self.out += CODE_BREAK.join(lines) + CODE_BREAK
                    self.code = None
            return
        if tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self.out += " "
        elif tag == "table" and self.tables:
            self.tables.pop()
            self.out += " "
        elif tag in BLOCKS or tag == "li":
            self.out += " "

    def handle_data(self, data):
        if self.hidden:
            return
        if self.code is not None:
            self.code += data
        else:
            self.out += data

    def text(self):
        if self.code is not None:
            self.handle_endtag("pre")
        text = re.sub(r"\s+", " ", self.out.replace("\u00a0", " ")).strip()
        return text.strip("\u23ce ").strip()


def _latex_source(alt):
    """A LaTeX image's alt text, its math as MathJax's: Anki writes
    `[$]x[/$]` as `$x$` and `[$$]x[/$$]` as a displaymath environment."""
    display = re.fullmatch(r"\\begin\{displaymath\}(.*)\\end\{displaymath\}", alt, re.S)
    if display:
        return f"\\[{display.group(1)}\\]"
    if len(alt) > 2 and alt.startswith("$") and alt.endswith("$"):
        return f"\\({alt[1:-1]}\\)"
    return alt


def reader_text(fragment):
    """The one-line text a reader sees of `fragment` (steps 2 and 3)."""
    reader = _Reader()
    reader.feed(fragment)
    reader.close()
    return reader.text()


TYPE_TAG = re.compile(r"\[\[type:(.+?)\]\]")
PLAY_TAG = re.compile(r"\[anki:play:[^\]]*\]")
ANSWER_MARKER = re.compile(r"<hr id=[\"']?answer[\"']?>", re.I)


def _expected_typed(col, card, spec):
    """The field a `[[type:…]]` asks for, as Anki's reviewer takes it
    (`typeAnsQuestionFilter`), or None."""
    cloze = None
    if spec.startswith("cloze:"):
        cloze = card.ord + 1
        spec = spec.split(":", 1)[1]
    if spec.startswith("nc:"):
        spec = spec.split(":", 1)[1]
    note = card.note()
    for field in note.note_type()["flds"]:
        if field["name"] == spec:
            value = note[field["name"]]
            if cloze:
                value = col.extract_cloze_for_typing(value, cloze)
            return value
    return None


def anki_html(col, card):
    """Anki's HTML of the card's question and of its answer below the
    marker, with the reviewer's type-in box filled as with nothing typed."""
    output = card.render_output(reload=False)
    # Anki ends a card that has LaTeX with a note that making its images is
    # turned off (with it on, that it could not run latex here): about this
    # machine, not the card.
    off = col.tr.preferences_latex_generation_disabled()
    question = PLAY_TAG.sub("", output.question_text.replace(off, ""))
    answer = PLAY_TAG.sub("", output.answer_text.replace(off, ""))
    typed = TYPE_TAG.search(question)
    expected = _expected_typed(col, card, typed.group(1)) if typed else None
    question = TYPE_TAG.sub("", question)

    def compared(_match):
        if not expected:
            return ""
        return f"<div>{col.compare_answer(expected, '', True)}</div>"

    answer = TYPE_TAG.sub(compared, answer)
    parts = ANSWER_MARKER.split(answer, maxsplit=1)
    answer = parts[1] if len(parts) == 2 else answer
    return question, answer


def _all_deletions_card(col, note):
    """A card of `note` with every deletion asked at once: a copy of the
    note, each `{{cN::` renumbered `{{c1::`, its first card (not saved)."""
    copy = col.new_note(note.note_type())
    copy.fields[:] = [re.sub(r"\{\{c\d+::", "{{c1::", f) for f in note.fields]
    copy.tags = list(note.tags)
    return copy.ephemeral_card(ord=0)


def _bank_cards(bank_text):
    """(card id, guid) of each card of a bank `flashdeck convert` wrote, in
    order (the file's own layout: `  - id:` then `    guid:`)."""
    cards = []
    for line in bank_text.splitlines():
        if line.startswith("  - id: "):
            cards.append([line[len("  - id: "):].strip(), None])
        elif line.startswith("    guid: ") and cards and cards[-1][1] is None:
            cards[-1][1] = _yaml_scalar(line[len("    guid: "):])
    return cards


def _yaml_scalar(text):
    text = text.strip()
    if text.startswith('"'):
        return json.loads(text)
    if text.startswith("'"):
        return text[1:-1].replace("''", "'")
    return text


def _quizlet_pairs(quizlet_text):
    pairs = []
    for line in quizlet_text.split("\n"):
        if line:
            term, _, definition = line.partition("\t")
            pairs.append((term, definition))
    return pairs


MATH = re.compile(r"\\\((.*?)\\\)|\\\[(.*?)\\\]", re.S)
# What typeset math may read as: some text, and no TeX delimiter.
TYPESET = r"(?:(?!\\[()\[\]]).)+?"


def collapsed(text):
    return " ".join(text.split())


def verdict(anki, flashdeck):
    """`same`, `math` (differs only inside Anki's math segments, each of
    which flashdeck shows as some text without TeX delimiters) or
    `differs`. White space compares collapsed."""
    anki, flashdeck = collapsed(anki), collapsed(flashdeck)
    if anki == flashdeck:
        return "same"
    if MATH.search(anki):
        pattern = ""
        last = 0
        for m in MATH.finditer(anki):
            pattern += re.escape(anki[last:m.start()]) + TYPESET
            last = m.end()
        pattern += re.escape(anki[last:])
        if re.fullmatch(pattern, flashdeck, re.S):
            return "math"
    return "differs"


def compare(col, bank_text, quizlet_text):
    """Every card of the bank's notes: Anki's reader text and flashdeck's
    Quizlet pair, and the verdict (see the module's docstring)."""
    from anki.config import Config
    from anki.models import MODEL_CLOZE

    # LaTeX images are not made here (as in a fresh collection): their
    # alt text is what the comparison reads.
    col.set_config_bool(Config.Bool.RENDER_LATEX, False)

    by_guid = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        by_guid[note.guid] = note
    empty = set()
    for report in col.get_empty_cards().notes:
        empty.update(report.card_ids)
    pairs = _quizlet_pairs(quizlet_text)
    at = 0
    rows = []
    for card_id, guid in _bank_cards(bank_text):
        note = by_guid.get(guid)
        if note is None:
            continue
        notetype = note.note_type()
        if notetype.get("originalStockKind") == 6 or notetype["name"].startswith("Image Occlusion"):
            for card in note.cards():
                rows.append({"guid": guid, "id": card_id, "ord": card.ord, "notetype": notetype["name"],
                             "verdict": "no pair"})
            continue
        if notetype["type"] == MODEL_CLOZE:
            cards = [_all_deletions_card(col, note)]
        else:
            cards = sorted((c for c in note.cards() if c.id not in empty), key=lambda c: c.ord)
        for card in cards:
            question, answer = anki_html(col, card)
            anki = [reader_text(question), reader_text(answer)]
            pair = list(pairs[at]) if at < len(pairs) else None
            at += 1
            if pair is None:
                result = "missing"
            else:
                sides = [verdict(a, f) for a, f in zip(anki, pair)]
                result = "differs" if "differs" in sides else ("math" if "math" in sides else "same")
            rows.append({
                "guid": guid, "id": card_id, "ord": card.ord, "notetype": notetype["name"],
                "anki": anki, "flashdeck": pair, "verdict": result,
            })
    return {"cards": rows, "pairs": len(pairs), "pairs_read": at}


