//! Per-card rules: ids, required fields per type, tags, cloze syntax, links;
//! and the deck's own fields.

use std::collections::HashMap;

use super::slug::{is_slug, suggest_slug};
use crate::diagnostics::{Code, Diagnostic};
use crate::model::cloze::{self, ClozeProblem};
use crate::model::{Card, CardType, LoadedBank, Located};
use crate::source::{SourceFile, Span};

pub(super) fn check(loaded: &LoadedBank, report: &mut dyn FnMut(Diagnostic)) {
    let source = &loaded.source;
    let bank = &loaded.bank;
    let deck = &bank.deck;
    // Missing or empty deck fields were reported by the loader.
    if !deck.id.value.is_empty() {
        check_slug(source, &deck.id, "deck id", report);
    }
    if deck
        .name
        .value
        .split("::")
        .any(|part| part.trim().is_empty())
        && !deck.name.value.trim().is_empty()
    {
        report(
            Diagnostic::new(
                Code::InvalidDeckName,
                source,
                deck.name.span,
                "the deck name has an empty `::` part",
            )
            .hint("`::` separates subdecks (`Parent::Child`); remove the extra `::`"),
        );
    }
    if let Some(defaults) = &bank.defaults {
        for tag in &defaults.tags {
            check_tag(source, tag, report);
        }
    }
    // Sized once: growing a million-entry map rehashes into fresh pages.
    let mut first_ids: HashMap<&str, Span> = HashMap::with_capacity(bank.cards.len());
    for card in &bank.cards {
        if card.id.value.is_empty() {
            report(empty(source, &card.id, "`id`"));
        } else if check_slug(source, &card.id, "card id", report) {
            if let Some(first) = first_ids.get(card.id.value.as_str()) {
                let (line, _) = source.line_column(first.start);
                report(
                    Diagnostic::new(
                        Code::DuplicateCardId,
                        source,
                        card.id.span,
                        format!("card id `{}` is already used by the card at line {line}", card.id.value),
                    )
                    .label("used again here")
                    .related(source, *first, "first used here")
                    .hint("card ids must be unique in a bank: give this card a new id (never reuse a published one)"),
                );
            } else {
                first_ids.insert(&card.id.value, card.id.span);
            }
        }
        // Cards of the bank's own note types are checked in note_types.rs.
        if !card.malformed && card.resolved_note_type(bank.defaults.as_ref()).is_none() {
            check_fields(
                source,
                card,
                card.resolved_type(bank.defaults.as_ref()),
                report,
            );
        }
        if let Some(topic) = &card.topic
            && topic.value.trim().is_empty()
        {
            report(empty(source, topic, "`topic`"));
        }
        for tag in &card.tags {
            check_tag(source, tag, report);
        }
        for reference in &card.references {
            check_reference(source, reference, report);
        }
    }
}

fn empty(source: &SourceFile, field: &Located<String>, what: &str) -> Diagnostic {
    Diagnostic::new(
        Code::EmptyField,
        source,
        field.span,
        format!("{what} is empty"),
    )
    .label("empty")
    .hint("write a value, or remove the key if it is optional")
}

fn check_slug(
    source: &SourceFile,
    id: &Located<String>,
    what: &str,
    report: &mut dyn FnMut(Diagnostic),
) -> bool {
    if is_slug(&id.value) {
        return true;
    }
    let suggestion = suggest_slug(&id.value);
    report(
        Diagnostic::new(
            Code::InvalidId,
            source,
            id.span,
            format!("{what} `{}` is not a slug", id.value),
        )
        .label("not a slug")
        .hint(format!(
            "use lowercase letters, digits and single hyphens{}",
            if suggestion.is_empty() {
                String::new()
            } else {
                format!(", e.g. `{suggestion}`")
            }
        )),
    );
    false
}

