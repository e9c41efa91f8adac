//! The print page `<deck>.html`: one self-contained file (inline CSS, images
//! as data URIs, no script, no network requests) that prints cleanly and
//! reads well on screen. No question/answer block is split across pages.
//!
//! Printed in headless Chromium by `tests/handout_print.rs`, which checks the
//! page count, that every question is in the PDF and that no card is cut.
//!
//! Page numbers and the running header are CSS `@page` margin boxes
//! (`handout.css` and `page_header_css`): Chromium renders them since
//! version 131 (checked with 156), also with `--no-pdf-header-footer`. Its
//! own header and footer would add the file URL and the print time, so they
//! are best left off (`--no-pdf-header-footer`, or "Headers and footers"
//! unticked in the print dialog). A browser without margin boxes prints no
//! page numbers; nothing else changes.
//! Math (`\( … \)`, `\[ … \]`) is typeset as HTML here (`typeset_math`),
//! since the page runs no MathJax.

use std::fmt::Write as _;
use std::path::PathBuf;

use base64::Engine as _;

use super::handout::{iso_date, sections};
use super::{OutputFile, WriteError, Writer};
use crate::transform::markup::{HtmlOptions, sanitize_html, to_html};
use crate::transform::{Deck, topic_tag};

/// Writes the print-ready HTML page.
pub struct HandoutHtmlWriter;

const CSS: &str = include_str!("handout.css");

impl Writer for HandoutHtmlWriter {
    fn write(&self, deck: &Deck) -> Result<Vec<OutputFile>, WriteError> {
        // Images are embedded, so the page needs nothing beside it.
        let data_uri = |name: &str| {
            let bytes = deck.media_bytes(name)?;
            Some(format!(
                "data:{};base64,{}",
                mime_type(name),
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ))
        };
        // The description is rendered straight from the bank's Markdown.
        let description_media = |written: &str| deck.media_name(written).and_then(data_uri);
        let options = HtmlOptions {
            media_url: &description_media,
            escape_braces: false,
        };
        let render = |md: &str| to_html(md, &options);
        // Typesetting rewrites HTML, so the page sanitizes once more, last.
        let render = |md: &str| sanitize_html(&typeset_math(&render(md)));
        let esc = |s: &str| html_escape::encode_text(s).into_owned();
        // `::` separates Anki subdecks; on paper a path reads better.
        let name = deck
            .name
            .split("::")
            .map(str::trim)
            .collect::<Vec<_>>()
            .join(" › ");
        let title = esc(&name);
        let date = (deck.updated > 0).then(|| iso_date(deck.updated));
        let page_css = page_header_css(&name, date.as_deref());
        let mut html = String::new();
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}{page_css}</style>\n</head>\n<body>\n<header class=\"deck-header\">\n<h1>{title}</h1>\n"
        );
        let count = deck.cards.len();
        let mut meta = format!("{count} card{}", if count == 1 { "" } else { "s" });
        if let Some(date) = &date {
            let _ = write!(meta, " · updated <time datetime=\"{date}\">{date}</time>");
        }
        let _ = writeln!(html, "<p class=\"meta\">{meta}</p>");
        if let Some(description) = &deck.description {
            let _ = writeln!(
                html,
                "<div class=\"description\">{}</div>",
                render(description)
            );
        }
        html.push_str("</header>\n");
        let sections = sections(deck, &data_uri);
        html.push_str("<nav class=\"contents\">\n<h2>Contents</h2>\n<ol>\n");
        for s in &sections {
            let _ = writeln!(
                html,
                "<li><a href=\"#{}\">{}</a> <span class=\"count\">({})</span></li>",
                s.anchor,
                esc(&s.topic),
                s.items.len()
            );
        }
        html.push_str("</ol>\n</nav>\n<main>\n");
        for s in &sections {
            let _ = writeln!(
                html,
                "<section class=\"topic\" id=\"{}\">\n<h2>{}</h2>",
                s.anchor,
                esc(&s.topic)
            );
            for item in &s.items {
                let card = item.card;
                let _ = writeln!(
                    html,
                    "<article class=\"card\" id=\"card-{}\">",
                    esc(&card.id)
                );
                let _ = writeln!(
                    html,
                    "<div class=\"question\"><span class=\"number\">{}.</span><div class=\"prompt\">{}</div></div>",
                    item.number,
                    render(&item.question)
                );
                let _ = writeln!(html, "<div class=\"answer\">{}</div>", render(&item.answer));
                html.push_str("<footer class=\"card-meta\">");
                // The topic's tag repeats the heading the card sits under.
                let topic_tag = card.topic.as_deref().map(topic_tag);
                for tag in card.tags.iter().filter(|t| Some(*t) != topic_tag.as_ref()) {
                    let _ = write!(html, "<span class=\"tag\">{}</span>", esc(tag));
                }
                for reference in &card.references {
                    let href = html_escape::encode_double_quoted_attribute(reference);
                    let _ = write!(
                        html,
                        "<a class=\"ref\" href=\"{href}\">{}</a>",
                        esc(reference)
                    );
                }
                html.push_str("</footer>\n</article>\n");
            }
            html.push_str("</section>\n");
        }
        html.push_str("</main>\n</body>\n</html>\n");
        Ok(vec![OutputFile {
            path: PathBuf::from(format!("{}.html", deck.id)),
            bytes: html.into_bytes(),
        }])
    }
}

