//! The print page `<deck>.html`: one self-contained file (inline CSS, images
//! as data URIs, no script, no network requests) that prints cleanly and
//! reads well on screen. No question/answer block is split across pages.
//!
//! Printed in headless Chromium by `tests/integration/handout_print.rs`, which checks the
//! page count, that every question is in the PDF and that no card is cut.
//!
//! Page numbers and the running header are CSS `@page` margin boxes
//! (`handout.css` and `page_header_css`): Chromium renders them since
//! version 131 (checked with 156), also with `--no-pdf-header-footer`. Its
//! own header and footer would add the file URL and the print time, so they
//! are best left off (`--no-pdf-header-footer`, or "Headers and footers"
//! unticked in the print dialog). A browser without margin boxes prints no
//! page numbers; nothing else changes.
//! Math (`\( … \)`, `\[ … \]`) is typeset as HTML here (`typeset_math`),
//! since the page runs no MathJax.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::path::PathBuf;

use base64::Engine as _;

use super::handout::{CARD_BATCH, Item, Side, iso_date, sections};
use super::{Output, Rendered, WriteError, Writer};
use crate::markup::{
    HtmlOptions, html_field_to_html, replace_sound_tags, sanitize_html, tex_to_html, to_html,
};
use crate::transform::topic_tag;

/// Writes the print-ready HTML page.
pub struct HandoutHtmlWriter;

const CSS: &str = include_str!("handout.css");

impl Writer for HandoutHtmlWriter {
    fn write<'d>(&self, deck: &'d Rendered<'_>, out: &mut dyn Output) -> Result<(), WriteError> {
        // Images are embedded, so the page needs nothing beside it.
        let data_uri = |name: &str| {
            let bytes = deck.media_bytes(name)?;
            Some(format!(
                "data:{};base64,{}",
                mime_type(name),
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ))
        };
        // Media as the bank writes them (Markdown) or by their packaged
        // names (cards rendered from templates): images embedded, sounds by
        // name (paper plays nothing: `▶ name` is shown, see `show_sounds`).
        let page_media = |name: &str| {
            if is_sound(name) {
                deck.media_bytes(name).map(|_| name.to_string())
            } else {
                data_uri(name)
            }
        };
        let written_media = |written: &str| deck.media_name(written).and_then(page_media);
        let render_markdown = |md: &str| {
            typeset(show_sounds(to_html(
                md,
                &HtmlOptions {
                    media_url: &written_media,
                    escape_braces: false,
                },
            )))
        };
        // A card's side as the page shows it: the .apkg's HTML when it kept
        // it and the side is the card's own Markdown, else rendered here;
        // a card rendered from its templates is sanitized like any field.
        let field = |side: &Side<'_>, card_md: &str, kept: Option<&'d String>| -> Cow<'d, str> {
            match side {
                Side::Markdown(md) => match kept {
                    Some(html) if same_rendering(md, card_md, html) => typeset(html.as_str()),
                    _ => render_markdown(md),
                },
                Side::Html(html) => {
                    let html = html_field_to_html(html, &page_media);
                    // Rewritten HTML is sanitized again, last but for math.
                    let html = match code_blocks(&html) {
                        Some(highlighted) => sanitize_html(&highlighted),
                        None => html,
                    };
                    typeset(show_sounds(html))
                }
            }
        };
        let render = |md: &str| render_markdown(md);
        let esc = |s: &str| html_escape::encode_text(s).into_owned();
        // `::` separates Anki subdecks; on paper a path reads better.
        let name = deck
            .name
            .split("::")
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" › ");
        let title = esc(&name);
        let date = (deck.updated > 0).then(|| iso_date(deck.updated));
        let page_css = page_header_css(&name, date.as_deref());
        let mut html = String::new();
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}{page_css}</style>\n</head>\n<body>\n<header class=\"deck-header\">\n<h1>{title}</h1>\n"
        );
        let count = deck.cards.len();
        let mut meta = format!("{count} card{}", if count == 1 { "" } else { "s" });
        if let Some(date) = &date {
            let _ = write!(meta, " · updated <time datetime=\"{date}\">{date}</time>");
        }
        let _ = writeln!(html, "<p class=\"meta\">{meta}</p>");
        if let Some(description) = &deck.description {
            let _ = writeln!(
                html,
                "<div class=\"description\">{}</div>",
                if deck.description_html {
                    typeset(show_sounds(html_field_to_html(description, &|written| {
                        deck.media_name(written).and_then(page_media)
                    })))
                } else {
                    render(description)
                }
            );
        }
        html.push_str("</header>\n");
        let sections = sections(deck);
        // Cards' questions and answers, rendered on every core a batch at a
        // time (in order), so only one batch of HTML waits beside the page.
        let items: Vec<&Item<'_>> = sections.iter().flat_map(|s| &s.items).collect();
        let mut rendered = crate::parallel_map_batched(&items, CARD_BATCH, |item| {
            let card = item.card;
            let kept = deck.card_html(item.index);
            let kept_answer = kept
                .and_then(|k| k.answer.as_ref())
                .filter(|_| card.extra.is_none());
            (
                field(item.question, &card.question, kept.map(|k| &k.question)),
                field(item.answer, &card.answer, kept_answer),
            )
        });
        html.push_str("<nav class=\"contents\">\n<h2>Contents</h2>\n<ol>\n");
        for s in &sections {
            let _ = writeln!(
                html,
                "<li><a href=\"#{}\">{}</a> <span class=\"count\">({})</span></li>",
                s.anchor,
                esc(&s.topic),
                s.items.len()
            );
        }
        html.push_str("</ol>\n</nav>\n<main>\n");
        let path = PathBuf::from(format!("{}.html", deck.id));
        out.file(&path, &mut |sink| {
            for s in &sections {
                let _ = writeln!(
                    html,
                    "<section class=\"topic\" id=\"{}\">\n<h2>{}</h2>",
                    s.anchor,
                    esc(&s.topic)
                );
                for item in &s.items {
                    let card = item.card;
                    let (question, answer) = rendered.next().unwrap_or_default();
                    let _ = writeln!(
                        html,
                        "<article class=\"card\" id=\"card-{}\">",
                        esc(&card.id)
                    );
                    let _ = writeln!(
                        html,
                        "<div class=\"question\"><span class=\"number\">{}.</span><div class=\"prompt\">{}</div></div>",
                        item.number, question
                    );
                    let _ = writeln!(html, "<div class=\"answer\">{answer}</div>");
                    html.push_str("<footer class=\"card-meta\">");
                    // The topic's tag repeats the heading the card sits under.
                    let topic_tag = card.topic.as_deref().map(topic_tag);
                    for tag in card.tags.iter().filter(|t| Some(*t) != topic_tag.as_ref()) {
                        let _ = write!(html, "<span class=\"tag\">{}</span>", esc(tag));
                    }
                    for reference in &card.references {
                        let href = html_escape::encode_double_quoted_attribute(reference);
                        let _ = write!(
                            html,
                            "<a class=\"ref\" href=\"{href}\">{}</a>",
                            esc(reference)
                        );
                    }
                    html.push_str("</footer>\n</article>\n");
                    // The page goes out as it is made.
                    if html.len() >= FLUSH_BYTES {
                        sink.write_all(html.as_bytes())?;
                        html.clear();
                    }
                }
                html.push_str("</section>\n");
            }
            html.push_str("</main>\n</body>\n</html>\n");
            sink.write_all(html.as_bytes())
        })?;
        Ok(())
    }
}

