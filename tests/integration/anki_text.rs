//! Issue 20: a deck converted from Anki (its fields `{html: …}` values of
//! its own note types, rendered through its own templates) gets Quizlet
//! files and handouts as good as a hand-written Markdown bank's.
//!
//! Anki makes the deck (`tests/anki/anki_deck.py make`, with `--html-notes`:
//! code spans with entities, a Rust code block, a table, MathJax, LaTeX in a
//! field and in a template, a type-in answer in lines, `<b>x </b>y`, `$` in
//! code, nested lists, in subdecks with hierarchical tags; with `--rich` too
//! for the first test), exports it; flashdeck converts and builds it.
//!
//! 1. Each card's Quizlet pair is the text Anki shows for it
//!    (`anki_deck.py compare`, defined in `tests/anki/anki_text.py`): every
//!    card the same, but for the differences listed here (math Anki leaves
//!    to MathJax, which flashdeck typesets as text) and the Image Occlusion
//!    cards Quizlet cannot show.
//! 2. The sheets read by a CommonMark renderer (pulldown-cmark) and the print
//!    page printed by Chromium show no literal entity or backslash escape
//!    and no LaTeX marker, with code, tables, emphasis and topics intact.

use std::ffi::OsStr;

use serde_json::Value;
use tempfile::TempDir;

use super::anki_note_types::{Collection, python};
use super::common::html::markdown_to_html;
use super::common::{flashdeck, run};
use super::handout_print::{page_texts, print_to_pdf, tools};

/// Converts Anki's export (v3) into `bank/` and builds it into `out/`.
fn convert_and_build(anki: &Collection) -> TempDir {
    let work = tempfile::tempdir().unwrap();
    let package = anki.dir().join("anki-export.apkg");
    let (code, _, stderr) = run(flashdeck(work.path())
        .arg("convert")
        .arg(&package)
        .args(["--out", "bank"]));
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(flashdeck(work.path()).args(["build", "bank", "--out", "out"]));
    assert_eq!(code, 0, "{stderr}");
    work
}

/// The differences the comparison finds that are right: math. Anki shows
/// `\( … \)` through MathJax, flashdeck's Quizlet file as Unicode text (as
/// for a Markdown card's math); `anki_text.py` calls these `math` (they
/// differ only inside Anki's math segments). Each: Anki's question as a
/// reader's text, and flashdeck's term and definition exactly.
const TYPESET: &[(&str, &str, &str)] = &[
    (
        r"\(x^2\) and \[\sum_i i\]",
        "x² and ∑ᵢ i",
        "{{ user.name }} stays literal",
    ),
    // A cloze inside math: math in Anki too (no span inside it).
    (
        r"\(\sqrt{[...]}\) and [...] [...]",
        "√[...] and [...] [...]",
        "√n and x",
    ),
    (
        r"Area of a circle of radius \(r\)?",
        "Area of a circle of radius r?",
        "πr², and √x ≤ ¹⁄₂ when a < b",
    ),
    // `[$]…[/$]` and `[$$]…[/$$]`: Anki's LaTeX images of math (their alt
    // text is the source); `[latex]…[/latex]` its source, math typeset.
    (
        r"Einstein: \(E = mc^2\)",
        "Einstein: E = mc²",
        "Energy E and mass m₀",
    ),
    // A note type whose template wraps the field in `[latex]\(…\)[/latex]`.
    (r"\(a^2 + b^2 = c^2\)", "a² + b² = c²", "Pythagoras"),
];

fn text(value: &Value) -> &str {
    value.as_str().unwrap_or_default()
}