/// The running header of every page but the first: the deck's name on the
/// left, its date on the right (`@page` margin boxes, see the module docs).
fn page_header_css(name: &str, date: Option<&str>) -> String {
    let mut css = format!("@page {{ @top-left {{ content: {}; }}", css_string(name));
    if let Some(date) = date {
        let _ = write!(css, " @top-right {{ content: {}; }}", css_string(date));
    }
    css.push_str(
        " }\n@page :first { @top-left { content: none; } @top-right { content: none; } }\n",
    );
    css
}

/// A CSS string literal: quotes and backslashes escaped, and `<` too, so the
/// text can never close the `<style>` element.
fn css_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' | '\\' => {
                out.push('\\');
                out.push(c);
            }
            '<' => out.push_str("\\3c "),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Typesets the MathJax `\( … \)` and `\[ … \]` spans in rendered HTML as
/// plain HTML (italic variables, Unicode symbols, `<sup>`/`<sub>`), leaving
/// `<pre>` and `<code>` alone. TeX it does not know is shown as its source.
fn typeset_math(html: &str) -> String {
    if !html.contains("\\(") && !html.contains("\\[") {
        return html.to_string();
    }
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(c) = rest.chars().next() {
        if c == '<' {
            let Some(tag_len) = rest.find('>').map(|i| i + 1) else {
                break;
            };
            let name: String = rest[1..]
                .chars()
                .take_while(char::is_ascii_alphanumeric)
                .collect::<String>()
                .to_ascii_lowercase();
            let copy = if name == "pre" || name == "code" {
                let close = format!("</{name}>");
                rest.find(&close).map_or(rest.len(), |i| i + close.len())
            } else {
                tag_len
            };
            out.push_str(&rest[..copy]);
            rest = &rest[copy..];
            continue;
        }
        let close = if rest.starts_with("\\(") {
            Some("\\)")
        } else if rest.starts_with("\\[") {
            Some("\\]")
        } else {
            None
        };
        if let Some(close) = close
            && let Some(len) = rest[2..].find(close)
        {
            let display = close == "\\]";
            let source = &rest[..2 + len + 2];
            let tex = html_escape::decode_html_entities(&rest[2..2 + len]);
            let class = if display { "math display" } else { "math" };
            match tex_to_html(&tex) {
                Some(body) => {
                    let _ = write!(out, "<span class=\"{class}\">{body}</span>");
                }
                None => {
                    let _ = write!(out, "<span class=\"{class} tex\">{source}</span>");
                }
            }
            rest = &rest[source.len()..];
            continue;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out.push_str(rest);
    out
}

/// A small subset of TeX math as HTML, or `None` for anything outside it.
fn tex_to_html(tex: &str) -> Option<String> {
    let mut chars = tex.trim().chars().peekable();
    let mut out = String::new();
    tex_group(&mut chars, &mut out, false)?;
    Some(out)
}

type TexChars<'a> = std::iter::Peekable<std::str::Chars<'a>>;

/// Renders until the end, or the closing `}` when `braced`.
fn tex_group(chars: &mut TexChars<'_>, out: &mut String, braced: bool) -> Option<()> {
    while let Some(c) = chars.next() {
        match c {
            '}' if braced => return Some(()),
            '}' => return None,
            '{' => tex_group(chars, out, true)?,
            '^' | '_' => {
                let tag = if c == '^' { "sup" } else { "sub" };
                let _ = write!(out, "<{tag}>");
                tex_atom(chars, out)?;
                let _ = write!(out, "</{tag}>");
            }
            '\\' => tex_command(chars, out)?,
            c if c.is_whitespace() => {
                while chars.next_if(|c| c.is_whitespace()).is_some() {}
                if !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            c if c.is_alphabetic() => {
                out.push_str("<i>");
                out.push(c);
                out.push_str("</i>");
            }
            '-' => out.push('−'),
            '*' => out.push('∗'),
            '~' => out.push('\u{a0}'),
            c => push_escaped(out, c),
        }
    }
    if braced { None } else { Some(()) }
}

/// One argument of `^`, `_` or a command: a braced group or a single token.
fn tex_atom(chars: &mut TexChars<'_>, out: &mut String) -> Option<()> {
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    match chars.next()? {
        '{' => tex_group(chars, out, true),
        '\\' => tex_command(chars, out),
        c if c.is_alphabetic() => {
            let _ = write!(out, "<i>{c}</i>");
            Some(())
        }
        '-' => {
            out.push('−');
            Some(())
        }
        c => {
            push_escaped(out, c);
            Some(())
        }
    }
}

/// A braced argument's raw text (for `\text{…}`).
fn tex_raw_group(chars: &mut TexChars<'_>) -> Option<String> {
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    if chars.next()? != '{' {
        return None;
    }
    let mut depth = 0;
    let mut text = String::new();
    for c in chars.by_ref() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(text),
            '}' => depth -= 1,
            _ => {}
        }
        text.push(c);
    }
    None
}

fn tex_command(chars: &mut TexChars<'_>, out: &mut String) -> Option<()> {
    let mut name = String::new();
    while let Some(c) = chars.next_if(char::is_ascii_alphabetic) {
        name.push(c);
    }
    if name.is_empty() {
        // A control symbol: `\,` `\;` `\!` `\{` `\}` `\%` `\\`…
        match chars.next()? {
            ',' | ':' | ';' => out.push('\u{2009}'),
            ' ' => out.push(' '),
            '!' => {}
            '\\' => out.push_str("<br>"),
            c @ ('{' | '}' | '%' | '$' | '#' | '&' | '_' | '|') => push_escaped(out, c),
            _ => return None,
        }
        return Some(());
    }
    // TeX drops the spaces after a command word.
    while chars.next_if(|c| c.is_whitespace()).is_some() {}
    if let Some(symbol) = tex_symbol(&name) {
        out.push_str(symbol);
        return Some(());
    }
    match name.as_str() {
        "text" | "mathrm" | "textrm" | "operatorname" | "mbox" => {
            let text = tex_raw_group(chars)?;
            out.push_str(&html_escape::encode_text(&text));
        }
        "mathbf" | "textbf" | "boldsymbol" => {
            out.push_str("<b>");
            tex_atom(chars, out)?;
            out.push_str("</b>");
        }
        "mathit" | "textit" | "mathcal" | "mathbb" => tex_atom(chars, out)?,
        "frac" | "dfrac" | "tfrac" => {
            out.push_str("<span class=\"frac\"><sup>");
            tex_atom(chars, out)?;
            out.push_str("</sup>⁄<sub>");
            tex_atom(chars, out)?;
            out.push_str("</sub></span>");
        }
        "sqrt" => {
            out.push_str("√<span class=\"radicand\">");
            tex_atom(chars, out)?;
            out.push_str("</span>");
        }
        "left" | "right" | "big" | "Big" | "bigl" | "bigr" | "displaystyle" => {}
        "sin" | "cos" | "tan" | "log" | "ln" | "exp" | "lim" | "max" | "min" | "det" | "gcd"
        | "mod" => {
            out.push_str(&name);
            out.push('\u{2009}');
        }
        _ => return None,
    }
    Some(())
}

fn tex_symbol(name: &str) -> Option<&'static str> {
    Some(match name {
        "alpha" => "α",
        "beta" => "β",
        "gamma" => "γ",
        "delta" => "δ",
        "epsilon" | "varepsilon" => "ε",
        "zeta" => "ζ",
        "eta" => "η",
        "theta" => "θ",
        "iota" => "ι",
        "kappa" => "κ",
        "lambda" => "λ",
        "mu" => "μ",
        "nu" => "ν",
        "xi" => "ξ",
        "pi" => "π",
        "rho" => "ρ",
        "sigma" => "σ",
        "tau" => "τ",
        "phi" | "varphi" => "φ",
        "chi" => "χ",
        "psi" => "ψ",
        "omega" => "ω",
        "Gamma" => "Γ",
        "Delta" => "Δ",
        "Theta" => "Θ",
        "Lambda" => "Λ",
        "Pi" => "Π",
        "Sigma" => "Σ",
        "Phi" => "Φ",
        "Psi" => "Ψ",
        "Omega" => "Ω",
        "approx" => " ≈ ",
        "times" => " × ",
        "cdot" => " · ",
        "div" => " ÷ ",
        "pm" => " ± ",
        "le" | "leq" => " ≤ ",
        "ge" | "geq" => " ≥ ",
        "ne" | "neq" => " ≠ ",
        "equiv" => " ≡ ",
        "sim" => " ∼ ",
        "propto" => " ∝ ",
        "to" | "rightarrow" => " → ",
        "leftarrow" => " ← ",
        "Rightarrow" | "implies" => " ⇒ ",
        "Leftrightarrow" | "iff" => " ⇔ ",
        "in" => " ∈ ",
        "notin" => " ∉ ",
        "subset" => " ⊂ ",
        "subseteq" => " ⊆ ",
        "cup" => " ∪ ",
        "cap" => " ∩ ",
        "land" | "wedge" => " ∧ ",
        "lor" | "vee" => " ∨ ",
        "neg" | "lnot" => "¬",
        "forall" => "∀",
        "exists" => "∃",
        "emptyset" | "varnothing" => "∅",
        "infty" => "∞",
        "partial" => "∂",
        "nabla" => "∇",
        "sum" => "∑",
        "prod" => "∏",
        "int" => "∫",
        "ldots" | "dots" | "cdots" => "…",
        "quad" => "\u{2003}",
        "qquad" => "\u{2003}\u{2003}",
        "lbrace" => "{",
        "rbrace" => "}",
        "langle" => "⟨",
        "rangle" => "⟩",
        "lvert" | "rvert" | "vert" | "mid" => "|",
        "circ" => "∘",
        "degree" => "°",
        "prime" => "′",
        _ => return None,
    })
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '&' => out.push_str("&amp;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

fn mime_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typesets_simple_math() {
        assert_eq!(
            typeset_math(r"<p>Area \( \pi r^2 \), \( a &lt; b_{i} \)</p>"),
            "<p>Area <span class=\"math\">π<i>r</i><sup>2</sup></span>, \
             <span class=\"math\"><i>a</i> &lt; <i>b</i><sub><i>i</i></sub></span></p>"
        );
        assert_eq!(
            typeset_math(r"\[ e^{i\pi} + 1 = 0 \]"),
            "<span class=\"math display\"><i>e</i><sup><i>i</i>π</sup> + 1 = 0</span>"
        );
        assert_eq!(
            typeset_math(r"\( \frac{1}{2} \)"),
            "<span class=\"math\"><span class=\"frac\"><sup>1</sup>⁄<sub>2</sub></span></span>"
        );
    }

    #[test]
    fn leaves_code_and_unknown_tex_alone() {
        let code =
            r#"<pre class="code"><code>re.compile(r"\(\d+\)")</code></pre> <code>\[x\]</code>"#;
        assert_eq!(typeset_math(code), code);
        assert_eq!(
            typeset_math(r"\( \mathfrak{g} \)"),
            r#"<span class="math tex">\( \mathfrak{g} \)</span>"#
        );
        assert_eq!(typeset_math(r"no close \( x"), r"no close \( x");
    }

    #[test]
    fn page_header_cannot_break_out_of_css() {
        assert_eq!(css_string(r#"a"b\c</style>"#), r#""a\"b\\c\3c /style>""#);
        let css = page_header_css("Deck", Some("2025-11-25"));
        assert!(css.contains("@top-left { content: \"Deck\"; }"));
        assert!(css.contains("@page :first"));
    }
}
