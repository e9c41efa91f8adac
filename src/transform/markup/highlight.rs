//! Fenced code → HTML with inline colour styles (Anki clients and printers
//! ignore external stylesheets for code). The syntax set loads on first use,
//! so banks without code never pay for it.

use std::sync::OnceLock;

use syntect::easy::HighlightLines;
use syntect::highlighting::{Theme, ThemeSet};
use syntect::html::{IncludeBackground, styled_line_to_highlighted_html};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

struct Highlighter {
    syntaxes: SyntaxSet,
    theme: Theme,
}

fn highlighter() -> &'static Highlighter {
    static CELL: OnceLock<Highlighter> = OnceLock::new();
    CELL.get_or_init(|| {
        let themes = ThemeSet::load_defaults();
        let theme = themes
            .themes
            .get("InspiredGitHub")
            .or_else(|| themes.themes.values().next())
            .cloned()
            .unwrap_or_default();
        Highlighter {
            syntaxes: SyntaxSet::load_defaults_newlines(),
            theme,
        }
    })
}

/// Maps a fence's language to a syntax; Django templates highlight as HTML.
fn syntax_for(lang: &str) -> Option<&'static SyntaxReference> {
    let h = highlighter();
    let token = match lang.to_ascii_lowercase().as_str() {
        "" | "text" | "plain" | "txt" => return None,
        "django" | "htmldjango" | "html+django" | "jinja" | "jinja2" | "html+jinja" => {
            "html".to_string()
        }
        "shell" | "console" | "sh" | "zsh" => "bash".to_string(),
        "py" | "python3" | "pycon" => "python".to_string(),
        other => other.to_string(),
    };
    h.syntaxes.find_syntax_by_token(&token)
}

/// Highlighted HTML for the inside of `<code>`: spans with inline colours, or
/// `None` when the language is unknown or empty (the caller escapes the text).
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    let syntax = syntax_for(lang)?;
    let h = highlighter();
    let mut lines = HighlightLines::new(syntax, &h.theme);
    let mut html = String::with_capacity(code.len() * 4);
    for line in LinesWithEndings::from(code) {
        let regions = lines.highlight_line(line, &h.syntaxes).ok()?;
        html.push_str(&styled_line_to_highlighted_html(&regions, IncludeBackground::No).ok()?);
    }
    Some(html)
}
