//! Warnings for questions asked twice, exactly or nearly.
//!
//! Near-duplicates are found without comparing every pair (which would be
//! quadratic on 100k-card banks): questions are normalised, sorted, and each
//! is compared with its neighbours, in forward order and in order of the
//! reversed text, so a difference near either end is still caught.

use super::rules::Rules;
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
    let mut prompts: Vec<(usize, String)> = Vec::with_capacity(cards.len());
    prompts.extend(
        crate::parallel_map(cards, |c| prompt(c).map(normalise).unwrap_or_default())
            .into_iter()
            .enumerate()
            .filter(|(_, p)| !p.is_empty()),
    );
    // Both orders of the questions, sorted at once, one per core: by their
    // text, and by their text read backwards. The sorts compare keys held
    // in the vector (sixteen bytes, or six characters from the end), never
    // the texts (on a million-card bank every text read is a cache miss);
    // texts that tie on one piece are sorted again by the next piece, so
    // questions that share most of their words (a templated deck) cost a
    // few passes, not a long comparison per pair. Equal texts keep card
    // order, so an unstable sort gives one order only.
    let texts: Vec<&str> = prompts.iter().map(|(_, p)| p.as_str()).collect();
    let forward = || sorted_by_pieces(&texts, head_key, 16, str::len);
    let backward = || sorted_by_pieces(&texts, tail_key, 6, |t| t.chars().count());
    let [forward, backward]: [Vec<usize>; 2] =
        if crate::worker_threads() > 1 && prompts.len() > 4096 {
            std::thread::scope(|scope| {
                let backward = scope.spawn(backward);
                let forward = forward();
                let backward = backward
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                [forward, backward]
            })
        } else {
            [forward(), backward()]
        };
    // Exact duplicates are runs of the text order (in card order within a
    // run), reported in order of their first card; the first of each run
    // stays a candidate for near-duplicates.
    let mut exact_groups: Vec<Vec<usize>> = Vec::new();
    let mut duplicate = vec![false; prompts.len()];
    for run in forward.chunk_by(|&x, &y| prompts[x].1 == prompts[y].1) {
        if run.len() > 1 {
            exact_groups.push(run.iter().map(|&k| prompts[k].0).collect());
            for &k in &run[1..] {
                duplicate[k] = true;
            }
        }
    }
    exact_groups.sort_unstable();
    for group in &exact_groups {
        report_group(loaded, Code::DuplicateQuestion, group, report);
    }
    // The questions left, each with a character histogram: a cheap lower
    // bound on the edit distance that rules out almost every pair.
    let left: Vec<usize> = (0..prompts.len()).filter(|&k| !duplicate[k]).collect();
    let mut candidate_of = vec![usize::MAX; prompts.len()];
    for (c, &k) in left.iter().enumerate() {
        candidate_of[k] = c;
    }
    let candidates: Vec<(usize, &str, Histogram)> = crate::parallel_map(&left, |&k| {
        let (i, text) = &prompts[k];
        (*i, text.as_str(), Histogram::of(text))
    });
    // Both orders of the candidates alone: their texts all differ, so these
    // are the orders they would sort into by themselves.
    let orders = [forward, backward].map(|order| {
        order
            .into_iter()
            .filter(|&k| !duplicate[k])
            .map(|k| candidate_of[k])
            .collect::<Vec<usize>>()
    });
    // Similar neighbours are joined into groups (union-find), so a templated
    // bank gets one warning per family of questions, not one per pair.
    let mut groups = UnionFind::new(candidates.len());
    for order in orders {
        for (position, &a) in order.iter().enumerate() {
            for &b in order.iter().skip(position + 1).take(NEIGHBOURS) {
                // Cheapest tests first; the texts themselves are read only
                // for the rare pair whose counts allow it (on a large bank
                // each text read is a cache miss).
                let ((_, text, histogram), (_, other, other_histogram)) =
                    (&candidates[a], &candidates[b]);
                let limit = max_distance(
                    histogram.chars,
                    other_histogram.chars,
                    rules.near_duplicate_similarity,
                );
                if histogram.chars.abs_diff(other_histogram.chars) > limit
                    || groups.find(a) == groups.find(b)
                    || histogram.distance_bound(other_histogram) > limit
                {
                    continue;
                }
                if similar(text, other, rules.near_duplicate_similarity) {
                    groups.union(a, b);
                }
            }
        }
    }
    // Each candidate under its group's root, sorted: a group's members are
    // one run, in card order (no map, no list per card).
    let mut members: Vec<(usize, usize)> = (0..candidates.len())
        .map(|k| (groups.find(k), candidates[k].0))
        .collect();
    members.sort_unstable();
    let mut near_groups: Vec<Vec<usize>> = members
        .chunk_by(|x, y| x.0 == y.0)
        .filter(|run| run.len() > 1)
        .map(|run| run.iter().map(|&(_, i)| i).collect())
        .collect();
    near_groups.sort_unstable();
    for group in &near_groups {
        report_group(loaded, Code::NearDuplicateQuestion, group, report);
    }
}

