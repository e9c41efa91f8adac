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
            // Bytes ≥ characters: most fields need no counting.
            if field.value.len() <= rules.max_field_chars {
                continue;
            }
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
                if similar(text, other, rules.near_duplicate_similarity) {
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

/// Whether `1 - distance / longer length` reaches `threshold`, where distance
/// is the Levenshtein distance. Only a band of width 2k+1 is computed, and the
/// search stops as soon as the distance must exceed k, so dissimilar pairs
/// (the usual case) cost little.
fn similar(a: &str, b: &str, threshold: f64) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let longer = a.len().max(b.len());
    if longer == 0 {
        return true;
    }
    let k = ((1.0 - threshold) * longer as f64).floor() as usize;
    within_distance(&a, &b, k)
}

/// Levenshtein distance of `a` and `b` is at most `k` (Ukkonen's band).
fn within_distance(a: &[char], b: &[char], k: usize) -> bool {
    if a.len().abs_diff(b.len()) > k {
        return false;
    }
    const FAR: usize = usize::MAX / 2;
    let mut previous = vec![FAR; b.len() + 1];
    let mut current = vec![FAR; b.len() + 1];
    for (j, cell) in previous.iter_mut().enumerate().take(k.min(b.len()) + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let low = i.saturating_sub(k).max(1);
        let high = (i + k).min(b.len());
        current.fill(FAR);
        if i <= k {
            current[0] = i;
        }
        let mut row_min = current[0];
        for j in low..=high {
            let substitution = previous[j - 1] + usize::from(a[i - 1] != b[j - 1]);
            let value = substitution.min(previous[j] + 1).min(current[j - 1] + 1);
            current[j] = value;
            row_min = row_min.min(value);
        }
        if row_min > k {
            return false;
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()] <= k
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banded_distance_agrees_with_full_levenshtein() {
        let words = [
            "",
            "a",
            "kitten",
            "sitting",
            "what is the orm",
            "what is an orm?",
            "abcdef",
            "badcfe",
            "xyz",
        ];
        for a in words {
            for b in words {
                let full = strsim::levenshtein(a, b);
                let (ca, cb): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
                for k in 0..8 {
                    assert_eq!(within_distance(&ca, &cb, k), full <= k, "{a:?} {b:?} k={k}");
                }
            }
        }
        assert!(similar(
            "what does select_related do",
            "what does select_related do?",
            0.9
        ));
        assert!(!similar("what is a model", "what is a view", 0.9));
    }
}
