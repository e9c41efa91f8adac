//! Markdown, the language of every text field, turned into what each output
//! needs: HTML for Anki and the print page ([`to_html`]), one-line plain text
//! for Quizlet ([`to_plain`]), and the Markdown sheets' own Markdown
//! ([`sheet`]); HTML and TeX helpers beside them.

mod from_html;
pub mod highlight;
mod html;
pub(crate) mod html_tokens;
mod plain;
mod sanitize;
pub mod sheet;
mod tex;

pub use from_html::{escape_markdown_text, html_to_markdown};
pub use html::{HtmlOptions, to_html};
pub use plain::{Layout, html_to_plain, to_plain, to_plain_text};
pub use sanitize::{
    STYLE_PROPERTIES, is_safe_url, removed_by_sanitizing, sanitize as sanitize_html,
};
pub use tex::{anki_latex, tex_to_html, tex_to_text};

use pulldown_cmark::{Event, Options, Parser, Tag};

/// The Markdown dialect of banks: CommonMark plus tables and strikethrough.
fn parser_options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Parses Markdown with the bank dialect.
fn parse(markdown: &str) -> Parser<'_> {
    Parser::new_ext(markdown, parser_options())
}

const MATH_OPEN: char = '\u{E000}';
const MATH_CLOSE: char = '\u{E001}';

/// MathJax `\( … \)` and `\[ … \]` would lose their backslashes to Markdown's
/// escape rules. They are swapped for private-use placeholders before parsing
/// and put back after rendering.
struct ProtectedMath<'m> {
    text: std::borrow::Cow<'m, str>,
    math: Vec<String>,
}

/// A MathJax segment: its byte range, delimiters included.
pub(crate) struct MathSegment {
    pub(crate) range: std::ops::Range<usize>,
}

/// Every `\( … \)` and `\[ … \]` in `markdown`, in order.
pub(crate) fn math_segments(markdown: &str) -> Vec<MathSegment> {
    let mut found = Vec::new();
    let mut from = 0;
    // Backslashes are rare in cards: jump from one to the next.
    while let Some(at) = markdown[from..].find('\\') {
        let start = from + at;
        let close = match markdown.as_bytes().get(start + 1) {
            Some(b'(') => "\\)",
            Some(b'[') => "\\]",
            _ => {
                from = start + 1;
                continue;
            }
        };
        let Some(len) = markdown[start + 2..].find(close) else {
            break;
        };
        let end = start + 2 + len + close.len();
        found.push(MathSegment { range: start..end });
        from = end;
    }
    found
}

fn protect_math(markdown: &str) -> ProtectedMath<'_> {
    let segments = math_segments(markdown);
    if segments.is_empty() {
        // Most fields hold no math: no copy.
        return ProtectedMath {
            text: std::borrow::Cow::Borrowed(markdown),
            math: Vec::new(),
        };
    }
    let mut text = String::with_capacity(markdown.len());
    let mut math = Vec::new();
    let mut last = 0;
    for segment in segments {
        text.push_str(&markdown[last..segment.range.start]);
        text.push(MATH_OPEN);
        text.push_str(&math.len().to_string());
        text.push(MATH_CLOSE);
        math.push(markdown[segment.range.clone()].to_string());
        last = segment.range.end;
    }
    text.push_str(&markdown[last..]);
    ProtectedMath {
        text: std::borrow::Cow::Owned(text),
        math,
    }
}

impl ProtectedMath<'_> {
    /// Puts the math back into `rendered`, passing each through `escape`.
    fn restore(&self, rendered: &str, escape: impl Fn(&str) -> String) -> String {
        if self.math.is_empty() {
            return rendered.to_string();
        }
        let mut out = String::with_capacity(rendered.len());
        let mut rest = rendered;
        while let Some(start) = rest.find(MATH_OPEN) {
            let after = &rest[start + MATH_OPEN.len_utf8()..];
            let Some(end) = after.find(MATH_CLOSE) else {
                break;
            };
            let index: Option<usize> = after[..end].parse().ok();
            out.push_str(&rest[..start]);
            match index.and_then(|i| self.math.get(i)) {
                Some(math) => out.push_str(&escape(math)),
                None => out.push_str(
                    &rest[start..start + MATH_OPEN.len_utf8() + end + MATH_CLOSE.len_utf8()],
                ),
            }
            rest = &after[end + MATH_CLOSE.len_utf8()..];
        }
        out.push_str(rest);
        out
    }
}