fn check_tag(source: &SourceFile, tag: &Located<String>, report: &mut dyn FnMut(Diagnostic)) {
    let value = tag.value.as_str();
    let problem = if value.trim().is_empty() {
        Some("a tag is empty")
    } else if value.chars().any(char::is_whitespace) {
        Some("a tag contains a space")
    } else if value.split("::").any(str::is_empty) {
        Some("a tag has an empty `::` part")
    } else {
        None
    };
    if let Some(message) = problem {
        let fix = value.split_whitespace().collect::<Vec<_>>().join("_");
        report(
            Diagnostic::new(Code::InvalidTag, source, tag.span, format!("{message}: `{value}`"))
                .label("invalid tag")
                .hint(if fix.is_empty() {
                    "remove the empty tag".to_string()
                } else {
                    format!("tags cannot hold spaces (Anki splits on them): write `{fix}`, or `::` for a hierarchy")
                }),
        );
    }
}

fn check_reference(
    source: &SourceFile,
    reference: &Located<String>,
    report: &mut dyn FnMut(Diagnostic),
) {
    let ok = url::Url::parse(reference.value.trim())
        .map(|u| {
            matches!(u.scheme(), "http" | "https") && u.host_str().is_some_and(|h| !h.is_empty())
        })
        .unwrap_or(false);
    if !ok {
        report(
            Diagnostic::new(Code::InvalidReference, source, reference.span, format!("`{}` is not an http(s) URL", reference.value))
                .label("not a link")
                .hint("references are web links, e.g. `https://docs.djangoproject.com/en/5.2/topics/http/urls/`"),
        );
    }
}

/// Which fields each type needs, and which it does not use.
fn check_fields(
    source: &SourceFile,
    card: &Card,
    card_type: CardType,
    report: &mut dyn FnMut(Diagnostic),
) {
    let (required, unused): (&[&str], &[&str]) = match card_type {
        CardType::Cloze => (&["text"], &["question", "answer"]),
        _ => (&["question", "answer"], &["text"]),
    };
    let field = |name: &str| match name {
        "question" => card.question.as_ref(),
        "answer" => card.answer.as_ref(),
        _ => card.text.as_ref(),
    };
    for &name in required {
        match field(name) {
            None => report(
                Diagnostic::new(
                    Code::MissingField,
                    source,
                    card.id.span,
                    format!(
                        "{} card `{}` has no `{name}`",
                        card_type.as_str(),
                        card.id.value
                    ),
                )
                .label("this card")
                .hint(match card_type {
                    CardType::Cloze => {
                        "a cloze card needs `text:` with `{{c1::…}}` deletions".to_string()
                    }
                    _ => format!("add `{name}:` (Markdown) to the card"),
                }),
            ),
            Some(value) if value.value.trim().is_empty() => {
                report(empty(source, value, &format!("`{name}`")))
            }
            Some(_) => {}
        }
    }
    for &name in unused {
        if let Some(value) = field(name) {
            let hint = match card_type {
                CardType::Cloze => {
                    "a cloze card has `text:` only: move this into `text:` or `extra:`, or set `type: basic`"
                }
                _ => {
                    "`text:` is for cloze cards: set `type: cloze`, or use `question:` and `answer:`"
                }
            };
            report(
                Diagnostic::new(
                    Code::FieldNotUsed,
                    source,
                    value.span,
                    format!("a {} card does not use `{name}`", card_type.as_str()),
                )
                .label("ignored by this card type")
                .hint(hint),
            );
        }
    }
    if card_type == CardType::Cloze
        && let Some(text) = &card.text
    {
        check_cloze(source, text, true, report);
    }
}

