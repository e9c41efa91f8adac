//! Markdown → plain text for Quizlet, which shows text literally and splits
//! on its separators: one line by default, or lines without blank lines when
//! the user picks a custom card separator.

use pulldown_cmark::{Event, Tag, TagEnd};

use super::html_tokens::{TokenReader, feed, hides_its_text, skipped_end, tokenize};
use super::sanitize::hidden_html;
use super::{math_segments, parse, protect_math, strip_tags, tex_to_text};

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
/// the given layout, laid out as [`to_plain`] lays out Markdown: paragraphs,
/// `<div>`s and `<br>` break lines (a space on one line), list items start
/// with `• ` (`3. ` in an ordered list), a table's cells are joined by ` | `
/// and its rows by `; ` (on lines, a row a line), a `<pre>` block's lines by
/// ` ⏎ ` (on lines, a line each). Read with a browser's tokenizer:
/// `<script>`, `<style>` and the like and comments vanish, entities are
/// decoded (`&nbsp;` as a space), `[sound:…]` goes, runs of spaces collapse,
/// and MathJax outside code is shown as [`to_plain_text`] shows it.
///
/// ```
/// use flashdeck::markup::{Layout, html_to_plain};
/// let html = "<p>Sizes:</p><table><tr><th>type</th><th>bits</th></tr><tr><td><code>i8</code></td><td>8</td></tr></table>";
/// assert_eq!(html_to_plain(html, Layout::OneLine), "Sizes: type | bits; i8 | 8");
/// assert_eq!(html_to_plain("<ol><li>a</li><li>b &amp; \\(x^2\\)</li></ol>", Layout::OneLine), "1. a 2. b & x²");
/// assert_eq!(html_to_plain("Code:<pre><code>x &lt; 1\ny</code></pre>", Layout::OneLine), "Code: ⏎ x < 1 ⏎ y");
/// ```
pub fn html_to_plain(html: &str, layout: Layout) -> String {
    let mut text = PlainText::new(layout);
    for piece in tokenize(html) {
        feed(piece, &mut text);
    }
    text.finish()
}

/// Marks a line of code in [`PlainText`]'s lines: its spaces are kept.
const CODE_LINE: char = '\u{E002}';

/// HTML tokens → plain text (see [`html_to_plain`]).
struct PlainText {
    layout: Layout,
    /// Lines (`\n`-separated) of text with runs of spaces collapsed; a line
    /// of code starts with [`CODE_LINE`].
    out: String,
    /// Inside an element whose text is not shown: its name.
    skipping: Option<String>,
    /// The text of the open `<pre>` block and how deep `<pre>`s nest.
    code: Option<(String, usize)>,
    /// Open `<code>` (and the like) outside `<pre>`: no math there.
    code_spans: usize,
    /// Prose not yet written, `<br>` as `\n`: MathJax reads math across
    /// `<br>` (its `includeHtmlTags`), not across other tags.
    pending: String,
    /// Open lists: `None` for bullets, else the next number.
    lists: Vec<Option<u64>>,
    /// Open tables: (rows begun, cells begun in the row).
    tables: Vec<(usize, usize)>,
}

impl PlainText {
    fn new(layout: Layout) -> PlainText {
        PlainText {
            layout,
            out: String::new(),
            skipping: None,
            code: None,
            code_spans: 0,
            pending: String::new(),
            lists: Vec::new(),
            tables: Vec::new(),
        }
    }

    fn in_cell(&self) -> bool {
        self.tables.last().is_some_and(|(_, cells)| *cells > 0)
    }

