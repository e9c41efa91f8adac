//! The Markdown handouts, parsed with a CommonMark parser: one numbered item
//! per card, the same numbers in the quiz and its answer key, working contents
//! links, and every reference link intact.

use crate::common;

use std::path::Path;

use common::{copy_dir, flashdeck, repo, run};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// A heading and the links found in the document.
#[derive(Default)]
struct Outline {
    headings: Vec<(HeadingLevel, String)>,
    links: Vec<String>,
    images: Vec<String>,
}

fn outline(markdown: &str) -> Outline {
    let mut out = Outline::default();
    let mut current: Option<(HeadingLevel, String)> = None;
    for event in Parser::new_ext(markdown, pulldown_cmark::Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => current = Some((level, String::new())),
            Event::End(TagEnd::Heading(_)) => out.headings.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => out.links.push(dest_url.to_string()),
            Event::Start(Tag::Image { dest_url, .. }) => out.images.push(dest_url.to_string()),
            _ => {}
        }
    }
    out
}

/// The numbers of the `###` card headings, in order.
fn numbered(outline: &Outline) -> Vec<usize> {
    outline
        .headings
        .iter()
        .filter(|(l, _)| *l == HeadingLevel::H3)
        .filter_map(|(_, t)| number(t))
        .collect()
}

/// The number of a numbered card heading: `### 12. …` or `### Question 12`.
fn number(heading: &str) -> Option<usize> {
    let heading = heading.strip_prefix("Question ").unwrap_or(heading);
    let digits: String = heading.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

fn cards(bank: &Path) -> Vec<serde_json::Value> {
    let value: serde_json::Value =
        serde_saphyr::from_str(&std::fs::read_to_string(bank).unwrap()).unwrap();
    value["cards"].as_array().unwrap().clone()
}

fn github_anchor(heading: &str) -> String {
    heading
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

fn check_handouts(bank: &str, deck_id: &str) {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&repo().join("source"), &dir.path().join("source"));
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["build", bank, "--format", "markdown,quiz", "--out", "h"]));
    assert_eq!(status, 0, "{stderr}");
    let cards = cards(&repo().join(bank));
    let read = |name: &str| std::fs::read_to_string(dir.path().join("h").join(name)).unwrap();

    let study = outline(&read(&format!("{deck_id}.md")));
    assert_eq!(
        numbered(&study),
        (1..=cards.len()).collect::<Vec<_>>(),
        "study sheet: one numbered item per card, in order"
    );
    assert_eq!(
        study.headings[0].0,
        HeadingLevel::H1,
        "the title comes first"
    );
    // Contents links point at topic headings.
    let anchors: Vec<String> = study
        .headings
        .iter()
        .filter(|(l, _)| *l == HeadingLevel::H2)
        .map(|(_, t)| github_anchor(t))
        .collect();
    let contents: Vec<&String> = study
        .links
        .iter()
        .filter(|l| l.starts_with('#') && l.len() > 1)
        .collect();
    assert!(!contents.is_empty());
    for link in contents {
        assert!(
            anchors.contains(&link[1..].to_string()),
            "contents link {link} has no heading ({anchors:?})"
        );
    }
    // Every reference of every card is a link, exactly as written in the bank.
    for card in &cards {
        for reference in card["references"].as_array().into_iter().flatten() {
            let url = reference.as_str().unwrap();
            assert!(
                study.links.iter().any(|l| l == url),
                "reference {url} of {} is not a link",
                card["id"]
            );
        }
    }

    // Every image resolves to a file the build wrote beside the sheets.
    let quiz_text = read(&format!("{deck_id}.quiz.md"));
    for image in study.images.iter().chain(&outline(&quiz_text).images) {
        assert!(
            dir.path().join("h").join(image).is_file(),
            "image {image} was not written beside the sheets"
        );
    }
    let (questions, key) = quiz_text
        .split_once("## Answer key")
        .expect("the quiz has an answer key");
    assert!(
        questions.replace(' ', "").contains("break-before:page"),
        "the key starts on a new page when printed"
    );
    reader_sees_a_usable_quiz(&quiz_text, &cards);
    let question_numbers = numbered(&outline(questions));
    let key_numbers = numbered(&outline(key));
    assert_eq!(
        question_numbers,
        (1..=cards.len()).collect::<Vec<_>>(),
        "quiz: one numbered question per card"
    );
    assert_eq!(
        question_numbers, key_numbers,
        "the key's numbers match the questions'"
    );
    assert!(
        outline(questions).headings.len() > cards.len(),
        "topic headings group the questions"
    );
    // No answer text leaks into the question part: each card's answer starts only in the key.
    for card in cards.iter().filter(|c| c["type"] != "cloze") {
        let answer = card["answer"].as_str().unwrap();
        // A line without raw HTML, links, math or characters the sheets
        // escape (they are written again from the parsed Markdown), its
        // list marker dropped (the sheets write their own).
        let first_line = answer
            .lines()
            .find(|l| {
                l.trim().len() > 25
                    && !l.contains(['<', '>', '&', '[', ']', '{', '}', '$', '|', '~', '\\', '#'])
            })
            .unwrap_or("")
            .trim()
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start_matches(['-', '*', '+', '.', ')'])
            .trim_start();
        if !first_line.is_empty() && !card["question"].as_str().unwrap().contains(first_line) {
            assert!(
                !questions.contains(first_line),
                "answer of {} appears among the questions",
                card["id"]
            );
            assert!(
                key.contains(first_line),
                "answer of {} is missing from the key",
                card["id"]
            );
        }
    }
}