/// The page is handed to its output in pieces of about this size.
const FLUSH_BYTES: usize = 1 << 20;

/// The running header of every page but the first: the deck's name on the
/// left, its date on the right (`@page` margin boxes, see the module docs).
/// Typesetting rewrites HTML, so a field with math is sanitized once more,
/// last (without math, `to_html`'s sanitizing was the last step).
fn typeset<'h>(html: impl Into<Cow<'h, str>>) -> Cow<'h, str> {
    let html = html.into();
    match typeset_math(&html) {
        Some(typeset) if typeset != *html => Cow::Owned(sanitize_html(&typeset)),
        _ => html,
    }
}

/// Whether rendering the page's Markdown `md` gives `kept`, the .apkg's HTML
/// of the card's Markdown `card_md`: the same text, and nothing whose URL
/// differs between the two (images, sounds: file names in the .apkg, data
/// URIs on the page). Both render with the same options otherwise.
fn same_rendering(md: &str, card_md: &str, kept: &str) -> bool {
    md == card_md && !md.contains("![") && !md.contains("[sound:") && !kept.contains("[sound:")
}

fn page_header_css(name: &str, date: Option<&str>) -> String {
    let mut css = format!("@page {{ @top-left {{ content: {}; }}", css_string(name));
    if let Some(date) = date {
        let _ = write!(css, " @top-right {{ content: {}; }}", css_string(date));
    }
    css.push_str(
        " }\n@page :first { @top-left { content: none; } @top-right { content: none; } }\n",
    );
    css
}