    /// Ends the line (inside a table cell, a space: a cell is one line).
    fn line(&mut self) {
        if self.in_cell() {
            self.space();
        } else {
            self.trim_end();
            if !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push('\n');
            }
        }
    }

    fn space(&mut self) {
        if !self.out.is_empty() && !self.out.ends_with([' ', '\n']) {
            self.out.push(' ');
        }
    }

    fn trim_end(&mut self) {
        let kept = self.out.trim_end_matches(' ').len();
        self.out.truncate(kept);
    }

    /// Writes the pending prose: sounds gone, math as text (not in code,
    /// which MathJax leaves alone), spaces collapsed, `<br>` a line break.
    fn flush(&mut self) {
        if self.pending.is_empty() {
            return;
        }
        let pending = std::mem::take(&mut self.pending);
        let text = without_sounds(&pending);
        let text = if self.code_spans == 0 {
            math_as_text(&text)
        } else {
            text
        };
        for (line_at, line) in text.split('\n').enumerate() {
            if line_at > 0 {
                self.line();
            }
            for (i, word) in line.split(char::is_whitespace).enumerate() {
                if i > 0 {
                    self.space();
                }
                self.out.push_str(word);
            }
        }
    }

    /// A `<pre>` block: each line that holds something, as written.
    fn code_block(&mut self, code: &str) {
        let lines = code.lines().filter(|l| !l.trim().is_empty());
        if self.in_cell() {
            // A table cell is one line.
            for word in lines.flat_map(str::split_whitespace) {
                self.space();
                self.out.push_str(word);
            }
            return;
        }
        self.line();
        for line in lines {
            self.out.push(CODE_LINE);
            self.out.push_str(line.trim_end());
            self.out.push('\n');
        }
    }

    fn finish(mut self) -> String {
        self.flush();
        if let Some((code, _)) = self.code.take() {
            self.code_block(&code);
        }
        // Lines of prose trimmed, lines of code with their indentation.
        let lines = self
            .out
            .split('\n')
            .filter_map(|line| match line.strip_prefix(CODE_LINE) {
                Some(code) => Some((true, code.trim_end())),
                None => Some((false, line.trim())).filter(|(_, l)| !l.is_empty()),
            });
        match self.layout {
            Layout::Lines => lines.map(|(_, l)| l).collect::<Vec<_>>().join("\n"),
            Layout::OneLine => {
                // As `to_plain` writes a code block on one line: its lines
                // joined by ` ⏎ `, set off by ` ⏎ ` from the prose around it.
                let mut out = String::new();
                let mut last_code = false;
                for (code, line) in lines {
                    if !out.is_empty() {
                        out.push_str(if code || last_code { " ⏎ " } else { " " });
                    }
                    out.push_str(if code { line } else { line.trim() });
                    last_code = code;
                }
                out
            }
        }
    }
}

impl TokenReader for PlainText {
    /// Text a reader sees: kept until the next tag other than `<br>`.
    fn on_text(&mut self, text: &str) {
        if self.skipping.is_some() {
            return;
        }
        match self.code.as_mut() {
            Some((code, _)) => code.push_str(text),
            None => self.pending.push_str(text),
        }
    }

    fn on_start(&mut self, name: &str, attributes: &[(String, String)], self_closing: bool) {
        if self.skipping.is_some() {
            return;
        }
        if let Some((code, depth)) = self.code.as_mut() {
            match name {
                "br" => code.push('\n'),
                "pre" => *depth += 1,
                _ => {}
            }
            return;
        }
        if name == "br" {
            if self.code_spans == 0 && !self.in_cell() {
                self.pending.push('\n');
            } else {
                self.flush();
                self.line();
            }
            return;
        }
        if name == "wbr" {
            return;
        }
        self.flush();
        match name {
            _ if (hides_its_text(name) || matches!(name, "audio" | "video")) && !self_closing => {
                self.skipping = Some(name.to_string());
            }
            "pre" => {
                self.line();
                self.code = Some((String::new(), 1));
            }
            "code" | "kbd" | "samp" | "tt" => self.code_spans += 1,
            "ul" | "ol" => {
                self.line();
                let start = (name == "ol").then(|| {
                    attributes
                        .iter()
                        .find(|(n, _)| n == "start")
                        .and_then(|(_, v)| v.trim().parse::<u64>().ok())
                        .unwrap_or(1)
                });
                self.lists.push(start);
            }
            "li" => {
                self.line();
                match self.lists.last_mut() {
                    Some(Some(n)) => {
                        self.out.push_str(&format!("{n}. "));
                        *n += 1;
                    }
                    _ => self.out.push_str("• "),
                }
            }
            "table" => {
                self.line();
                self.tables.push((0, 0));
            }
            "tr" => {
                if let Some((rows, cells)) = self.tables.last_mut() {
                    let first = *rows == 0;
                    *rows += 1;
                    *cells = 0;
                    if !first {
                        self.trim_end();
                        match self.layout {
                            Layout::OneLine => self.out.push_str("; "),
                            Layout::Lines => self.out.push('\n'),
                        }
                    }
                }
            }
            "td" | "th" => {
                if let Some((_, cells)) = self.tables.last_mut() {
                    *cells += 1;
                    if *cells > 1 {
                        self.trim_end();
                        self.out.push_str(" | ");
                    }
                }
            }
            _ if is_block(name) => self.line(),
            _ => {}
        }
    }

