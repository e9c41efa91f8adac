//! A property-based fuzzer over the whole path load → validate → transform →
//! write: banks generated from hostile pieces (raw HTML, math delimiters in
//! attributes, cloze markers, links in every Markdown form, control
//! characters, YAML escapes and broken YAML) are checked and, when valid,
//! built. It fails on any panic, on a build of a valid bank that fails, and
//! on any output that keeps something a viewer would run or fetch (the same
//! static checks as `hostile_outputs.rs`, over the print page, the Markdown
//! sheets rendered with raw HTML, and every Anki field).
//!
//! Every test run tries 1,000 cases (a few seconds in the release profile that
//! `scripts/test.sh` uses). To fuzz longer:
//! `PROPTEST_CASES=20000 cargo test --release --test integration fuzz_pipeline`.
//! A failing case is shrunk and saved in `tests/proptest-regressions/fuzz_pipeline.txt`;
//! commit that file so every later run replays it.

use crate::common;

use std::path::Path;

use common::html::{apkg_fields, dom_problems, markdown_to_html};
use common::renderers::LeakServer;
use flashdeck::pipeline::{BuildFailure, BuildOptions, build, check};
use flashdeck::transform::Filter;
use flashdeck::validate::Rules;
use flashdeck::writers::{Format, WriterOptions};
use proptest::prelude::*;

/// Pieces a hostile author would combine.
const PIECES: &[&str] = &[
    "plain words ",
    "**bold** ",
    "`code` ",
    "\n\n",
    "\n",
    "\\(",
    "\\)",
    "\\[",
    "\\]",
    "$",
    "<details title=\"",
    "\" open ontoggle=\"x()\" ",
    "\">",
    "</details>",
    "<img title=x onerror=y() ",
    "<span style=\"color:red;position:fixed;background:url(http://127.0.0.1:9/s)\">",
    "</span>",
    "<a href=\"javascript:x()\">",
    "</a>",
    "<script>x()</script>",
    "<svg onload=x()>",
    "<!--",
    "-->",
    "[x](javascript:x())",
    "[x](jav&#x61;script:x())",
    "<javascript:x()>",
    "[x][r]\n\n[r]: javascript:x()\n",
    "![a](media/dot.png)",
    "[sou",
    "nd:../x]",
    "::hint",
    "```python\n",
    "\n```\n",
    "&#x3C;",
    "&lt;script&gt;",
    "\"",
    "'",
    "\\",
    "é ü 漢字 ",
    // What Markdown renderers other than CommonMark read as syntax.
    "`x`{=html}",
    "{: onclick=\"x()\"}",
    "\n::: {.x}\n",
    "\n---\ntitle: x\n---\n",
    "| a | b |\n|---|---|\n",
    "~~~\n",
    "$x<img src=x onerror=x()>$",
    "$$",
    "javascript:x()",
    "<https://example.org>",
    "\n# ",
    "\n1. ",
    "\n- ",
    "\n> ",
    "\n    indented\n",
    "*",
    "_",
    "&",
    "[",
    "]",
    "\u{5d0}\u{5d1} \u{627}\u{644} ",
    "e\u{301} \u{1f600} \u{1d400} ",
    // Non-ASCII where byte offsets meet markup (issue 19: a field starting
    // with HTML and Persian text once panicked the template renderer).
    "<b>\u{62f}\u{627}</b>",
    "\u{62f}",
    "\u{20000}\u{2a6d6}",
    "\u{e01}\u{e34}\u{e4d}",
    "\u{1f469}\u{200d}\u{1f4bb}",
    "\u{202e}rtl\u{202c}",
    "\u{4e2d}\u{6587}<br>",
    "<span dir=\"rtl\">\u{5e9}</span>",
    "\u{301}",
];

/// Pieces that often make a bank invalid (cloze syntax, control characters):
/// rarer, so that most generated banks get as far as the writers.
const BREAKING: &[&str] = &[
    "{{c1::",
    "{{c2::",
    "}}",
    "{{ var }}",
    "{% tag %}",
    "\u{2028}",
    "\u{0}",
    "\u{b}",
];

fn field() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            16 => prop::sample::select(PIECES).prop_map(str::to_string),
            4 => "[ -~]{0,6}",
            1 => prop::sample::select(BREAKING).prop_map(str::to_string),
        ],
        1..10,
    )
    .prop_map(|parts| parts.concat())
}

/// Names, topics and tags are single-line values: line breaks would only
/// make the bank invalid (that is tested in the invalid corpus).
fn one_line(text: &str) -> String {
    text.replace('\n', " ")
}

