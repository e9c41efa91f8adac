//! Cloze deletions (`{{c1::answer}}`, `{{c2::answer::hint}}`), parsed once for
//! validation, card generation and the Quizlet and handout writers.

/// One `{{cN::…}}` deletion in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deletion {
    /// The cloze numbers (`c1,2` gives two).
    pub numbers: Vec<u32>,
    /// The hidden text.
    pub answer: String,
    /// The optional hint after a second `::`.
    pub hint: Option<String>,
    /// Byte range of the whole `{{…}}` in the text.
    pub range: std::ops::Range<usize>,
}

/// Why a text's deletions cannot be used as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClozeProblem {
    /// `{{` or a stray `}` inside a deletion, at this byte offset: Anki would end
    /// the deletion early (Django's `{{ var }}` and `{% tag %}` are the usual cause).
    Braces(usize),
    /// A `{{cN::` at this byte offset is never closed.
    Unclosed(usize),
    /// The deletion at this byte offset has a number Anki cannot use: 0, or
    /// above [`MAX_NUMBER`] (Anki's card numbers are 16-bit), or an empty
    /// item in a list (`c1,,2`).
    BadNumber(usize),
    /// The deletion at this byte offset hides nothing (`{{c1::}}`).
    Empty(usize),
}

/// The largest cloze number Anki accepts: its card numbers are 16-bit.
pub const MAX_NUMBER: u32 = 65_535;

/// Finds every deletion in `text`, or the first problem.
///
/// ```
/// use flashdeck::model::cloze::{self, ClozeProblem};
/// let deletions = cloze::parse("Django follows {{c1::MTV::a pattern}}.").unwrap();
/// assert_eq!(deletions[0].answer, "MTV");
/// assert_eq!(deletions[0].hint.as_deref(), Some("a pattern"));
/// // Template syntax inside a deletion would end it early in Anki.
/// assert!(matches!(cloze::parse("{{c1::{{ user }}}}"), Err(ClozeProblem::Braces(_))));
/// ```
pub fn parse(text: &str) -> Result<Vec<Deletion>, ClozeProblem> {
    let mut deletions = Vec::new();
    let mut pos = 0;
    while let Some(found) = text[pos..].find("{{c") {
        let start = pos + found;
        let after_c = start + 3;
        let digits_len = text[after_c..]
            .find(|c: char| !(c.is_ascii_digit() || c == ','))
            .unwrap_or(text.len() - after_c);
        let numbers_text = &text[after_c..after_c + digits_len];
        if digits_len == 0 || !text[after_c + digits_len..].starts_with("::") {
            pos = after_c;
            continue;
        }
        let content_start = after_c + digits_len + 2;
        let Some(close) = text[content_start..].find("}}") else {
            return Err(ClozeProblem::Unclosed(start));
        };
        let content_end = content_start + close;
        let content = &text[content_start..content_end];
        if let Some(inner) = content.find("{{") {
            return Err(ClozeProblem::Braces(content_start + inner));
        }
        // `{{c1::{% url %}}}`: the first `}}` closes early and a `}` is left over.
        if text[content_end + 2..].starts_with('}') {
            return Err(ClozeProblem::Braces(content_end));
        }
        let mut numbers = Vec::new();
        for part in numbers_text.split(',') {
            match part.parse::<u32>() {
                Ok(n) if (1..=MAX_NUMBER).contains(&n) => numbers.push(n),
                _ => return Err(ClozeProblem::BadNumber(start)),
            }
        }
        let (answer, hint) = match content.split_once("::") {
            Some((a, h)) => (a.to_string(), Some(h.to_string())),
            None => (content.to_string(), None),
        };
        if answer.trim().is_empty() {
            return Err(ClozeProblem::Empty(start));
        }
        deletions.push(Deletion {
            numbers,
            answer,
            hint,
            range: start..content_end + 2,
        });
        pos = content_end + 2;
    }
    Ok(deletions)
}

/// The distinct cloze numbers of `text`, ascending (one Anki card each).
pub fn numbers(text: &str) -> Vec<u32> {
    let mut numbers: Vec<u32> = parse(text)
        .unwrap_or_default()
        .into_iter()
        .flat_map(|d| d.numbers)
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_answers_and_hints() {
        let d = parse("A {{c1::model}} and {{c2,3::view::V…}}.").unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].answer, "model");
        assert_eq!(d[1].numbers, vec![2, 3]);
        assert_eq!(d[1].hint.as_deref(), Some("V…"));
        assert_eq!(numbers("{{c2::a}} {{c1::b}} {{c2::c}}"), vec![1, 2]);
    }

    #[test]
    fn django_braces_inside_a_deletion_are_refused() {
        assert!(matches!(
            parse("{{c1::{{ user.name }}}}"),
            Err(ClozeProblem::Braces(_))
        ));
        assert!(matches!(
            parse("{{c1::{% csrf_token %}}}"),
            Err(ClozeProblem::Braces(_))
        ));
        assert!(matches!(
            parse("x {{c1::open"),
            Err(ClozeProblem::Unclosed(2))
        ));
        assert_eq!(
            parse("{{c0::x}} {{c1::y}}"),
            Err(ClozeProblem::BadNumber(0))
        );
        assert_eq!(parse("{{c65536::x}}"), Err(ClozeProblem::BadNumber(0)));
        assert_eq!(
            parse("{{c99999999999::x}}"),
            Err(ClozeProblem::BadNumber(0))
        );
        assert_eq!(parse("{{c1,,2::x}}"), Err(ClozeProblem::BadNumber(0)));
        assert_eq!(parse("a {{c1::  ::hint}}"), Err(ClozeProblem::Empty(2)));
        assert_eq!(parse("{{c65535::x}}").unwrap()[0].numbers, vec![65_535]);
        // Template syntax outside deletions is fine.
        assert_eq!(parse("{{ var }} is {{c1::a variable}}").unwrap().len(), 1);
    }
}
