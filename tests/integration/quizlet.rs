//! The Quizlet file, split the way Quizlet splits pasted text: literally on
//! the chosen separators, no quoting. Every card must survive with its text.

use crate::common;

use std::path::Path;

use common::{copy_dir, files_below, flashdeck, replace_images, repo, run};
use flashdeck::markup::tex_to_text;
use flashdeck::model::CardType;
use flashdeck::transform::{Deck, DeckCard};
use flashdeck::writers::quizlet::{self, QuizletWriter};
use flashdeck::writers::{Rendered, Writer};
use proptest::prelude::*;

/// Lowercase alphanumeric words, the unit of "the text survived". HTML tags
/// (`<b>`, `</span>`) are not words: Quizlet shows text, not markup.
fn words(text: &str) -> Vec<String> {
    let mut without_tags = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('<') {
        without_tags.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let is_tag = after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
        match after.find('>') {
            Some(end) if is_tag => rest = &after[end + 1..],
            _ => {
                without_tags.push('<');
                rest = after;
            }
        }
    }
    without_tags.push_str(rest);
    without_tags
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether `inner` appears in `outer` in order (gaps allowed).
fn is_subsequence(inner: &[String], outer: &[String]) -> bool {
    let mut it = outer.iter();
    inner.iter().all(|w| it.any(|o| o == w))
}

/// Splits like Quizlet: records on `card_sep`, then each record on `term_sep`.
fn quizlet_split(text: &str, term_sep: &str, card_sep: &str) -> Vec<Vec<String>> {
    text.split(card_sep)
        .filter(|r| !r.is_empty())
        .map(|r| r.split(term_sep).map(str::to_string).collect())
        .collect()
}

/// The bank as plain YAML data, read independently of flashdeck's loader.
fn bank_cards(path: &Path) -> Vec<serde_json::Value> {
    let text = std::fs::read_to_string(path).unwrap();
    let value: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    value["cards"].as_array().unwrap().clone()
}

/// Text with its MathJax segments (`\\( … \\)`, `\\[ … \\]`) typeset as
/// Quizlet gets them.
fn math_as_text(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let open = [("\\(", "\\)"), ("\\[", "\\]")]
            .iter()
            .filter_map(|(o, c)| rest.find(o).map(|at| (at, *c)))
            .min_by_key(|(at, _)| *at);
        let Some((at, close)) = open else { break };
        out.push_str(&rest[..at]);
        match rest[at + 2..].find(close) {
            Some(end) => {
                let tex = rest[at + 2..at + 2 + end].trim();
                out.push_str(&tex_to_text(tex).unwrap_or_else(|| tex.to_string()));
                rest = &rest[at + 2 + end + 2..];
            }
            None => {
                out.push_str(&rest[at..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn build_quizlet(bank: &str, extra_args: &[&str]) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("source"), &dir.path().join("source"));
    let (status, _, stderr) = run(flashdeck(dir.path())
        .args(["build", bank, "--format", "quizlet", "--out", "q"])
        .args(extra_args));
    assert_eq!(status, 0, "{stderr}");
    let file = files_below(&dir.path().join("q")).pop().unwrap();
    let text = std::fs::read_to_string(dir.path().join("q").join(file)).unwrap();
    (dir, text)
}

/// Every card gives the expected records, each with exactly one term and one
/// definition, and the words of the bank's text survive in order.
fn assert_cards_survive(bank: &str) {
    let (_dir, text) = build_quizlet(bank, &[]);
    let records = quizlet_split(&text, "\t", "\n");
    let cards = bank_cards(&repo().join(bank));
    let expected: usize = cards
        .iter()
        .map(|c| if c["type"] == "reversed" { 2 } else { 1 })
        .sum();
    assert_eq!(records.len(), expected, "{bank}: record count");
    let mut records = records.into_iter();
    for card in &cards {
        let id = card["id"].as_str().unwrap();
        let record = records.next().unwrap();
        assert_eq!(record.len(), 2, "{id}: a tab inside a field: {record:?}");
        let (term, definition) = (&record[0], &record[1]);
        assert!(
            !term.trim().is_empty() && !definition.trim().is_empty(),
            "{id}: empty side"
        );
        match card["type"].as_str().unwrap_or("basic") {
            "cloze" => {
                let source = card["text"].as_str().unwrap();
                assert!(term.contains("_____"), "{id}: no blank in {term}");
                assert!(!term.contains("{{c"), "{id}: cloze marker left in {term}");
                for deletion in source.split("{{c").skip(1) {
                    let answer = deletion
                        .split_once("::")
                        .unwrap()
                        .1
                        .split("}}")
                        .next()
                        .unwrap();
                    let answer = answer.split("::").next().unwrap();
                    assert!(
                        is_subsequence(&words(answer), &words(definition)),
                        "{id}: answer {answer:?} missing from {definition:?}"
                    );
                }
            }
            kind => {
                // Math is typeset as text (πr²), by the library's own typesetter.
                let question =
                    &replace_images(&math_as_text(card["question"].as_str().unwrap()), true);
                let answer = &replace_images(&math_as_text(card["answer"].as_str().unwrap()), true);
                for side in [term, definition] {
                    assert!(
                        !side.contains("\\(") && !side.contains("\\["),
                        "{id}: raw TeX delimiters reach Quizlet: {side:?}"
                    );
                }
                assert!(
                    is_subsequence(&words(term), &words(question)),
                    "{id}: term {term:?} is not the question"
                );
                assert!(
                    words(term).len() * 10 >= words(question).len() * 8,
                    "{id}: term lost words: {term:?}"
                );
                assert!(
                    is_subsequence(
                        &words(definition),
                        &words(&format!(
                            "{answer} {}",
                            math_as_text(card["extra"].as_str().unwrap_or(""))
                        )),
                    ) || kind == "reversed",
                    "{id}: definition {definition:?}"
                );
                assert!(
                    words(definition).len() * 10 >= words(answer).len() * 7,
                    "{id}: definition lost words: {definition:?}"
                );
                if kind == "reversed" {
                    // The reverse asks the answer (without the extra notes) and expects the question.
                    let back = records.next().unwrap();
                    assert_eq!(back.len(), 2);
                    assert_eq!(&back[1], term, "{id}: the reverse pair's definition");
                    assert!(
                        definition.starts_with(back[0].as_str()),
                        "{id}: the reverse pair's term {:?}",
                        back[0]
                    );
                }
            }
        }
    }
}

#[test]
fn django_bank_cards_survive_quizlet_splitting() {
    assert_cards_survive("source/django-interview.yaml");
}

#[test]
fn showcase_bank_cards_survive_quizlet_splitting() {
    assert_cards_survive("source/examples/showcase.yaml");
}

#[test]
fn custom_separators_keep_multi_line_definitions() {
    let (_dir, text) = build_quizlet(
        "source/django-interview.yaml",
        &["--quizlet-term-sep", " => ", "--quizlet-card-sep", "\\n\\n"],
    );
    let records = quizlet_split(&text, " => ", "\n\n");
    let bank: serde_json::Value = serde_saphyr::from_str(
        &std::fs::read_to_string(repo().join("source/django-interview.yaml")).unwrap(),
    )
    .unwrap();
    let cards = bank["cards"].as_array().unwrap();
    let reversed = cards.iter().filter(|c| c["type"] == "reversed").count();
    assert_eq!(
        records.len(),
        cards.len() + reversed,
        "one record per card, two per reversed card"
    );
    assert!(
        records.iter().all(|r| r.len() == 2),
        "a separator leaked into a field"
    );
    let multi_line = records.iter().filter(|r| r[1].contains('\n')).count();
    assert!(
        multi_line >= 20,
        "only {multi_line} definitions kept their lines"
    );
    assert!(
        !text.contains("\n\n\n"),
        "a blank line inside a definition would split a card"
    );
}

/// Writes `bank` as b.yaml and builds it for Quizlet with `card_sep`: the
/// build must fail at the card on line 8 and write nothing.
fn assert_refused_at_line_8(dir: &std::path::Path, bank: &str, card_sep: &str) {
    std::fs::write(dir.join("b.yaml"), bank).unwrap();
    let (status, _, stderr) = run(flashdeck(dir).args([
        "build",
        "b.yaml",
        "--format",
        "quizlet",
        "--quizlet-card-sep",
        card_sep,
        "--out",
        "q",
    ]));
    assert_eq!(status, 1, "{stderr}");
    assert!(
        stderr.contains("error[quizlet-separator]") && stderr.contains("b.yaml:8:9"),
        "{stderr}"
    );
    assert!(files_below(&dir.join("q")).is_empty());
}

#[test]
fn a_field_holding_the_separator_fails_the_build_at_the_card() {
    let dir = tempfile::tempdir().unwrap();
    assert_refused_at_line_8(
        dir.path(),
        "deck:\n  id: b\n  name: B\ncards:\n  - id: fine\n    question: Q\n    answer: A\n  - id: has-semicolon\n    question: Why?\n    answer: Because; that is why.\n",
        ";",
    );
    // With the default separators the same bank builds.
    assert_eq!(
        run(flashdeck(dir.path()).args(["build", "b.yaml", "--format", "quizlet", "--out", "q"])).0,
        0
    );
}

#[test]
fn a_field_ending_in_part_of_the_separator_is_refused_too() {
    // Found by the property test: "| 2 |" followed by the card separator
    // "|||" reads as "| 2 ||||", which Quizlet splits one character early.
    let dir = tempfile::tempdir().unwrap();
    assert_refused_at_line_8(
        dir.path(),
        "deck:\n  id: b\n  name: B\ncards:\n  - id: ok\n    question: Q\n    answer: A\n  - id: ends-in-a-bar\n    question: Which bar?\n    answer: \"The last one |\"\n",
        "|||",
    );
}

#[test]
fn long_fields_warn_but_are_never_truncated() {
    let (_dir, text) = build_quizlet("source/django-interview.yaml", &[]);
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("source"), &dir.path().join("source"));
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "build",
        "source/django-interview.yaml",
        "--format",
        "quizlet",
        "--quizlet-max-chars",
        "300",
        "--out",
        "q",
    ]));
    assert_eq!(status, 0, "{stderr}");
    assert!(stderr.contains("warning[quizlet-long-field]"), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("q/django-interview.quizlet.txt")).unwrap(),
        text,
        "the limit changed the file"
    );
    let longest = text
        .lines()
        .flat_map(|l| l.split('\t'))
        .map(|f| f.chars().count())
        .max()
        .unwrap();
    assert!(
        longest > 300,
        "no field was long enough to test truncation ({longest})"
    );
}