/// A YAML double-quoted string (JSON's escapes are YAML's).
fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

#[derive(Debug, Clone)]
struct CardSpec {
    kind: u8,
    first: String,
    second: String,
    topic: String,
    tag: String,
}

fn card() -> impl Strategy<Value = CardSpec> {
    (0u8..4, field(), field(), field(), "[a-z<>`\"&]{1,8}").prop_map(
        |(kind, first, second, topic, tag)| CardSpec {
            kind,
            first,
            second,
            topic,
            tag,
        },
    )
}

fn bank() -> impl Strategy<Value = String> {
    (
        field(),
        field(),
        prop::collection::vec(card(), 1..4),
        prop::bool::weighted(0.1),
        (field(), field()),
    )
        .prop_map(|(name, description, cards, break_yaml, (front, back))| {
            // A note type of the bank's own, generated text around its
            // field references, for the cards of kind 3.
            let mut yaml = format!(
                "deck:\n  id: fuzz\n  name: {}\n  description: {}\nnote-types:\n  - name: Fz\n    fields: [F1, F2]\n    templates:\n      - name: Card 1\n        front: {}\n        back: {}\ncards:\n",
                quoted(&one_line(&name)),
                quoted(&description),
                quoted(&format!("<div>{front}{{{{F1}}}}</div>{{{{#F2}}}}<i>{{{{F2}}}}</i>{{{{/F2}}}}")),
                quoted(&format!("{{{{FrontSide}}}}<hr id=answer>{back}{{{{F2}}}}")),
            );
            for (i, c) in cards.iter().enumerate() {
                yaml.push_str(&format!(
                    "  - id: c{i}\n    topic: {}\n    tags: [{}]\n",
                    quoted(&one_line(&c.topic)),
                    quoted(&c.tag)
                ));
                match c.kind {
                    0 => yaml.push_str(&format!(
                        "    question: {}\n    answer: {}\n",
                        quoted(&c.first),
                        quoted(&c.second)
                    )),
                    1 => yaml.push_str(&format!(
                        "    type: cloze\n    text: {}\n    extra: {}\n",
                        quoted(&format!("{{{{c1::x}}}} {}", c.first)),
                        quoted(&c.second)
                    )),
                    2 => yaml.push_str(&format!(
                        "    type: type-in\n    question: {}\n    answer: {}\n",
                        quoted(&c.first),
                        quoted(&c.second)
                    )),
                    _ => yaml.push_str(&format!(
                        "    note-type: Fz\n    fields:\n      F1: {}\n      F2:\n        html: {}\n",
                        quoted(&c.first),
                        quoted(&c.second)
                    )),
                }
            }
            if break_yaml {
                // Unquoted text: YAML syntax errors and odd scalars too.
                yaml.push_str(&format!(
                    "  - id: raw\n    question: {}\n    answer: A.\n",
                    cards[0].first.replace('\n', " ")
                ));
            }
            yaml
        })
}

fn check_outputs(out: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let leak = "http://127.0.0.1:9";
    if let Ok(page) = std::fs::read_to_string(out.join("fuzz.html")) {
        problems.extend(
            dom_problems(&page, 1, leak)
                .into_iter()
                .map(|p| format!("print page: {p}")),
        );
    }
    for sheet in ["fuzz.md", "fuzz.quiz.md"] {
        if let Ok(md) = std::fs::read_to_string(out.join(sheet)) {
            // Read as CommonMark, no HTML from a card, no unsafe link.
            for found in crate::sheet_renderers::raw_html_in_sheet(&md) {
                problems.push(format!("{sheet}: {found}"));
            }
            let html = format!("<html><body>{}</body></html>", markdown_to_html(&md));
            problems.extend(
                dom_problems(&html, 0, leak)
                    .into_iter()
                    .map(|p| format!("{sheet}: {p}")),
            );
        }
    }
    if out.join("fuzz.apkg").exists() {
        let (fields, _) = apkg_fields(&out.join("fuzz.apkg"));
        let html = format!("<html><body>{}</body></html>", fields.join("<hr>"));
        problems.extend(
            dom_problems(&html, 0, leak)
                .into_iter()
                .map(|p| format!("apkg field: {p}")),
        );
        for field in &fields {
            if field.contains("[sound:") {
                problems.push(format!("apkg field keeps a [sound:]: {field}"));
            }
        }
    }
    problems
}

