//! A small subset of TeX math (the kind flashcards hold: Greek letters,
//! operators, sub- and superscripts, fractions, roots) typeset without a
//! TeX engine: as HTML for the print page, as Unicode text for Quizlet.

use std::borrow::Cow;
use std::fmt::Write as _;

/// A small subset of TeX math as HTML, or `None` for anything outside it.
pub fn tex_to_html(tex: &str) -> Option<String> {
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

/// A small subset of TeX math as readable Unicode text (`\pi r^2` → `πr²`,
/// `\frac{1}{2}` → `1⁄2`, `x_i` → `xᵢ`), or `None` for anything outside it.
///
/// ```
/// use flashdeck::markup::tex_to_text;
/// assert_eq!(tex_to_text(r"A = \pi r^2").as_deref(), Some("A = πr²"));
/// assert_eq!(tex_to_text(r"a \le b_{1}").as_deref(), Some("a ≤ b₁"));
/// ```
pub fn tex_to_text(tex: &str) -> Option<String> {
    let html = tex_to_html(tex)?;
    let mut out = String::with_capacity(html.len());
    let mut rest = html.as_str();
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let end = rest[start..].find('>')? + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        let script = match tag {
            "sup" => Some((SUPERSCRIPTS, "^")),
            "sub" => Some((SUBSCRIPTS, "_")),
            _ => None,
        };
        if let Some((table, marker)) = script {
            let close = format!("</{tag}>");
            let inner_end = rest.find(&close)?;
            let inner = super::strip_tags(&rest[..inner_end]);
            let mapped: Option<String> = inner.chars().map(|c| script_char(table, c)).collect();
            match mapped {
                Some(m) => out.push_str(&m),
                None if inner.chars().count() == 1 => {
                    out.push_str(marker);
                    out.push_str(&inner);
                }
                None => {
                    out.push_str(marker);
                    out.push('(');
                    out.push_str(&inner);
                    out.push(')');
                }
            }
            rest = &rest[inner_end + close.len()..];
        }
    }
    out.push_str(rest);
    let text = html_escape::decode_html_entities(&out).into_owned();
    Some(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// What Anki typesets with LaTeX (`[latex]…[/latex]`, `[$]…[/$]`,
/// `[$$]…[/$$]`, in a field or a template) as the outputs outside Anki show
/// it: `[$]` and `[$$]` become MathJax math (`\\( … \\)`, `\\[ … \\]`,
/// typeset like any card's math), `[latex]` its LaTeX source as text. The
/// source is read as Anki reads it (its `extract_latex`): markers in any
/// case, the shortest body of at least one character, `<br>` and `<div>` as
/// line breaks, other tags dropped, entities decoded; it goes back into the
/// HTML escaped.
///
/// ```
/// use flashdeck::markup::anki_latex;
/// assert_eq!(anki_latex("[$]a &lt; b[/$] and [LaTeX]\\LaTeX{}<br>x[/latex]"), "\\(a &lt; b\\) and \\LaTeX{}\nx");
/// assert_eq!(anki_latex("[$$]x[/$$] [$][/$] [$]"), "\\[x\\] [$][/$] [$]");
/// ```
pub fn anki_latex(html: &str) -> Cow<'_, str> {
    // Offsets found in the lowercase copy are offsets in `html` (ASCII
    // case changes keep every byte where it is), and each is the place of
    // an ASCII character, so every slice below starts and ends on one.
    let lower = html.to_ascii_lowercase();
    if !(lower.contains("[latex]") || lower.contains("[$]") || lower.contains("[$$]")) {
        return Cow::Borrowed(html);
    }
    let mut out = String::with_capacity(html.len());
    let mut copied = 0;
    let mut from = 0;
    while let Some(found) = lower.get(from..).and_then(|rest| rest.find('[')) {
        let start = from + found;
        from = start + 1;
        let rest = lower.get(start..).unwrap_or_default();
        let Some((open, close, wrap)) = [
            ("[latex]", "[/latex]", ("", "")),
            ("[$]", "[/$]", ("\\(", "\\)")),
            ("[$$]", "[/$$]", ("\\[", "\\]")),
        ]
        .into_iter()
        .find(|(open, _, _)| rest.starts_with(open)) else {
            continue;
        };
        let body_start = start + open.len();
        // The body holds at least one character.
        let Some(first) = html.get(body_start..).and_then(|b| b.chars().next()) else {
            continue;
        };
        let search = body_start + first.len_utf8();
        let Some(end) = lower
            .get(search..)
            .and_then(|b| b.find(close))
            .map(|e| search + e)
        else {
            continue;
        };
        out.push_str(html.get(copied..start).unwrap_or_default());
        let source = latex_source(html.get(body_start..end).unwrap_or_default());
        out.push_str(wrap.0);
        out.push_str(&html_escape::encode_text(&source));
        out.push_str(wrap.1);
        copied = end + close.len();
        from = copied;
    }
    out.push_str(html.get(copied..).unwrap_or_default());
    Cow::Owned(out)
}

/// The LaTeX in a marker's body as Anki reads it (`strip_html_for_latex`):
/// `<br>`, `<br />` and `<div>` are line breaks, other tags go, entities are
/// decoded.
fn latex_source(body: &str) -> String {
    let mut text = String::with_capacity(body.len());
    // The name and attributes of the tag being read.
    let mut tag: Option<String> = None;
    for c in body.chars() {
        match (tag.as_mut(), c) {
            (None, '<') => tag = Some(String::new()),
            (None, c) => text.push(c),
            (Some(inside), '>') => {
                if matches!(inside.to_ascii_lowercase().as_str(), "br" | "br /" | "div") {
                    text.push('\n');
                }
                tag = None;
            }
            (Some(inside), c) => inside.push(c),
        }
    }
    html_escape::decode_html_entities(&text).into_owned()
}

/// Characters with a Unicode superscript, and that superscript.
const SUPERSCRIPTS: &[(char, char)] = &[
    ('0', '⁰'),
    ('1', '¹'),
    ('2', '²'),
    ('3', '³'),
    ('4', '⁴'),
    ('5', '⁵'),
    ('6', '⁶'),
    ('7', '⁷'),
    ('8', '⁸'),
    ('9', '⁹'),
    ('+', '⁺'),
    ('-', '⁻'),
    ('−', '⁻'),
    ('=', '⁼'),
    ('(', '⁽'),
    (')', '⁾'),
    ('n', 'ⁿ'),
    ('i', 'ⁱ'),
    ('x', 'ˣ'),
    ('y', 'ʸ'),
    ('k', 'ᵏ'),
    ('a', 'ᵃ'),
    ('b', 'ᵇ'),
    ('c', 'ᶜ'),
    ('d', 'ᵈ'),
    ('e', 'ᵉ'),
    ('m', 'ᵐ'),
    ('t', 'ᵗ'),
];

/// Characters with a Unicode subscript, and that subscript.
const SUBSCRIPTS: &[(char, char)] = &[
    ('0', '₀'),
    ('1', '₁'),
    ('2', '₂'),
    ('3', '₃'),
    ('4', '₄'),
    ('5', '₅'),
    ('6', '₆'),
    ('7', '₇'),
    ('8', '₈'),
    ('9', '₉'),
    ('+', '₊'),
    ('-', '₋'),
    ('−', '₋'),
    ('=', '₌'),
    ('(', '₍'),
    (')', '₎'),
    ('a', 'ₐ'),
    ('e', 'ₑ'),
    ('i', 'ᵢ'),
    ('j', 'ⱼ'),
    ('k', 'ₖ'),
    ('n', 'ₙ'),
    ('x', 'ₓ'),
    ('m', 'ₘ'),
    ('t', 'ₜ'),
];

fn script_char(table: &[(char, char)], c: char) -> Option<char> {
    table.iter().find(|(from, _)| *from == c).map(|(_, to)| *to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anki_latex_reads_as_anki_does() {
        assert_eq!(
            anki_latex("Einstein: [$]E = mc^2[/$] and [$$]m_0[/$$]"),
            "Einstein: \\(E = mc^2\\) and \\[m_0\\]"
        );
        // The source: tags gone, `<br>` and `<div>` as lines, entities
        // decoded and escaped again; markers in any case.
        assert_eq!(
            anki_latex("[LATEX]a &lt; <b>b</b><br>c<div>d</div>[/Latex]"),
            "a &lt; b\nc\nd"
        );
        // No body, no closing marker: left as written.
        for text in ["[latex][/latex]", "[$]x", "[$$]", "a [b] c", "[latex]"] {
            assert_eq!(anki_latex(text), text);
        }
        // Multi-byte text around and inside.
        assert_eq!(anki_latex("é[$]ß[/$]ü"), "é\\(ß\\)ü");
    }
}
