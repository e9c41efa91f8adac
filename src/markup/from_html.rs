//! Rendered card HTML → handout Markdown, for cards of bank-declared note
//! types (their templates give HTML, the handouts are Markdown). Covers
//! what cards hold: paragraphs and line breaks, emphasis, code, lists,
//! preformatted blocks, images, links and Anki's `[sound:…]`; everything
//! else keeps its text. All text is escaped, so nothing in a field becomes
//! Markdown syntax by accident.

/// Markdown for `html` (sanitized HTML with media paths already pointing
/// where the handout keeps them).
///
/// ```
/// use flashdeck::markup::html_to_markdown;
/// assert_eq!(html_to_markdown("<p>the <em>house</em></p><p>a*b</p>"), "the *house*\n\na\\*b");
/// ```
pub fn html_to_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut pre = 0usize;
    let mut link: Option<String> = None;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(open) = rest.find('<') else {
            text(&mut out, rest, pre > 0);
            break;
        };
        text(&mut out, &rest[..open], pre > 0);
        let after = &rest[open..];
        if after.starts_with("<!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        let end = tag_end(after);
        let tag = &after[..end];
        rest = &after[end..];
        let closing = tag.starts_with("</");
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        match (name.as_str(), closing) {
            ("br", _) => out.push_str(if pre > 0 { "\n" } else { "  \n" }),
            (
                "p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "table" | "tr"
                | "blockquote" | "hr",
                _,
            ) => block(&mut out),
            ("b" | "strong", _) => out.push_str("**"),
            ("i" | "em", _) => out.push('*'),
            ("code", _) if pre == 0 => out.push('`'),
            ("pre", false) => {
                block(&mut out);
                out.push_str("```\n");
                pre += 1;
            }
            ("pre", true) => {
                pre = pre.saturating_sub(1);
                if !out.ends_with('\n') {
                    out.push('\n');
                }
                out.push_str("```");
                block(&mut out);
            }
            ("ul", false) => {
                block(&mut out);
                lists.push(None);
            }
            ("ol", false) => {
                block(&mut out);
                lists.push(Some(1));
            }
            ("ul" | "ol", true) => {
                lists.pop();
                block(&mut out);
            }
            ("li", false) => {
                line(&mut out);
                let indent = "  ".repeat(lists.len().saturating_sub(1));
                match lists.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{indent}{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str(&format!("{indent}- ")),
                }
            }
            ("td" | "th", true) => out.push_str(" · "),
            ("img", _) => {
                let src = attribute(tag, "src").unwrap_or_default();
                let alt = attribute(tag, "alt").unwrap_or_default();
                if !src.is_empty() {
                    out.push_str(&format!(
                        "![{}](<{}>)",
                        escape_markdown_text(&alt),
                        src.replace(['<', '>'], "")
                    ));
                }
            }
            ("a", false) => {
                link = attribute(tag, "href").filter(|h| super::is_safe_url(h));
                if link.is_some() {
                    out.push('[');
                }
            }
            ("a", true) => {
                if let Some(href) = link.take() {
                    out.push_str(&format!("](<{}>)", href.replace(['<', '>'], "")));
                }
            }
            _ => {}
        }
    }
    tidy(&out)
}

/// The end of the tag at the start of `html` (after its `>`, quotes respected).
fn tag_end(html: &str) -> usize {
    let mut quote = None;
    for (i, c) in html.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, '"' | '\'') => quote = Some(c),
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    html.len()
}

/// An attribute's decoded value in one tag written by the sanitizer
/// (`name="value"`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let key = format!(" {name}=\"");
    let start = tag.find(&key)? + key.len();
    let end = tag[start..].find('"')? + start;
    Some(html_escape::decode_html_entities(&tag[start..end]).into_owned())
}

fn text(out: &mut String, html_text: &str, in_pre: bool) {
    if html_text.is_empty() {
        return;
    }
    let decoded = html_escape::decode_html_entities(html_text).replace('\u{a0}', " ");
    if in_pre {
        // Inside a fence only a line of backticks could end it early.
        out.push_str(&decoded.replace("```", "ʼʼʼ"));
        return;
    }
    let mut rest = decoded.as_str();
    while let Some(at) = rest.find("[sound:") {
        words(out, &rest[..at]);
        let after = &rest[at + 7..];
        let Some(end) = after.find(']') else {
            words(out, &rest[at..]);
            return;
        };
        let path = &after[..end];
        let name = path.rsplit('/').next().unwrap_or(path);
        out.push_str(&format!(
            "[▶ {}](<{}>)",
            escape_markdown_text(name),
            path.replace(['<', '>'], "")
        ));
        rest = &after[end + 1..];
    }
    words(out, rest);
}

/// Text with runs of whitespace as one space, escaped; a line may not
/// start with what Markdown reads as a list or heading marker.
fn words(out: &mut String, text: &str) {
    let mut collapsed = String::with_capacity(text.len());
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            collapsed.push(' ');
        }
        collapsed.push_str(word);
    }
    if text.starts_with(char::is_whitespace) && !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
    // At the start of a line, or just after a list item's marker.
    let last_line = out.rsplit('\n').next().unwrap_or("").trim_start();
    let at_line_start = last_line.is_empty()
        || last_line == "- "
        || ordinal_digits(last_line).is_some_and(|d| last_line.len() == d + 2);
    let mut escaped = escape_markdown_text(&collapsed);
    if at_line_start {
        if escaped.starts_with(['-', '+', '=']) {
            escaped.insert(0, '\\');
        } else if let Some(digits) = ordinal_digits(&escaped) {
            // `1.` starts a list; `1\.` does not (a digit cannot be escaped).
            escaped.insert(digits, '\\');
        }
    }
    out.push_str(&escaped);
    if text.ends_with(char::is_whitespace) && !collapsed.is_empty() {
        out.push(' ');
    }
}

/// The number of leading digits when `text` starts like an ordered list item.
fn ordinal_digits(text: &str) -> Option<usize> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    (digits > 0 && matches!(text.as_bytes().get(digits), Some(b'.' | b')'))).then_some(digits)
}

fn line(out: &mut String) {
    let trimmed = out.trim_end_matches(' ').len();
    out.truncate(trimmed);
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
}

fn block(out: &mut String) {
    line(out);
    if !out.is_empty() && !out.ends_with("\n\n") {
        out.push('\n');
    }
}

/// Lines trimmed at the end, no run of blank lines, none at either end.
fn tidy(markdown: &str) -> String {
    let mut out = String::with_capacity(markdown.len());
    let mut blank = 0;
    for l in markdown.lines() {
        let l = if l.ends_with("  ") && !l.trim().is_empty() {
            l
        } else {
            l.trim_end()
        };
        if l.trim().is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(l);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cards_become_readable_markdown() {
        assert_eq!(
            html_to_markdown("<div>la <b>casa</b><br>[sound:media/x/casa.wav]</div>"),
            "la **casa**  \n[▶ casa.wav](<media/x/casa.wav>)"
        );
        assert_eq!(
            html_to_markdown("<ul><li>a</li><li>- b</li></ul>"),
            "- a\n- \\- b"
        );
        assert_eq!(
            html_to_markdown("<pre><code>x = 1\n\ny</code></pre>"),
            "```\nx = 1\n\ny\n```"
        );
        assert_eq!(html_to_markdown("<p>1. not a list</p>"), "1\\. not a list");
        assert_eq!(
            html_to_markdown("<img src=\"m/a.png\" alt=\"A\">"),
            "![A](<m/a.png>)"
        );
    }
}