/// Builds a generated bank into `out`; `false` when the bank is invalid
/// (the property test above checks what happens then).
fn build_valid(yaml: &str, dir: &Path) -> bool {
    std::fs::create_dir_all(dir.join("media")).unwrap();
    std::fs::write(dir.join("media/dot.png"), b"\x89PNG\r\n\x1a\n").unwrap();
    let path = dir.join("fuzz.yaml");
    std::fs::write(&path, yaml).unwrap();
    let report = check(std::slice::from_ref(&path), &Rules::default());
    if report.diagnostics.has_errors() {
        return false;
    }
    let options = BuildOptions {
        banks: vec![path.clone()],
        out_dir: dir.join("out"),
        formats: vec![Format::Markdown, Format::Quiz],
        filter: Filter::default(),
        rules: Rules::default(),
        deny_warnings: false,
        locked: false,
        writer_options: WriterOptions::default(),
    };
    build(report, &options).is_ok()
}

/// Generated banks' sheets, rendered by every renderer people use and
/// loaded in Chromium (see `sheet_renderers.rs`): the same cases every run
/// (a fixed seed), `FUZZ_RENDER_CASES` of them (default 100: each sheet
/// makes six renderings, and Chromium takes about 20 ms a frame).
#[test]
fn generated_sheets_run_nothing_in_any_renderer() {
    use proptest::strategy::ValueTree as _;
    use proptest::test_runner::TestRunner;
    let count: usize = std::env::var("FUZZ_RENDER_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let mut runner = TestRunner::deterministic();
    let dir = tempfile::tempdir().unwrap();
    let mut sheets = Vec::new();
    let mut banks = Vec::new();
    let mut tried = 0;
    while banks.len() < count && tried < count * 4 {
        tried += 1;
        let yaml = bank().new_tree(&mut runner).unwrap().current();
        let case = dir.path().join(format!("case{tried}"));
        if !build_valid(&yaml, &case) {
            continue;
        }
        for sheet in ["fuzz.md", "fuzz.quiz.md"] {
            sheets.push(case.join("out").join(sheet));
        }
        banks.push((case, yaml));
    }
    assert!(
        banks.len() * 2 >= count,
        "only {} of {tried} generated banks were valid",
        banks.len()
    );
    let server = LeakServer::start();
    let problems = crate::sheet_renderers::problems_in_every_renderer(&sheets, &server);
    // Each problem names its sheet's case folder: show that case's bank.
    let shown: Vec<String> = problems
        .iter()
        .take(20)
        .map(|p| {
            let bank = banks
                .iter()
                .find(|(case, _)| p.starts_with(&format!("{}/", case.display())))
                .map_or("", |(_, yaml)| yaml.as_str());
            format!("{p}\n--- bank:\n{bank}")
        })
        .collect();
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        shown.join("\n")
    );
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn generated_banks_never_panic_and_never_emit_anything_that_runs(yaml in bank()) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("media")).unwrap();
        std::fs::write(dir.path().join("media/dot.png"), b"\x89PNG\r\n\x1a\n").unwrap();
        let path = dir.path().join("fuzz.yaml");
        std::fs::write(&path, &yaml).unwrap();
        let report = check(std::slice::from_ref(&path), &Rules::default());
        // Every problem is located inside the file.
        for d in report.diagnostics.iter() {
            prop_assert!(d.line >= 1 && d.column >= 1, "unlocated: {d:?}");
        }
        if report.diagnostics.has_errors() {
            return Ok(());
        }
        let out = dir.path().join("out");
        let options = BuildOptions {
            banks: vec![path.clone()],
            out_dir: out.clone(),
            formats: Format::ALL.to_vec(),
            filter: Filter::default(),
            rules: Rules::default(),
            deny_warnings: false,
            locked: false,
            writer_options: WriterOptions::default(),
        };
        match build(report, &options) {
            Ok(_) => {}
            // Quizlet separators are refused at build time, located.
            Err(BuildFailure::Invalid(report)) => {
                prop_assert!(report.diagnostics.has_errors());
                return Ok(());
            }
            Err(BuildFailure::LockOutdated(_)) => prop_assert!(false, "not --locked"),
            Err(BuildFailure::Selection(p)) => prop_assert!(false, "no filter, yet {p:?}"),
            Err(BuildFailure::Io(e)) => prop_assert!(false, "a valid bank failed to build: {e}\n{yaml}"),
        }
        let problems = check_outputs(&out);
        prop_assert!(problems.is_empty(), "{}\n--- bank:\n{yaml}", problems.join("\n"));
    }
}
