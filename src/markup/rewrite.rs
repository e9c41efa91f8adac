//! Markdown → Markdown for the handouts: the text stays as written, except
//! that image paths point where the handout keeps media, unsafe links are
//! neutralised and raw HTML is sanitized. [`dollar_math`] turns MathJax into
//! the `$…$` that GitHub and pandoc render, for the Markdown sheets.

use std::borrow::Cow;

use pulldown_cmark::{Event, Tag};

use super::sanitize::{hidden_html, is_safe_url, sanitize_piece};
use super::{math_segments, parser_options};

/// Returns `markdown` with each image destination replaced by `media_url`'s
/// answer, and everything a Markdown viewer could run or fetch neutralised
/// (see [`neutralize_markdown`]); everything else is left byte for byte.
pub fn to_handout_markdown<'m>(
    markdown: &'m str,
    media_url: &dyn Fn(&str) -> Option<String>,
) -> Cow<'m, str> {
    let parser = pulldown_cmark::Parser::new_ext(markdown, parser_options());
    let edits = handout_edits(markdown, parser.into_offset_iter(), media_url);
    apply(markdown, edits)
}

/// A text replacement: the byte range and what goes there.
type Edit = (std::ops::Range<usize>, String);

/// The edits [`to_handout_markdown`] makes, from `parser`'s events over `markdown`.
fn handout_edits<'m>(
    markdown: &str,
    events: impl Iterator<Item = (Event<'m>, std::ops::Range<usize>)>,
    media_url: &dyn Fn(&str) -> Option<String>,
) -> Vec<Edit> {
    let mut edits: Vec<Edit> = Vec::new();
    let destination = |range: &std::ops::Range<usize>, dest: &str| {
        // The destination follows "](" in an inline link or image.
        markdown[range.clone()]
            .find(&format!("]({dest}"))
            .map(|at| range.start + at + 2..range.start + at + 2 + dest.len())
    };
    // Inside <script> or <style>: the text between the tags goes too.
    let mut hidden = false;
    // A link or image being replaced by its text: (range, text so far, nesting
    // depth, the image URL to write around the text, if any).
    let mut replacing: Option<(std::ops::Range<usize>, String, usize, Option<String>)> = None;
    for (event, range) in events {
        if let Some((_, text, depth, _)) = replacing.as_mut() {
            match &event {
                Event::Start(_) => *depth += 1,
                Event::End(_) if *depth > 0 => *depth -= 1,
                Event::End(_) => {
                    if let Some((whole, text, _, image)) = replacing.take() {
                        let replacement = match image {
                            Some(url) => format!("![{text}]({url})"),
                            None => text,
                        };
                        edits.push((whole, replacement));
                    }
                    continue;
                }
                Event::Text(t) | Event::Code(t) => text.push_str(&escape_markdown_text(t)),
                _ => {}
            }
            continue;
        }
        match event {
            Event::Text(_) | Event::Code(_) if hidden => edits.push((range, String::new())),
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let Some(new_url) = media_url(&dest_url) {
                    match destination(&range, &dest_url) {
                        Some(at) => edits.push((at, new_url)),
                        // Written with entities or in angle brackets: not a plain
                        // path, so the image is written anew.
                        None => replacing = Some((range, String::new(), 0, Some(new_url))),
                    }
                } else if !is_local_path(&dest_url) {
                    replacing = Some((range, String::new(), 0, None));
                }
            }
            // Whatever way the link is written (entities, angle brackets,
            // autolink, reference), an unsafe one becomes its plain text.
            Event::Start(Tag::Link { dest_url, .. }) if !is_safe_url(&dest_url) => {
                replacing = Some((range, String::new(), 0, None));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(inside) = hidden_html(&html) {
                    hidden = inside;
                }
                let cleaned = sanitize_piece(&html);
                if cleaned != *html {
                    // Keep the line break that ends an HTML block line.
                    let newline = if html.ends_with('\n') && !cleaned.ends_with('\n') {
                        "\n"
                    } else {
                        ""
                    };
                    edits.push((range, format!("{cleaned}{newline}")));
                }
            }
            _ => {}
        }
    }
    edits
}