/// A CSS string literal: quotes and backslashes escaped, and `<` too, so the
/// text can never close the `<style>` element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3c "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Typesets the MathJax `\( … \)` and `\[ … \]` spans in rendered HTML as
/// plain HTML (italic variables, Unicode symbols, `<sup>`/`<sub>`), leaving
/// `<pre>` and `<code>` alone. TeX it does not know is shown as its source.
fn typeset_math(html: &str) -> Option<String> {
    if !html.contains("\\(") && !html.contains("\\[") {
        return None;
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(tag_len) = rest.find('>').map(|i| i + 1) else {
                break;
            };
            let name: String = rest[1..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            let copy = if name == "pre" || name == "code" {
                let close = format!("</{name}>");
                rest.find(&close).map_or(rest.len(), |i| i + close.len())
            } else {
                tag_len
            };
            out.push_str(&rest[..copy]);
            rest = &rest[copy..];
            continue;
        }
        let close = if rest.starts_with("\\(") {
            Some("\\)")
        } else if rest.starts_with("\\[") {
            Some("\\]")
        } else {
            None
        };
        if let Some(close) = close
            && let Some(len) = rest[2..].find(close)
        {
            let display = close == "\\]";
            let source = &rest[..2 + len + 2];
            let tex = html_escape::decode_html_entities(&rest[2..2 + len]);
            let class = if display { "math display" } else { "math" };
            match tex_to_html(&tex) {
                Some(body) => {
                    let _ = write!(out, "<span class=\"{class}\">{body}</span>");
                }
                None => {
                    let _ = write!(out, "<span class=\"{class} tex\">{source}</span>");
                }
            }
            rest = &rest[source.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(rest);
    Some(out)
}

/// The code blocks of a card's sanitized HTML as the page shows a
/// Markdown card's (`markup::to_html`): `<pre class="code">`, and the code
/// highlighted when its `<code>` names a language (`class="language-rust"`)
/// the highlighter knows and holds only text. `None` when there is no block.
fn code_blocks(html: &str) -> Option<String> {
    const PRE: &str = "<pre>";
    if !html.contains(PRE) {
        return None;
    }
    let mut out = String::with_capacity(html.len() + html.len() / 2);
    let mut rest = html;
    while let Some(at) = rest.find(PRE) {
        out.push_str(rest.get(..at).unwrap_or_default());
        out.push_str("<pre class=\"code\">");
        rest = rest.get(at + PRE.len()..).unwrap_or_default();
        if let Some((code_tag, code, after)) = language_block(rest)
            && let Some(highlighted) = crate::markup::highlight::highlight(&code.1, code.0)
        {
            out.push_str(code_tag);
            out.push_str(highlighted.trim_end_matches('\n'));
            out.push_str("</code></pre>");
            rest = after;
        }
    }
    out.push_str(rest);
    Some(out)
}

/// The `<code class="… language-x …">` opening `html` (what follows a
/// `<pre>`), its language and decoded text, and what follows its
/// `</code></pre>`; `None` unless the block holds only text.
fn language_block(html: &str) -> Option<(&str, (&str, String), &str)> {
    let tag_end = html.strip_prefix("<code class=\"")?.find('>')? + "<code class=\"".len() + 1;
    let code_tag = html.get(..tag_end)?;
    let lang = code_tag
        .get("<code class=\"".len()..code_tag.len().saturating_sub(2))?
        .split_ascii_whitespace()
        .find_map(|class| class.strip_prefix("language-"))?;
    let body_and_rest = html.get(tag_end..)?;
    let body_end = body_and_rest.find("</code></pre>")?;
    let body = body_and_rest.get(..body_end)?;
    if body.contains('<') {
        return None;
    }
    let after = body_and_rest.get(body_end + "</code></pre>".len()..)?;
    let code = html_escape::decode_html_entities(body).into_owned();
    Some((code_tag, (lang, code), after))
}

/// Whether a media file is played rather than shown.
fn is_sound(name: &str) -> bool {
    let mime = mime_type(name);
    mime.starts_with("audio/") || mime.starts_with("video/")
}

/// Anki's `[sound:name]` (left in the sanitized HTML as text) as `▶ name`:
/// a printed page plays nothing, but shows what the card plays.
fn show_sounds(html: String) -> String {
    if !html.contains("[sound:") {
        return html;
    }
    replace_sound_tags(&html, &|name| {
        Some(format!("▶ {}", html_escape::encode_text(name)))
    })
}

fn mime_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "mp3" => "audio/mpeg",
        "ogg" | "oga" => "audio/ogg",
        "wav" => "audio/wav",
        "m4a" | "aac" => "audio/mp4",
        "flac" => "audio/flac",
        "opus" => "audio/opus",
        "webm" => "video/webm",
        "mp4" => "video/mp4",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typeset_text(html: &str) -> String {
        typeset_math(html).unwrap_or_else(|| html.to_string())
    }
    use crate::testing::showcase_deck;
    use crate::writers::Format;
    use crate::writers::apkg::ApkgWriter;

    #[test]
    fn the_page_reusing_the_apkg_html_is_the_page_rendered_alone() {
        let mut deck = showcase_deck();
        // A card whose image is written as the sheets' own path (so the
        // handout Markdown is the card's) and whose answer plays a sound:
        // URLs the .apkg and the page write differently.
        let name = deck.media[0].name.clone();
        let sheet_path = format!("media/{}/{name}", deck.id);
        deck.media_names.insert(sheet_path.clone(), name.clone());
        let card = deck
            .cards
            .iter_mut()
            .find(|c| {
                c.card_type == crate::model::CardType::Basic
                    && c.extra.is_none()
                    && c.note.is_none()
            })
            .unwrap();
        card.question = format!("Which picture? ![d]({sheet_path})");
        card.answer = format!("This one. [sound:{name}]");
        let alone = HandoutHtmlWriter.files(&Rendered::new(&deck)).unwrap();
        let shared = Rendered::for_formats(&deck, &[Format::Apkg, Format::Html]);
        ApkgWriter {
            notetype_modified: 1,
        }
        .files(&shared)
        .unwrap();
        let kept = (0..deck.cards.len())
            .filter(|&i| shared.card_html(i).is_some())
            .count();
        assert!(kept > 5, "the .apkg kept {kept} cards' HTML");
        assert_eq!(HandoutHtmlWriter.files(&shared).unwrap(), alone);
    }

    #[test]
    fn html_code_blocks_are_highlighted_as_markdown_ones() {
        let html = "A<pre><code class=\"language-rust\">let v = a &lt; b;</code></pre>\
                    <pre><code>plain</code></pre><pre><code class=\"language-rust\">a<b>b</b></code></pre>";
        let blocks = sanitize_html(&code_blocks(html).unwrap());
        // The decoded code, highlighted as a Markdown card's fence is.
        let highlighted = crate::markup::highlight::highlight("let v = a < b;", "rust").unwrap();
        assert!(highlighted.contains("<span"), "{highlighted}");
        let expected = sanitize_html(&format!(
            "A<pre class=\"code\"><code class=\"language-rust\">{highlighted}</code></pre>"
        ));
        assert!(blocks.starts_with(&expected), "{blocks}\n{expected}");
        // Without a language, or holding tags: the page's code style only.
        assert!(blocks.ends_with(
            "<pre class=\"code\"><code>plain</code></pre>\
             <pre class=\"code\"><code class=\"language-rust\">a<b>b</b></code></pre>"
        ));
        assert_eq!(code_blocks("<p>no code</p>"), None);
    }

    /// The cards of a converted deck's print page (its `<main>`; the head
    /// is the showcase's): code highlighted, LaTeX and math typeset, topics
    /// from the subdecks.
    #[test]
    fn page_of_a_converted_deck_snapshot() {
        let files = HandoutHtmlWriter
            .files(&Rendered::new(&crate::testing::converted_deck()))
            .unwrap();
        let page = String::from_utf8(files[0].bytes.clone()).unwrap();
        let main = page
            .split_once("<nav class=\"contents\">")
            .map_or(page.as_str(), |(_, main)| main);
        insta::assert_snapshot!(main);
    }

    #[test]
    fn typesets_simple_math() {
        assert_eq!(
            typeset_text(r"<p>Area \( \pi r^2 \), \( a &lt; b_{i} \)</p>"),
            "<p>Area <span class=\"math\">π<i>r</i><sup>2</sup></span>, \
             <span class=\"math\"><i>a</i> &lt; <i>b</i><sub><i>i</i></sub></span></p>"
        );
        assert_eq!(
            typeset_text(r"\[ e^{i\pi} + 1 = 0 \]"),
            "<span class=\"math display\"><i>e</i><sup><i>i</i>π</sup> + 1 = 0</span>"
        );
        assert_eq!(
            typeset_text(r"\( \frac{1}{2} \)"),
            "<span class=\"math\"><span class=\"frac\"><sup>1</sup>⁄<sub>2</sub></span></span>"
        );
    }

    #[test]
    fn leaves_code_and_unknown_tex_alone() {
        let code =
            r#"<pre class="code"><code>re.compile(r"\(\d+\)")</code></pre> <code>\[x\]</code>"#;
        assert_eq!(typeset_text(code), code);
        assert_eq!(
            typeset_text(r"\( \mathfrak{g} \)"),
            r#"<span class="math tex">\( \mathfrak{g} \)</span>"#
        );
        assert_eq!(typeset_text(r"no close \( x"), r"no close \( x");
    }

    #[test]
    fn page_header_cannot_break_out_of_css() {
        assert_eq!(css_string(r#"a"b\c</style>"#), r#""a\"b\\c\3c /style>""#);
        let css = page_header_css("Deck", Some("2025-11-25"));
        assert!(css.contains("@top-left { content: \"Deck\"; }"));
        assert!(css.contains("@page :first"));
    }
}