/// The indices of `texts` in the order their pieces give: `key(text, n)`
/// stands for the `n`th piece of `per_piece` units (bytes or characters;
/// `units` counts them), and texts that tie on a piece are sorted by the
/// next, until they differ or end (then they are equal, and keep their
/// order).
fn sorted_by_pieces(
    texts: &[&str],
    key: fn(&str, usize) -> u128,
    per_piece: usize,
    units: fn(&str) -> usize,
) -> Vec<usize> {
    let mut order: Vec<(u128, usize)> = (0..texts.len()).map(|k| (key(texts[k], 0), k)).collect();
    // Runs still to sort: (start, end, piece).
    let mut runs = vec![(0, order.len(), 0usize)];
    while let Some((start, end, piece)) = runs.pop() {
        let run = &mut order[start..end];
        if piece > 0 {
            for item in run.iter_mut() {
                item.0 = key(texts[item.1], piece);
            }
        }
        run.sort_unstable();
        let mut at = 0;
        while at < run.len() {
            let tied = run[at..].iter().take_while(|x| x.0 == run[at].0).count();
            // Texts tied so far go on to the next piece unless every one
            // of them has ended: then they are equal.
            let longest = run[at..at + tied]
                .iter()
                .map(|x| units(texts[x.1]))
                .max()
                .unwrap_or(0);
            if tied > 1 && longest > (piece + 1) * per_piece {
                runs.push((start + at, start + at + tied, piece + 1));
            }
            at += tied;
        }
    }
    order.into_iter().map(|(_, k)| k).collect()
}

/// Bytes `16 × piece` to `16 × piece + 16` of `text` as a key that orders as
/// they do (missing bytes are zero, which sort first, as a prefix does;
/// normalised texts hold no zero byte).
fn head_key(text: &str, piece: usize) -> u128 {
    let mut bytes = [0u8; 16];
    let from = (16 * piece).min(text.len());
    let head = &text.as_bytes()[from..text.len().min(from + 16)];
    bytes[..head.len()].copy_from_slice(head);
    u128::from_be_bytes(bytes)
}

/// Characters `6 × piece` to `6 × piece + 6` of `text` counted from its end,
/// as a key that orders as they do read backwards (21 bits each; a missing
/// character is 0, which sorts first, as a shorter sequence does).
fn tail_key(text: &str, piece: usize) -> u128 {
    text.chars()
        .rev()
        .skip(6 * piece)
        .chain(std::iter::repeat('\0'))
        .take(6)
        .fold(0u128, |key, c| (key << 21) | u128::from(c))
}

/// Disjoint sets of candidates, with path halving.
struct UnionFind(Vec<usize>);