/// The local media a Markdown text references: image destinations, `src` of
/// raw `<img>`, `<audio>`, `<video>` and `<source>` tags, and Anki's `[sound:…]`.
pub fn media_destinations(markdown: &str) -> Vec<String> {
    // Most fields reference no media; skip parsing them.
    if !(markdown.contains("![") || markdown.contains('<') || markdown.contains("[sound:")) {
        return Vec::new();
    }
    let mut found = Vec::new();
    for event in parse(markdown) {
        match event {
            Event::Start(Tag::Image { dest_url, .. }) => found.push(dest_url.to_string()),
            Event::Html(html) | Event::InlineHtml(html) => found.extend(html_sources(&html)),
            _ => {}
        }
    }
    // Anki plays `[sound:…]` wherever it appears in a field: in code, in an
    // attribute, anywhere. So it is searched in the whole text.
    found.extend(sound_tags(markdown));
    found.retain(|d| !d.is_empty());
    found
}

/// An HTML field (written as `{html: …}`) as it is written out: sanitized
/// like rendered Markdown, then each media `src` and `[sound:…]` swapped for
/// the URL the output uses (a `src` that names no deck media is kept as
/// written; validation has reported it).
pub fn html_field_to_html(html: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    let clean = sanitize::sanitize(html);
    let rewritten = rewrite_sources(&clean, media_url);
    rewrite_sound_tags(&rewritten, media_url)
}

/// An HTML field as an Anki package holds it: as written when sanitizing
/// for a field removes nothing (see [`sanitize::field_for_anki`]), with its
/// media references pointing where `media_url` says.
pub fn html_field_for_anki(html: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    sanitize::field_for_anki(html, &|h| rename_media_as_written(h, media_url), &|h| {
        rewrite_sound_tags(&rewrite_sources(h, media_url), media_url)
    })
}

/// Rewrites `src="…"` of media tags in sanitized HTML (every `<` starts a
/// tag there, and attribute values are double-quoted).
fn rewrite_sources(html: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    if !html.contains(" src=\"") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        out.push_str(&rest[..open]);
        let tag_start = &rest[open..];
        // The tag ends at the first `>` outside a quoted value.
        let mut in_quotes = false;
        let end = tag_start
            .char_indices()
            .find(|&(_, c)| {
                if c == '"' {
                    in_quotes = !in_quotes;
                }
                c == '>' && !in_quotes
            })
            .map_or(tag_start.len(), |(i, _)| i + 1);
        let tag = &tag_start[..end];
        let lower = tag.to_ascii_lowercase();
        let is_media = ["<img", "<audio", "<video", "<source"]
            .iter()
            .any(|t| lower.starts_with(t));
        match (is_media, tag.find(" src=\"")) {
            (true, Some(at)) => {
                let value_start = at + 6;
                let value_end = tag[value_start..]
                    .find('"')
                    .map_or(tag.len(), |e| value_start + e);
                let written = html_escape::decode_html_entities(&tag[value_start..value_end]);
                match media_url(&written) {
                    Some(url) => {
                        out.push_str(&tag[..value_start]);
                        out.push_str(&html_escape::encode_double_quoted_attribute(&url));
                        out.push_str(&tag[value_end..]);
                    }
                    None => out.push_str(tag),
                }
            }
            _ => out.push_str(tag),
        }
        rest = &tag_start[end..];
    }
    out.push_str(rest);
    out
}

/// Rewrites each `[sound:NAME]` of rendered, sanitized HTML: to the URL the
/// output uses for a media file of the deck, or, when NAME is not one (it was
/// assembled by rendering, say from `[sou<!-- -->nd:…]`), to text Anki does
/// not play.
pub fn rewrite_sound_tags(html: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    replace_sound_tags(html, &|name| {
        media_url(name).map(|url| format!("[sound:{}]", html_escape::encode_text(&url)))
    })
}

