//! Anki's card template language, read and rendered the way Anki does it
//! (`{{Field}}`, `{{#Field}}…{{/Field}}`, `{{^Field}}…{{/Field}}`,
//! `{{FrontSide}}`, filters such as `{{cloze:Text}}`, `{{type:Back}}`,
//! `{{text:Field}}`, `{{hint:Field}}`). One renderer serves every writer that
//! shows a card of a bank-declared note type outside Anki (Quizlet, the
//! handouts), and validation uses the same parse to find syntax errors,
//! unknown fields and cards whose front would be empty.
//!
//! The semantics follow Anki's documentation and behaviour (`rslib`'s
//! template engine): text between `{{` and `}}` is a tag; a `{{` without a
//! closing `}}` is plain text; `<!-- … -->` comments are kept as written and
//! their tags are not interpreted; a field is empty when it holds only
//! whitespace and `<br>`/`<div>` tags; a card exists when its front refers to
//! at least one non-empty field (conditionals included).

use std::collections::HashSet;

use crate::model::cloze;

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// Text kept as written (comments included).
    Text(String),
    /// `{{filter:…:Field}}`: a field's value through filters.
    Field {
        /// The field (or special field) name.
        key: String,
        /// Filters in the order they apply (the one nearest the name first).
        filters: Vec<String>,
        /// Byte offset of the `{{` in the template.
        at: usize,
    },
    /// `{{#Field}}…{{/Field}}` (or `{{^Field}}` when `negated`).
    Section {
        /// The field tested.
        key: String,
        /// `{{^…}}`: shown when the field is empty.
        negated: bool,
        /// What is inside.
        children: Vec<Node>,
        /// Byte offset of the opening `{{`.
        at: usize,
    },
}

/// Why a template cannot be read, with the byte offset of the tag at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    /// `{{#X}}` or `{{^X}}` never closed.
    NotClosed {
        /// The section's field.
        key: String,
        /// Offset of the opening tag.
        at: usize,
    },
    /// `{{/X}}` closes nothing, or closes a section other than the open one.
    NotOpen {
        /// The field named by the closing tag.
        key: String,
        /// The section open at that point, if any.
        open: Option<String>,
        /// Offset of the closing tag.
        at: usize,
    },
}

impl TemplateError {
    /// Byte offset of the offending tag.
    pub fn offset(&self) -> usize {
        match self {
            TemplateError::NotClosed { at, .. } | TemplateError::NotOpen { at, .. } => *at,
        }
    }

    /// What is wrong, in a sentence.
    pub fn message(&self) -> String {
        match self {
            TemplateError::NotClosed { key, .. } => {
                format!("`{{{{#{key}}}}}` is never closed")
            }
            TemplateError::NotOpen {
                key,
                open: Some(open),
                ..
            } => format!("`{{{{/{key}}}}}` closes a section, but `{open}` is the one open"),
            TemplateError::NotOpen {
                key, open: None, ..
            } => {
                format!("`{{{{/{key}}}}}` closes a section that was never opened")
            }
        }
    }

    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            TemplateError::NotClosed { key, .. } => {
                format!("add `{{{{/{key}}}}}` where the section should end")
            }
            TemplateError::NotOpen {
                open: Some(open), ..
            } => format!("close `{open}` first with `{{{{/{open}}}}}`; sections nest"),
            TemplateError::NotOpen { key, .. } => format!(
                "remove it, or open the section before with `{{{{#{key}}}}}` or `{{{{^{key}}}}}`"
            ),
        }
    }
}

/// A parsed template.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Template {
    nodes: Vec<Node>,
}

