//! Markdown → plain text for Quizlet, which shows text literally and splits
//! on its separators: one line by default, or lines without blank lines when
//! the user picks a custom card separator.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::sanitize::hidden_html;
use super::{parse, protect_math, strip_tags, tex_to_text};

/// How plain text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One line: paragraphs joined by a space, code lines by ` ⏎ `.
    OneLine,
    /// One line per paragraph, list item, table row and code line; never a
    /// blank line, and never a tab.
    Lines,
}

/// Flattens `markdown` to a single readable line: paragraphs joined by a
/// space, list items as `• item`, code blocks with ` ⏎ ` between lines,
/// images as their alt text, simple MathJax as Unicode text (`\\(\\pi r^2\\)`
/// → `πr²`; other TeX as its source without delimiters).
pub fn to_plain_text(markdown: &str) -> String {
    to_plain(markdown, Layout::OneLine)
}

/// Rendered HTML (a card of a bank-declared note type) as plain text in
/// the given layout: block ends and `<br>` break lines, `<script>`/`<style>`
/// and comments vanish, entities are decoded, `[sound:…]` goes, and runs of
/// spaces collapse.
pub fn html_to_plain(html: &str, layout: Layout) -> String {
    let mut text = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        let after = &rest[open..];
        let lower = after
            .get(..after.len().min(12))
            .unwrap_or(after)
            .to_ascii_lowercase();
        let skip_to = |close: &str| {
            after
                .to_ascii_lowercase()
                .find(close)
                .map_or(after.len(), |i| i + close.len())
        };
        let end = if lower.starts_with("<!--") {
            skip_to("-->")
        } else if lower.starts_with("<script") {
            skip_to("</script>")
        } else if lower.starts_with("<style") {
            skip_to("</style>")
        } else {
            let end = after.find('>').map_or(after.len(), |i| i + 1);
            let name: String = lower
                .trim_start_matches(['<', '/'])
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect();
            if matches!(
                name.as_str(),
                "br" | "p"
                    | "div"
                    | "li"
                    | "tr"
                    | "h1"
                    | "h2"
                    | "h3"
                    | "h4"
                    | "h5"
                    | "h6"
                    | "pre"
                    | "hr"
                    | "table"
                    | "ul"
                    | "ol"
                    | "blockquote"
            ) {
                text.push('\n');
            } else if matches!(name.as_str(), "td" | "th") {
                text.push(' ');
            }
            end
        };
        rest = &after[end..];
    }
    text.push_str(rest);
    let decoded = html_escape::decode_html_entities(&text).replace('\u{a0}', " ");
    let without_sounds = {
        let mut out = String::with_capacity(decoded.len());
        let mut rest = decoded.as_str();
        while let Some(i) = rest.find("[sound:") {
            out.push_str(&rest[..i]);
            rest = rest[i..].find(']').map_or("", |e| &rest[i + e + 1..]);
        }
        out.push_str(rest);
        out
    };
    let lines: Vec<String> = without_sounds
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect();
    match layout {
        Layout::OneLine => lines.join(" "),
        Layout::Lines => lines.join("\n"),
    }
}

/// Markdown as plain text in the given layout.
pub fn to_plain(markdown: &str, layout: Layout) -> String {
    let (block_break, code_break, row_break) = match layout {
        Layout::OneLine => (" ", " ⏎ ", "; "),
        Layout::Lines => ("\n", "\n", "\n"),
    };
    let protected = protect_math(markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut list_numbers: Vec<Option<u64>> = Vec::new();
    let mut in_code_block = false;
    // Inside <script> or <style>: their text is not content.
    let mut in_hidden_html = false;
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with([' ', '\n']) {
            out.push(' ');
        }
    };
    let block = |out: &mut String| {
        let trimmed = out.trim_end_matches(' ').len();
        out.truncate(trimmed);
        if !out.is_empty() && !out.ends_with('\n') {
            out.push_str(block_break);
        }
    };
    for event in parse(&protected.text) {
        match event {
            Event::Start(Tag::List(first)) => list_numbers.push(first),
            Event::End(TagEnd::List(_)) => {
                list_numbers.pop();
            }
            Event::Start(Tag::Item) => {
                block(&mut out);
                match list_numbers.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("• "),
                }
            }
            // On one line, the code is set off by ` ⏎ ` on both sides, so it
            // does not run into the prose around it.
            Event::Start(Tag::CodeBlock(_)) => {
                block(&mut out);
                if layout == Layout::OneLine && !out.trim().is_empty() {
                    let trimmed = out.trim_end().len();
                    out.truncate(trimmed);
                    out.push_str(code_break);
                }
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                if layout == Layout::OneLine {
                    let trimmed = out.trim_end().len();
                    out.truncate(trimmed);
                    out.push_str(code_break);
                } else {
                    block(&mut out);
                }
            }
            Event::Text(_) if in_hidden_html => {}
            Event::Text(text) if in_code_block => {
                let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
                out.push_str(&lines.join(code_break));
            }
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak => space(&mut out),
            Event::HardBreak => block(&mut out),
            Event::End(TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item) => block(&mut out),
            Event::End(TagEnd::TableCell) => out.push_str(" | "),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                let trimmed = out.trim_end_matches(" | ").len();
                out.truncate(trimmed);
                out.push_str(row_break);
            }
            Event::End(TagEnd::Table) => {
                let trimmed = out.trim_end_matches(row_break).len();
                out.truncate(trimmed);
                block(&mut out);
            }
            Event::Html(html) | Event::InlineHtml(html) => match hidden_html(&html) {
                Some(inside) => in_hidden_html = inside,
                None => out.push_str(&strip_tags(&html)),
            },
            _ => {}
        }
    }
    let text = protected.restore(&out, math_text);
    // Tabs and line breaks left over (from raw HTML or math) become spaces;
    // runs of spaces stay, so code keeps its indentation.
    match layout {
        Layout::OneLine => text
            .replace(['\t', '\n', '\r'], " ")
            .trim()
            .trim_end_matches('⏎')
            .trim_start_matches('⏎')
            .trim()
            .to_string(),
        Layout::Lines => text
            .split('\n')
            .map(|line| line.replace(['\t', '\r'], " ").trim_end().to_string())
            .filter(|line| !line.trim().is_empty())
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

/// A MathJax segment (`\\( … \\)`, `\\[ … \\]`) as text: typeset when the TeX
/// is simple, else its source without the delimiters.
fn math_text(segment: &str) -> String {
    let tex = segment
        .get(2..segment.len().saturating_sub(2))
        .unwrap_or(segment)
        .trim();
    tex_to_text(tex).unwrap_or_else(|| tex.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_to_one_line() {
        let md = "First para.\n\nSecond:\n\n- one\n- two\n\n```python\nx = 1\ny = 2\n```\n\n![diagram](d.png)";
        assert_eq!(
            to_plain_text(md),
            "First para. Second: • one • two ⏎ x = 1 ⏎ y = 2 ⏎ diagram"
        );
    }

    #[test]
    fn lines_layout_keeps_structure_without_blank_lines() {
        let md = "Para one\nwraps.\n\n- a\n- b\n\n```\nx = 1\n\n    y\n```";
        assert_eq!(
            to_plain(md, Layout::Lines),
            "Para one wraps.\n• a\n• b\nx = 1\n    y"
        );
    }

    #[test]
    fn numbered_lists_and_math() {
        assert_eq!(
            to_plain_text("3. a\n4. b\n\n\\(x^2\\) and \\[ A = \\pi r^2 \\] \\(\\mathfrak{g}\\)"),
            "3. a 4. b x² and A = πr² \\mathfrak{g}"
        );
    }
}
