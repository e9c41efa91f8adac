//! The sheet's document tree → Markdown that every common renderer reads
//! the same way and none reads as HTML.
//!
//! What makes it so:
//! - Text is escaped character by character in a form each renderer
//!   decodes and none treats as syntax ([`escape_text`]): `<`, `&` and the
//!   characters of MathJax, links, tables and pandoc's extensions as HTML
//!   character references, the rest of Markdown's punctuation with a
//!   backslash where Python-Markdown also reads one.
//! - No HTML is written, and a URL only where it is safe (http, https,
//!   mailto or relative), percent-encoded where Markdown could read it.
//! - Fenced code is written at the margin, never inside a list or a quote:
//!   Python-Markdown finds fences only there, and would read an indented
//!   fence's lines as Markdown.
//! - Math is written as `$…$` (pandoc, GitHub and markdown-it's math read
//!   it; the others show it as text), its TeX spaced so that, read as
//!   text, it opens no tag, entity, link or code span.

use super::tree::{Align, Block, Inline};

/// Blocks as Markdown, separated by blank lines.
pub(super) fn blocks(blocks: &[Block]) -> String {
    let hoisted = hoist_code(blocks);
    let mut out = Lines::default();
    out.blocks(&hoisted);
    let mut text = out.text;
    while text.ends_with('\n') {
        text.pop();
    }
    text
}

/// Inline content as one line (a heading's): breaks become spaces.
pub(super) fn heading_line(inlines: &[Inline]) -> String {
    let mut out = String::new();
    let mut context = Context {
        line_start: false,
        one_line: true,
        in_cell: false,
    };
    write_inlines(inlines, &mut out, &mut context);
    out.trim().to_string()
}

/// Where inline content is being written.
struct Context {
    /// At the start of a line, where Markdown reads block markers.
    line_start: bool,
    /// In a heading: line breaks become spaces.
    one_line: bool,
    /// In a table cell: `|` would end the cell.
    in_cell: bool,
}

/// Block Markdown being written line by line, each line starting with the
/// prefixes of the containers it is in (`> `, a list marker or its indent).
#[derive(Default)]
struct Lines {
    text: String,
    containers: Vec<Container>,
    /// The inline Markdown of the paragraph being written, reused.
    scratch: String,
}

/// A quote or a list item: what starts its first line and its other lines.
struct Container {
    first: String,
    rest: String,
    started: bool,
}

impl Lines {
    /// One line of content, after the containers' prefixes.
    fn line(&mut self, content: &str) {
        for container in &mut self.containers {
            if container.started {
                self.text.push_str(&container.rest);
            } else {
                self.text.push_str(&container.first);
                container.started = true;
            }
        }
        if content.is_empty() {
            // A prefix alone (an empty list item): no padding at the end.
            while self.text.ends_with(' ') {
                self.text.pop();
            }
        }
        self.text.push_str(content);
        self.text.push('\n');
    }

    /// A blank line: only what a quote needs on it (`>`).
    fn blank(&mut self) {
        let mut prefix = String::new();
        for container in &self.containers {
            prefix.push_str(&container.rest);
        }
        self.text.push_str(prefix.trim_end());
        self.text.push('\n');
    }

    fn blocks(&mut self, blocks: &[Block]) {
        let mut first = true;
        for block in blocks {
            if is_empty_block(block) {
                continue;
            }
            if !first {
                self.blank();
            }
            first = false;
            self.block(block);
        }
    }

    fn block(&mut self, block: &Block) {
        match block {
            Block::Paragraph(inlines) => {
                let mut inline = std::mem::take(&mut self.scratch);
                inline.clear();
                let mut context = Context {
                    line_start: true,
                    one_line: false,
                    in_cell: false,
                };
                write_inlines(inlines, &mut inline, &mut context);
                for line in inline.trim().split('\n') {
                    let line = line.trim_start();
                    if !line.trim().is_empty() {
                        self.line(line);
                    }
                }
                self.scratch = inline;
            }
            Block::Heading(level, inlines) => {
                let text = heading_line(inlines);
                self.line(&format!("{} {text}", "#".repeat(usize::from(*level))));
            }
            Block::Quote(inner) => {
                self.containers.push(Container {
                    first: "> ".to_string(),
                    rest: "> ".to_string(),
                    started: false,
                });
                self.blocks(inner);
                self.containers.pop();
            }
            Block::List { start, items } => self.list(*start, items),
            Block::Code { lang, text } => self.code_block(lang, text),
            Block::Table { align, rows } => self.table(align, rows),
            Block::Rule => self.line("* * *"),
        }
    }

