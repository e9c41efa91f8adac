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
    // The questions left, each with a character histogram: a cheap lower
    // bound on the edit distance that rules out almost every pair.
    let candidates: Vec<(usize, &str, Histogram)> = prompts
        .iter()
        .filter(|(i, _)| !exact[*i])
        .map(|(i, t)| (*i, t.as_str(), Histogram::of(t)))
        .collect();
    let mut reported: Vec<(usize, usize)> = Vec::new();
    for reversed in [false, true] {
        let mut order: Vec<usize> = (0..candidates.len()).collect();
        if reversed {
            order.sort_by(|&a, &b| {
                candidates[a]
                    .1
                    .chars()
                    .rev()
                    .cmp(candidates[b].1.chars().rev())
            });
        } else {
            order.sort_by_key(|&a| candidates[a].1);
        }
        for (position, &a) in order.iter().enumerate() {
            for &b in order.iter().skip(position + 1).take(NEIGHBOURS) {
                let ((i, text, histogram), (j, other, other_histogram)) =
                    (&candidates[a], &candidates[b]);
                let pair = ((*i).min(*j), (*i).max(*j));
                if reported.contains(&pair) {
                    continue;
                }
                let limit = max_distance(text, other, rules.near_duplicate_similarity);
                if histogram.distance_bound(other_histogram) > limit {
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

/// Character counts folded into 64 bins (saturating), for [`Histogram::distance_bound`].
struct Histogram([u8; 64]);

impl Histogram {
    fn of(text: &str) -> Histogram {
        let mut bins = [0u8; 64];
        for c in text.chars() {
            let bin = &mut bins[(c as u32 % 64) as usize];
            *bin = bin.saturating_add(1);
        }
        Histogram(bins)
    }

    /// A lower bound on the Levenshtein distance: each edit changes the counts
    /// by at most two, and folding or saturating counts only lowers the sum.
    fn distance_bound(&self, other: &Histogram) -> usize {
        let sum: usize = self
            .0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| a.abs_diff(*b) as usize)
            .sum();
        sum.div_ceil(2)
    }
}

/// The largest edit distance that still counts as similar at `threshold`.
fn max_distance(a: &str, b: &str, threshold: f64) -> usize {
    let chars = |s: &str| {
        if s.is_ascii() {
            s.len()
        } else {
            s.chars().count()
        }
    };
    ((1.0 - threshold) * chars(a).max(chars(b)) as f64).floor() as usize
}

fn similar(a: &str, b: &str, threshold: f64) -> bool {
    // ASCII text (the usual case) is compared byte for byte, without copying.
    if a.is_ascii() && b.is_ascii() {
        return similar_units(a.as_bytes(), b.as_bytes(), threshold);
    }
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    similar_units(&a, &b, threshold)
}

fn similar_units<T: PartialEq>(a: &[T], b: &[T], threshold: f64) -> bool {
    let k = ((1.0 - threshold) * a.len().max(b.len()) as f64).floor() as usize;
    within_distance(a, b, k)
}

/// Levenshtein distance of `a` and `b` is at most `k` (Ukkonen's band).
fn within_distance<T: PartialEq>(a: &[T], b: &[T], k: usize) -> bool {
    if a.len().abs_diff(b.len()) > k {
        return false;
    }
    const FAR: usize = usize::MAX / 2;
    let mut previous = vec![FAR; b.len() + 2];
    let mut current = vec![FAR; b.len() + 2];
    for (j, cell) in previous.iter_mut().enumerate().take(k.min(b.len()) + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        let low = i.saturating_sub(k).max(1);
        let high = (i + k).min(b.len());
        // Only the band is computed; the cells just outside it must read as far.
        current[low - 1] = if low == 1 && i <= k { i } else { FAR };
        current[high + 1] = FAR;
        let mut row_min = current[low - 1];
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
        // The histogram bound never exceeds the real distance.
        for a in words {
            for b in words {
                let bound = Histogram::of(a).distance_bound(&Histogram::of(b));
                assert!(bound <= strsim::levenshtein(a, b), "{a:?} {b:?}");
            }
        }
    }
}
