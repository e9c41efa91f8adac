//! Markdown → one line of plain text (Quizlet shows text literally and splits
//! on tabs and newlines, so neither may appear).

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{parse, protect_math};

/// Flattens `markdown` to a single readable line: paragraphs joined by a
/// space, list items as `• item`, code blocks with ` ⏎ ` between lines,
/// images as their alt text, MathJax as its TeX source.
pub fn to_plain_text(markdown: &str) -> String {
    let protected = protect_math(markdown);
    let mut out = String::with_capacity(markdown.len());
    let mut list_numbers: Vec<Option<u64>> = Vec::new();
    let mut in_code_block = false;
    // Inside <script> or <style>: their text is not content.
    let mut in_hidden_html = false;
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    for event in parse(&protected.text) {
        match event {
            Event::Start(Tag::List(first)) => list_numbers.push(first),
            Event::End(TagEnd::List(_)) => {
                list_numbers.pop();
            }
            Event::Start(Tag::Item) => {
                space(&mut out);
                match list_numbers.last_mut() {
                    Some(Some(n)) => {
                        out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => out.push_str("• "),
                }
            }
            Event::Start(Tag::CodeBlock(_)) => {
                space(&mut out);
                in_code_block = true;
            }
            Event::End(TagEnd::CodeBlock) => {
                in_code_block = false;
                space(&mut out);
            }
            Event::Text(_) if in_hidden_html => {}
            Event::Text(text) if in_code_block => {
                let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
                out.push_str(&lines.join(" ⏎ "));
            }
            Event::Text(text) | Event::Code(text) => out.push_str(&text),
            Event::SoftBreak | Event::HardBreak => space(&mut out),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::TableCell,
            ) => space(&mut out),
            Event::End(TagEnd::TableRow | TagEnd::TableHead) => {
                space(&mut out);
                out.push_str("| ");
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                let lower = html.trim_start().to_ascii_lowercase();
                if lower.starts_with("<script") || lower.starts_with("<style") {
                    in_hidden_html = !(lower.contains("</script") || lower.contains("</style"));
                } else if lower.starts_with("</script") || lower.starts_with("</style") {
                    in_hidden_html = false;
                } else {
                    out.push_str(&strip_tags(&html));
                }
            }
            _ => {}
        }
    }
    let text = protected.restore(&out, |m| m.to_string());
    // Any tab or line break left (from raw HTML or math) becomes a space;
    // runs of spaces stay, so code keeps its indentation.
    text.replace(['\t', '\n', '\r'], " ").trim().to_string()
}

fn strip_tags(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            _ if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flattens_to_one_line() {
        let md = "First para.\n\nSecond:\n\n- one\n- two\n\n```python\nx = 1\ny = 2\n```\n\n![diagram](d.png)";
        assert_eq!(
            to_plain_text(md),
            "First para. Second: • one • two x = 1 ⏎ y = 2 diagram"
        );
    }

    #[test]
    fn numbered_lists_and_math() {
        assert_eq!(
            to_plain_text("3. a\n4. b\n\n\\(x^2\\)"),
            "3. a 4. b \\(x^2\\)"
        );
    }
}
