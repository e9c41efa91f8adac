//! An Anki field's HTML as bank text: the Markdown (or, for a field of a
//! bank-declared note type, `{html: …}`) that builds exactly that HTML
//! again. Candidates are tried in order of how little they change the bank,
//! and each is kept only when rendering it gives Anki's HTML byte for byte.

use crate::markup::{HtmlOptions, escape_markdown_text, html_to_markdown, to_html, to_plain_text};

/// How the .apkg renders one field from the bank's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Markdown (question, answer, extra; `escape_braces` for cloze text).
    Markdown {
        /// Braces outside deletions are escaped (cloze text).
        cloze: bool,
    },
    /// A type-in card's answer: its plain text, which Anki compares.
    TypedAnswer,
    /// A field of a bank-declared note type (one paragraph is written
    /// without its `<p>`).
    NoteField {
        /// The field holds cloze deletions.
        cloze: bool,
    },
}

/// The bank text for one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldText {
    /// Markdown, or HTML when `html`.
    pub text: String,
    /// Written `{html: …}` (bank-declared note types only).
    pub html: bool,
    /// Building `text` gives Anki's HTML exactly.
    pub exact: bool,
    /// Not exact only because the bank wraps it in a paragraph (`<p>…</p>`),
    /// as every built-in field; Anki shows it the same.
    pub paragraph: bool,
}

/// The HTML the .apkg holds for `text` in a field of `kind`.
pub fn render(kind: FieldKind, text: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    let options = |cloze| HtmlOptions {
        media_url,
        escape_braces: cloze,
    };
    match kind {
        FieldKind::Markdown { cloze } => to_html(text, &options(cloze)),
        FieldKind::TypedAnswer => {
            let plain = html_escape::encode_text(&to_plain_text(text)).into_owned();
            crate::markup::rewrite_sound_tags(&plain, media_url)
        }
        FieldKind::NoteField { cloze } => {
            if text.trim().is_empty() {
                String::new()
            } else {
                crate::anki::note_type::inline_paragraph(to_html(text, &options(cloze)))
            }
        }
    }
}

/// The bank text that builds `anki_html`, given the field's text in the
/// bank (`was`) and the HTML it built (`built`). The edit Anki made is
/// carried into `was` when it changed only words; otherwise Markdown is
/// written afresh, and for a bank-declared note type `{html: …}` when no
/// Markdown gives the same HTML. `exact` is false only when nothing found
/// builds it (the nearest Markdown is returned).
pub fn field_text(
    kind: FieldKind,
    anki_html: &str,
    was: &str,
    built: &str,
    media_url: &dyn Fn(&str) -> Option<String>,
) -> FieldText {
    let builds = |candidate: &str| render(kind, candidate, media_url) == anki_html;
    let markdown = |text: String| FieldText {
        text,
        html: false,
        exact: true,
        paragraph: false,
    };
    if anki_html.trim().is_empty() {
        return markdown(String::new());
    }
    if let Some(edited) = words_edit(was, built, anki_html).filter(|c| builds(c)) {
        return markdown(edited);
    }
    let decoded = html_escape::decode_html_entities(anki_html).into_owned();
    let fresh = html_to_markdown(anki_html);
    // Plain words first, then Markdown written afresh, then HTML as written
    // (Markdown keeps inline HTML): the first that builds Anki's HTML.
    let mut candidates = Vec::new();
    if !decoded.contains('<') {
        candidates.push(decoded.clone());
        candidates.push(escape_markdown_text(&decoded));
    }
    candidates.push(fresh.clone());
    candidates.extend(paragraphs(anki_html));
    if decoded.contains('<') {
        candidates.push(decoded.clone());
    }
    candidates.push(anki_html.to_string());
    if let Some(found) = candidates.into_iter().find(|c| builds(c)) {
        return markdown(found);
    }
    if matches!(kind, FieldKind::NoteField { .. }) {
        return FieldText {
            text: anki_html.to_string(),
            html: true,
            exact: true,
            paragraph: false,
        };
    }
    // Anki's editor writes a line without a paragraph around it; the bank's
    // Markdown always makes one, which is as exact as a built-in field gets.
    let wrapped = format!("<p>{anki_html}</p>");
    let paragraph = [decoded, fresh.clone()]
        .into_iter()
        .find(|c| render(kind, c, media_url) == wrapped);
    FieldText {
        exact: false,
        paragraph: paragraph.is_some(),
        text: paragraph.unwrap_or(fresh),
        html: false,
    }
}

