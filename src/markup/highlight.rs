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

/// Starts loading the highlighter on another thread, with the syntaxes of
/// the fences `text` holds (```` ```python ````), when it has any: a build
/// reads and checks its banks meanwhile, and the first code block does not
/// wait for the whole load (tens of milliseconds). Returns at once.
pub fn warm_up(text: &str) {
    let mut languages: Vec<String> = Vec::new();
    for fence in ["```", "~~~"] {
        let mut rest = text;
        while let Some(at) = rest.find(fence) {
            let after = rest[at..].trim_start_matches(['`', '~']);
            let lang: String = after
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || "+-_.#".contains(*c))
                .take(32)
                .collect();
            if !lang.is_empty() && !languages.contains(&lang) && languages.len() < 32 {
                languages.push(lang);
            }
            rest = after;
        }
    }
    if languages.is_empty() {
        return;
    }
    // Detached: if the build ends first, the process simply exits.
    let _ = std::thread::Builder::new()
        .name("highlighter".into())
        .spawn(move || {
            for lang in &languages {
                // One line of each language loads its syntax's rules.
                if let Some(syntax) = syntax_for(lang) {
                    let _ = highlight_with(syntax, "x\n");
                }
            }
        });
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
///
/// A block is highlighted once per run: banks repeat code (the same snippet
/// on several cards), and the .apkg and the print page show the same blocks.
/// The result is a pure function of its input, so remembering it changes no
/// output; the memory it may take is bounded.
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    let syntax = syntax_for(lang)?;
    if code.len() > MEMO_MAX_BLOCK {
        return highlight_with(syntax, code);
    }
    // Fence languages never hold a line break, so the key is unambiguous.
    let key = format!("{lang}\n{code}");
    let memo = memo();
    // A poisoned memo (a panic elsewhere) is only skipped, never fatal.
    if let Ok(memo) = memo.lock()
        && let Some(html) = memo.blocks.get(&key)
    {
        return Some(html.clone());
    }
    let html = highlight_with(syntax, code)?;
    if let Ok(mut memo) = memo.lock()
        && memo.bytes + key.len() + html.len() <= MEMO_MAX_BYTES
    {
        memo.bytes += key.len() + html.len();
        memo.blocks.insert(key, html.clone());
    }
    Some(html)
}

/// Blocks longer than this are not remembered (they rarely repeat).
const MEMO_MAX_BLOCK: usize = 16 * 1024;
/// The most the remembered blocks take, keys and HTML together.
const MEMO_MAX_BYTES: usize = 64 * 1024 * 1024;

#[derive(Default)]
struct Memo {
    blocks: std::collections::HashMap<String, String>,
    bytes: usize,
}

fn memo() -> &'static std::sync::Mutex<Memo> {
    static MEMO: OnceLock<std::sync::Mutex<Memo>> = OnceLock::new();
    MEMO.get_or_init(Default::default)
}

fn highlight_with(syntax: &SyntaxReference, code: &str) -> Option<String> {
    let h = highlighter();
    let mut lines = HighlightLines::new(syntax, &h.theme);
    let mut html = String::with_capacity(code.len() * 4);
    for line in LinesWithEndings::from(code) {
        let regions = lines.highlight_line(line, &h.syntaxes).ok()?;
        html.push_str(&styled_line_to_highlighted_html(&regions, IncludeBackground::No).ok()?);
    }
    Some(html)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_remembered_block_is_the_block_highlighted_afresh() {
        let code = "def view(request):\n    return render(request, 'x.html')\n";
        let syntax = syntax_for("python").unwrap();
        let fresh = highlight_with(syntax, code).unwrap();
        assert!(fresh.contains("<span"), "{fresh}");
        // First call fills the memo, second reads it: both as highlighted afresh.
        assert_eq!(highlight(code, "python").as_deref(), Some(fresh.as_str()));
        assert_eq!(highlight(code, "python").as_deref(), Some(fresh.as_str()));
        // The language is part of the key: the same text as HTML differs.
        assert_ne!(highlight(code, "html").as_deref(), Some(fresh.as_str()));
        // A block too long to remember is still highlighted.
        let long = code.repeat(MEMO_MAX_BLOCK / code.len() + 1);
        assert_eq!(highlight(&long, "python"), highlight_with(syntax, &long));
        assert!(
            memo()
                .lock()
                .unwrap()
                .blocks
                .keys()
                .all(|k| k.len() <= MEMO_MAX_BLOCK + 16)
        );
    }
}