#[test]
fn a_converted_decks_quizlet_text_is_what_anki_shows() {
    let anki = Collection::make_with_notes(true, true);
    let work = convert_and_build(&anki);
    let bank = work.path().join("bank/lang.yaml");
    let quizlet = work.path().join("out/lang.quizlet.txt");
    let compared = python(
        "anki_deck.py",
        &[
            OsStr::new("compare"),
            OsStr::new("--col"),
            anki.path().as_os_str(),
            OsStr::new("--bank"),
            bank.as_os_str(),
            OsStr::new("--quizlet"),
            quizlet.as_os_str(),
        ],
    );
    // Every pair of the file was read against a card of Anki's.
    assert_eq!(compared["pairs"], compared["pairs_read"], "{compared}");
    let cards = compared["cards"].as_array().unwrap();
    let mut same = 0;
    let mut typeset = Vec::new();
    let mut no_pair = 0;
    let mut wrong = Vec::new();
    for card in cards {
        let anki_text = &card["anki"];
        let pair = &card["flashdeck"];
        match text(&card["verdict"]) {
            "same" => same += 1,
            "no pair" if text(&card["notetype"]) == "Image Occlusion" => no_pair += 1,
            "math" => {
                let listed = TYPESET.iter().find(|(q, _, _)| *q == text(&anki_text[0]));
                match listed {
                    Some((_, term, definition))
                        if text(&pair[0]) == *term && text(&pair[1]) == *definition =>
                    {
                        typeset.push(*term);
                    }
                    _ => wrong.push(card.clone()),
                }
            }
            _ => wrong.push(card.clone()),
        }
    }
    assert!(
        wrong.is_empty(),
        "cards whose Quizlet text is not what Anki shows:\n{}",
        wrong
            .iter()
            .map(|c| format!(
                "{} ({}, {}):\n  Anki      {}\n  flashdeck {}",
                c["id"], c["notetype"], c["verdict"], c["anki"], c["flashdeck"]
            ))
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(
        typeset.len(),
        TYPESET.len(),
        "listed but not found: {typeset:?}"
    );
    assert_eq!(no_pair, 2, "the Image Occlusion note's two cards");
    assert_eq!(same, 28, "{compared}");
}

/// Where `text` shows an HTML entity (`&amp;`, `&#91;`) or a Markdown
/// backslash escape (`\*`, `\<`) literally, with some context.
fn literal_escapes(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut found = Vec::new();
    for (i, c) in chars.iter().enumerate() {
        let rest = &chars[i + 1..];
        let literal = match c {
            '&' => {
                let name = rest
                    .iter()
                    .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
                    .count();
                name > 0 && rest.get(name) == Some(&';')
            }
            '\\' => rest.first().is_some_and(char::is_ascii_punctuation),
            _ => false,
        };
        if literal {
            let from = i.saturating_sub(30);
            let to = (i + 30).min(chars.len());
            found.push(chars[from..to].iter().collect());
        }
    }
    found
}

/// The text of rendered HTML as a reader sees it: tags gone, entities
/// decoded, white space collapsed.
fn visible_text(html: &str) -> String {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                text.push(' ');
            }
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let decoded = html_escape::decode_html_entities(&text);
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What every handout of the deck must show, and must not.
fn shows_the_cards_as_written(text: &str, what: &str) {
    let escapes = literal_escapes(text);
    assert!(
        escapes.is_empty(),
        "{what} shows entities or escapes literally: {escapes:#?}"
    );
    for expected in [
        "vec![1, 2, 3]",
        "&mut T",
        "Option<&T>",
        "less than $25",
        "Mild: Stop it Moderate: Benadryl Severe: Benadryl, Pepcid and IVF",
        "standardisierte Vereinbarung",
        "Energy",
    ] {
        assert!(
            text.contains(expected),
            "{what} lacks {expected:?}:\n{text}"
        );
    }
    for marker in ["[latex]", "[/latex]", "[$]", "[$$]", "**"] {
        assert!(!text.contains(marker), "{what} shows {marker:?}:\n{text}");
    }
}

#[test]
fn a_converted_decks_handouts_show_no_entity_or_escape() {
    let anki = Collection::make_with_notes(false, true);
    let work = convert_and_build(&anki);
    let out = work.path().join("out");
    for sheet in ["lang.md", "lang.quiz.md"] {
        let markdown = std::fs::read_to_string(out.join(sheet)).unwrap();
        let html = markdown_to_html(&markdown);
        shows_the_cards_as_written(&visible_text(&html), sheet);
        // Code, tables, emphasis and topics are themselves.
        for element in [
            "<pre><code class=\"language-rust\">let v = vec![1, 2];",
            "<code>Option&lt;&amp;T&gt;</code>",
            "<th>type</th>",
            "<td><code>i16</code></td>",
            "<strong>standardisierte</strong> Vereinbarung",
            "<h2>Code</h2>",
            "<h2>Math</h2>",
        ] {
            assert!(html.contains(element), "{sheet} lacks {element}:\n{html}");
        }
        assert!(!html.contains("<h2>Other</h2>"), "{sheet}:\n{html}");
    }
    let page = out.join("lang.html");
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(
        html.contains("<pre class=\"code\"><code class=\"language-rust\"><span style="),
        "the Rust block is not highlighted:\n{html}"
    );
    let (chromium, pdftotext, _) = tools();
    let pdf = work.path().join("lang.pdf");
    print_to_pdf(&chromium, &page, &pdf, &work.path().join("profile"));
    let printed = page_texts(&pdftotext, &pdf).join(" ");
    let printed = printed.split_whitespace().collect::<Vec<_>>().join(" ");
    shows_the_cards_as_written(&printed, "the printed page");
    for expected in ["Code", "Math", "Medicine", "Finance", "type bits", "i8 8"] {
        assert!(
            printed.contains(expected),
            "the page lacks {expected:?}:\n{printed}"
        );
    }
}

mod never_panic {
    use proptest::prelude::*;

    /// Pieces of card HTML the readers of issue 20 handle: tables, lists,
    /// code, emphasis, line breaks, math and LaTeX markers, entities,
    /// multi-byte text, stray `<` and `&`.
    const PIECES: &[&str] = &[
        "<table>",
        "</table>",
        "<tr>",
        "</tr>",
        "<td>",
        "</td>",
        "<th>",
        "<b>",
        "</b>",
        "<i>",
        "</i>",
        "<code>",
        "</code>",
        "<pre>",
        "</pre>",
        "<pre><code class=\"language-rust\">",
        "<br>",
        "<div>",
        "</div>",
        "<ul>",
        "<ol start=3>",
        "<li>",
        "</li>",
        "</ul>",
        "<script>",
        "</script>",
        "\\(",
        "\\)",
        "\\[",
        "\\]",
        "[latex]",
        "[/latex]",
        "[$]",
        "[/$]",
        "[$$]",
        "[/$$]",
        "[sound:a.mp3]",
        "&amp;",
        "&#91;",
        "&nbsp;",
        "&",
        "<",
        ">",
        " ",
        "  ",
        "\n",
        "é",
        "日本",
        "😀",
        "x",
        "`",
        "*",
        "|",
        "{{c1::",
        "}}",
    ];

    fn html() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|p| p.concat())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn the_html_readers_never_panic(html in html()) {
            use flashdeck::markup::{Layout, anki_latex, html_to_markdown, html_to_plain};
            let _ = html_to_plain(&html, Layout::OneLine);
            let _ = html_to_plain(&html, Layout::Lines);
            let _ = html_to_markdown(&html);
            let _ = anki_latex(&html);
            let _ = flashdeck::anki::template::expected_answer(&html);
            let sheet = flashdeck::markup::sheet::SheetText::from_html(&html, &|_| None);
            let _ = sheet.to_markdown();
        }
    }
}