/// The inner HTML of a field that is only paragraphs (`<p>a <b>b</b></p>`),
/// blank lines between: Markdown keeps inline HTML as written, so Anki's
/// `<b>` stays `<b>`.
fn paragraphs(html: &str) -> Option<String> {
    let inner = html.trim_end().strip_prefix("<p>")?.strip_suffix("</p>")?;
    let parts: Vec<&str> = inner.split("</p>\n<p>").collect();
    let plain = parts
        .iter()
        .all(|p| !p.contains("<p") && !p.contains("</p") && !p.contains("\n\n"));
    plain.then(|| parts.join("\n\n"))
}

/// `was` with the words Anki changed replaced, when the HTML `built` from
/// it and Anki's differ in one stretch of text only (no tag or entity in
/// it) and that stretch, widened to whole words, occurs once in `was`.
fn words_edit(was: &str, built: &str, anki: &str) -> Option<String> {
    let prefix = common_prefix(built, anki);
    let suffix = common_suffix(built.get(prefix..)?, anki.get(prefix..)?);
    let (mut start, mut old_end, mut new_end) = (prefix, built.len() - suffix, anki.len() - suffix);
    let is_text = |s: &str| !s.contains(['<', '>', '&']);
    // Widen to whole words on both sides (the same in both texts).
    while start > 0 {
        let Some(c) = built.get(..start).and_then(|s| s.chars().next_back()) else {
            break;
        };
        if !c.is_alphanumeric() {
            break;
        }
        start -= c.len_utf8();
    }
    while let Some(c) = built.get(old_end..).and_then(|s| s.chars().next()) {
        if !c.is_alphanumeric() {
            break;
        }
        old_end += c.len_utf8();
        new_end += c.len_utf8();
    }
    let old = built.get(start..old_end)?;
    let new = anki.get(start..new_end)?;
    if old.is_empty() || !is_text(old) || !is_text(new) || was.matches(old).count() != 1 {
        return None;
    }
    Some(was.replacen(old, new, 1))
}

fn common_prefix(a: &str, b: &str) -> usize {
    a.char_indices()
        .zip(b.chars())
        .find(|((_, x), y)| x != y)
        .map_or_else(|| a.len().min(b.len()), |((i, _), _)| i)
}

fn common_suffix(a: &str, b: &str) -> usize {
    let mut len = 0;
    for (x, y) in a.chars().rev().zip(b.chars().rev()) {
        if x != y {
            break;
        }
        len += x.len_utf8();
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    fn none(_: &str) -> Option<String> {
        None
    }

    const MD: FieldKind = FieldKind::Markdown { cloze: false };

    #[test]
    fn a_word_changed_in_anki_changes_that_word_in_the_markdown() {
        let was = "A *free* web framework, `pip install django`.\n\nFast and easy.";
        let built = render(MD, was, &none);
        let anki = built.replace("easy", "simple");
        let got = field_text(MD, &anki, was, &built, &none);
        assert_eq!(
            got.text,
            "A *free* web framework, `pip install django`.\n\nFast and simple."
        );
        assert!(got.exact && !got.html);
    }

    #[test]
    fn a_new_structure_is_written_as_fresh_markdown() {
        let anki = "<p>one <strong>two</strong></p>\n<ul>\n<li>three</li>\n</ul>";
        let got = field_text(MD, anki, "old", &render(MD, "old", &none), &none);
        assert!(got.exact, "{got:?}");
        assert_eq!(render(MD, &got.text, &none), anki);
    }

    #[test]
    fn bold_from_anki_s_editor_stays_bold_as_written() {
        let anki = "<p>one <b>two</b></p>\n<p>three</p>";
        let got = field_text(MD, anki, "old", &render(MD, "old", &none), &none);
        assert!(got.exact, "{got:?}");
        assert_eq!(got.text, "one <b>two</b>\n\nthree");
    }

    #[test]
    fn a_note_field_no_markdown_builds_stays_html() {
        let kind = FieldKind::NoteField { cloze: false };
        let anki = "<span style=\"color: red\">casa</span> <i>(f)</i>";
        let got = field_text(kind, anki, "casa", "casa", &none);
        assert!(got.html && got.exact, "{got:?}");
    }

    #[test]
    fn a_typed_answer_is_its_text() {
        let got = field_text(FieldKind::TypedAnswer, "a &lt; b", "x", "x", &none);
        assert_eq!(render(FieldKind::TypedAnswer, &got.text, &none), "a &lt; b");
    }

    #[test]
    fn a_word_twice_in_the_markdown_is_not_guessed() {
        assert_eq!(
            words_edit(
                "easy and easy",
                "<p>easy and easy</p>",
                "<p>easy and hard</p>"
            ),
            None
        );
        assert_eq!(
            words_edit(
                "easy and hard",
                "<p>easy and hard</p>",
                "<p>easy and soft</p>"
            )
            .as_deref(),
            Some("easy and soft")
        );
    }
}
