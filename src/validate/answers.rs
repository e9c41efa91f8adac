//! `long-answer`: the answer a student must produce, counted in words. A
//! card is gradable in one breath, or it is several cards.

use std::collections::BTreeMap;

use super::rules::Rules;
use crate::diagnostics::{Code, Diagnostic};
use crate::model::{CardType, LoadedBank, cloze};

/// Warns about answers longer than `rules.max_answer_words`: the `answer`
/// of basic, reversed and type-in cards, and for a cloze card the words
/// hidden behind one deletion number (what one of its cards asks for).
/// `extra` is not an answer and is never counted; nor are the fields of a
/// bank's own note types, whose templates say what is asked.
pub(super) fn check(loaded: &LoadedBank, rules: &Rules, report: &mut dyn FnMut(Diagnostic)) {
    let max = rules.max_answer_words;
    let source = &loaded.source;
    let defaults = loaded.bank.defaults.as_ref();
    // A text of at most `2 * max` bytes cannot hold more than `max` words.
    let may_be_long = |text: &str| text.len() > 2 * max;
    for card in &loaded.bank.cards {
        if card.malformed || card.resolved_note_type(defaults).is_some() {
            continue;
        }
        if card.resolved_type(defaults) == CardType::Cloze {
            let Some(text) = card.text.as_ref().filter(|t| may_be_long(&t.value)) else {
                continue;
            };
            // Deletions as Anki reads them, nested ones too (a nested one
            // is hidden on its own card).
            let nodes = cloze::parse_nodes(&text.value);
            let mut hidden: BTreeMap<u32, usize> = BTreeMap::new();
            for deletion in cloze::all_deletions(&nodes) {
                let words = word_count(&deletion.answer(&text.value));
                for &number in &deletion.numbers {
                    *hidden.entry(number).or_default() += words;
                }
            }
            if let Some((number, words)) = hidden
                .into_iter()
                .filter(|&(_, words)| words > max)
                .max_by_key(|&(number, words)| (words, std::cmp::Reverse(number)))
            {
                report(
                    Diagnostic::new(
                        Code::LongAnswer,
                        source,
                        text.span,
                        format!(
                            "card `{}` hides {words} words behind `c{number}`: its card asks for all of them",
                            card.id.value
                        ),
                    )
                    .label(format!("over {max} words to recall"))
                    .hint("a deletion should hide one fact: split it into several deletions (c1, c2, …) or cards, and leave the rest of the sentence as the cue"),
                );
            }
        } else if let Some(answer) = card.answer.as_ref().filter(|a| may_be_long(&a.value)) {
            let words = word_count(&answer.value);
            if words > max {
                report(
                    Diagnostic::new(
                        Code::LongAnswer,
                        source,
                        answer.span,
                        format!("the answer of card `{}` is {words} words long", card.id.value),
                    )
                    .label(format!("over {max} words"))
                    .hint("an answer should be gradable in one breath: split the card into cards that each ask one thing (new ids), or move code and side notes into `extra:`, which is not counted"),
                );
            }
        }
    }
}

/// The words of a Markdown text: runs between whitespace that hold a letter
/// or a digit (list bullets, dashes and fence lines alone are not words).
pub fn word_count(text: &str) -> usize {
    text.split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .count()
}

#[cfg(test)]
mod tests {
    use super::word_count;

    #[test]
    fn words_are_runs_with_a_letter_or_digit() {
        assert_eq!(word_count("- **Model** – the data layer."), 4);
        assert_eq!(word_count("```python\nx = 1\n```"), 3);
        assert_eq!(word_count("  \n"), 0);
        assert_eq!(word_count("`filter(author__name__icontains=\"ann\")`"), 1);
    }
}
