//! Warnings for questions asked twice, exactly or nearly.
//!
//! Near-duplicates are found without comparing every pair (which would be
//! quadratic on 100k-card banks): questions are normalised, sorted, and each
//! is compared with its neighbours, in forward order and in order of the
//! reversed text, so a difference near either end is still caught.

use std::collections::HashMap;

use super::Rules;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{Card, LoadedBank};

const NEIGHBOURS: usize = 3;

pub(super) fn check(loaded: &LoadedBank, rules: &Rules, report: &mut dyn FnMut(Diagnostic)) {
    let source = &loaded.source;
    let cards = &loaded.bank.cards;
    for card in cards {
        for (name, field) in card.markdown_fields() {
            let chars = field.value.chars().count();
            if chars > rules.max_field_chars {
                report(
                    Diagnostic::new(
                        Code::LongField,
                        source,
                        field.span,
                        format!("`{name}` of card `{}` is {chars} characters long", card.id.value),
                    )
                    .label(format!("over {} characters", rules.max_field_chars))
                    .hint("long answers are hard to recall: split the card, or move detail into `extra:`"),
                );
            }
        }
    }
    let prompts: Vec<(usize, String)> = cards
        .iter()
        .enumerate()
        .filter_map(|(i, c)| prompt(c).map(|p| (i, normalise(p))))
        .filter(|(_, p)| !p.is_empty())
        .collect();
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut exact = vec![false; cards.len()];
    for (i, text) in &prompts {
        if let Some(&j) = first.get(text.as_str()) {
            exact[*i] = true;
            warn(
                loaded,
                Code::DuplicateQuestion,
                &cards[*i],
                &cards[j],
                "asks the same question as",
                report,
            );
        } else {
            first.insert(text, *i);
        }
    }
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for reversed in [false, true] {
        let mut order: Vec<(String, usize)> = prompts
            .iter()
            .filter(|(i, _)| !exact[*i])
            .map(|(i, t)| {
                (
                    if reversed {
                        t.chars().rev().collect()
                    } else {
                        t.clone()
                    },
                    *i,
                )
            })
            .collect();
        order.sort();
        for (k, (text, i)) in order.iter().enumerate() {
            for (other, j) in order.iter().skip(k + 1).take(NEIGHBOURS) {
                let pair = ((*i).min(*j), (*i).max(*j));
                if reported.contains(&pair) {
                    continue;
                }
                if strsim::normalized_levenshtein(text, other) >= rules.near_duplicate_similarity {
                    reported.push(pair);
                    warn(
                        loaded,
                        Code::NearDuplicateQuestion,
                        &cards[pair.1],
                        &cards[pair.0],
                        "asks nearly the same question as",
                        report,
                    );
                }
            }
        }
    }
}

fn prompt(card: &Card) -> Option<&str> {
    card.question
        .as_ref()
        .or(card.text.as_ref())
        .map(|f| f.value.as_str())
}

fn normalise(text: &str) -> String {
    text.to_lowercase()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn warn(
    loaded: &LoadedBank,
    code: Code,
    card: &Card,
    earlier: &Card,
    verb: &str,
    report: &mut dyn FnMut(Diagnostic),
) {
    let source = &loaded.source;
    let field = card
        .question
        .as_ref()
        .or(card.text.as_ref())
        .map_or(card.id.span, |f| f.span);
    let earlier_field = earlier
        .question
        .as_ref()
        .or(earlier.text.as_ref())
        .map_or(earlier.id.span, |f| f.span);
    report(
        Diagnostic::new(
            code,
            source,
            field,
            format!(
                "card `{}` {verb} card `{}`",
                card.id.value, earlier.id.value
            ),
        )
        .label("this question")
        .related(source, earlier_field, "the other question")
        .hint("merge the two cards, or make each question ask something distinct"),
    );
}