enum Token<'a> {
    Text(&'a str),
    Open(&'a str, bool, usize),
    Close(&'a str, usize),
    Field(&'a str, usize),
}

/// Splits a template into text and tags.
fn tokens(template: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut text_start = 0;
    let mut pos = 0;
    while pos < template.len() {
        let rest = &template[pos..];
        if rest.starts_with("<!--") {
            // A comment is text; tags inside it are not read.
            let end = rest.find("-->").map_or(template.len(), |i| pos + i + 3);
            pos = end;
            continue;
        }
        if rest.starts_with("{{")
            && let Some(close) = rest[2..].find("}}")
        {
            if text_start < pos {
                out.push(Token::Text(&template[text_start..pos]));
            }
            let inner = &rest[2..2 + close];
            let name = inner.trim_start_matches('{').trim();
            out.push(if name.len() < 2 {
                Token::Field(name, pos)
            } else if let Some(key) = name.strip_prefix('#') {
                Token::Open(key.trim_start(), false, pos)
            } else if let Some(key) = name.strip_prefix('^') {
                Token::Open(key.trim_start(), true, pos)
            } else if let Some(key) = name.strip_prefix('/') {
                Token::Close(key.trim_start(), pos)
            } else {
                Token::Field(name, pos)
            });
            pos += 2 + close + 2;
            text_start = pos;
            continue;
        }
        pos += rest.chars().next().map_or(1, char::len_utf8);
    }
    if text_start < template.len() {
        out.push(Token::Text(&template[text_start..]));
    }
    out
}

impl Template {
    /// Reads `text`.
    ///
    /// ```
    /// use flashdeck::anki::template::Template;
    /// assert!(Template::parse("{{#Example}}{{Example}}{{/Example}}").is_ok());
    /// assert!(Template::parse("{{#Example}}{{Example}}").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Template, TemplateError> {
        let tokens = tokens(text);
        let mut iter = tokens.into_iter();
        let nodes = parse_nodes(&mut iter, None)?;
        Ok(Template { nodes })
    }

    /// The parsed nodes.
    pub fn nodes(&self) -> &[Node] {
        &self.nodes
    }

    /// Every field name the template refers to (sections included), with
    /// the offset of its first use.
    pub fn references(&self) -> Vec<(&str, usize)> {
        fn walk<'a>(nodes: &'a [Node], out: &mut Vec<(&'a str, usize)>) {
            for node in nodes {
                match node {
                    Node::Text(_) => {}
                    Node::Field { key, at, .. } => out.push((key, *at)),
                    Node::Section {
                        key, children, at, ..
                    } => {
                        out.push((key, *at));
                        walk(children, out);
                    }
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, &mut out);
        out
    }

    /// The fields used with the `cloze` filter.
    pub fn cloze_fields(&self) -> Vec<&str> {
        fn walk<'a>(nodes: &'a [Node], out: &mut Vec<&'a str>) {
            for node in nodes {
                match node {
                    Node::Field { key, filters, .. } if filters.iter().any(|f| f == "cloze") => {
                        out.push(key)
                    }
                    Node::Section { children, .. } => walk(children, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.nodes, &mut out);
        out
    }

    /// Whether the template, as a front, gives a card when only
    /// `nonempty` fields have content (Anki's card generation rule).
    pub fn renders_with(&self, nonempty: &HashSet<&str>) -> bool {
        !is_empty_with(&self.nodes, nonempty)
    }

    /// Renders the template for one card.
    pub fn render(&self, card: &CardContext<'_>) -> String {
        let mut out = String::new();
        render_into(&self.nodes, card, &mut out);
        out
    }
}

fn parse_nodes(
    iter: &mut std::vec::IntoIter<Token<'_>>,
    open: Option<(&str, usize)>,
) -> Result<Vec<Node>, TemplateError> {
    let mut nodes = Vec::new();
    while let Some(token) = iter.next() {
        nodes.push(match token {
            Token::Text(t) => Node::Text(t.to_string()),
            Token::Field(inner, at) => {
                let mut parts = inner.rsplit(':');
                let key = parts.next().unwrap_or_default().to_string();
                Node::Field {
                    key,
                    filters: parts.map(str::to_string).collect(),
                    at,
                }
            }
            Token::Open(key, negated, at) => Node::Section {
                key: key.to_string(),
                negated,
                children: parse_nodes(iter, Some((key, at)))?,
                at,
            },
            Token::Close(key, at) => {
                return match open {
                    Some((name, _)) if name == key => Ok(nodes),
                    _ => Err(TemplateError::NotOpen {
                        key: key.to_string(),
                        open: open.map(|(name, _)| name.to_string()),
                        at,
                    }),
                };
            }
        });
    }
    match open {
        Some((key, at)) => Err(TemplateError::NotClosed {
            key: key.to_string(),
            at,
        }),
        None => Ok(nodes),
    }
}

fn is_empty_with(nodes: &[Node], nonempty: &HashSet<&str>) -> bool {
    for node in nodes {
        match node {
            Node::Text(_) => {}
            Node::Field { key, .. } => {
                if nonempty.contains(key.as_str()) {
                    return false;
                }
            }
            Node::Section {
                key,
                negated,
                children,
                ..
            } => {
                let shown = nonempty.contains(key.as_str()) != *negated;
                if shown && !is_empty_with(children, nonempty) {
                    return false;
                }
            }
        }
    }
    true
}

/// Anki's test for an empty field: only whitespace and `<br>`/`<div>` tags.
///
/// ```
/// use flashdeck::anki::template::field_is_empty;
/// assert!(field_is_empty(" <br> <div></div>\n"));
/// assert!(!field_is_empty("<img src=\"a.png\">"));
/// ```
pub fn field_is_empty(html: &str) -> bool {
    let mut rest = html.trim_start();
    while !rest.is_empty() {
        let Some(tag) = rest.strip_prefix('<') else {
            return false;
        };
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        // Compared as bytes: the text after `<` may be any character (a
        // field that starts with `<د` once panicked here, slicing inside it).
        let starts = |name: &[u8]| {
            tag.as_bytes()
                .get(..name.len())
                .is_some_and(|b| b.eq_ignore_ascii_case(name))
        };
        let name_len = if starts(b"div") {
            3
        } else if starts(b"br") {
            2
        } else {
            return false;
        };
        let after = &tag[name_len..];
        let after = after.strip_prefix(' ').unwrap_or(after);
        let after = after.strip_prefix('/').unwrap_or(after);
        let Some(after) = after.strip_prefix('>') else {
            return false;
        };
        rest = after.trim_start();
    }
    true
}

/// Which deletions a `{{cloze:…}}` reveals or hides.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClozeCard {
    /// The card of this deletion number (Anki's cards).
    Number(u32),
    /// Every deletion at once (one entry per note, as Quizlet and the
    /// handouts show a cloze note).
    All,
}

/// What one card's rendering needs.
pub struct CardContext<'a> {
    /// Field names and their HTML, in note type order.
    pub fields: &'a [(&'a str, &'a str)],
    /// Special fields (`Tags`, `Type`, `Deck`, `Subdeck`, `Card`, `CardFlag`).
    pub specials: &'a [(&'a str, &'a str)],
    /// The cloze deletions shown as blanks (question) or revealed (answer).
    pub cloze: ClozeCard,
    /// Rendering the question (`false`: the answer).
    pub question: bool,
    /// The rendered question, for `{{FrontSide}}` on the answer.
    pub front_side: &'a str,
}

impl CardContext<'_> {
    fn value(&self, key: &str) -> Option<&str> {
        self.fields
            .iter()
            .chain(self.specials)
            .find(|(name, _)| *name == key)
            .map(|(_, value)| *value)
    }

    fn nonempty(&self, key: &str) -> bool {
        self.value(key).is_some_and(|v| !field_is_empty(v))
    }
}

fn render_into(nodes: &[Node], card: &CardContext<'_>, out: &mut String) {
    for node in nodes {
        match node {
            Node::Text(text) => out.push_str(text),
            Node::Field { key, .. } if key == "FrontSide" => out.push_str(card.front_side),
            Node::Field { key, filters, .. } => {
                if key.is_empty() {
                    // `{{tts-voices:}}` and the like: a filter with no field.
                    continue;
                }
                let value = card.value(key).unwrap_or("");
                out.push_str(&apply_filters(value, key, filters, card));
            }
            Node::Section {
                key,
                negated,
                children,
                ..
            } => {
                if card.nonempty(key) != *negated {
                    render_into(children, card, out);
                }
            }
        }
    }
}

fn apply_filters(value: &str, key: &str, filters: &[String], card: &CardContext<'_>) -> String {
    // `type:` takes the rest of the chain with it (`type:cloze:Text`, `type:nc:Back`).
    if let Some(last) = filters.last()
        && last == "type"
    {
        let cloze = filters.len() >= 2 && filters[filters.len() - 2] == "cloze";
        return type_answer(value, cloze, card);
    }
    let mut text = value.to_string();
    for filter in filters {
        text = match filter.as_str() {
            "text" => strip_html(&text),
            "hint" => hint(&text),
            "cloze" => reveal_cloze(&text, card.cloze, card.question),
            "cloze-only" => cloze_only(&text, card.cloze),
            "furigana" => ruby(&text, Ruby::Both),
            "kana" => ruby(&text, Ruby::Reading),
            "kanji" => ruby(&text, Ruby::Base),
            // Text-to-speech is heard, not read.
            f if f.starts_with("tts") => String::new(),
            // Anki ignores filters it does not know (add-ons' filters).
            _ => text,
        };
    }
    let _ = key;
    text
}

/// `{{type:Field}}`: an input box on the question, the expected answer on
/// the answer side (what Anki's reviewer shows after typing).
fn type_answer(value: &str, cloze: bool, card: &CardContext<'_>) -> String {
    if card.question {
        return String::new();
    }
    let answer = if cloze {
        cloze_only(value, card.cloze)
    } else {
        value.to_string()
    };
    format!(
        "<div class=\"type-answer\"><code>{}</code></div>",
        html_escape::encode_text(&expected_answer(&answer))
    )
}

/// The expected answer as Anki's reviewer shows it (`prepare_expected` in
/// its `typeanswer.rs`): sounds gone, each run of line breaks, `<br>`,
/// `<div>` and `</div>` one space, then tags stripped and entities decoded.
///
/// ```
/// use flashdeck::anki::template::expected_answer;
/// assert_eq!(expected_answer("Stop it<div>Moderate: <b>Benadryl</b></div><br>\n<div>x &amp; y</div>"), "Stop it Moderate: Benadryl x & y");
/// assert_eq!(expected_answer("a<div class=x>b</div>[sound:a.mp3]"), "ab");
/// ```
pub fn expected_answer(field: &str) -> String {
    let without_sounds = crate::markup::replace_sound_tags(field, &|_| Some(String::new()));
    let mut spaced = String::with_capacity(without_sounds.len());
    let mut rest = without_sounds.as_str();
    let mut in_break = false;
    while let Some(c) = rest.chars().next() {
        let taken = line_break_len(rest);
        if taken > 0 {
            if !in_break {
                spaced.push(' ');
            }
            in_break = true;
            rest = rest.get(taken..).unwrap_or_default();
            continue;
        }
        in_break = false;
        spaced.push(c);
        rest = rest.get(c.len_utf8()..).unwrap_or_default();
    }
    strip_html(&spaced).trim().to_string()
}

/// The length of the line break `text` starts with, in Anki's sense of the
/// expected answer (`\n`, `<br>`, `<br/>`, `<br />`, `<div>`, `</div>`, any
/// case), or 0.
fn line_break_len(text: &str) -> usize {
    if text.starts_with('\n') {
        return 1;
    }
    if !text.starts_with('<') {
        return 0;
    }
    ["<br>", "<br/>", "<br />", "<br >", "<div>", "</div>"]
        .iter()
        .find(|tag| {
            text.as_bytes()
                .get(..tag.len())
                .is_some_and(|head| head.eq_ignore_ascii_case(tag.as_bytes()))
        })
        .map_or(0, |tag| tag.len())
}

/// Anki's `hint:` is a link that shows the text; on paper and in Quizlet the
/// text is simply shown, marked as a hint.
fn hint(text: &str) -> String {
    if text.trim().is_empty() {
        return text.to_string();
    }
    format!("<div class=\"hint\">{text}</div>")
}

/// Anki's `{{cloze:Field}}` for one card (its `reveal_cloze_text`): active
/// deletions as `[hint]` on the question (what they hold hidden, nested
/// ones too) and in a `cloze` span on the answer; inactive ones show their
/// text, their nested deletions taking their own turn. Empty when no
/// deletion of the field is on this card, as in Anki.
///
/// A deletion inside MathJax (`\\(\\sqrt{{{c1::n}}}\\)`) is written without
/// its span, as Anki writes it, so the math stays math.
fn reveal_cloze(text: &str, which: ClozeCard, question: bool) -> String {
    let nodes = cloze::parse_nodes(text);
    let math: Vec<std::ops::Range<usize>> = crate::markup::math_segments(text)
        .into_iter()
        .map(|s| s.range)
        .collect();
    let reveal = Reveal {
        text,
        which,
        question,
        math: &math,
    };
    let mut out = String::with_capacity(text.len());
    let mut any_active = false;
    for node in &nodes {
        match node {
            cloze::Node::Text(r) => out.push_str(text.get(r.clone()).unwrap_or("")),
            cloze::Node::Deletion(d) => reveal.deletion(d, &mut any_active, &mut out),
        }
    }
    if any_active { out } else { String::new() }
}

/// What revealing one card's deletions needs.
struct Reveal<'a> {
    text: &'a str,
    which: ClozeCard,
    question: bool,
    /// The byte ranges of the field's MathJax.
    math: &'a [std::ops::Range<usize>],
}

fn is_active(deletion: &cloze::Deletion, which: ClozeCard) -> bool {
    match which {
        ClozeCard::All => true,
        ClozeCard::Number(n) => deletion.is_on(n),
    }
}

impl Reveal<'_> {
    fn deletion(&self, deletion: &cloze::Deletion, any_active: &mut bool, out: &mut String) {
        let (text, question) = (self.text, self.question);
        let active = is_active(deletion, self.which);
        *any_active |= active;
        let mut inner = String::new();
        for node in &deletion.nodes {
            match node {
                cloze::Node::Text(r) => inner.push_str(text.get(r.clone()).unwrap_or("")),
                cloze::Node::Deletion(d) => self.deletion(d, any_active, &mut inner),
            }
        }
        // An Image Occlusion mask (Anki 23.10+): Anki draws it on the image;
        // on paper and in text it is named, with where it sits.
        if let Some(mask) = occlusion_mask(&inner) {
            let state = match (active, question) {
                (true, true) => "hidden",
                (true, false) => "revealed",
                (false, _) => "shown",
            };
            out.push_str(&format!(
                "<span class=\"cloze\">[{state} area: {mask}]</span> "
            ));
            return;
        }
        let in_math = self.math.iter().any(|m| m.contains(&deletion.range.start));
        let shown = match (active, question) {
            (true, true) => format!("[{}]", deletion.hint(text).unwrap_or("...")),
            (true, false) => inner,
            (false, _) => {
                out.push_str(&inner);
                return;
            }
        };
        if in_math {
            out.push_str(&shown);
        } else {
            out.push_str(&format!("<span class=\"cloze\">{shown}</span>"));
        }
    }
}

/// An Image Occlusion mask (`image-occlusion:rect:left=.1:top=.2:…`, see
/// Anki's `rslib/src/image_occlusion/`) described for a reader: its shape
/// and where it sits, in percent of the image (`rect at 10% left, 20% top`).
pub fn occlusion_mask(deletion_text: &str) -> Option<String> {
    let rest = deletion_text.trim().strip_prefix("image-occlusion:")?;
    let mut parts = rest.split(':');
    let shape = parts.next().filter(|s| !s.is_empty()).unwrap_or("area");
    let mut place = Vec::new();
    for part in parts {
        if let Some((key, value)) = part.split_once('=')
            && matches!(key, "left" | "top")
            && let Ok(fraction) = value.parse::<f64>()
        {
            place.push(format!("{:.0}% {key}", fraction * 100.0));
        }
    }
    Some(if place.is_empty() {
        shape.to_string()
    } else {
        format!("{shape} at {}", place.join(", "))
    })
}

/// Anki's `{{cloze-only:…}}` and the expected answer of `{{type:cloze:…}}`:
/// the text of each deletion on this card, nested ones too, joined by `, `
/// (one entry when they are all the same).
fn cloze_only(text: &str, which: ClozeCard) -> String {
    let nodes = cloze::parse_nodes(text);
    let answers: Vec<String> = cloze::all_deletions(&nodes)
        .into_iter()
        .filter(|d| is_active(d, which))
        .map(|d| d.answer(text))
        .collect();
    match answers.first() {
        Some(first) if answers.iter().all(|a| a == first) => first.clone(),
        _ => answers.join(", "),
    }
}

/// HTML to text: tags dropped, entities decoded (Anki's `text:` filter).
pub fn strip_html(html: &str) -> String {
    let stripped = crate::markup::strip_tags(html);
    html_escape::decode_html_entities(&stripped).into_owned()
}

enum Ruby {
    Both,
    Reading,
    Base,
}

/// Anki's furigana syntax `漢字[かんじ]` (a space or the start before the base).
fn ruby(text: &str, part: Ruby) -> String {
    let text = text.replace("&nbsp;", " ");
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(open) = rest.find('[') {
        let Some(close) = rest[open..].find(']').map(|c| open + c) else {
            break;
        };
        let reading = &rest[open + 1..close];
        let base_start = rest[..open].rfind([' ', '>']).map_or(0, |i| i + 1);
        let base = &rest[base_start..open];
        if base.is_empty() || reading.is_empty() || reading.starts_with("sound:") {
            out.push_str(&rest[..=close]);
            rest = &rest[close + 1..];
            continue;
        }
        // A space that only separated the base from earlier text goes.
        let before = &rest[..base_start];
        out.push_str(before.strip_suffix(' ').unwrap_or(before));
        match part {
            Ruby::Both => out.push_str(&format!("<ruby><rb>{base}</rb><rt>{reading}</rt></ruby>")),
            Ruby::Reading => out.push_str(reading),
            Ruby::Base => out.push_str(base),
        }
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, fields: &[(&str, &str)], question: bool) -> String {
        Template::parse(template).unwrap().render(&CardContext {
            fields,
            specials: &[("Tags", "a b")],
            cloze: ClozeCard::Number(1),
            question,
            front_side: "FRONT",
        })
    }

    #[test]
    fn fields_sections_and_front_side() {
        let fields = [("Word", "hablar"), ("Example", ""), ("Meaning", "to speak")];
        assert_eq!(render("<b>{{Word}}</b>", &fields, true), "<b>hablar</b>");
        assert_eq!(
            render(
                "{{#Example}}x{{/Example}}{{^Example}}none{{/Example}}",
                &fields,
                true
            ),
            "none"
        );
        assert_eq!(
            render("{{FrontSide}}<hr id=answer>{{Meaning}}", &fields, false),
            "FRONT<hr id=answer>to speak"
        );
        assert_eq!(
            render("{{ Word }} {{{Word}}} {{Tags}}", &fields, true),
            "hablar hablar} a b"
        );
        assert_eq!(
            render("{{text:Word}}", &[("Word", "<b>a &amp; b</b>")], true),
            "a & b"
        );
        // As in Anki, a tag ends at the first `}}` (`{{{Word}}}` leaves a `}`);
        // a lone `{{` is text; comments keep their tags unread.
        assert_eq!(
            render("<!-- {{Word}} --> {{Word}} {{", &fields, true),
            "<!-- {{Word}} --> hablar {{"
        );
    }

    #[test]
    fn cloze_type_and_hint() {
        // (field, question, answer); inside MathJax a deletion has no span,
        // as in Anki: the math stays math.
        for (text, question, answer) in [
            (
                "{{c1::yo}} {{c2::hablo::verb}}",
                "<span class=\"cloze\">[...]</span> hablo",
                "<span class=\"cloze\">yo</span> hablo",
            ),
            (
                "\\(\\sqrt{{{c1::n}}}\\) {{c1::x}}",
                "\\(\\sqrt{[...]}\\) <span class=\"cloze\">[...]</span>",
                "\\(\\sqrt{n}\\) <span class=\"cloze\">x</span>",
            ),
        ] {
            let fields = [("Text", text)];
            assert_eq!(render("{{cloze:Text}}", &fields, true), question);
            assert_eq!(render("{{cloze:Text}}", &fields, false), answer);
        }
        assert_eq!(render("{{type:Back}}", &[("Back", "<i>x</i>")], true), "");
        // The expected answer as Anki's reviewer shows it: lines as spaces.
        assert_eq!(
            render(
                "{{type:Back}}",
                &[(
                    "Back",
                    "Stop it<div>Moderate: Benadryl</div><br>and &amp; IVF"
                )],
                false
            ),
            "<div class=\"type-answer\"><code>Stop it Moderate: Benadryl and &amp; IVF</code></div>"
        );
        assert!(render("{{type:Back}}", &[("Back", "<i>x</i>")], false).contains("<code>x</code>"));
        assert_eq!(render("{{hint:Back}}", &[("Back", "")], false), "");
        assert_eq!(
            render("{{furigana:F}}", &[("F", "日本[にほん]")], true),
            "<ruby><rb>日本</rb><rt>にほん</rt></ruby>"
        );
        assert_eq!(
            render("{{kana:F}}", &[("F", "日本[にほん]")], true),
            "にほん"
        );
    }

    #[test]
    fn syntax_errors_and_card_generation() {
        assert!(matches!(
            Template::parse("{{#A}}x"),
            Err(TemplateError::NotClosed { at: 0, .. })
        ));
        assert!(matches!(
            Template::parse("x{{/A}}"),
            Err(TemplateError::NotOpen { at: 1, .. })
        ));
        assert!(matches!(
            Template::parse("{{#A}}{{#B}}{{/A}}{{/B}}"),
            Err(TemplateError::NotOpen { .. })
        ));
        let t = Template::parse("{{#Example}}{{Word}}{{/Example}}").unwrap();
        assert!(!t.renders_with(&["Word"].into_iter().collect()));
        assert!(t.renders_with(&["Word", "Example"].into_iter().collect()));
        assert!(
            !Template::parse("text only")
                .unwrap()
                .renders_with(&HashSet::new())
        );
        assert!(field_is_empty("<br/><DIV> </div>"));
        assert!(!field_is_empty("x"));
    }
}