    fn on_end(&mut self, name: &str) {
        if skipped_end(&mut self.skipping, name) {
            return;
        }
        if let Some((code, depth)) = self.code.as_mut() {
            if name == "pre" {
                *depth -= 1;
                if *depth == 0 {
                    let code = std::mem::take(code);
                    self.code = None;
                    self.code_block(&code);
                }
            }
            return;
        }
        self.flush();
        match name {
            "code" | "kbd" | "samp" | "tt" => self.code_spans = self.code_spans.saturating_sub(1),
            "ul" | "ol" => {
                self.lists.pop();
                self.line();
            }
            "table" => {
                self.tables.pop();
                self.line();
            }
            "li" => self.line(),
            _ if is_block(name) => self.line(),
            _ => {}
        }
    }
}

/// Elements that start and end a line.
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "hr"
            | "blockquote"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "main"
            | "aside"
            | "nav"
            | "figure"
            | "figcaption"
            | "center"
            | "address"
            | "details"
            | "summary"
            | "dl"
            | "dt"
            | "dd"
            | "form"
            | "fieldset"
            | "legend"
            | "caption"
            | "body"
            | "html"
    )
}

/// `text` without Anki's `[sound:…]` tags (what they play is not text).
fn without_sounds(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("[sound:") {
        out.push_str(rest.get(..i).unwrap_or_default());
        let after = rest.get(i..).unwrap_or_default();
        rest = after
            .find(']')
            .map_or("", |e| after.get(e + 1..).unwrap_or_default());
    }
    out.push_str(rest);
    out
}

/// Each MathJax segment of `text` as [`math_text`] shows it.
fn math_as_text(text: &str) -> String {
    let segments = math_segments(text);
    if segments.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for segment in segments {
        out.push_str(text.get(last..segment.range.start).unwrap_or_default());
        out.push_str(&math_text(
            text.get(segment.range.clone()).unwrap_or_default(),
        ));
        last = segment.range.end;
    }
    out.push_str(text.get(last..).unwrap_or_default());
    out
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
    fn html_reads_as_markdown_does() {
        // Tables as rows, lists with their markers, code blocks set off, as
        // `to_plain` lays out the same Markdown.
        let table = "<table><tbody><tr><th>type</th><th>bits</th></tr><tr><td><code>i8</code></td><td>8</td></tr></tbody></table>";
        assert_eq!(
            html_to_plain(table, Layout::OneLine),
            to_plain_text("| type | bits |\n|---|---|\n| `i8` | 8 |")
        );
        assert_eq!(html_to_plain(table, Layout::Lines), "type | bits\ni8 | 8");
        let lists = "<ol start=3><li>a</li><li>b<ul><li>c</li></ul></li></ol><ul><li>d</li></ul>";
        assert_eq!(html_to_plain(lists, Layout::OneLine), "3. a 4. b • c • d");
        let code = "Run:<pre><code class=\"language-rust\">let v = vec![1];\n\nif a &lt; b {\n    go();\n}</code></pre>then";
        assert_eq!(
            html_to_plain(code, Layout::OneLine),
            "Run: ⏎ let v = vec![1]; ⏎ if a < b { ⏎     go(); ⏎ } ⏎ then"
        );
        assert_eq!(
            html_to_plain(code, Layout::Lines),
            "Run:\nlet v = vec![1];\nif a < b {\n    go();\n}\nthen"
        );
        // Entities decoded, code spans as they are, no literal backslashes.
        assert_eq!(
            html_to_plain(
                "<code>vec!&#91;1&#93;</code> <code>&amp;mut T</code>&nbsp;<code>\\(x\\)</code>",
                Layout::OneLine
            ),
            "vec![1] &mut T \\(x\\)"
        );
    }

    #[test]
    fn html_math_reads_as_text_even_across_line_breaks() {
        assert_eq!(
            html_to_plain("Area \\(\\pi r^2\\) and \\(a &lt; b\\)", Layout::OneLine),
            "Area πr² and a < b"
        );
        // MathJax reads across `<br>` (not across other tags).
        assert_eq!(
            html_to_plain("\\(x^{2}<br>+ 1\\)<br>next", Layout::Lines),
            "x² + 1\nnext"
        );
        assert_eq!(
            html_to_plain("<b>\\(x</b> y\\)", Layout::OneLine),
            "\\(x y\\)"
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