/// The quiz as a reader sees it, rendered by a CommonMark renderer: no stray
/// characters, ruled room to answer that grows with the answer, the key's
/// headings repeating the questions, no on-screen typing instructions, and
/// the page break before the key.
fn reader_sees_a_usable_quiz(quiz: &str, cards: &[serde_json::Value]) {
    let mut html = String::new();
    pulldown_cmark::html::push_html(
        &mut html,
        Parser::new_ext(quiz, pulldown_cmark::Options::ENABLE_TABLES),
    );
    // Text a reader sees (tags dropped).
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    assert!(
        !text.lines().any(|l| l.trim() == "\\"),
        "a stray backslash shows on its own line"
    );
    assert!(
        !text.contains("(Type "),
        "an on-screen typing instruction reached paper"
    );
    let (questions_html, key_html) = html.split_once("<h2>Answer key</h2>").expect("key heading");
    assert!(
        questions_html
            .trim_end()
            .replace(' ', "")
            .ends_with("<divstyle=\"break-before:page;page-break-before:always\"></div>"),
        "the page break sits right before the key"
    );
    // Room to answer: ruled lines (rules) after each "Answer:", more for longer answers.
    let rules_per_question: Vec<usize> = questions_html
        .split("<p>Answer:</p>")
        .skip(1)
        .map(|part| {
            part.split("<h3")
                .next()
                .unwrap_or("")
                .matches("<hr />")
                .count()
        })
        .collect();
    assert_eq!(rules_per_question.len(), cards.len());
    assert!(
        rules_per_question.iter().all(|&n| n >= 2),
        "{rules_per_question:?}"
    );
    assert!(
        rules_per_question.iter().max() > rules_per_question.iter().min(),
        "longer answers get more room: {rules_per_question:?}"
    );
    // The key's headings are `N. question`, not a bare number.
    let key_headings: Vec<&str> = key_html
        .split("<h3>")
        .skip(1)
        .map(|h| h.split("</h3>").next().unwrap_or(""))
        .collect();
    assert_eq!(key_headings.len(), cards.len());
    for heading in key_headings {
        let after_number = heading.split_once(". ").map_or("", |(_, q)| q);
        assert!(
            after_number.len() > 3,
            "the key heading {heading:?} lacks its question"
        );
    }
}

#[test]
fn django_handouts_have_the_right_structure() {
    check_handouts("source/django-interview.yaml", "django-interview");
}

#[test]
fn showcase_handouts_have_the_right_structure() {
    check_handouts("source/examples/showcase.yaml", "flashdeck-showcase");
}