    /// A list: `- ` or `N. ` markers; the lines of an item's first block
    /// indented to its text, its later blocks (paragraphs, nested lists) by
    /// at least four columns, which CommonMark, pandoc and Python-Markdown
    /// (which wants four) all read as the item's. Items of one block are
    /// written tight.
    fn list(&mut self, start: Option<u64>, items: &[Vec<Block>]) {
        let tight = items.iter().all(|item| item.len() <= 1);
        for (i, item) in items.iter().enumerate() {
            let marker = match start {
                Some(n) => format!("{}. ", n.saturating_add(i as u64)),
                None => "- ".to_string(),
            };
            let width = marker.len();
            if i > 0 && !tight {
                self.blank();
            }
            self.containers.push(Container {
                first: marker,
                rest: " ".repeat(width),
                started: false,
            });
            let mut first = true;
            for block in item.iter().filter(|b| !is_empty_block(b)) {
                if !first {
                    self.blank();
                    if let Some(container) = self.containers.last_mut() {
                        container.rest = " ".repeat(width.max(4));
                    }
                }
                first = false;
                self.block(block);
            }
            if first {
                // An item with nothing in it: its marker alone.
                self.line("");
            }
            self.containers.pop();
        }
    }

    /// A fenced code block at the margin (see [`hoist_code`]); the fence is
    /// longer than any run of backticks in the code, the language a plain word.
    fn code_block(&mut self, lang: &str, text: &str) {
        let fence = "`".repeat((longest_run(text, '`') + 1).max(3));
        let lang: String = lang
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "+-_.#".contains(*c))
            .collect();
        self.line(&format!("{fence}{lang}"));
        for line in text.split('\n') {
            let line = line.trim_end_matches('\r');
            if line
                .chars()
                .any(|c| c.is_control() && c != '\t' || is_line_breaking(c))
            {
                let clean: String = line
                    .chars()
                    .map(|c| {
                        if c.is_control() && c != '\t' || is_line_breaking(c) {
                            ' '
                        } else {
                            c
                        }
                    })
                    .collect();
                self.line(&clean);
            } else {
                self.line(line);
            }
        }
        self.line(&fence);
    }

    /// A pipe table: the first row is the header; every row has every column.
    fn table(&mut self, align: &[Align], rows: &[Vec<Vec<Inline>>]) {
        let columns = rows.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let cell = |inlines: &[Inline]| {
            let mut out = String::new();
            let mut context = Context {
                line_start: false,
                one_line: true,
                in_cell: true,
            };
            write_inlines(inlines, &mut out, &mut context);
            out.trim().to_string()
        };
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = (0..columns)
                .map(|c| row.get(c).map_or(String::new(), |inl| cell(inl)))
                .collect();
            self.line(&format!("| {} |", cells.join(" | ")));
            if i == 0 {
                let rule: Vec<&str> = (0..columns)
                    .map(|c| match align.get(c).copied().unwrap_or(Align::None) {
                        Align::None => "---",
                        Align::Left => ":--",
                        Align::Center => ":-:",
                        Align::Right => "--:",
                    })
                    .collect();
                self.line(&format!("| {} |", rule.join(" | ")));
            }
        }
    }
}

/// Whether a block writes nothing (a heading or paragraph of whitespace).
fn is_empty_block(block: &Block) -> bool {
    match block {
        Block::Heading(_, inlines) => heading_line(inlines).is_empty(),
        Block::Paragraph(inlines) => inlines.is_empty(),
        Block::Quote(inner) => inner.iter().all(is_empty_block),
        Block::List { items, .. } => items.is_empty(),
        Block::Table { rows, .. } => rows.is_empty(),
        Block::Code { .. } | Block::Rule => false,
    }
}

