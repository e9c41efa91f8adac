//! Card HTML → Markdown: what `convert` offers for a field when it renders
//! back to the same HTML (`read/bank_file.rs`). Covers what cards hold:
//! paragraphs and line breaks, emphasis, code spans and blocks, lists,
//! tables, images, links and Anki's `[sound:…]`; everything else keeps its
//! text. All text is escaped, so nothing in a field becomes Markdown syntax
//! by accident; code is written as code (its text as it is, entities
//! decoded); emphasis keeps the spaces at its ends outside its delimiters
//! (`<b>a </b>b` is `**a** b`, which Markdown reads as emphasis).

/// Markdown for `html` (sanitized HTML with media paths already pointing
/// where the handout keeps them).
///
/// ```
/// use flashdeck::markup::html_to_markdown;
/// assert_eq!(html_to_markdown("<p>the <em>house</em></p><p>a*b</p>"), "the *house*\n\na\\*b");
/// assert_eq!(html_to_markdown("<b>standardisierte </b>Vereinbarung"), "**standardisierte** Vereinbarung");
/// assert_eq!(html_to_markdown("<code>Option&lt;&amp;T&gt;</code> <code>&#91;1&#93; `x`</code>"), "`Option<&T>` `` [1] `x` ``");
/// assert_eq!(html_to_markdown("<table><tr><th>type</th><th>bits</th></tr><tr><td>i8</td><td>8</td></tr></table>"), "| type | bits |\n| --- | --- |\n| i8 | 8 |");
/// ```
pub fn html_to_markdown(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut lists: Vec<Option<u64>> = Vec::new();
    let mut pre = 0usize;
    let mut link: Option<String> = None;
    // The text of the open code span (outside `<pre>`), decoded.
    let mut code_span: Option<String> = None;
    // Open emphasis: its delimiter and where it was written.
    let mut emphasis: Vec<(&str, usize)> = Vec::new();
    let mut tables: Vec<Table> = Vec::new();
    let mut rest = html;
    while !rest.is_empty() {
        let open = rest.find('<').unwrap_or(rest.len());
        let written = rest.get(..open).unwrap_or_default();
        match code_span.as_mut() {
            Some(code) => code.push_str(&html_escape::decode_html_entities(written)),
            None => {
                // Text right after an opening delimiter starts after it
                // only once its spaces are outside: `** a**` is no emphasis.
                let just_opened = emphasis.last_mut().filter(|(delimiter, at)| {
                    out.len() == *at + delimiter.len() && written_at(&out, *at, delimiter)
                });
                if let Some((_, at)) = just_opened
                    && written.starts_with(char::is_whitespace)
                    && pre == 0
                {
                    if *at > 0 && !out.get(..*at).unwrap_or_default().ends_with([' ', '\n']) {
                        // `at` is where the ASCII delimiter starts.
                        out.insert(*at, ' ');
                        *at += 1;
                    }
                    text(&mut out, written.trim_start(), false);
                } else {
                    text(&mut out, written, pre > 0);
                }
            }
        }
        let Some(after) = rest.get(open..).filter(|a| !a.is_empty()) else {
            break;
        };
        if after.starts_with("<!--") {
            rest = after
                .find("-->")
                .map_or("", |e| after.get(e + 3..).unwrap_or_default());
            continue;
        }
        let end = tag_end(after);
        let tag = after.get(..end).unwrap_or(after);
        rest = after.get(end..).unwrap_or_default();
        let closing = tag.starts_with("</");
        let name: String = tag
            .trim_start_matches(['<', '/'])
            .chars()
            .take_while(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if let Some(code) = code_span.as_mut() {
            match (name.as_str(), closing) {
                ("code", true) => {
                    let code = code_span.take().unwrap_or_default();
                    crate::markup::sheet::push_code_span(&mut out, &code, !tables.is_empty());
                }
                ("br", _) => code.push(' '),
                _ => {}
            }
            continue;
        }
        match (name.as_str(), closing) {
            ("br", _) if !tables.is_empty() => out.push(' '),
            ("br", _) => out.push_str(if pre > 0 { "\n" } else { "  \n" }),
            ("table", false) => {
                if tables.is_empty() {
                    block(&mut out);
                }
                tables.push(Table::new(out.len()));
            }
            ("table", true) => {
                if let Some(table) = tables.pop() {
                    if tables.is_empty() {
                        table.write(&mut out);
                        block(&mut out);
                    } else {
                        // A table in a cell: its text only.
                        let flat = table.flat(&mut out);
                        out.push_str(&flat);
                    }
                }
            }
            ("tr", false) => {
                if let Some(table) = tables.last_mut() {
                    table.row(&mut out);
                }
            }
            ("td" | "th", false) => {
                if let Some(table) = tables.last_mut() {
                    table.cell(&mut out);
                }
            }
            ("td" | "th" | "tr", true) => {
                if let Some(table) = tables.last_mut() {
                    table.end_cell(&mut out);
                }
            }
            ("p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "hr", _)
                if !tables.is_empty() =>
            {
                out.push(' ')
            }
            ("p" | "div" | "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "blockquote" | "hr", _) => {
                block(&mut out)
            }
            ("b" | "strong", false) => open_emphasis(&mut out, &mut emphasis, "**"),
            ("b" | "strong", true) => close_emphasis(&mut out, &mut emphasis, "**"),
            ("i" | "em", false) => open_emphasis(&mut out, &mut emphasis, "*"),
            ("i" | "em", true) => close_emphasis(&mut out, &mut emphasis, "*"),
            ("code", false) if pre == 0 => code_span = Some(String::new()),
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
    if let Some(code) = code_span.take() {
        crate::markup::sheet::push_code_span(&mut out, &code, !tables.is_empty());
    }
    while let Some(table) = tables.pop() {
        if tables.is_empty() {
            table.write(&mut out);
        } else {
            let flat = table.flat(&mut out);
            out.push_str(&flat);
        }
    }
    tidy(&out)
}

/// Opens emphasis: its delimiter, remembered with where it starts.
fn open_emphasis<'d>(out: &mut String, open: &mut Vec<(&'d str, usize)>, delimiter: &'d str) {
    open.push((delimiter, out.len()));
    out.push_str(delimiter);
}

/// Closes the emphasis `delimiter` opened: the spaces before the end go
/// after the delimiter, and emphasis with nothing inside goes.
fn close_emphasis(out: &mut String, open: &mut Vec<(&str, usize)>, delimiter: &str) {
    let Some(at) = open.iter().rposition(|(d, _)| *d == delimiter) else {
        return;
    };
    let (_, start) = open.remove(at);
    // A table cell taken out of `out` may have taken the opening with it.
    if !written_at(out, start, delimiter) {
        return;
    }
    let inside = out.get(start + delimiter.len()..).unwrap_or_default();
    if inside.trim().is_empty() {
        let kept = inside.to_string();
        out.truncate(start);
        out.push_str(&kept);
        return;
    }
    let trimmed = out.trim_end_matches([' ', '\n']).len();
    let spaces = out.get(trimmed..).unwrap_or_default().to_string();
    out.truncate(trimmed);
    out.push_str(delimiter);
    out.push_str(&spaces);
}

/// Whether `out` holds `delimiter` at byte `at` (then `at` is where a
/// character starts).
fn written_at(out: &str, at: usize, delimiter: &str) -> bool {
    out.get(at..)
        .is_some_and(|rest| rest.starts_with(delimiter))
}

/// Cuts `out` back to `len` bytes, or to the character boundary before it.
fn cut(out: &mut String, len: usize) {
    if len < out.len() {
        let mut len = len;
        while !out.is_char_boundary(len) {
            len -= 1;
        }
        out.truncate(len);
    }
}

/// A table being read: its rows of cells' Markdown, taken out of `out`
/// as each cell ends (where the table started, `start`).
struct Table {
    start: usize,
    rows: Vec<Vec<String>>,
    /// Where the open cell's Markdown starts in `out`.
    cell: Option<usize>,
}

impl Table {
    fn new(start: usize) -> Table {
        Table {
            start,
            rows: Vec::new(),
            cell: None,
        }
    }

    fn row(&mut self, out: &mut String) {
        self.end_cell(out);
        self.rows.push(Vec::new());
    }

    fn cell(&mut self, out: &mut String) {
        self.end_cell(out);
        if self.rows.is_empty() {
            self.rows.push(Vec::new());
        }
        self.cell = Some(out.len());
    }

    /// Takes the open cell's Markdown out of `out` into its row: one line.
    fn end_cell(&mut self, out: &mut String) {
        let Some(at) = self.cell.take() else {
            // Text between cells is no cell's.
            cut(out, self.start);
            return;
        };
        let markdown = out.get(at..).unwrap_or_default();
        let one_line: Vec<&str> = markdown.split_whitespace().collect();
        let cell = one_line.join(" ");
        cut(out, at);
        if let Some(row) = self.rows.last_mut() {
            row.push(cell);
        }
    }

    /// Writes the table as a pipe table in place of what it left in `out`
    /// (its first row the header).
    fn write(mut self, out: &mut String) {
        self.end_cell(out);
        cut(out, self.start);
        self.rows.retain(|r| !r.is_empty());
        let columns = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if columns == 0 {
            return;
        }
        for (i, row) in self.rows.iter().enumerate() {
            out.push('|');
            for column in 0..columns {
                out.push(' ');
                out.push_str(row.get(column).map_or("", String::as_str));
                out.push_str(" |");
            }
            out.push('\n');
            if i == 0 {
                out.push('|');
                for _ in 0..columns {
                    out.push_str(" --- |");
                }
                out.push('\n');
            }
        }
    }

    /// The table's cells as one line (a table inside a cell), taken out of
    /// `out`.
    fn flat(mut self, out: &mut String) -> String {
        self.end_cell(out);
        cut(out, self.start);
        let cells: Vec<&str> = self.rows.iter().flatten().map(String::as_str).collect();
        cells.join(" ")
    }
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
        // Code is code: its text as it is, entities decoded.
        assert_eq!(
            html_to_markdown(
                "<code>vec!&#91;1, 2&#93;</code>, <code>&amp;mut T</code>, <code>Option&lt;T&gt;</code>, <code>less than $25</code>"
            ),
            "`vec![1, 2]`, `&mut T`, `Option<T>`, `less than $25`"
        );
        // Emphasis keeps its spaces outside; empty emphasis goes.
        assert_eq!(
            html_to_markdown(
                "Eine <b>standardisierte </b>Vereinbarung,<i> börsengehandelt</i><b> </b>x"
            ),
            "Eine **standardisierte** Vereinbarung, *börsengehandelt* x"
        );
        // Tables are tables.
        assert_eq!(
            html_to_markdown(
                "<table><tbody><tr><th>type</th><th>bits</th></tr><tr><td><code>i8</code></td><td>a|b</td></tr><tr><td>x</td></tr></tbody></table>after"
            ),
            "| type | bits |\n| --- | --- |\n| `i8` | a\\|b |\n| x |  |\n\nafter"
        );
        assert_eq!(
            html_to_markdown("<img src=\"m/a.png\" alt=\"A\">"),
            "![A](<m/a.png>)"
        );
    }
}