fn markdown_field() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-zA-Z0-9 ,.;:'\"!?&<>{}%-]{1,40}",
        "[a-z]{1,10}\t[a-z]{1,10}",
        "[a-z ]{1,20}\n[a-z ]{1,20}",
        Just("\n\n- item one\n- item two\n\n".to_string()),
        Just("\n\n```python\nif x:\n\tprint(x)\n\n    y = 2\n```\n\n".to_string()),
        Just("\n\n| a | b |\n|---|---|\n| 1\t| 2 |\n\n".to_string()),
        Just("`code\twith tab`".to_string()),
        Just("<b>bold</b>\r\n".to_string()),
        Just(" \\( x^2 \\) ".to_string()),
        Just("![alt text](img.png)".to_string()),
        "[αβγ한글é]{1,8}",
    ];
    prop::collection::vec(piece, 1..6).prop_map(|parts| format!("word {}", parts.concat()))
}

fn generated_card() -> impl Strategy<Value = DeckCard> {
    (
        0usize..4,
        markdown_field(),
        markdown_field(),
        prop::option::of(markdown_field()),
    )
        .prop_map(|(kind, question, answer, extra)| {
            let card_type = [
                CardType::Basic,
                CardType::Reversed,
                CardType::Cloze,
                CardType::TypeIn,
            ][kind];
            // Validation refuses braces inside a deletion, so valid banks have none.
            let deletion = answer.replace(['{', '}'], "");
            let text = if card_type == CardType::Cloze {
                format!("{question} {{{{c1::{deletion}}}}} end")
            } else {
                String::new()
            };
            DeckCard {
                id: "c".into(),
                card_type,
                topic: None,
                question: if card_type == CardType::Cloze {
                    String::new()
                } else {
                    question
                },
                answer: if card_type == CardType::Cloze {
                    String::new()
                } else {
                    answer
                },
                text,
                extra,
                tags: vec![],
                references: vec![],
                note: None,
                guid: None,
                deck: None,
                template_decks: vec![],
                modified: 0,
                id_span: Default::default(),
                crowdanki: None,
            }
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn no_tab_or_newline_leaks_and_the_count_always_matches(cards in prop::collection::vec(generated_card(), 1..12)) {
        let expected: usize = cards.iter().map(|c| if c.card_type == CardType::Reversed { 2 } else { 1 }).sum();
        let deck = Deck { id: "gen".into(), name: "Gen".into(), description: None, description_html: false, crowdanki: None, sources: None, cards, media: vec![], media_names: Default::default(), note_types: vec![], updated: 0 };
        let deck = Rendered::new(&deck);
        for (term_sep, card_sep) in [("\t", "\n"), (" => ", "\n\n"), ("\t", "|||")] {
            let refused = quizlet::problems(&deck, term_sep, card_sep, usize::MAX)
                .iter()
                .any(|p| matches!(p, quizlet::Problem::Separator { .. }));
            // The default separators can never clash: flattening removes tabs and newlines.
            prop_assert!(!(refused && card_sep == "\n"), "default separators refused");
            if refused {
                // The build fails, pointing at the card; there is no file to split.
                continue;
            }
            let writer = QuizletWriter { term_sep: term_sep.into(), card_sep: card_sep.into() };
            let text = String::from_utf8(writer.files(&deck).unwrap().remove(0).bytes).unwrap();
            let records = quizlet_split(&text, term_sep, card_sep);
            prop_assert_eq!(records.len(), expected, "records in {:?}", text);
            for record in &records {
                prop_assert_eq!(record.len(), 2, "record {:?}", record);
                for field in record {
                    prop_assert!(!field.contains('\t'), "tab in {:?}", field);
                    prop_assert!(!field.contains('\r'), "CR in {:?}", field);
                    if card_sep == "\n" {
                        prop_assert!(!field.contains('\n'), "newline in {:?}", field);
                    }
                    prop_assert!(words(field).first().map(String::as_str) == Some("word") || words(field).contains(&"word".to_string()), "text lost: {:?}", field);
                }
            }
        }
    }
}