fn write_inlines(inlines: &[Inline], out: &mut String, context: &mut Context) {
    for inline in inlines {
        match inline {
            Inline::Text(text) => push_text(out, text, context),
            Inline::Code(code) => code_span(out, code, context),
            Inline::Math { tex, display } => math(out, tex, *display, context),
            Inline::Emphasis(inner) => delimited(out, "*", inner, context),
            Inline::Strong(inner) => delimited(out, "**", inner, context),
            Inline::Strike(inner) => delimited(out, "~~", inner, context),
            Inline::Link { url, content } => link(out, url, content, context),
            Inline::Image { url, alt } => {
                out.push_str("![");
                let mut inner = Context {
                    line_start: false,
                    one_line: true,
                    in_cell: context.in_cell,
                };
                push_text(out, alt, &mut inner);
                out.push_str("](");
                out.push_str(&encode_url(url));
                out.push(')');
                context.line_start = false;
            }
            Inline::Media { url, name } => {
                out.push_str("[▶ ");
                let mut inner = Context {
                    line_start: false,
                    one_line: true,
                    in_cell: context.in_cell,
                };
                push_text(out, name, &mut inner);
                out.push_str("](");
                out.push_str(&encode_url(url));
                out.push(')');
                context.line_start = false;
            }
            Inline::SoftBreak => {
                if context.one_line {
                    out.push(' ');
                } else {
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    out.push('\n');
                    context.line_start = true;
                }
            }
            Inline::Break => {
                if context.one_line {
                    out.push(' ');
                } else {
                    // Two spaces before the line's end: a hard break in every
                    // renderer (a backslash is not one in Python-Markdown).
                    while out.ends_with(' ') {
                        out.pop();
                    }
                    out.push_str("  \n");
                    context.line_start = true;
                }
            }
        }
    }
}

/// Emphasis, strong or strikethrough around `inner`, with the whitespace at
/// its edges moved outside (`**a **` is not emphasis in CommonMark);
/// nothing but the content when it holds no text.
fn delimited(out: &mut String, marker: &str, inner: &[Inline], context: &mut Context) {
    let mut content = String::new();
    let mut inner_context = Context {
        line_start: false,
        one_line: context.one_line,
        in_cell: context.in_cell,
    };
    write_inlines(inner, &mut content, &mut inner_context);
    let trimmed = content.trim_matches([' ', '\n']);
    if trimmed.trim().is_empty() {
        // Nothing to emphasise: the text alone.
        let mut plain = Context {
            line_start: context.line_start,
            one_line: context.one_line,
            in_cell: context.in_cell,
        };
        write_inlines(inner, out, &mut plain);
        context.line_start = plain.line_start;
        return;
    }
    // Whitespace at the edges (a line break there reads as a space) goes
    // outside the delimiters.
    if content.starts_with([' ', '\n']) && !out.is_empty() && !out.ends_with([' ', '\n']) {
        out.push(' ');
    }
    out.push_str(marker);
    out.push_str(trimmed);
    out.push_str(marker);
    if content.ends_with([' ', '\n']) {
        out.push(' ');
    }
    context.line_start = false;
}

fn link(out: &mut String, url: &str, content: &[Inline], context: &mut Context) {
    let mut text = String::new();
    let mut inner = Context {
        line_start: false,
        one_line: true,
        in_cell: context.in_cell,
    };
    write_inlines(content, &mut text, &mut inner);
    let text = text.trim();
    out.push('[');
    if text.is_empty() {
        push_text(out, url, &mut inner);
    } else {
        out.push_str(text);
    }
    out.push_str("](");
    out.push_str(&encode_url(url));
    out.push(')');
    context.line_start = false;
}