/// Replaces each `[sound:NAME]` of sanitized HTML with what `replace` makes
/// of NAME (entities decoded), which must be HTML text; where it makes
/// nothing, the tag is made inert (`&#91;sound:`).
pub fn replace_sound_tags(html: &str, replace: &dyn Fn(&str) -> Option<String>) -> String {
    if !html.contains("[sound:") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find("[sound:") {
        out.push_str(&rest[..i]);
        let after = &rest[i + 7..];
        let end = after.find(']');
        let replaced = end.and_then(|end| {
            let name = html_escape::decode_html_entities(&after[..end]);
            replace(&name)
        });
        match (replaced, end) {
            (Some(replacement), Some(end)) => {
                out.push_str(&replacement);
                rest = &after[end + 1..];
            }
            _ => {
                out.push_str("&#91;sound:");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The media an HTML field names, as Anki finds them: each `src` of an
/// image, sound, video or source tag, and each `[sound:…]`, in order.
pub fn html_media_names(html: &str) -> Vec<String> {
    let mut found = html_sources(html);
    found.extend(sound_tags(html));
    found.retain(|name| !name.is_empty());
    found
}

/// `html` as written, each media reference (`src=` in any quoting,
/// `[sound:…]`) swapped for the name `media_url` gives it.
fn rename_media_as_written(html: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = html.to_string();
    let mut done: Vec<String> = Vec::new();
    for written in html_media_names(html) {
        if done.contains(&written) {
            continue;
        }
        let Some(name) = media_url(&written).filter(|name| *name != written) else {
            continue;
        };
        for quote in ["\"", "'", ""] {
            out = out.replace(
                &format!("src={quote}{written}{quote}"),
                &format!("src={quote}{name}{quote}"),
            );
        }
        out = out.replace(&format!("[sound:{written}]"), &format!("[sound:{name}]"));
        done.push(written);
    }
    out
}

fn html_sources(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    for tag in ["<img", "<audio", "<video", "<source"] {
        let mut from = 0;
        while let Some(i) = lower[from..].find(tag) {
            let start = from + i;
            let end = lower[start..].find('>').map_or(lower.len(), |e| start + e);
            if let Some(src) = attribute(&html[start..end], &lower[start..end], "src") {
                out.push(src);
            }
            from = end;
        }
    }
    out
}

/// The value of attribute `name` in one tag (`<img a="x" src=b>`), read as
/// a browser reads attributes: names at attribute boundaries, quoted values
/// skipped whole (so `onerror="x.src='y'"` has no `src`).
fn attribute(tag: &str, lower: &str, name: &str) -> Option<String> {
    let bytes = lower.as_bytes();
    // Past the tag name.
    let mut i = bytes
        .iter()
        .position(|b| b.is_ascii_whitespace() || *b == b'/')?;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i].is_ascii_whitespace() || bytes[i] == b'/') {
            i += 1;
        }
        let start = i;
        while i < bytes.len() && !bytes[i].is_ascii_whitespace() && !b"/=>".contains(&bytes[i]) {
            i += 1;
        }
        let attribute_name = &lower[start..i];
        while i < bytes.len() && bytes[i].is_ascii_whitespace() {
            i += 1;
        }
        let mut value = None;
        if i < bytes.len() && bytes[i] == b'=' {
            i += 1;
            while i < bytes.len() && bytes[i].is_ascii_whitespace() {
                i += 1;
            }
            let (from, to) = match bytes.get(i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let end = lower[i + 1..]
                        .find(q as char)
                        .map_or(bytes.len(), |e| i + 1 + e);
                    let range = (i + 1, end);
                    i = end + 1;
                    range
                }
                _ => {
                    let begin = i;
                    while i < bytes.len() && !bytes[i].is_ascii_whitespace() && bytes[i] != b'>' {
                        i += 1;
                    }
                    (begin, i)
                }
            };
            value = tag.get(from..to.min(tag.len()));
        }
        if attribute_name == name {
            return value.map(str::to_string);
        }
        if i == start {
            i += 1;
        }
    }
    None
}

/// The text of an HTML fragment with its tags dropped (entities left as they are).
pub(crate) fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn sound_tags(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("[sound:") {
        let after = &rest[i + 7..];
        let Some(end) = after.find(']') else { break };
        out.push(after[..end].to_string());
        rest = &after[end..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_media_in_markdown_html_and_sound_tags() {
        let md = "![a](media/a.png) <img src='b.jpg'> [sound:c.mp3] [link](https://x.org)";
        assert_eq!(
            media_destinations(md),
            vec!["media/a.png", "b.jpg", "c.mp3"]
        );
        // Attribute names are matched whole, values skipped whole.
        let md = "<img title=x onerror=\"new Image().src='y'\" data-src=z src = 'w.png'>";
        assert_eq!(media_destinations(md), vec!["w.png"]);
        // Anki reads `[sound:…]` in code and attributes too.
        let md = "`[sound:../a.mp3]` <img alt=\"[sound:../b.mp3]\" src=c.png>";
        assert_eq!(
            media_destinations(md),
            vec!["c.png", "../a.mp3", "../b.mp3"]
        );
    }

    #[test]
    fn sound_tags_in_rendered_html_are_media_of_the_deck_or_inert() {
        let url = |name: &str| (name == "media/a.mp3").then(|| "a.mp3".to_string());
        assert_eq!(
            rewrite_sound_tags("[sound:media/a.mp3] [sound:../x] [sound:", &url),
            "[sound:a.mp3] &#91;sound:../x] &#91;sound:"
        );
    }

    #[test]
    fn math_is_found_past_other_backslashes_and_not_past_an_unclosed_one() {
        let p = protect_math(r"a\b \\(x\) \[y\] \(z \[w\]");
        assert_eq!(p.math, vec![r"\(x\)", r"\[y\]"]);
        assert!(p.text.ends_with(r"\(z \[w\]"), "{}", p.text);
    }

    #[test]
    fn math_survives_a_round_trip() {
        let p = protect_math(r"Area \(\pi r^2\) and \[x\]");
        assert_eq!(p.math, vec![r"\(\pi r^2\)", r"\[x\]"]);
        assert_eq!(
            p.restore(&p.text, |m| m.to_string()),
            r"Area \(\pi r^2\) and \[x\]"
        );
    }
}
