//! A field's HTML as the Markdown that renders back to it: the inverse of
//! [`crate::markup::to_html`] for what that writes (paragraphs, emphasis,
//! inline code, highlighted code blocks, lists, tables, headings, quotes,
//! links, images, line breaks), other inline tags kept as raw HTML, and text
//! escaped only where Markdown would read it as syntax. Only a candidate:
//! [`super::bank_file`] renders it and keeps it when the HTML comes back
//! byte for byte; anything this does not recognise gives `None`.

use std::ops::Range;

/// How inline elements are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inline {
    /// `*em*`, `**strong**`, `` `code` ``, `~~del~~`, `[text](url)`,
    /// `![alt](src)`, and `\` before a line break.
    Markdown,
    /// Every inline tag as raw HTML: for emphasis Markdown cannot spell
    /// exactly (`<em>a </em>b`), and Anki's editor's `<br>` runs.
    Raw,
}

/// Markdown for a field's `html` (media paths as the bank writes them), if
/// its structure is one Markdown spells: `<p>a <em>b</em></p>\n<p>c</p>`
/// gives `a *b*`, a blank line, `c`.
pub(crate) fn markdown_for(html: &str, inline: Inline) -> Option<String> {
    let nodes = parse(html)?;
    let writer = Writer {
        inline,
        // `[a](b)` or `[a]: b` in the text would make a link: every `[` is
        // escaped then (a field with a lone `[` keeps it readable).
        brackets: html.contains("](") || html.contains("][") || html.contains("]:"),
    };
    if nodes.iter().any(is_block) {
        Some(writer.blocks(&nodes)?.join("\n\n"))
    } else {
        writer.paragraph(&nodes)
    }
}

/// Elements deeper than this are not followed (a hostile field cannot
/// recurse the writer into a stack overflow).
const MAX_DEPTH: usize = 24;

/// Elements that have no end tag.
const VOID: [&str; 14] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
];

/// Inline elements that pass through Markdown as raw HTML (the sanitizer
/// decides what survives; the render check sees the result).
const RAW_INLINE: [&str; 34] = [
    "a", "abbr", "b", "bdi", "bdo", "big", "br", "cite", "code", "del", "dfn", "em", "font", "i",
    "img", "ins", "kbd", "mark", "q", "rb", "rp", "rt", "ruby", "s", "samp", "small", "span",
    "strike", "strong", "sub", "sup", "tt", "u", "var",
];

#[derive(Debug)]
enum Node<'h> {
    Text(&'h str),
    Comment(&'h str),
    Element(Element<'h>),
}

#[derive(Debug)]
struct Element<'h> {
    /// Lowercase.
    name: String,
    /// The start tag as written.
    open: &'h str,
    /// The end tag as written (empty for a void element).
    close: &'h str,
    children: Vec<Node<'h>>,
}

/// Whether `node` is an element Markdown writes as a block.
fn is_block(node: &Node<'_>) -> bool {
    let Node::Element(e) = node else {
        return false;
    };
    matches!(
        e.name.as_str(),
        "p" | "pre" | "ul" | "ol" | "table" | "blockquote" | "hr"
    ) || (e.name.len() == 2
        && e.name.starts_with('h')
        && e.name.ends_with(['1', '2', '3', '4', '5', '6']))
}

/// The tree of `html`, or `None` when it is not well formed (a `<` that
/// starts no tag, an end tag that closes nothing open, an element left open).
fn parse(html: &str) -> Option<Vec<Node<'_>>> {
    let mut open: Vec<Element<'_>> = Vec::new();
    let mut top: Vec<Node<'_>> = Vec::new();
    fn push<'h>(open: &mut [Element<'h>], top: &mut Vec<Node<'h>>, node: Node<'h>) {
        match open.last_mut() {
            Some(parent) => parent.children.push(node),
            None => top.push(node),
        }
    }
    let mut rest = html;
    while !rest.is_empty() {
        let Some(at) = rest.find('<') else {
            push(&mut open, &mut top, Node::Text(rest));
            break;
        };
        let (text, after) = rest.split_at_checked(at)?;
        if !text.is_empty() {
            push(&mut open, &mut top, Node::Text(text));
        }
        if let Some(body) = after.strip_prefix("<!--") {
            let end = body.find("-->")? + "<!---->".len();
            let (comment, tail) = after.split_at_checked(end)?;
            push(&mut open, &mut top, Node::Comment(comment));
            rest = tail;
            continue;
        }
        let (tag, tail) = after.split_at_checked(tag_end(after)?)?;
        rest = tail;
        let closing = tag.starts_with("</");
        let name = tag
            .trim_start_matches('<')
            .trim_start_matches('/')
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        if closing {
            let mut element = open.pop().filter(|e| e.name == name)?;
            element.close = tag;
            push(&mut open, &mut top, Node::Element(element));
        } else if VOID.contains(&name.as_str()) || tag.ends_with("/>") {
            let element = Element {
                name,
                open: tag,
                close: "",
                children: Vec::new(),
            };
            push(&mut open, &mut top, Node::Element(element));
        } else {
            if open.len() >= MAX_DEPTH {
                return None;
            }
            open.push(Element {
                name,
                open: tag,
                close: "",
                children: Vec::new(),
            });
        }
    }
    open.is_empty().then_some(top)
}

