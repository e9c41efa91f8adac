//! Note fields as Anki stores them: HTML, and the stripped text Anki derives
//! its sort field and duplicate checksum from.

use crate::markup::{HtmlOptions, to_html};
use crate::model::CardType;
use crate::transform::{Deck, DeckCard};

/// The HTML of each field of `card`'s note, in note type field order.
pub fn note_fields(deck: &Deck, card: &DeckCard) -> Vec<String> {
    let media_url = |written: &str| deck.media_name(written).map(str::to_string);
    if let Some(note) = &card.note
        && let Some(note_type) = deck.note_types.get(note.note_type)
    {
        return note.fields_html(note_type, &media_url);
    }
    let html = |md: &str, cloze: bool| {
        to_html(
            md,
            &HtmlOptions {
                media_url: &media_url,
                escape_braces: cloze,
            },
        )
    };
    let extra = card
        .extra
        .as_deref()
        .map(|e| html(e, false))
        .unwrap_or_default();
    let references = references_html(&card.references);
    match card.card_type {
        CardType::Cloze => vec![html(&card.text, true), extra, references],
        CardType::TypeIn => {
            // The typed answer is compared with the field's text: keep it plain.
            // Plain text can still spell a `[sound:…]` once tags are gone
            // (`[sou</b>nd:…]`): only deck media may be named there too.
            let answer = crate::markup::to_plain_text(&card.answer);
            let answer = html_escape::encode_text(&answer);
            vec![
                html(&card.question, false),
                crate::markup::rewrite_sound_tags(&answer, &media_url),
                extra,
                references,
            ]
        }
        CardType::Basic | CardType::Reversed => vec![
            html(&card.question, false),
            html(&card.answer, false),
            extra,
            references,
        ],
    }
}

fn references_html(references: &[String]) -> String {
    if references.is_empty() {
        return String::new();
    }
    let html = references
        .iter()
        .map(|r| {
            format!(
                "<a href=\"{}\">{}</a>",
                html_escape::encode_double_quoted_attribute(r),
                html_escape::encode_text(r)
            )
        })
        .collect::<Vec<_>>()
        .join("<br>");
    // Validation allows only http(s) references; the sanitizer has the last word.
    crate::markup::sanitize_html(&html)
}

/// Anki's `strip_html_preserving_media_filenames`: media tags become their
/// file names, other tags and comments go, entities are decoded.
pub fn strip_html_preserving_media_filenames(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let lower = after
            .get(..after.len().min(9))
            .unwrap_or("")
            .to_ascii_lowercase();
        let skip_to = |close: &str| {
            after
                .to_ascii_lowercase()
                .find(close)
                .map(|i| i + close.len())
        };
        let consumed = if lower.starts_with("<!--") {
            skip_to("-->")
        } else if lower.starts_with("<style") {
            skip_to("</style>")
        } else if lower.starts_with("<script") {
            skip_to("</script>")
        } else {
            let end = after.find('>').map(|i| i + 1);
            if let Some(end) = end
                && let Some(src) = media_src(&after[..end])
            {
                out.push(' ');
                out.push_str(&src);
                out.push(' ');
            }
            end
        };
        match consumed {
            Some(n) => rest = &after[n..],
            None => {
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    // Like Anki: entities are decoded (and non-breaking spaces from them
    // become spaces) only when the text holds an `&`.
    if out.contains('&') {
        html_escape::decode_html_entities(&out).replace('\u{a0}', " ")
    } else {
        out
    }
}

fn media_src(tag: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    if !["<img", "<audio", "<video", "<source", "<object"]
        .iter()
        .any(|t| lower.starts_with(t))
    {
        return None;
    }
    let name = if lower.starts_with("<object") {
        "data="
    } else {
        "src="
    };
    let at = lower.find(name)? + name.len();
    let rest = &tag[at..];
    let value = match rest.chars().next()? {
        q @ ('"' | '\'') => rest[1..].split(q).next()?,
        _ => rest.split(|c: char| c.is_whitespace() || c == '>').next()?,
    };
    Some(value.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_like_anki() {
        assert_eq!(
            strip_html_preserving_media_filenames("<p>a &lt; b</p>"),
            "a < b"
        );
        assert_eq!(
            strip_html_preserving_media_filenames("x<img src=\"d.png\">y"),
            "x d.png y"
        );
        assert_eq!(
            strip_html_preserving_media_filenames("<style>p{}</style>t<!-- c -->"),
            "t"
        );
    }
}