/// A code span: fenced with more backticks than it holds, padded where it
/// starts or ends with a backtick or a space (CommonMark strips one space
/// from each side), control characters as spaces. In a table cell a `|` is
/// written `\|`, which GitHub, pandoc and markdown-it read as `|` there.
fn code_span(out: &mut String, code: &str, context: &mut Context) {
    push_code_span(out, code, context.in_cell);
    context.line_start = false;
}

/// Writes `code` as a code span (see [`code_span`]); nothing when it is
/// blank. In a table cell (`in_cell`) a `|` is written `\|`.
pub fn push_code_span(out: &mut String, code: &str, in_cell: bool) {
    if code.trim().is_empty() {
        return;
    }
    let needs_cleaning = |c: char| c.is_control() || is_line_breaking(c) || (in_cell && c == '|');
    let cleaned;
    let flat = if code.contains(needs_cleaning) {
        let spaced: String = code
            .chars()
            .map(|c| {
                if c.is_control() || is_line_breaking(c) {
                    ' '
                } else {
                    c
                }
            })
            .collect();
        cleaned = if in_cell {
            spaced.replace('|', "\\|")
        } else {
            spaced
        };
        cleaned.as_str()
    } else {
        code
    };
    let fence = longest_run(flat, '`') + 1;
    let pad = flat.starts_with(['`', ' ']) || flat.ends_with(['`', ' ']);
    for _ in 0..fence {
        out.push('`');
    }
    if pad {
        out.push(' ');
    }
    out.push_str(flat);
    if pad {
        out.push(' ');
    }
    for _ in 0..fence {
        out.push('`');
    }
}

/// Math as `$tex$` (`$$tex$$` for display), or as its escaped source where
/// the TeX would end the math early or start a code span.
fn math(out: &mut String, tex: &str, display: bool, context: &mut Context) {
    match inert_tex(tex, context.in_cell) {
        Some(inert) => {
            let fence = if display { "$$" } else { "$" };
            out.push_str(fence);
            out.push_str(&inert);
            out.push_str(fence);
            context.line_start = false;
        }
        None => {
            let (open, close) = if display {
                ("\\[", "\\]")
            } else {
                ("\\(", "\\)")
            };
            push_text(out, &format!("{open}{tex}{close}"), context);
        }
    }
}