/// Neutralises Markdown for viewers that render it with raw HTML (editors'
/// previews, pandoc): raw HTML sanitized, links that are not http(s), mailto
/// or relative replaced by their text, images that are not local files
/// dropped. The Markdown sheets pass through it last, whole.
///
/// Removing a piece can change how the rest parses (an HTML comment's opener
/// removed turns the comment's inside into Markdown), so passes repeat until
/// one changes nothing: what is returned has been checked as it will be read.
///
/// A long sheet is first tried in parts, on every core (its parse tree is
/// most of a large build's memory): see [`clean_in_parts`].
pub fn neutralize_markdown(markdown: String) -> String {
    if clean_in_parts(&markdown) {
        return markdown;
    }
    neutralize_whole(&markdown)
}

/// [`neutralize_markdown`] on the document as one.
fn neutralize_whole(markdown: &str) -> String {
    /// Each pass only removes or replaces what it found unsafe; real sheets
    /// settle in one or two. Past this, the text is written fully escaped.
    const MAX_PASSES: usize = 16;
    let mut current = markdown.to_string();
    for _ in 0..MAX_PASSES {
        let next = match to_handout_markdown(&current, &|_| None) {
            Cow::Owned(next) => Some(next),
            Cow::Borrowed(_) => None,
        };
        match next {
            Some(next) if next != current => current = next,
            _ => return current,
        }
    }
    escape_markdown_text(&current)
}

/// Parts of about this many bytes are parsed on their own.
const PART_BYTES: usize = 512 * 1024;

/// What follows each part in the document (a blank line, then a heading at
/// the margin), appended to the part to see whether it starts at the top level.
const PROBE: &str = "\n### probe\n";

/// Whether `markdown`, cut before headings into parts, needs no edit, proved
/// part by part; `false` means "not proved" (short documents are not cut),
/// and the caller neutralises the whole document as one.
///
/// Parsed alone, a part reads as it does in the whole document when the
/// text before it leaves no block open. A part is cut only right before a
/// blank line and a `#` heading at the margin, which closes every open
/// block except a fenced code block or a raw HTML block; so the part before
/// it is parsed with [`PROBE`] appended, and the cut holds when the probe is
/// a heading at the top level. Link reference definitions act across the
/// whole document, so a part that has any is not proved. When every part
/// holds and none needs an edit, the whole document's events are the parts'
/// events, and it needs no edit either.
fn clean_in_parts(markdown: &str) -> bool {
    if markdown.len() < 2 * PART_BYTES {
        return false;
    }
    let mut cuts = vec![0];
    let mut at = PART_BYTES;
    while at < markdown.len() {
        let Some(found) = markdown[at..].find("\n\n#") else {
            break;
        };
        // Cut after the first newline: the part ends with its last line's
        // break, the next starts with the blank line.
        let cut = at + found + 1;
        cuts.push(cut);
        at = cut + PART_BYTES;
    }
    cuts.push(markdown.len());
    // Each part and whether another follows it.
    let parts: Vec<(&str, bool)> = cuts
        .windows(2)
        .map(|w| (&markdown[w[0]..w[1]], w[1] < markdown.len()))
        .collect();
    // Each part is half a megabyte of parsing: worth a thread from two parts.
    crate::parallel_map_from(2, &parts, |&(part, followed)| part_is_clean(part, followed))
        .into_iter()
        .all(|clean| clean)
}

/// Whether `part` needs no edit and defines no link reference, and (when a
/// part follows) leaves no block open for it.
fn part_is_clean(part: &str, followed: bool) -> bool {
    let probed;
    let text = if followed {
        probed = format!("{part}{PROBE}");
        probed.as_str()
    } else {
        part
    };
    let parser = pulldown_cmark::Parser::new_ext(text, parser_options());
    if parser.reference_definitions().iter().next().is_some() {
        return false;
    }
    // The probe's heading, at depth 0, right where it was appended.
    let probe_at = part.len() + 1;
    let mut depth = 0usize;
    let mut probe_is_heading = !followed;
    let events = parser
        .into_offset_iter()
        .inspect(|(event, range)| match event {
            Event::Start(Tag::Heading { .. }) if depth == 0 && range.start == probe_at => {
                probe_is_heading = true;
                depth += 1;
            }
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            _ => {}
        });
    let clean = handout_edits(text, events, &|_| None).is_empty();
    clean && probe_is_heading
}