/// Checks the deletions of a cloze field; `markdown` also checks that
/// rendering the Markdown keeps them.
pub(super) fn check_cloze(
    source: &SourceFile,
    text: &Located<String>,
    markdown: bool,
    report: &mut dyn FnMut(Diagnostic),
) {
    if text.value.trim().is_empty() {
        return;
    }
    // Points at the problem inside the field when the text appears verbatim
    // after the field's start (block scalars do), else at the field.
    let locate = |offset: usize, len: usize| {
        let context_start = text.value[..offset].rfind("{{c").unwrap_or(offset);
        let context_end = (offset + len).min(text.value.len());
        // Within the field only: searching to the end of the file for every
        // problem would be quadratic in the size of the bank.
        source
            .find_in(text.span, &text.value[context_start..context_end])
            .map(|s| Span::new(s.start + offset - context_start, s.end))
            .unwrap_or(text.span)
    };
    let numbers = cloze::numbers(&text.value);
    if numbers.is_empty() {
        report(
            Diagnostic::new(Code::ClozeWithoutDeletion, source, text.span, "cloze text has no `{{c1::…}}` deletion")
                .label("nothing to hide")
                .hint("wrap what the learner should recall in `{{c1::…}}`, e.g. `Django's ORM maps {{c1::models}} to tables`"),
        );
    }
    let problems = cloze::problems(&text.value);
    for problem in &problems {
        report(match *problem {
            ClozeProblem::BadNumber(at) => Diagnostic::new(Code::ClozeNumber, source, locate(at, 3), format!("this cloze number cannot be used: Anki numbers cloze cards 1 to {}", cloze::MAX_NUMBER))
                .label("not a number from 1 to 65535")
                .hint("number deletions from `c1` up (`{{c1::…}}`, `{{c2::…}}`); `c1,2` puts one deletion on two cards"),
            ClozeProblem::Empty(at) => Diagnostic::new(Code::ClozeEmpty, source, locate(at, 3), "this cloze deletion hides nothing")
                .label("empty deletion")
                .hint("put the text to recall inside it (`{{c1::models}}`), or remove the marker"),
            ClozeProblem::Braces(at) => Diagnostic::new(Code::ClozeBraces, source, locate(at, 2), "braces inside a cloze deletion end it early in Anki")
                .label("`{{`, `}}` or `}` inside the deletion")
                .hint("keep Django template syntax (`{{ var }}`, `{% tag %}`) and TeX braces outside `{{c1::…}}`, or put them in `extra:`"),
            ClozeProblem::Unclosed(at) => Diagnostic::new(Code::ClozeUnclosed, source, locate(at, 3), "this cloze deletion is never closed: Anki drops it and the text after it")
                .label("opened here")
                .hint("missing `}}`? close it: `{{c1::hidden text}}`"),
        });
    }
    if problems.is_empty() && !numbers.is_empty() && markdown {
        check_rendered_cloze(source, text, &numbers, report);
    }
}

/// The deletions Anki will see are those of the rendered HTML, not of the
/// Markdown: an escape (`{{c2\::x}}`) or markup can make or break a marker.
/// Each card is generated from the Markdown's numbers, so the two must agree.
fn check_rendered_cloze(
    source: &SourceFile,
    text: &Located<String>,
    written: &[u32],
    report: &mut dyn FnMut(Diagnostic),
) {
    let html = crate::markup::to_html(
        &text.value,
        &crate::markup::HtmlOptions {
            media_url: &|_| None,
            escape_braces: true,
        },
    );
    let rendered = cloze::numbers(&html);
    let rendered = (cloze::problems(&html).is_empty()).then_some(rendered);
    if rendered.as_deref() != Some(written) {
        let seen = rendered.map_or_else(
            || "a deletion it cannot read".to_string(),
            |n| format!("deletions {n:?}"),
        );
        report(
            Diagnostic::new(
                Code::ClozeChangedByMarkdown,
                source,
                text.span,
                format!("after Markdown, Anki would see {seen}, not the deletions {written:?} written here"),
            )
            .label("this cloze text")
            .hint("write each `{{cN::…}}` marker plainly: no backslash escapes or HTML tags inside `{{`, `cN`, `::` or `}}`"),
        );
    }
}