/// The length of the tag at the start of `html` (through its `>`; a `>` in
/// a quoted attribute value does not end it), if it ends.
fn tag_end(html: &str) -> Option<usize> {
    let mut at = 0;
    loop {
        let next = at + html.get(at..)?.find(['>', '"', '\''])?;
        let quote = html.get(next..)?.chars().next()?;
        if quote == '>' {
            return Some(next + 1);
        }
        let closing = html.get(next + 1..)?.find(quote)?;
        at = next + 1 + closing + 1;
    }
}

struct Writer {
    inline: Inline,
    brackets: bool,
}

impl Writer {
    /// Blocks as `to_html` writes them: one per element, `\n` between.
    fn blocks(&self, nodes: &[Node<'_>]) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut want_block = true;
        for node in nodes {
            match node {
                Node::Text("\n") if !want_block => want_block = true,
                Node::Element(e) if want_block && is_block(node) => {
                    out.push(self.block(e)?);
                    want_block = false;
                }
                _ => return None,
            }
        }
        (!out.is_empty() && !want_block).then_some(out)
    }

    fn block(&self, e: &Element<'_>) -> Option<String> {
        let bare = e.open.len() == e.name.len() + 2;
        match e.name.as_str() {
            "p" if bare => self.paragraph(&e.children),
            "hr" if bare => Some("---".to_string()),
            "pre" => code_block(e),
            "ul" | "ol" => self.list(e),
            "table" if bare => self.table(e),
            "blockquote" if bare => {
                let [Node::Text("\n"), inner @ .., Node::Text("\n")] = e.children.as_slice() else {
                    return None;
                };
                let quoted = self.blocks(inner)?.join("\n\n");
                Some(prefix_lines(&quoted, "> ", ">"))
            }
            name if bare && name.len() == 2 && name.starts_with('h') => {
                let level = name.get(1..).and_then(|l| l.parse::<usize>().ok())?;
                let text = self.paragraph(&e.children)?;
                (!text.contains('\n') && !text.is_empty())
                    .then(|| format!("{} {text}", "#".repeat(level)))
            }
            _ => None,
        }
    }

    /// Inline content as one paragraph's lines.
    fn paragraph(&self, nodes: &[Node<'_>]) -> Option<String> {
        let text = protect_lines(&self.inline(nodes, false)?);
        // A first line that is one tag alone would start an HTML block:
        // its line break is written as a reference instead.
        let first = text.split('\n').next().unwrap_or("").trim_end();
        let tag = first.strip_prefix('<').is_some_and(|t| {
            t.trim_start_matches('/')
                .starts_with(|c: char| c.is_ascii_alphabetic())
        });
        if tag && tag_end(first) == Some(first.len()) {
            return text
                .split_once('\n')
                .map(|(first, rest)| format!("{first}&#10;{rest}"));
        }
        (!text.is_empty()).then_some(text)
    }

    fn inline(&self, nodes: &[Node<'_>], cell: bool) -> Option<String> {
        let mut out = String::new();
        for (i, node) in nodes.iter().enumerate() {
            match node {
                Node::Text(text) => escape_text(&decode(text), &mut out, self.brackets, cell)?,
                Node::Comment(comment) => out.push_str(comment),
                Node::Element(e) => self.inline_element(e, nodes.get(i + 1), cell, &mut out)?,
            }
        }
        Some(out)
    }

    fn inline_element(
        &self,
        e: &Element<'_>,
        next: Option<&Node<'_>>,
        cell: bool,
        out: &mut String,
    ) -> Option<()> {
        let markdown = self.inline == Inline::Markdown;
        let bare = e.open.len() == e.name.len() + 2;
        if markdown && let Some(href) = link_target(e.open) {
            return self.link(e, &href, cell, out);
        }
        if markdown && let Some((src, alt)) = image(e.open) {
            out.push_str("![");
            escape_text(&alt, out, true, cell)?;
            out.push_str("](");
            out.push_str(&destination(&src)?);
            out.push(')');
            return Some(());
        }
        let wrap = |mark: &str, out: &mut String| {
            let inner = self.inline(&e.children, cell)?;
            out.push_str(mark);
            out.push_str(&inner);
            out.push_str(mark);
            Some(())
        };
        match e.name.as_str() {
            // A break before a new line: Markdown's `\` at the line's end.
            "br" if markdown
                && !out.is_empty()
                && matches!(next, Some(Node::Text(t)) if t.starts_with('\n')) =>
            {
                out.push('\\');
            }
            "em" if markdown && bare => wrap("*", out)?,
            "strong" if markdown && bare => wrap("**", out)?,
            "del" if markdown && bare => wrap("~~", out)?,
            "code" if markdown && bare => out.push_str(&code_span(&e.children)?),
            name if RAW_INLINE.contains(&name) => {
                let inner = self.inline(&e.children, cell)?;
                out.push_str(e.open);
                out.push_str(&inner);
                out.push_str(e.close);
            }
            _ => return None,
        }
        Some(())
    }

    /// `[text](url)`, or `<url>` for a link that shows its address.
    fn link(&self, e: &Element<'_>, href: &str, cell: bool, out: &mut String) -> Option<()> {
        match e.children.as_slice() {
            [Node::Text(t)] if decode(t) == href && is_autolink(href) => {
                out.push('<');
                out.push_str(href);
                out.push('>');
            }
            children => {
                let text = self.inline(children, cell)?;
                out.push('[');
                out.push_str(&text);
                out.push_str("](");
                out.push_str(&destination(href)?);
                out.push(')');
            }
        }
        Some(())
    }

    fn list(&self, e: &Element<'_>) -> Option<String> {
        let mut number: Option<u64> = match e.open {
            "<ul>" => None,
            "<ol>" => Some(1),
            open => Some(
                open.strip_prefix("<ol start=\"")?
                    .strip_suffix("\">")?
                    .parse()
                    .ok()?,
            ),
        };
        let [Node::Text("\n"), rest @ ..] = e.children.as_slice() else {
            return None;
        };
        let mut items = Vec::new();
        let mut loose = None;
        for pair in rest.chunks(2) {
            let [Node::Element(li), Node::Text("\n")] = pair else {
                return None;
            };
            if li.open != "<li>" {
                return None;
            }
            let (content, item_loose) = self.item(&li.children)?;
            if *loose.get_or_insert(item_loose) != item_loose {
                return None;
            }
            let marker = match number.as_mut() {
                Some(n) => {
                    let marker = format!("{n}. ");
                    *n = n.checked_add(1)?;
                    marker
                }
                None => "- ".to_string(),
            };
            let indent = " ".repeat(marker.len());
            let indented = prefix_lines(&content, &indent, "");
            items.push(format!("{marker}{}", indented.strip_prefix(&indent)?));
        }
        let separator = if loose? { "\n\n" } else { "\n" };
        Some(items.join(separator))
    }

    /// A list item's Markdown, and whether it is loose (its text in `<p>`s).
    fn item(&self, nodes: &[Node<'_>]) -> Option<(String, bool)> {
        if let [Node::Text("\n"), inner @ .., Node::Text("\n")] = nodes
            && inner.first().is_some_and(is_block)
        {
            return Some((self.blocks(inner)?.join("\n\n"), true));
        }
        let Some(first_block) = nodes.iter().position(is_block) else {
            return Some((self.paragraph(nodes)?, false));
        };
        // Tight: text, then blocks (a nested list) each after a line break.
        let (text, blocks) = nodes.split_at_checked(first_block)?;
        let text = self.inline(text, false)?;
        let text = text.strip_suffix('\n').filter(|t| !t.is_empty())?;
        let [blocks @ .., Node::Text("\n")] = blocks else {
            return None;
        };
        let blocks = self.blocks(blocks)?.join("\n");
        Some((format!("{}\n{blocks}", protect_lines(text)), false))
    }

    fn table(&self, e: &Element<'_>) -> Option<String> {
        let (head, body) = match e.children.as_slice() {
            [Node::Element(head)] => (head, None),
            [Node::Element(head), Node::Element(body)] => (head, Some(body)),
            _ => return None,
        };
        if head.open != "<thead>" {
            return None;
        }
        let [Node::Element(header)] = head.children.as_slice() else {
            return None;
        };
        let header = self.row(header, "th")?;
        let mut lines = vec![
            format!("| {} |", header.join(" | ")),
            format!("|{}", "---|".repeat(header.len())),
        ];
        if let Some(body) = body {
            let [Node::Text("\n"), rows @ ..] = body.children.as_slice() else {
                return None;
            };
            if body.open != "<tbody>" {
                return None;
            }
            for pair in rows.chunks(2) {
                let [Node::Element(row), Node::Text("\n")] = pair else {
                    return None;
                };
                lines.push(format!("| {} |", self.row(row, "td")?.join(" | ")));
            }
        }
        Some(lines.join("\n"))
    }

    fn row(&self, row: &Element<'_>, cell: &str) -> Option<Vec<String>> {
        if row.open != "<tr>" {
            return None;
        }
        let mut cells = Vec::new();
        for node in &row.children {
            let Node::Element(c) = node else {
                return None;
            };
            if c.name != cell || c.open.len() != cell.len() + 2 {
                return None;
            }
            let text = self.inline(&c.children, true)?;
            if text.contains('\n') {
                return None;
            }
            cells.push(protect_lines(&text));
        }
        (!cells.is_empty()).then_some(cells)
    }
}

/// `<pre class="code"><code class="language-x">…</code></pre>` (the spans
/// of highlighting inside) as a fenced block: what `to_html` writes for one.
fn code_block(e: &Element<'_>) -> Option<String> {
    if e.open != "<pre class=\"code\">" {
        return None;
    }
    let [Node::Element(code)] = e.children.as_slice() else {
        return None;
    };
    let lang = match code.open {
        "<code>" => String::new(),
        open => decode(
            open.strip_prefix("<code class=\"language-")?
                .strip_suffix("\">")?,
        ),
    };
    if lang.contains(['`', ' ', '\n']) {
        return None;
    }
    let mut body = String::new();
    code_text(&code.children, &mut body)?;
    if !body.ends_with('\n') {
        body.push('\n');
    }
    // Longer than any run of backticks that starts a line (which would end it).
    let inside = body
        .lines()
        .map(|line| {
            let indent = line.len() - line.trim_start_matches(' ').len();
            if indent > 3 {
                0
            } else {
                line.trim_start_matches(' ')
                    .chars()
                    .take_while(|&c| c == '`')
                    .count()
            }
        })
        .max()
        .unwrap_or(0);
    let fence = "`".repeat(inside.max(2) + 1);
    Some(format!("{fence}{lang}\n{body}{fence}"))
}

/// The text of highlighted code: text and `<span style>`s only.
fn code_text(nodes: &[Node<'_>], out: &mut String) -> Option<()> {
    for node in nodes {
        match node {
            Node::Text(t) => out.push_str(&decode(t)),
            Node::Element(e) if e.name == "span" && e.open.starts_with("<span style=\"") => {
                code_text(&e.children, out)?;
            }
            _ => return None,
        }
    }
    Some(())
}

/// `<code>` text as a code span, fenced by more backticks than it holds.
fn code_span(nodes: &[Node<'_>]) -> Option<String> {
    let mut text = String::new();
    for node in nodes {
        let Node::Text(t) = node else {
            return None;
        };
        text.push_str(&decode(t));
    }
    if text.is_empty() || text.contains(['\n', '\r']) {
        return None;
    }
    let fence = "`".repeat(longest_run(&text, '`') + 1);
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.starts_with(' ') && text.ends_with(' ') && !text.trim().is_empty());
    let pad = if pad { " " } else { "" };
    Some(format!("{fence}{pad}{text}{pad}{fence}"))
}

fn longest_run(text: &str, c: char) -> usize {
    let (mut longest, mut run) = (0, 0);
    for x in text.chars() {
        run = if x == c { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// The decoded `href` of `<a href="…">` (no other attribute).
fn link_target(open: &str) -> Option<String> {
    let value = open.strip_prefix("<a href=\"")?.strip_suffix("\">")?;
    (!value.contains('"')).then(|| decode(value))
}

/// The decoded `src` and `alt` of `<img src="…" alt="…">`, as Markdown's
/// images render.
fn image(open: &str) -> Option<(String, String)> {
    let attributes = open.strip_prefix("<img src=\"")?.strip_suffix("\">")?;
    let (src, alt) = attributes.split_once("\" alt=\"")?;
    (!src.contains('"') && !alt.contains('"')).then(|| (decode(src), decode(alt)))
}

/// Whether `<url>` is a Markdown autolink showing `url`.
fn is_autolink(url: &str) -> bool {
    let scheme = url.split_once(':').map_or("", |(s, _)| s);
    (2..=32).contains(&scheme.len())
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && !url.contains(|c: char| c.is_whitespace() || c.is_control() || c == '<' || c == '>')
}

/// A link or image destination: as is, or in `<…>` when it holds spaces or
/// parentheses.
fn destination(url: &str) -> Option<String> {
    if url.contains(['<', '>', '\\', '\n', '\r']) {
        return None;
    }
    if url.is_empty() || url.contains([' ', '(', ')']) {
        Some(format!("<{url}>"))
    } else {
        Some(url.to_string())
    }
}

fn decode(text: &str) -> String {
    html_escape::decode_html_entities(text).into_owned()
}

/// The MathJax of `text` (`\( … \)`, `\[ … \]`), which Markdown leaves as
/// written, as `to_html` finds it (up to an opening without its end, which
/// is text: its backslash is escaped).
fn math_ranges(text: &str) -> Vec<Range<usize>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text.get(from..).and_then(|t| t.find('\\')) {
        let start = from + at;
        let close = match text.as_bytes().get(start + 1) {
            Some(b'(') => "\\)",
            Some(b'[') => "\\]",
            _ => {
                from = start + 1;
                continue;
            }
        };
        let Some(len) = text.get(start + 2..).and_then(|t| t.find(close)) else {
            break;
        };
        let end = start + 2 + len + close.len();
        found.push(start..end);
        from = end;
    }
    found
}

/// Text (entities decoded) as Markdown inline text that shows it as is.
fn escape_text(text: &str, out: &mut String, brackets: bool, cell: bool) -> Option<()> {
    let math = math_ranges(text);
    let mut math = math.iter().peekable();
    let mut chars = text.char_indices().peekable();
    let mut prev: Option<char> = None;
    // Once no `]` follows, no later `[sound:` is one (no search again).
    let mut closed = true;
    while let Some((at, c)) = chars.next() {
        if let Some(range) = math.next_if(|r| r.start == at) {
            out.push_str(text.get(range.clone())?);
            while chars.next_if(|(i, _)| *i < range.end).is_some() {}
            prev = Some(')');
            continue;
        }
        let next = chars.peek().map(|(_, n)| *n);
        let rest = text.get(at..).unwrap_or("");
        // Anki's `[sound:…]` as written: the media checks read its name
        // from the Markdown, escapes and all.
        let sound = rest
            .strip_prefix("[sound:")
            .filter(|_| closed)
            .map(|name| name.find(']'));
        if sound == Some(None) {
            closed = false;
        }
        if let Some(end) = sound.flatten().map(|end| at + "[sound:".len() + end + 1) {
            out.push_str(text.get(at..end)?);
            while chars.next_if(|(i, _)| *i < end).is_some() {}
            prev = Some(']');
            continue;
        }
        match c {
            // Before what it could escape (or what is written as a reference).
            '\\' if !next.is_some_and(char::is_alphanumeric) => {
                out.push_str("&#92;");
            }
            '`' | '*' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '_' if !(prev.is_some_and(char::is_alphanumeric)
                && next.is_some_and(char::is_alphanumeric)) =>
            {
                out.push_str("\\_");
            }
            '[' if brackets => out.push_str("&#91;"),
            '|' if cell => out.push_str("\\|"),
            '<' if next.is_none_or(|n| n.is_ascii_alphabetic() || matches!(n, '/' | '!' | '?')) => {
                out.push_str("&lt;");
            }
            '&' if is_entity_like(rest) => out.push_str("&amp;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '\r' => return None,
            c => out.push(c),
        }
        prev = Some(c);
    }
    Some(())
}

/// Whether `text` (starting at `&`) reads as a character reference.
fn is_entity_like(text: &str) -> bool {
    let body = text.get(1..).unwrap_or("");
    let name = body.trim_start_matches('#');
    let len = name.chars().take_while(char::is_ascii_alphanumeric).count();
    len > 0 && name.get(len..).is_some_and(|r| r.starts_with(';'))
}

/// Each line of a paragraph made to start and end as text: leading and
/// trailing whitespace as references (Markdown drops it), a `#`, `>`, `-`,
/// `+`, `=` or `1.` that would open a block escaped, and a line break that
/// Markdown would drop (at either end, or making a blank line) as `&#10;`.
fn protect_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut open = false;
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            if line.is_empty() || !open {
                out.push_str("&#10;");
                open = true;
            } else {
                out.push('\n');
            }
        }
        if !line.is_empty() {
            protect_line(line, &mut out);
            open = true;
        }
    }
    out
}

fn protect_line(line: &str, out: &mut String) {
    let mut rest = line;
    if let Some(stripped) = rest.strip_prefix(' ') {
        out.push_str("&#32;");
        rest = stripped;
    } else if let Some(stripped) = rest.strip_prefix('\t') {
        out.push_str("&#9;");
        rest = stripped;
    } else {
        let bytes = rest.as_bytes();
        let ends_marker = |n: usize| matches!(bytes.get(n), None | Some(b' ' | b'\t'));
        let digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        match bytes.first() {
            Some(b'#' | b'>') => out.push('\\'),
            Some(&b @ (b'-' | b'+' | b'=')) if ends_marker(1) || bytes.get(1) == Some(&b) => {
                out.push('\\');
            }
            _ if (1..=9).contains(&digits)
                && matches!(bytes.get(digits), Some(b'.' | b')'))
                && ends_marker(digits + 1) =>
            {
                if let Some((number, tail)) = rest.split_at_checked(digits) {
                    out.push_str(number);
                    out.push('\\');
                    rest = tail;
                }
            }
            _ => {}
        }
    }
    match rest.strip_suffix(' ') {
        Some(body) => {
            out.push_str(body);
            out.push_str("&#32;");
        }
        None => match rest.strip_suffix('\t') {
            Some(body) => {
                out.push_str(body);
                out.push_str("&#9;");
            }
            None => out.push_str(rest),
        },
    }
}

/// `text` with `prefix` before each non-empty line and `empty` as each
/// empty one.
fn prefix_lines(text: &str, prefix: &str, empty: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if line.is_empty() {
            out.push_str(empty);
        } else {
            out.push_str(prefix);
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::{HtmlOptions, to_html};
    use proptest::prelude::*;

    /// A field of a bank-declared note type as the build renders it, media
    /// paths left as written (as the converter sees them).
    fn render(markdown: &str) -> String {
        let options = HtmlOptions {
            media_url: &|w| Some(w.to_string()),
            escape_braces: false,
        };
        crate::anki::note_type::inline_paragraph(to_html(markdown, &options))
    }

    /// Markdown as people write it renders to HTML that comes back as that
    /// very Markdown.
    #[test]
    fn written_markdown_comes_back_as_written() {
        for markdown in [
            "the *house* and **home**, `code` and ~~old~~",
            "first paragraph\n\nsecond, with a line break\\\nhere",
            "Which `manage.py` command?\n\n```python\ndef f(x):\n    return x < 1\n```\n\nAfter the code.",
            "```\nplain <code> & ``` fences\n```",
            "````\n```\nfence inside\n```\n````",
            "- one\n- two\n  - nested\n  - again\n- three",
            "3. third\n4. fourth",
            "- loose one\n\n- loose two",
            "| Method | Checked |\n|---|---|\n| GET, HEAD | no |\n| a \\| b | `x` |",
            "See <https://docs.djangoproject.com/en/5.2/> or [the FAQ](https://x.org/faq?a=1&b=2).",
            "![Three boxes](media/d/mtv.png)",
            "# Heading\n\n> quoted\n> text\n\n---\n\nend",
            "\\[ A = \\pi r^2 \\]\n\nFor \\( r = 2 \\): \\( A = 4\\pi \\).",
            "Tom & Jerry < 3 > 2, a_b_c, 50% off; [sound:media/d/x.mp3]",
        ] {
            let html = render(markdown);
            assert_eq!(
                markdown_for(&html, Inline::Markdown).as_deref(),
                Some(markdown),
                "{html}"
            );
        }
    }

    /// Text Markdown would read as syntax is escaped so it shows as written.
    #[test]
    fn text_is_escaped_where_markdown_would_act() {
        for (html, markdown) in [
            ("1. not a list", "1\\. not a list"),
            ("- not a bullet", "\\- not a bullet"),
            ("# not a heading", "\\# not a heading"),
            (
                "*stars* and _under_ and `ticks` ~x~",
                "\\*stars\\* and \\_under\\_ and \\`ticks\\` \\~x\\~",
            ),
            ("[a](b) and [c]", "&#91;a](b) and &#91;c]"),
            (
                "&lt;b&gt;bold?&lt;/b&gt; &amp;amp; a\\b C:\\",
                "&lt;b>bold?&lt;/b> &amp;amp; a\\b C:&#92;",
            ),
            ("a&nbsp;b&nbsp;", "a&nbsp;b&nbsp;"),
            ("  spaced  ", "&#32; spaced &#32;"),
            ("line<br>\n- next", "line\\\n\\- next"),
        ] {
            let got = markdown_for(html, Inline::Markdown);
            assert_eq!(got.as_deref(), Some(markdown), "{html}");
            assert_eq!(render(markdown), html, "{markdown}");
        }
    }

    /// Inline tags Markdown has no spelling for pass through as raw HTML;
    /// with `Inline::Raw`, every inline tag does.
    #[test]
    fn other_inline_tags_stay_html() {
        for (html, inline, markdown) in [
            ("to eat<br>to dine", Inline::Markdown, "to eat<br>to dine"),
            (
                "Mi <b>casa</b> es <u>tu</u> casa",
                Inline::Markdown,
                "Mi <b>casa</b> es <u>tu</u> casa",
            ),
            ("<em>a </em>b", Inline::Raw, "<em>a </em>b"),
            ("H<sub>2</sub>O *", Inline::Raw, "H<sub>2</sub>O \\*"),
        ] {
            assert_eq!(
                markdown_for(html, inline).as_deref(),
                Some(markdown),
                "{html}"
            );
            assert_eq!(render(markdown), html, "{markdown}");
        }
    }

    /// What Markdown cannot write gives no candidate (the field keeps its
    /// HTML), and hostile or broken HTML never panics.
    #[test]
    fn what_markdown_cannot_write_gives_none() {
        for html in [
            "text<div>a block inside a paragraph</div>",
            "<p>never closed",
            "closing </b> nothing",
            "a < b <",
            "<table><tr><td>no head</td></tr></table>",
            "<pre><code>not flashdeck's code block</code></pre>",
            "<ol start=\"18446744073709551615\">\n<li>a</li>\n<li>b</li>\n</ol>",
            "<!-- unterminated",
            "<p>a</p><p>b</p>",
        ] {
            assert_eq!(markdown_for(html, Inline::Markdown), None, "{html}");
        }
        let deep = "<b>".repeat(100) + &"</b>".repeat(100);
        assert_eq!(markdown_for(&deep, Inline::Raw), None);
        let sounds = "[sound:".repeat(10_000);
        assert!(markdown_for(&sounds, Inline::Markdown).is_some());
    }

    /// Text as a browser (and Anki's editor) serializes it.
    fn serialized(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('\u{a0}', "&nbsp;")
    }

    /// A field of paragraphs of text, emphasis, code and line breaks, as
    /// `to_html` or Anki's editor writes one (text with any punctuation).
    fn field() -> impl Strategy<Value = String> {
        let text = "[a-z0-9 *_`#>+=.!()\\[\\]<&|~{}\"'\\\\\u{a0}-]{1,12}";
        let piece = prop_oneof![
            4 => text.prop_map(|t| serialized(&t)),
            1 => text.prop_map(|t| format!("<em>{}</em>", serialized(&t))),
            1 => text.prop_map(|t| format!("<strong>{}</strong>", serialized(&t))),
            1 => text.prop_map(|t| format!("<code>{}</code>", serialized(&t))),
            1 => text.prop_map(|t| format!("<b>{}</b>", serialized(&t))),
            1 => Just("<br>".to_string()),
            1 => Just("<br>\n".to_string()),
            1 => Just("\n".to_string()),
        ];
        // (A paragraph of one `<br>` alone is an HTML block to Markdown:
        // no Markdown writes it, and the field keeps its HTML.)
        let paragraphs = prop::collection::vec(prop::collection::vec(piece, 1..5), 1..4)
            .prop_filter("a paragraph of one tag", |ps| {
                ps.len() == 1 || ps.iter().all(|p| p.concat().trim_end() != "<br>")
            });
        paragraphs.prop_map(|paragraphs| {
            if let [only] = paragraphs.as_slice() {
                return only.concat();
            }
            paragraphs
                .iter()
                .map(|p| format!("<p>{}</p>", p.concat()))
                .collect::<Vec<_>>()
                .join("\n")
        })
    }

    /// Fields the generator below once found Markdown for none of (a
    /// backslash before a reference, a break at a paragraph's start, an
    /// unclosed `\(`, a line's last space after a backslash).
    #[test]
    fn fields_the_generator_found_come_back() {
        for html in [
            "<p>\\&nbsp;</p>\n<p>0</p>",
            "<p><br>\n\n</p>\n<p><br>\na</p>",
            "<strong>\\(</strong><em>&nbsp;</em>",
            "\\ ",
            "<p>&nbsp;</p>\n<p>&lt;\"\"&lt;a&gt;</p>",
        ] {
            let markdown =
                super::super::bank_file::as_markdown(html, html, false, &|w| Some(w.to_string()));
            assert!(
                markdown.as_deref().is_some_and(|m| render(m) == html),
                "{html:?}: {markdown:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512)
        ))]

        /// Such a field comes back as Markdown (the converter's candidates,
        /// this module's first) that renders to it.
        #[test]
        fn fields_markdown_can_write_come_back(html in field()) {
            let markdown = super::super::bank_file::as_markdown(&html, &html, false, &|w| Some(w.to_string()));
            prop_assert!(markdown.as_deref().is_some_and(|m| render(m) == html), "{html:?}: {markdown:?} / {:?}", markdown_for(&html, Inline::Raw));
        }
    }
}