/// TeX that reads as nothing but text where a renderer does not know math:
/// on one line (comments dropped), a space after each `<` and `&`, between
/// `]` and `(`, `[` or `:`, and after the `:` of a script scheme (TeX ignores
/// spaces in math); in a table cell `|` as `\vert`. `None` when it holds
/// what cannot be made so: a backtick (it could pair with a code span's),
/// or a `$` that would end the math.
fn inert_tex(tex: &str, in_cell: bool) -> Option<String> {
    let mut out = String::with_capacity(tex.len() + 8);
    let mut backslashes = 0usize;
    let mut comment = false;
    let mut chars = tex.chars().peekable();
    while let Some(c) = chars.next() {
        if comment {
            if c == '\n' {
                comment = false;
                out.push(' ');
            }
            continue;
        }
        let escaped = backslashes % 2 == 1;
        match c {
            '`' => return None,
            '$' if !escaped => return None,
            '%' if !escaped => comment = true,
            '<' | '&' => {
                out.push(c);
                out.push(' ');
            }
            ']' if matches!(chars.peek(), Some('(' | '[' | ':')) => out.push_str("] "),
            ':' if script_scheme_before(&out) => out.push_str(": "),
            '|' if in_cell => out.push_str(if escaped { "Vert " } else { "\\vert " }),
            c if c.is_control() || is_line_breaking(c) => out.push(' '),
            c => out.push(c),
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    let trimmed = out.trim();
    // A final backslash would escape the closing `$`.
    (!trimmed.is_empty() && !trimmed.ends_with('\\')).then(|| trimmed.to_string())
}

/// Text, escaped (see [`escape_text`]), with what starts a line escaped
/// too when it is written at a line's start.
fn push_text(out: &mut String, text: &str, context: &mut Context) {
    let mut rest = text;
    while !rest.is_empty() {
        if !context.line_start {
            // Most text needs nothing: copied a run at a time, up to the next
            // byte that may (ASCII punctuation and controls, and the lead
            // bytes of U+0085, U+2028 and U+2029).
            let run = rest.bytes().position(needs_care).unwrap_or(rest.len());
            out.push_str(&rest[..run]);
            rest = &rest[run..];
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else {
            break;
        };
        let next = chars.as_str();
        let used = push_char(out, c, next, context);
        rest = &next[used..];
    }
}

/// Whether a byte of text may need escaping (see [`push_char`]).
fn needs_care(byte: u8) -> bool {
    matches!(
        byte,
        0..=0x1f
            | 0x7f
            | b'\\'
            | b'['
            | b']'
            | b'<'
            | b'>'
            | b'&'
            | b'$'
            | b'~'
            | b'|'
            | b'`'
            | b'*'
            | b'_'
            | b'{'
            | b'}'
            | b'#'
            | b':'
            | 0xc2
            | 0xe2
    )
}

/// Writes one character of text, escaped where it must be; `next` is the
/// text after it. Returns how many bytes of `next` it wrote too (a list
/// number's `.` at a line's start).
fn push_char(out: &mut String, c: char, next: &str, context: &mut Context) -> usize {
    let c = if c.is_control() || is_line_breaking(c) {
        ' '
    } else {
        c
    };
    if context.line_start {
        match c {
            ' ' => return 0,
            // List and setext markers, definition lists and fenced divs
            // (pandoc).
            '-' | '+' => {
                out.push('\\');
                out.push(c);
                context.line_start = false;
                return 0;
            }
            '=' => {
                out.push_str("&#61;");
                context.line_start = false;
                return 0;
            }
            ':' => {
                out.push_str("&#58;");
                context.line_start = false;
                return 0;
            }
            // `1.` and `1)` start ordered lists: the punctuation is escaped.
            d if d.is_ascii_digit() => {
                out.push(d);
                let digits = next.bytes().take_while(u8::is_ascii_digit).count();
                out.push_str(&next[..digits]);
                context.line_start = false;
                return match next.as_bytes().get(digits) {
                    Some(&p @ (b'.' | b')')) => {
                        out.push('\\');
                        out.push(char::from(p));
                        digits + 1
                    }
                    _ => digits,
                };
            }
            _ => context.line_start = false,
        }
    }
    if c == ':' {
        if script_scheme_before(out) {
            out.push_str("&#58;");
        } else {
            out.push(':');
        }
        return 0;
    }
    push_escaped(out, c);
    0
}

/// Escapes text for a sheet, anywhere but at the start of a line: what no
/// renderer reads as markup shows as it is; `<`, `&`, brackets, backslashes,
/// `$`, `~` and `|` become character references (decoded by every renderer,
/// read as syntax by none); `` ` `` `*` `_` `{` `}` `#` get a backslash
/// (escapes Python-Markdown knows too); control characters and line breaks
/// become spaces.
///
/// ```
/// use flashdeck::markup::sheet::escape_text;
/// assert_eq!(escape_text("a <b> & `c` [d](e) $5"), "a &lt;b&gt; &amp; \\`c\\` &#91;d&#93;(e) &#36;5");
/// ```
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    push_text(
        &mut out,
        text,
        &mut Context {
            line_start: false,
            one_line: true,
            in_cell: false,
        },
    );
    out
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\\' => out.push_str("&#92;"),
        '[' => out.push_str("&#91;"),
        ']' => out.push_str("&#93;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '$' => out.push_str("&#36;"),
        '~' => out.push_str("&#126;"),
        '|' => out.push_str("&#124;"),
        '`' | '*' | '_' | '{' | '}' | '#' => {
            out.push('\\');
            out.push(c);
        }
        c => out.push(c),
    }
}

/// Whether `written` ends with the name of a URL scheme that runs script
/// or makes a document (`javascript`, `vbscript`, `livescript`, `data`):
/// a bare-URL autolinker that knows such schemes (pandoc's, when enabled)
/// would link what follows the `:`, so that `:` is written as a reference.
fn script_scheme_before(written: &str) -> bool {
    let word: String = written
        .chars()
        .rev()
        .take_while(char::is_ascii_alphanumeric)
        .take(12)
        .collect::<Vec<char>>()
        .into_iter()
        .rev()
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript", "vbscript", "livescript", "data"]
        .iter()
        .any(|scheme| word.ends_with(scheme))
}

/// A URL as a link destination: characters that Markdown could read
/// (parentheses, brackets, spaces, `<`, `>`, quotes, backslashes, `$`…)
/// percent-encoded.
fn encode_url(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        if c.is_control()
            || c.is_whitespace()
            || matches!(
                c,
                '<' | '>'
                    | '('
                    | ')'
                    | '['
                    | ']'
                    | '{'
                    | '}'
                    | '"'
                    | '\''
                    | '\\'
                    | '`'
                    | '|'
                    | '^'
                    | '$'
            )
        {
            let mut buffer = [0u8; 4];
            for byte in c.encode_utf8(&mut buffer).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The longest run of `c` in `text`.
fn longest_run(text: &str, c: char) -> usize {
    let mut longest = 0;
    let mut run = 0;
    for d in text.chars() {
        if d == c {
            run += 1;
            longest = longest.max(run);
        } else {
            run = 0;
        }
    }
    longest
}

/// Characters that end a line in some reader (besides `\n` and `\r`,
/// which are control characters).
fn is_line_breaking(c: char) -> bool {
    matches!(c, '\u{2028}' | '\u{2029}' | '\u{85}')
}

/// Blocks with every fenced code block at the top level: a list or quote
/// that holds one is cut around it (an ordered list goes on with the next
/// number after the code).
fn hoist_code(blocks: &[Block]) -> std::borrow::Cow<'_, [Block]> {
    if !blocks.iter().any(holds_code) {
        return std::borrow::Cow::Borrowed(blocks);
    }
    let mut out = Vec::new();
    for block in blocks {
        hoisted(block.clone(), &mut out);
    }
    std::borrow::Cow::Owned(out)
}

fn holds_code(block: &Block) -> bool {
    let is_or_holds = |b: &Block| matches!(b, Block::Code { .. }) || holds_code(b);
    match block {
        Block::Quote(inner) => inner.iter().any(is_or_holds),
        Block::List { items, .. } => items.iter().flatten().any(is_or_holds),
        _ => false,
    }
}

/// Appends `block` to `out`, code blocks it holds lifted out.
fn hoisted(block: Block, out: &mut Vec<Block>) {
    match block {
        Block::Quote(inner) => {
            let mut parts = Vec::new();
            for b in inner {
                hoisted(b, &mut parts);
            }
            let mut quoted = Vec::new();
            for part in parts {
                if matches!(part, Block::Code { .. }) {
                    if !quoted.is_empty() {
                        out.push(Block::Quote(std::mem::take(&mut quoted)));
                    }
                    out.push(part);
                } else {
                    quoted.push(part);
                }
            }
            if !quoted.is_empty() {
                out.push(Block::Quote(quoted));
            }
        }
        Block::List { start, items } => {
            let mut next_start = start;
            let mut current: Vec<Vec<Block>> = Vec::new();
            let mut flush = |current: &mut Vec<Vec<Block>>, out: &mut Vec<Block>| {
                if current.is_empty() {
                    return;
                }
                let count = current.len() as u64;
                out.push(Block::List {
                    start: next_start,
                    items: std::mem::take(current),
                });
                next_start = next_start.map(|n| n.saturating_add(count));
            };
            for item in items {
                let mut parts = Vec::new();
                for b in item {
                    hoisted(b, &mut parts);
                }
                match parts.iter().position(|p| matches!(p, Block::Code { .. })) {
                    None => current.push(parts),
                    Some(at) => {
                        let rest = parts.split_off(at);
                        current.push(parts);
                        flush(&mut current, out);
                        out.extend(rest);
                    }
                }
            }
            flush(&mut current, out);
        }
        other => out.push(other),
    }
}