impl UnionFind {
    fn new(n: usize) -> UnionFind {
        UnionFind((0..n).collect())
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// Character counts folded into 64 bins (saturating), for [`Histogram::distance_bound`].
struct Histogram {
    bins: [u8; 64],
    /// The text's length in characters.
    chars: usize,
}

impl Histogram {
    fn of(text: &str) -> Histogram {
        let mut bins = [0u8; 64];
        let mut chars = 0;
        for c in text.chars() {
            let bin = &mut bins[(c as u32 % 64) as usize];
            *bin = bin.saturating_add(1);
            chars += 1;
        }
        Histogram { bins, chars }
    }

    /// A lower bound on the Levenshtein distance: each edit changes the counts
    /// by at most two, and folding or saturating counts only lowers the sum.
    fn distance_bound(&self, other: &Histogram) -> usize {
        let sum: usize = self
            .bins
            .iter()
            .zip(&other.bins)
            .map(|(a, b)| a.abs_diff(*b) as usize)
            .sum();
        sum.div_ceil(2)
    }
}

/// The largest edit distance that still counts as similar at `threshold`,
/// for texts of `a` and `b` characters.
fn max_distance(a: usize, b: usize, threshold: f64) -> usize {
    ((1.0 - threshold) * a.max(b) as f64).floor() as usize
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
/// A common prefix and suffix change no distance, so they are skipped first:
/// texts that differ in one word or number (a templated deck) are decided
/// without the table.
fn within_distance<T: PartialEq>(a: &[T], b: &[T], k: usize) -> bool {
    if a.len().abs_diff(b.len()) > k {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    // The distance is at most the longer middle (substitute, then insert).
    if a.len().max(b.len()) <= k {
        return true;
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

/// What a card asks: its question or cloze text; for a card of a
/// bank-declared note type, the first field it sets (Anki's duplicate
/// check looks at a note's first field).
fn prompt(card: &Card) -> Option<&str> {
    card.question
        .as_ref()
        .or(card.text.as_ref())
        .or(card.fields.first().map(|f| &f.value))
        .map(|f| f.value.as_str())
}

/// The words of `text`, lowercase, one space apart.
fn normalise(text: &str) -> String {
    if !text.is_ascii() {
        // Lowercasing a whole text differs from lowercasing its characters
        // one by one (a final sigma, a dotted capital I).
        return text
            .to_lowercase()
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
    }
    let mut out = String::with_capacity(text.len());
    let mut gap = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c.to_ascii_lowercase());
        } else {
            gap = true;
        }
    }
    out
}

/// `text` with each run of digits as one `#` (`card 12` and `card 7` match).
fn digits_masked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_digit() {
            if !out.ends_with('#') {
                out.push('#');
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// How many other members a group's warning shows as places; the JSON form
/// lists every member.
const SHOWN_PLACES: usize = 3;

/// One warning for a group of cards (in bank order) asking the same or
/// nearly the same question, located at the first.
fn report_group(
    loaded: &LoadedBank,
    code: Code,
    members: &[usize],
    report: &mut dyn FnMut(Diagnostic),
) {
    let source = &loaded.source;
    let cards = &loaded.bank.cards;
    let place = |i: usize| {
        cards[i]
            .question
            .as_ref()
            .or(cards[i].text.as_ref())
            .map_or(cards[i].id.span, |f| f.span)
    };
    let id = |i: usize| format!("`{}`", cards[i].id.value);
    let names = if members.len() <= 4 {
        members
            .iter()
            .map(|&i| id(i))
            .collect::<Vec<_>>()
            .join(", ")
    } else {
        format!(
            "{}, {} … {}",
            id(members[0]),
            id(members[1]),
            id(members[members.len() - 1])
        )
    };
    let only_numbers = {
        let mut masked = members
            .iter()
            .filter_map(|&i| prompt(&cards[i]))
            .map(|p| digits_masked(&normalise(p)));
        let first = masked.next();
        masked.all(|m| Some(&m) == first.as_ref())
    };
    let n = members.len();
    let message = match (code, only_numbers) {
        (Code::DuplicateQuestion, _) => format!("{n} cards ask the same question: {names}"),
        (_, true) => format!("{n} questions differ only in a number: {names}"),
        _ => format!("{n} cards ask nearly the same question: {names}"),
    };
    let mut diagnostic = Diagnostic::new(code, source, place(members[0]), message)
        .label(format!("first of {n}"))
        .hint(if code == Code::DuplicateQuestion {
            "merge the cards, or make each question ask something distinct".to_string()
        } else {
            format!(
                "merge them or make each ask something distinct; if the deck is templated on purpose, allow it: `lints: {{{code}: allow}}` in the bank, or `--allow {code}`"
            )
        });
    for &i in &members[1..] {
        diagnostic = diagnostic.member(source, place(i), cards[i].id.value.clone());
    }
    for &i in members.iter().skip(1).take(SHOWN_PLACES) {
        diagnostic = diagnostic.related(source, place(i), format!("`{}`", cards[i].id.value));
    }
    if n - 1 > SHOWN_PLACES {
        diagnostic
            .message
            .push_str(&format!(" ({} more not shown here)", n - 1 - SHOWN_PLACES));
    }
    report(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostics(questions: &[&str]) -> Vec<Diagnostic> {
        let mut yaml = String::from("deck:\n  id: d\n  name: D\ncards:\n");
        for (i, q) in questions.iter().enumerate() {
            yaml.push_str(&format!(
                "  - id: c{i}\n    question: {q}\n    answer: A.\n"
            ));
        }
        let source = crate::source::SourceFile::new("d.yaml", yaml);
        let mut found = crate::diagnostics::Diagnostics::new();
        let bank = crate::load::load_source(&source, &mut found).unwrap();
        let loaded = LoadedBank {
            source,
            base_dir: ".".into(),
            bank,
        };
        let mut out = Vec::new();
        check(&loaded, &Rules::default(), &mut |d| out.push(d));
        out
    }

    #[test]
    fn templated_questions_give_one_warning_per_group_with_every_member() {
        let questions: Vec<String> = (1..=40)
            .map(|i| format!("What does function number {i} of the module return"))
            .collect();
        let refs: Vec<&str> = questions.iter().map(String::as_str).collect();
        let found = diagnostics(&refs);
        assert_eq!(found.len(), 1, "{found:#?}");
        let d = &found[0];
        assert_eq!(d.code, Code::NearDuplicateQuestion);
        assert!(
            d.message
                .starts_with("40 questions differ only in a number"),
            "{}",
            d.message
        );
        assert_eq!(d.members.len(), 39);
        assert_eq!(d.related.len(), SHOWN_PLACES);
        assert_eq!(d.line, 6, "at the first question");
        let exact = diagnostics(&[
            "What is Django",
            "What is Django?",
            "Unrelated question here",
            "what is django",
        ]);
        assert_eq!(exact.len(), 1, "{exact:#?}");
        assert!(
            exact[0]
                .message
                .starts_with("3 cards ask the same question"),
            "{}",
            exact[0].message
        );
    }

    #[test]
    fn sort_keys_agree_with_the_orders_they_stand_for() {
        let texts = [
            "",
            "a",
            "ab",
            "ab c",
            "abcdefgh",
            "abcdefghi",
            "abcdefgz",
            "zz",
            "é",
            "eé",
            "ée",
            "x y é",
            "b a",
            "a b",
            "ba",
            "cab",
            "dab",
        ];
        for a in texts {
            for b in texts {
                if head_key(a, 0) != head_key(b, 0) {
                    assert_eq!(head_key(a, 0).cmp(&head_key(b, 0)), a.cmp(b), "{a:?} {b:?}");
                }
                if tail_key(a, 0) != tail_key(b, 0) {
                    assert_eq!(
                        tail_key(a, 0).cmp(&tail_key(b, 0)),
                        a.chars().rev().cmp(b.chars().rev()),
                        "{a:?} {b:?}"
                    );
                }
            }
        }
        // Sorting piece by piece gives the texts' own orders, equal texts
        // in their order.
        let long: Vec<String> = (0..60)
            .map(|i| {
                format!(
                    "what is the capital of region number {} of the atlas {}",
                    i % 17,
                    i % 3
                )
            })
            .chain(texts.iter().map(|t| t.to_string()))
            .collect();
        let refs: Vec<&str> = long.iter().map(String::as_str).collect();
        let mut expected: Vec<usize> = (0..refs.len()).collect();
        expected.sort_by(|&x, &y| refs[x].cmp(refs[y]).then(x.cmp(&y)));
        assert_eq!(sorted_by_pieces(&refs, head_key, 16, str::len), expected);
        expected.sort_by(|&x, &y| {
            refs[x]
                .chars()
                .rev()
                .cmp(refs[y].chars().rev())
                .then(x.cmp(&y))
        });
        assert_eq!(
            sorted_by_pieces(&refs, tail_key, 6, |t| t.chars().count()),
            expected
        );
    }

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
