//! Bank Markdown and HTML → the sheet's document tree.
//!
//! Both inputs drive one [`Builder`]: Markdown through pulldown-cmark's
//! events, HTML (raw HTML inside Markdown, or a whole rendered card) through
//! html5ever's tokenizer. The builder keeps a stack of open nodes and
//! accepts any sequence (an end tag with no start is ignored, what is left
//! open is closed at the end), so hand-written and hostile HTML alike give
//! a tree. Tags map to the tree's few constructs or to nothing (their text
//! is kept); the text of `<script>`, `<style>` and the like is dropped.

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};

use super::tree::{Align, Block, Inline, MediaPath};
use crate::markup::html_tokens::{Piece, TokenReader, feed, hides_its_text, skipped_end, tokenize};
use crate::markup::{
    MATH_CLOSE, MATH_OPEN, ProtectedMath, is_safe_url, math_segments, parse, protect_math,
};

/// The tree of bank Markdown.
pub(super) fn from_markdown(markdown: &str, media: &MediaPath<'_>) -> Vec<Block> {
    let protected = protect_math(markdown);
    let mut builder = Builder::new(media);
    // Raw HTML of an HTML block arrives a line at a time; a tag may span lines.
    let mut html_block: Option<String> = None;
    for event in parse(&protected.text) {
        match event {
            Event::Start(Tag::HtmlBlock) => html_block = Some(String::new()),
            Event::End(TagEnd::HtmlBlock) => {
                if let Some(html) = html_block.take() {
                    builder.html(&protected.restore(&html, |m| m.to_string()));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => match html_block.as_mut() {
                Some(block) => block.push_str(&html),
                None => builder.html(&protected.restore(&html, |m| m.to_string())),
            },
            Event::Start(tag) => builder.markdown_start(tag, &protected),
            Event::End(tag) => builder.markdown_end(tag),
            Event::Text(text) => builder.markdown_text(&text, &protected),
            Event::Code(code) if protected.math.is_empty() => builder.code(&code),
            Event::Code(code) => builder.code(&protected.restore(&code, |m| m.to_string())),
            Event::SoftBreak => builder.soft_break(),
            Event::HardBreak => builder.line_break(),
            Event::Rule => builder.leaf_block(Block::Rule),
            Event::InlineMath(tex) | Event::DisplayMath(tex) => builder.text(&tex),
            Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
    builder.finish()
}

/// The tree of an HTML fragment.
pub(super) fn from_html(html: &str, media: &MediaPath<'_>) -> Vec<Block> {
    let mut builder = Builder::new(media);
    builder.html(html);
    builder.finish()
}

/// A node that is open while the input is read.
#[derive(Debug)]
enum Open {
    Quote(Vec<Block>),
    List {
        start: Option<u64>,
        items: Vec<Vec<Block>>,
    },
    Item(Vec<Block>),
    Table {
        align: Vec<Align>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
    Row(Vec<Vec<Inline>>),
    Cell(Vec<Inline>),
    Paragraph(Vec<Inline>),
    Heading(u8, Vec<Inline>),
    Span(Span, Vec<Inline>),
}

/// What an inline span becomes.
#[derive(Debug, Clone, PartialEq)]
enum Span {
    Emphasis,
    Strong,
    Strike,
    /// A link to a URL that may be followed.
    Link(String),
    /// A link whose URL may not be followed: its text only.
    Plain,
}

/// The kind of node an end event closes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Quote,
    List,
    Item,
    Table,
    Row,
    Cell,
    Paragraph,
    Heading,
    Emphasis,
    Strong,
    Strike,
    Link,
}

impl Open {
    fn kind(&self) -> Kind {
        match self {
            Open::Quote(_) => Kind::Quote,
            Open::List { .. } => Kind::List,
            Open::Item(_) => Kind::Item,
            Open::Table { .. } => Kind::Table,
            Open::Row(_) => Kind::Row,
            Open::Cell(_) => Kind::Cell,
            Open::Paragraph(_) => Kind::Paragraph,
            Open::Heading(..) => Kind::Heading,
            Open::Span(Span::Emphasis, _) => Kind::Emphasis,
            Open::Span(Span::Strong, _) => Kind::Strong,
            Open::Span(Span::Strike, _) => Kind::Strike,
            Open::Span(Span::Link(_) | Span::Plain, _) => Kind::Link,
        }
    }

    /// Whether the node holds inline content.
    fn holds_inlines(&self) -> bool {
        matches!(
            self,
            Open::Cell(_) | Open::Paragraph(_) | Open::Heading(..) | Open::Span(..)
        )
    }
}

/// Text being collected whole: a code block or span, or an image's alt text.
#[derive(Debug)]
enum Capture {
    CodeBlock {
        lang: String,
        text: String,
    },
    CodeSpan {
        tag: String,
        text: String,
    },
    ImageAlt {
        url: String,
        text: String,
        depth: usize,
    },
}

struct Builder<'m> {
    media: &'m MediaPath<'m>,
    root: Vec<Block>,
    stack: Vec<Open>,
    capture: Option<Capture>,
    /// Inside an element whose text is not content (`<script>`, `<style>`…):
    /// its name, until its end tag.
    skipping: Option<String>,
}

impl<'m> Builder<'m> {
    fn new(media: &'m MediaPath<'m>) -> Builder<'m> {
        Builder {
            media,
            root: Vec::new(),
            stack: Vec::new(),
            capture: None,
            skipping: None,
        }
    }

    fn finish(mut self) -> Vec<Block> {
        self.end_capture();
        while !self.stack.is_empty() {
            self.pop();
        }
        let mut blocks = std::mem::take(&mut self.root);
        sounds_in_blocks(&mut blocks, self.media);
        blocks
    }

    // ---- Markdown events ----

    fn markdown_start(&mut self, tag: Tag<'_>, math: &ProtectedMath) {
        if self.skipping.is_some() {
            return;
        }
        if let Some(Capture::ImageAlt { depth, .. }) = self.capture.as_mut() {
            *depth += 1;
            return;
        }
        if self.capture.is_some() {
            return;
        }
        match tag {
            Tag::Paragraph => self.start_block(Open::Paragraph(Vec::new())),
            Tag::Heading { level, .. } => self.start_block(Open::Heading(level as u8, Vec::new())),
            Tag::BlockQuote(_) => self.start_block(Open::Quote(Vec::new())),
            Tag::CodeBlock(kind) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                self.boundary();
                self.capture = Some(Capture::CodeBlock {
                    lang,
                    text: String::new(),
                });
            }
            Tag::List(start) => self.start_block(Open::List {
                start,
                items: Vec::new(),
            }),
            Tag::Item => self.start_block(Open::Item(Vec::new())),
            Tag::Table(alignments) => self.start_block(Open::Table {
                align: alignments
                    .iter()
                    .map(|a| match a {
                        pulldown_cmark::Alignment::None => Align::None,
                        pulldown_cmark::Alignment::Left => Align::Left,
                        pulldown_cmark::Alignment::Center => Align::Center,
                        pulldown_cmark::Alignment::Right => Align::Right,
                    })
                    .collect(),
                rows: Vec::new(),
            }),
            Tag::TableHead | Tag::TableRow => self.start_block(Open::Row(Vec::new())),
            Tag::TableCell => self.start_block(Open::Cell(Vec::new())),
            Tag::Emphasis => self.start_span(Span::Emphasis),
            Tag::Strong => self.start_span(Span::Strong),
            Tag::Strikethrough => self.start_span(Span::Strike),
            Tag::Link { dest_url, .. } => {
                let url = math.restore(&dest_url, |m| m.to_string());
                self.start_span(if is_safe_url(&url) {
                    Span::Link(url)
                } else {
                    Span::Plain
                });
            }
            Tag::Image { dest_url, .. } => {
                let url = math.restore(&dest_url, |m| m.to_string());
                self.capture = Some(Capture::ImageAlt {
                    url,
                    text: String::new(),
                    depth: 0,
                });
            }
            // Not enabled in the bank dialect; their text is kept.
            _ => {}
        }
    }

    fn markdown_end(&mut self, tag: TagEnd) {
        if self.skipping.is_some() {
            return;
        }
        match self.capture.as_mut() {
            Some(Capture::ImageAlt { depth, .. }) if *depth > 0 => {
                *depth -= 1;
                return;
            }
            Some(Capture::ImageAlt { .. }) if tag == TagEnd::Image => {
                self.end_capture();
                return;
            }
            Some(Capture::CodeBlock { .. }) if tag == TagEnd::CodeBlock => {
                self.end_capture();
                return;
            }
            Some(_) => return,
            None => {}
        }
        match tag {
            TagEnd::Paragraph => self.end(Kind::Paragraph),
            TagEnd::Heading(_) => self.end(Kind::Heading),
            TagEnd::BlockQuote(_) => self.end(Kind::Quote),
            TagEnd::List(_) => self.end(Kind::List),
            TagEnd::Item => self.end(Kind::Item),
            TagEnd::Table => self.end(Kind::Table),
            TagEnd::TableHead | TagEnd::TableRow => self.end(Kind::Row),
            TagEnd::TableCell => self.end(Kind::Cell),
            TagEnd::Emphasis => self.end(Kind::Emphasis),
            TagEnd::Strong => self.end(Kind::Strong),
            TagEnd::Strikethrough => self.end(Kind::Strike),
            TagEnd::Link => self.end(Kind::Link),
            _ => {}
        }
    }

    /// Markdown text: MathJax placeholders become math.
    fn markdown_text(&mut self, text: &str, math: &ProtectedMath) {
        if math.math.is_empty() {
            return self.text(text);
        }
        if self.capture.is_some() || self.skipping.is_some() || !text.contains(MATH_OPEN) {
            return self.text(&math.restore(text, |m| m.to_string()));
        }
        let mut rest = text;
        while let Some(open) = rest.find(MATH_OPEN) {
            self.text(&rest[..open]);
            let after = &rest[open + MATH_OPEN.len_utf8()..];
            let Some(close) = after.find(MATH_CLOSE) else {
                rest = &rest[open..];
                break;
            };
            let source = after[..close]
                .parse::<usize>()
                .ok()
                .and_then(|i| math.math.get(i));
            match source {
                Some(source) => self.math_source(source),
                None => self.text(&rest[open..open + MATH_OPEN.len_utf8() + close]),
            }
            rest = &after[close + MATH_CLOSE.len_utf8()..];
        }
        self.text(rest);
    }

    /// `\( … \)` or `\[ … \]`, delimiters included.
    fn math_source(&mut self, source: &str) {
        let display = source.starts_with("\\[");
        let tex = source
            .get(2..source.len().saturating_sub(2))
            .unwrap_or_default()
            .trim();
        if tex.is_empty() {
            return;
        }
        self.inline(Inline::Math {
            tex: tex.to_string(),
            display,
        });
    }

    // ---- HTML ----

    /// Tokenizes `html` and feeds its tags and text to the builder. Text
    /// is read on across `<br>` (as `\n`), where MathJax reads math too (its
    /// `includeHtmlTags`).
    fn html(&mut self, html: &str) {
        let mut run: Option<String> = None;
        for token in tokenize(html) {
            let reading = self.capture.is_none() && self.skipping.is_none();
            match token {
                Piece::Text(text) if reading => {
                    run.get_or_insert_with(String::new).push_str(&text);
                }
                Piece::Start { ref name, .. } if reading && name == "br" && run.is_some() => {
                    if let Some(run) = run.as_mut() {
                        run.push('\n');
                    }
                }
                token => {
                    if let Some(text) = run.take() {
                        self.html_text(&text);
                    }
                    feed(token, self);
                }
            }
        }
        if let Some(text) = run.take() {
            self.html_text(&text);
        }
    }

    /// HTML text (`\n` for a `<br>`): decoded, with MathJax in it as math.
    fn html_text(&mut self, text: &str) {
        let mut last = 0;
        for segment in math_segments(text) {
            self.prose(text.get(last..segment.range.start).unwrap_or_default());
            let source = text.get(segment.range.clone()).unwrap_or_default();
            self.math_source(&source.replace('\n', " "));
            last = segment.range.end;
        }
        self.prose(text.get(last..).unwrap_or_default());
    }

    /// Text with `\n` for each `<br>`.
    fn prose(&mut self, text: &str) {
        for (i, line) in text.split('\n').enumerate() {
            if i > 0 {
                self.line_break();
            }
            self.text(line);
        }
    }

    fn html_start(&mut self, name: &str, attributes: &[(String, String)], self_closing: bool) {
        if self.skipping.is_some() {
            return;
        }
        let attribute = |wanted: &str| {
            attributes
                .iter()
                .find(|(n, _)| n == wanted)
                .map(|(_, v)| v.as_str())
        };
        match self.capture.as_mut() {
            Some(Capture::CodeBlock { lang, text }) => {
                if name == "br" {
                    text.push('\n');
                } else if name == "code"
                    && lang.is_empty()
                    && let Some(found) = attribute("class").and_then(language_class)
                {
                    *lang = found;
                }
                return;
            }
            Some(Capture::CodeSpan { text, .. }) => {
                if name == "br" {
                    text.push(' ');
                }
                return;
            }
            Some(Capture::ImageAlt { .. }) => return,
            None => {}
        }
        match name {
            _ if hides_its_text(name) && !self_closing => {
                self.skipping = Some(name.to_string());
            }
            "p" | "div" | "section" | "article" | "header" | "footer" | "main" | "aside"
            | "nav" | "figure" | "figcaption" | "center" | "address" | "details" | "summary"
            | "dl" | "dt" | "dd" | "form" | "fieldset" | "legend" | "body" | "html" => {
                self.boundary();
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => {
                let level = name[1..].parse().unwrap_or(1);
                self.start_block(Open::Heading(level, Vec::new()));
            }
            "ul" | "ol" => {
                let start = (name == "ol").then(|| {
                    attribute("start")
                        .and_then(|s| s.trim().parse::<u64>().ok())
                        .unwrap_or(1)
                });
                self.start_block(Open::List {
                    start,
                    items: Vec::new(),
                });
            }
            "li" => self.start_block(Open::Item(Vec::new())),
            "blockquote" => self.start_block(Open::Quote(Vec::new())),
            "pre" => {
                self.boundary();
                let lang = attribute("class").and_then(language_class);
                self.capture = Some(Capture::CodeBlock {
                    lang: lang.unwrap_or_default(),
                    text: String::new(),
                });
            }
            "table" => self.start_block(Open::Table {
                align: Vec::new(),
                rows: Vec::new(),
            }),
            "tr" => self.start_block(Open::Row(Vec::new())),
            "td" | "th" => self.start_block(Open::Cell(Vec::new())),
            "hr" => self.leaf_block(Block::Rule),
            "br" => self.line_break(),
            "b" | "strong" => self.start_span(Span::Strong),
            "i" | "em" | "cite" | "dfn" | "var" => self.start_span(Span::Emphasis),
            "s" | "del" | "strike" => self.start_span(Span::Strike),
            "code" | "kbd" | "samp" | "tt" if !self_closing => {
                self.capture = Some(Capture::CodeSpan {
                    tag: name.to_string(),
                    text: String::new(),
                });
            }
            "a" => {
                let span = match attribute("href") {
                    Some(href) if is_safe_url(href) && !href.trim().is_empty() => {
                        Span::Link(href.trim().to_string())
                    }
                    _ => Span::Plain,
                };
                self.start_span(span);
            }
            "img" => {
                let alt = attribute("alt").unwrap_or("").to_string();
                match attribute("src").and_then(|src| (self.media)(src)) {
                    Some(url) => self.inline(Inline::Image { url, alt }),
                    None => self.text(&alt),
                }
            }
            "audio" | "video" | "source" => {
                if let Some(src) = attribute("src")
                    && let Some(url) = (self.media)(src)
                {
                    let name = src.rsplit('/').next().unwrap_or(src).to_string();
                    self.inline(Inline::Media { url, name });
                }
            }
            _ => {}
        }
    }

    fn html_end(&mut self, name: &str) {
        if skipped_end(&mut self.skipping, name) {
            return;
        }
        match &self.capture {
            Some(Capture::CodeBlock { .. }) if name == "pre" => return self.end_capture(),
            Some(Capture::CodeSpan { tag, .. }) if tag == name => return self.end_capture(),
            Some(_) => return,
            None => {}
        }
        match name {
            "p" | "div" | "section" | "article" | "header" | "footer" | "main" | "aside"
            | "nav" | "figure" | "figcaption" | "center" | "address" | "details" | "summary"
            | "dl" | "dt" | "dd" | "form" | "fieldset" | "legend" | "body" | "html" => {
                self.boundary();
            }
            "h1" | "h2" | "h3" | "h4" | "h5" | "h6" => self.end(Kind::Heading),
            "ul" | "ol" => self.end(Kind::List),
            "li" => self.end(Kind::Item),
            "blockquote" => self.end(Kind::Quote),
            "table" => self.end(Kind::Table),
            "tr" => self.end(Kind::Row),
            "td" | "th" => self.end(Kind::Cell),
            "b" | "strong" => self.end(Kind::Strong),
            "i" | "em" | "cite" | "dfn" | "var" => self.end(Kind::Emphasis),
            "s" | "del" | "strike" => self.end(Kind::Strike),
            "a" => self.end(Kind::Link),
            _ => {}
        }
    }

    // ---- the tree ----

    /// Text, wherever the builder is.
    fn text(&mut self, text: &str) {
        if text.is_empty() || self.skipping.is_some() {
            return;
        }
        match self.capture.as_mut() {
            Some(
                Capture::CodeBlock { text: into, .. }
                | Capture::CodeSpan { text: into, .. }
                | Capture::ImageAlt { text: into, .. },
            ) => into.push_str(text),
            None => self.inline(Inline::Text(text.to_string())),
        }
    }

    fn code(&mut self, code: &str) {
        match self.capture.as_mut() {
            Some(_) => self.text(code),
            None if self.skipping.is_some() => {}
            None => self.inline(Inline::Code(code.to_string())),
        }
    }

    fn soft_break(&mut self) {
        match self.capture.as_mut() {
            Some(_) => self.text(" "),
            None if self.skipping.is_some() => {}
            None => self.inline(Inline::SoftBreak),
        }
    }

    fn line_break(&mut self) {
        match self.capture.as_mut() {
            Some(Capture::CodeBlock { text, .. }) => text.push('\n'),
            Some(_) => self.text(" "),
            None if self.skipping.is_some() => {}
            None => self.inline(Inline::Break),
        }
    }

    /// Ends the text being collected and adds what it makes.
    fn end_capture(&mut self) {
        match self.capture.take() {
            Some(Capture::CodeBlock { lang, text }) => {
                let text = text.strip_suffix('\n').unwrap_or(&text).to_string();
                self.leaf_block(Block::Code { lang, text });
            }
            Some(Capture::CodeSpan { text, .. }) if !text.trim().is_empty() => {
                self.inline(Inline::Code(text));
            }
            Some(Capture::ImageAlt { url, text, .. }) => match (self.media)(&url) {
                Some(url) => self.inline(Inline::Image { url, alt: text }),
                None => self.text(&text),
            },
            Some(Capture::CodeSpan { .. }) | None => {}
        }
    }

    /// Adds an inline node where inline content goes, opening a paragraph
    /// (or a list item, a table row and cell) when none is open.
    fn inline(&mut self, inline: Inline) {
        if !self.stack.last().is_some_and(Open::holds_inlines) {
            match self.stack.last() {
                Some(Open::List { .. }) => {
                    self.stack.push(Open::Item(Vec::new()));
                    self.stack.push(Open::Paragraph(Vec::new()));
                }
                Some(Open::Table { .. }) => {
                    self.stack.push(Open::Row(Vec::new()));
                    self.stack.push(Open::Cell(Vec::new()));
                }
                Some(Open::Row(_)) => self.stack.push(Open::Cell(Vec::new())),
                _ => self.stack.push(Open::Paragraph(Vec::new())),
            }
        }
        if let Some(
            Open::Cell(inlines)
            | Open::Paragraph(inlines)
            | Open::Heading(_, inlines)
            | Open::Span(_, inlines),
        ) = self.stack.last_mut()
        {
            push_inline(inlines, inline);
        }
    }

    fn in_cell(&self) -> bool {
        self.has_open(Kind::Cell)
    }

    fn start_span(&mut self, span: Span) {
        // Opened where inline content goes (a paragraph if none is open).
        self.inline(Inline::Text(String::new()));
        self.stack.push(Open::Span(span, Vec::new()));
    }

    /// Ends the paragraph or heading being written, if any.
    fn boundary(&mut self) {
        if self.in_cell() {
            return self.text(" ");
        }
        while self.stack.last().is_some_and(Open::holds_inlines) {
            self.pop();
        }
    }

    /// Opens a block. Inside a table cell, blocks other than the table's
    /// own rows and cells are only text: their content joins the cell's line.
    fn start_block(&mut self, open: Open) {
        match open.kind() {
            Kind::Table if self.in_cell() => {}
            Kind::Row if self.has_open(Kind::Table) => {
                while !matches!(self.stack.last(), Some(Open::Table { .. })) {
                    self.pop();
                }
                self.stack.push(open);
            }
            Kind::Cell if self.has_open(Kind::Row) => {
                while !matches!(self.stack.last(), Some(Open::Row(_))) {
                    self.pop();
                }
                self.stack.push(open);
            }
            Kind::Row => {
                self.start_block(Open::Table {
                    align: Vec::new(),
                    rows: Vec::new(),
                });
                self.stack.push(open);
            }
            Kind::Cell => {
                self.start_block(Open::Row(Vec::new()));
                self.stack.push(open);
            }
            Kind::Item if self.in_cell() => self.text(" • "),
            // A list item ends the one open in the same list (HTML's rule:
            // `<li>a<li>b`).
            Kind::Item if self.has_open(Kind::List) => {
                while !matches!(self.stack.last(), Some(Open::List { .. })) {
                    self.pop();
                }
                self.stack.push(open);
            }
            _ if self.in_cell() => self.text(" "),
            kind => {
                self.make_room_for_block(kind == Kind::Item);
                self.stack.push(open);
            }
        }
    }

    fn has_open(&self, kind: Kind) -> bool {
        self.stack.iter().any(|o| o.kind() == kind)
    }

    /// Ends what a new block cannot go inside (a paragraph, a table), and
    /// gives an open list an item unless the block is one.
    fn make_room_for_block(&mut self, is_item: bool) {
        self.boundary();
        while matches!(
            self.stack.last(),
            Some(Open::Table { .. } | Open::Row(_) | Open::Cell(_))
        ) {
            self.pop();
        }
        if is_item {
            if !matches!(self.stack.last(), Some(Open::List { .. })) {
                self.stack.push(Open::List {
                    start: None,
                    items: Vec::new(),
                });
            }
        } else if matches!(self.stack.last(), Some(Open::List { .. })) {
            self.stack.push(Open::Item(Vec::new()));
        }
    }

    /// Adds a block that has no content of its own to open (a rule, code).
    fn leaf_block(&mut self, block: Block) {
        if self.in_cell() {
            match block {
                Block::Code { text, .. } => {
                    let flat: Vec<&str> = text.split_whitespace().collect();
                    self.inline(Inline::Code(flat.join(" ")));
                }
                _ => self.text(" "),
            }
            return;
        }
        self.make_room_for_block(false);
        self.add_block(block);
    }

    /// Closes every node above the nearest open node of `kind` and that
    /// node; nothing when none is open.
    fn end(&mut self, kind: Kind) {
        let Some(at) = self.stack.iter().rposition(|o| o.kind() == kind) else {
            return;
        };
        // An inline end closes only inline spans; it never reaches past the
        // paragraph it is in.
        let inline = matches!(
            kind,
            Kind::Emphasis | Kind::Strong | Kind::Strike | Kind::Link
        );
        if inline
            && self.stack[at + 1..]
                .iter()
                .any(|o| !matches!(o, Open::Span(..)))
        {
            return;
        }
        while self.stack.len() > at {
            self.pop();
        }
    }

    /// Closes the top node and adds it to its parent.
    fn pop(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        match open {
            Open::Span(span, inlines) => {
                let inline = match span {
                    Span::Emphasis => Inline::Emphasis(inlines),
                    Span::Strong => Inline::Strong(inlines),
                    Span::Strike => Inline::Strike(inlines),
                    Span::Link(url) => Inline::Link {
                        url,
                        content: inlines,
                    },
                    Span::Plain => {
                        for inline in inlines {
                            self.inline(inline);
                        }
                        return;
                    }
                };
                self.inline(inline);
            }
            Open::Paragraph(inlines) => {
                if has_content(&inlines) {
                    self.add_block(Block::Paragraph(inlines));
                }
            }
            Open::Heading(level, inlines) => {
                if has_content(&inlines) {
                    self.add_block(Block::Heading(level.clamp(1, 6), inlines));
                }
            }
            Open::Cell(inlines) => match self.stack.last_mut() {
                Some(Open::Row(cells)) => cells.push(inlines),
                _ => {
                    for inline in inlines {
                        self.inline(inline);
                    }
                }
            },
            Open::Row(cells) => match self.stack.last_mut() {
                Some(Open::Table { rows, .. }) => rows.push(cells),
                _ => {
                    for inline in cells.into_iter().flatten() {
                        self.inline(inline);
                    }
                }
            },
            Open::Table { align, rows } => {
                if !rows.is_empty() {
                    self.add_block(Block::Table { align, rows });
                }
            }
            Open::Item(blocks) => match self.stack.last_mut() {
                Some(Open::List { items, .. }) => items.push(blocks),
                _ => {
                    for block in blocks {
                        self.add_block(block);
                    }
                }
            },
            Open::List { start, items } => {
                if !items.is_empty() {
                    self.add_block(Block::List { start, items });
                }
            }
            Open::Quote(blocks) => {
                if !blocks.is_empty() {
                    self.add_block(Block::Quote(blocks));
                }
            }
        }
    }

    /// Adds a finished block to the container on top.
    fn add_block(&mut self, block: Block) {
        match self.stack.last_mut() {
            None => self.root.push(block),
            Some(Open::Quote(blocks) | Open::Item(blocks)) => blocks.push(block),
            Some(Open::List { items, .. }) => items.push(vec![block]),
            Some(_) => {
                // Inline content or a table is open: close it, then add.
                self.pop();
                self.add_block(block);
            }
        }
    }
}

impl TokenReader for Builder<'_> {
    fn on_text(&mut self, text: &str) {
        self.text(text);
    }

    fn on_start(&mut self, name: &str, attributes: &[(String, String)], self_closing: bool) {
        self.html_start(name, attributes, self_closing);
    }

    fn on_end(&mut self, name: &str) {
        self.html_end(name);
    }
}

/// Anki's `[sound:NAME]` in the text of `blocks`, wherever a field has it:
/// a link to the file when it is media of the deck, else left as text.
fn sounds_in_blocks(blocks: &mut [Block], media: &MediaPath<'_>) {
    for block in blocks {
        match block {
            Block::Paragraph(inlines) | Block::Heading(_, inlines) => {
                sounds_in_inlines(inlines, media);
            }
            Block::Quote(inner) => sounds_in_blocks(inner, media),
            Block::List { items, .. } => {
                for item in items {
                    sounds_in_blocks(item, media);
                }
            }
            Block::Table { rows, .. } => {
                for cell in rows.iter_mut().flatten() {
                    sounds_in_inlines(cell, media);
                }
            }
            Block::Code { .. } | Block::Rule => {}
        }
    }
}

fn sounds_in_inlines(inlines: &mut Vec<Inline>, media: &MediaPath<'_>) {
    let has_sound = |i: &Inline| matches!(i, Inline::Text(t) if t.contains("[sound:"));
    for inline in inlines.iter_mut() {
        if let Inline::Emphasis(inner) | Inline::Strong(inner) | Inline::Strike(inner) = inline {
            sounds_in_inlines(inner, media);
        }
    }
    if !inlines.iter().any(has_sound) {
        return;
    }
    let mut out = Vec::with_capacity(inlines.len() + 2);
    for inline in inlines.drain(..) {
        let Inline::Text(text) = inline else {
            out.push(inline);
            continue;
        };
        let mut rest = text.as_str();
        while let Some(at) = rest.find("[sound:") {
            let after = &rest[at + "[sound:".len()..];
            let Some(end) = after.find(']') else {
                break;
            };
            let name = &after[..end];
            match media(name) {
                Some(url) => {
                    push_inline(&mut out, Inline::Text(rest[..at].to_string()));
                    let shown = name.rsplit('/').next().unwrap_or(name).to_string();
                    out.push(Inline::Media { url, name: shown });
                }
                None => push_inline(&mut out, Inline::Text(rest[..at + end + 8].to_string())),
            }
            rest = &after[end + 1..];
        }
        push_inline(&mut out, Inline::Text(rest.to_string()));
    }
    *inlines = out;
}

/// Adds `inline`, joining text to the text before it.
fn push_inline(inlines: &mut Vec<Inline>, inline: Inline) {
    if let Inline::Text(text) = &inline {
        if text.is_empty() {
            return;
        }
        if let Some(Inline::Text(last)) = inlines.last_mut() {
            last.push_str(text);
            return;
        }
    }
    inlines.push(inline);
}

/// Whether inline content shows anything.
fn has_content(inlines: &[Inline]) -> bool {
    inlines.iter().any(|i| match i {
        Inline::Text(t) => !t.trim().is_empty(),
        Inline::Break | Inline::SoftBreak => false,
        Inline::Emphasis(inner) | Inline::Strong(inner) | Inline::Strike(inner) => {
            has_content(inner)
        }
        _ => true,
    })
}

/// The language of a `class="language-x"` (or `lang-x`) attribute.
fn language_class(class: &str) -> Option<String> {
    class.split_ascii_whitespace().find_map(|token| {
        token
            .strip_prefix("language-")
            .or_else(|| token.strip_prefix("lang-"))
            .filter(|l| !l.is_empty())
            .map(str::to_string)
    })
}