/// Whether an image destination is a path inside the deck (no scheme, not absolute).
fn is_local_path(dest: &str) -> bool {
    let decoded = html_escape::decode_html_entities(dest);
    is_safe_url(&decoded) && !decoded.contains(':') && !decoded.starts_with(['/', '\\'])
}

/// `text` as Markdown that shows exactly that text: punctuation that Markdown
/// or HTML would act on is backslash-escaped, line breaks and other control
/// characters become spaces.
pub fn escape_markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            // As references, not `\[`, `\]`, `\\`: a backslash before a
            // bracket or parenthesis would open MathJax (`\[ … \]`).
            '\\' => out.push_str("&#92;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            // Parentheses and `!` act only next to brackets, which are escaped.
            '`' | '*' | '_' | '<' | '>' | '&' | '|' | '~' | '$' | '#' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Replaces byte ranges of `text`; overlapping later edits are dropped.
/// One pass over the text, however many edits (replacing in place, one edit
/// at a time, was quadratic on a hostile sheet with an edit on every line).
fn apply(text: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> Cow<'_, str> {
    if edits.is_empty() {
        return Cow::Borrowed(text);
    }
    edits.sort_by_key(|(range, _)| range.start);
    edits.dedup_by(|later, earlier| later.0.start < earlier.0.end);
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (range, replacement) in edits {
        out.push_str(&text[at..range.start]);
        out.push_str(&replacement);
        at = range.end;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

/// MathJax `\( … \)` and `\[ … \]` as `$…$` and `$$…$$`, which GitHub and
/// pandoc render (in plain Markdown a backslash before a parenthesis is an
/// escape). Code and raw HTML keep their backslashes.
pub fn dollar_math(markdown: &str) -> Cow<'_, str> {
    let segments = math_segments(markdown);
    if segments.is_empty() {
        return Cow::Borrowed(markdown);
    }
    let literal: Vec<std::ops::Range<usize>> =
        pulldown_cmark::Parser::new_ext(markdown, parser_options())
            .into_offset_iter()
            .filter(|(event, _)| {
                matches!(
                    event,
                    Event::Code(_)
                        | Event::Start(Tag::CodeBlock(_))
                        | Event::Html(_)
                        | Event::InlineHtml(_)
                )
            })
            .map(|(_, range)| range)
            .collect();
    let edits = segments
        .into_iter()
        .filter(|math| {
            !literal
                .iter()
                .any(|r| r.start < math.range.end && math.range.start < r.end)
        })
        .map(|math| {
            let tex = markdown[math.range.start + 2..math.range.end - 2].trim();
            let fence = if math.display { "$$" } else { "$" };
            (math.range, format!("{fence}{tex}{fence}"))
        })
        .collect();
    apply(markdown, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_image_paths() {
        let md = "See ![d](media/d.png \"t\") and [media/d.png](x).";
        let out = to_handout_markdown(md, &|p| {
            (p == "media/d.png").then(|| "img/d.png".to_string())
        });
        assert_eq!(out, "See ![d](img/d.png \"t\") and [media/d.png](x).");
    }

    #[test]
    fn mathjax_becomes_dollar_math_outside_code() {
        let md = "Area \\( \\pi r^2 \\) and\n\n\\[ x \\]\n\n`\\(code\\)`\n\n```\nre = r\"\\(\\d\\)\"\n```";
        assert_eq!(
            dollar_math(md),
            "Area $\\pi r^2$ and\n\n$$x$$\n\n`\\(code\\)`\n\n```\nre = r\"\\(\\d\\)\"\n```"
        );
    }

    #[test]
    fn removes_scripts_handlers_and_javascript_links() {
        let md =
            "A <script>alert(1)</script> <span onclick=\"x()\">b</span> [c](javascript:alert(1))";
        assert_eq!(to_handout_markdown(md, &|_| None), "A  <span>b</span> c");
    }

    #[test]
    fn unsafe_links_become_text_however_they_are_written() {
        let cases = [
            "[x](jav&#x61;script:alert(1))",
            "[x](<javascript:alert(1)>)",
            "<javascript:alert(1)>",
            "[x][r]\n\n[r]: javascript:alert(1)",
            "[x](JaVaScRiPt&#58;alert(1))",
            "[x](data:text/html,<script>alert(1)</script>)",
            "[x](vbscript:msgbox)",
        ];
        for md in cases {
            let out = neutralize_markdown(md.to_string());
            let html = {
                let mut h = String::new();
                pulldown_cmark::html::push_html(
                    &mut h,
                    pulldown_cmark::Parser::new_ext(&out, parser_options()),
                );
                h
            };
            assert!(!html.contains("href"), "{md} -> {out} -> {html}");
        }
        assert_eq!(
            neutralize_markdown("[ok](https://x.org) [rel](a/b)".into()),
            "[ok](https://x.org) [rel](a/b)"
        );
    }

    #[test]
    fn removing_a_piece_cannot_expose_what_it_hid() {
        // Found by the fuzzer: the comment's opener goes, and the link inside
        // it would become Markdown.
        let md = "<!--\n\n[x](javascript:x())\n";
        let out = neutralize_markdown(md.to_string());
        let mut html = String::new();
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(&out, parser_options()),
        );
        assert!(!html.contains("javascript"), "{out:?} -> {html}");
    }

    /// A sheet of `n` cards, with `odd` as the answer of card `at`.
    fn long_sheet(n: usize, at: usize, odd: &str) -> String {
        let mut md = String::from("# Sheet\n");
        for i in 0..n {
            let answer = if i == at {
                odd
            } else {
                "An answer with `code` and [a link](https://x.org)."
            };
            md.push_str(&format!(
                "\n### {i}. Question {i}?\n\n{answer}\n\n*Tags:* `t`\n"
            ));
        }
        md
    }

    #[test]
    fn a_long_clean_sheet_is_proved_in_parts_and_kept() {
        let md = long_sheet(30_000, 0, "plain");
        assert!(md.len() > 4 * PART_BYTES);
        assert!(clean_in_parts(&md));
        assert_eq!(neutralize_markdown(md.clone()), md);
    }

    #[test]
    fn what_crosses_parts_sends_the_sheet_to_the_whole_document_pass() {
        // Each reaches past its own card: an unclosed fence or comment, a
        // reference defined in one card and used far away, raw HTML that
        // needs sanitizing, and an unsafe link.
        let far = 25_000;
        let cases = [
            (5_000, "```\nnot closed".to_string()),
            (5_000, "<!--\nnot closed".to_string()),
            (5_000, "<pre>\nnot closed".to_string()),
            (5_000, "[r]: javascript:alert(1)".to_string()),
            (5_000, "<img src=x onerror=alert(1)>".to_string()),
            (5_000, "[x](javascript:alert(1))".to_string()),
        ];
        for (at, odd) in cases {
            let mut md = long_sheet(30_000, at, &odd);
            md.push_str(&format!(
                "\n### {far}. Uses [x][r]\n\n\\<img src=y onerror=alert(2)>\n"
            ));
            assert!(!clean_in_parts(&md), "{odd}");
            assert_eq!(
                neutralize_markdown(md.clone()),
                neutralize_whole(&md),
                "{odd}"
            );
            let mut html = String::new();
            pulldown_cmark::html::push_html(
                &mut html,
                pulldown_cmark::Parser::new_ext(&neutralize_markdown(md.clone()), parser_options()),
            );
            // No tag carries a handler or a script URL (as text they are harmless).
            let tags = html
                .split('<')
                .skip(1)
                .map(|t| t.split('>').next().unwrap_or(""));
            for tag in tags {
                assert!(
                    !tag.contains("onerror") && !tag.contains("javascript:"),
                    "{odd}: <{tag}>"
                );
            }
        }
    }

    #[test]
    fn remote_images_are_dropped_and_markdown_text_is_escaped() {
        assert_eq!(
            neutralize_markdown("a ![t](https://evil.example/p.png) b".into()),
            "a t b"
        );
        assert_eq!(
            neutralize_markdown("![t](media/x.png)".into()),
            "![t](media/x.png)"
        );
        assert_eq!(
            escape_markdown_text("<img src=x>\n*a*"),
            "\\<img src=x\\> \\*a\\*"
        );
    }
}
