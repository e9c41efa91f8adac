//! Raw HTML written in a bank is cleaned before it reaches any output: no
//! scripts, frames, event handlers or `javascript:` URLs.

/// Tags flashdeck keeps beyond ammonia's defaults (its own code markup and media).
const EXTRA_TAGS: [&str; 13] = [
    "span",
    "pre",
    "code",
    "div",
    "figure",
    "figcaption",
    "audio",
    "video",
    "source",
    "mark",
    "kbd",
    "sub",
    "sup",
];

/// The only CSS properties a `style` attribute keeps: colours and text
/// emphasis. Nothing that positions, sizes, hides or fetches (no `position`,
/// `display`, `width`, `background`, `content`, `url(…)`), so a card cannot be
/// restyled into an overlay or make a network request.
pub const STYLE_PROPERTIES: [&str; 8] = [
    "color",
    "background-color",
    "font-weight",
    "font-style",
    "text-decoration",
    "text-decoration-line",
    // Page breaks, for print (the quiz sheet's answer key).
    "break-before",
    "page-break-before",
];

/// Class names raw HTML may carry: the ones flashdeck's own markup uses (code
/// blocks, typeset math). Any other class is dropped, so a field cannot borrow
/// the page's or the card's layout classes.
const ALLOWED_CLASSES: [&str; 6] = ["code", "math", "display", "tex", "frac", "radicand"];

/// Attributes whose value is a URL that is followed only when clicked.
const LINK_ATTRIBUTES: [&str; 2] = ["href", "cite"];

/// Whether one class token may stay.
fn allowed_class(token: &str) -> bool {
    ALLOWED_CLASSES.contains(&token)
        || token.strip_prefix("language-").is_some_and(|lang| {
            !lang.is_empty()
                && lang
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"+#-_.".contains(&b))
        })
}

/// The URL scheme of `url` (lowercase), or `None` for a relative URL.
fn scheme(url: &str) -> Option<String> {
    // Browsers ignore ASCII whitespace and control characters inside a scheme.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_ascii_whitespace() && !c.is_control())
        .collect();
    let (scheme, _) = cleaned.split_once(':')?;
    // A colon after a slash, '?' or '#' is not a scheme separator.
    if scheme.is_empty() || scheme.contains(['/', '?', '#']) {
        return None;
    }
    Some(scheme.to_ascii_lowercase())
}

/// The last word on every attribute ammonia keeps (see [`STYLE_PROPERTIES`]
/// and [`ALLOWED_CLASSES`] for why).
fn filter_attribute<'u>(
    element: &str,
    attribute: &str,
    value: &'u str,
) -> Option<std::borrow::Cow<'u, str>> {
    match attribute {
        "class" => {
            let kept: Vec<&str> = value
                .split_ascii_whitespace()
                .filter(|t| allowed_class(t))
                .collect();
            (!kept.is_empty()).then(|| kept.join(" ").into())
        }
        "style" => {
            // Declaration by declaration: escapes and comments could spell a
            // forbidden word, functions (`url(`, `expression(`) could fetch.
            let kept: Vec<&str> = value
                .split(';')
                .map(str::trim)
                .filter(|d| !d.is_empty() && !d.contains(['\\', '(', '@']) && !d.contains("/*"))
                .collect();
            (!kept.is_empty()).then(|| kept.join(";").into())
        }
        // Media load by themselves: only files of the deck (relative) or
        // media the output embeds itself (data: images, sound, video).
        "src" => match scheme(value) {
            // `//host/x` is a network path, `/x` a file outside the deck.
            None if value.trim_start().starts_with(['/', '\\']) => None,
            None => Some(value.into()),
            Some(s) if s == "data" => {
                let lower = value.trim_start().to_ascii_lowercase();
                let embedded = ["data:image/", "data:audio/", "data:video/"]
                    .iter()
                    .any(|p| lower.starts_with(p));
                (embedded && element != "a").then(|| value.into())
            }
            Some(_) => None,
        },
        a if LINK_ATTRIBUTES.contains(&a) => is_safe_url(value).then(|| value.into()),
        // Not a URL (a title, an alt text), but a value that reads as a
        // script URL has no business anywhere: a page's own script, or a
        // tool that takes it for a link, could follow it.
        _ => (!reads_as_script_url(value)).then(|| value.into()),
    }
}

/// Whether `value`, read as a browser reads a URL (whitespace and control
/// characters inside the scheme ignored), starts with a scheme that runs
/// script or makes a document: `javascript:`, `vbscript:`, `data:text`.
fn reads_as_script_url(value: &str) -> bool {
    let squeezed: String = value
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:text"]
        .iter()
        .any(|scheme| squeezed.starts_with(scheme))
}

fn builder() -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(EXTRA_TAGS)
        .add_tag_attributes("span", ["style", "class"])
        .add_tag_attributes("div", ["style"])
        .add_tag_attributes("pre", ["class"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("img", ["src", "alt", "title", "width", "height"])
        .add_tag_attributes("audio", ["src", "controls"])
        .add_tag_attributes("video", ["src", "controls"])
        .add_tag_attributes("source", ["src", "type"])
        .url_schemes(["http", "https", "mailto", "data"].into())
        .filter_style_properties(STYLE_PROPERTIES.into())
        .attribute_filter(filter_attribute)
        .link_rel(None);
    builder
}

/// The one sanitizer, built once (building it costs more than most fields).
fn cleaner() -> &'static ammonia::Builder<'static> {
    static CELL: std::sync::OnceLock<ammonia::Builder<'static>> = std::sync::OnceLock::new();
    CELL.get_or_init(builder)
}

/// The tags the sanitizer keeps, copied out of it once (closing tags of
/// handout Markdown are checked against it one by one).
fn kept_tags() -> &'static std::collections::HashSet<&'static str> {
    static CELL: std::sync::OnceLock<std::collections::HashSet<&'static str>> =
        std::sync::OnceLock::new();
    CELL.get_or_init(|| cleaner().clone_tags())
}

/// Cleans a whole HTML fragment: the last step before any HTML is written.
/// No scripts, frames, forms or event handlers; links only to http(s),
/// mailto or relative targets; media only from the deck itself or embedded
/// `data:` images, sound and video; `style` only with [`STYLE_PROPERTIES`].
pub fn sanitize(html: &str) -> String {
    cleaner().clean(html).to_string()
}

/// What [`sanitize`] takes out of `html`, named for a warning: tags it
/// drops (`<script>`), attributes it drops (`onclick`), comments, and links
/// (a link whose unsafe `href` goes shows as the `href` attribute when no
/// other link keeps one). Normalizing (quotes, entities) is not removal. Empty when sanitizing removes nothing.
pub fn removed_by_sanitizing(html: &str) -> Vec<String> {
    let cleaned = sanitize(html);
    if cleaned == html || !html.contains('<') {
        return Vec::new();
    }
    let lower_cleaned = cleaned.to_ascii_lowercase();
    let mut removed: Vec<String> = Vec::new();
    let mut add = |what: String| {
        if !removed.contains(&what) {
            removed.push(what);
        }
    };
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        let after = &rest[open + 1..];
        if after.starts_with("!--") {
            add("an HTML comment".to_string());
            rest = after;
            continue;
        }
        let name: String = after
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let end = after.find('>').unwrap_or(after.len());
        if name.is_empty() {
            rest = after;
            continue;
        }
        if !kept_tags().contains(name.as_str()) {
            add(format!("`<{name}>`"));
        } else {
            // Attribute names: words followed by `=` outside quotes.
            let mut quote = None;
            let mut word = String::new();
            for c in after[name.len()..end].chars() {
                match quote {
                    Some(q) if c == q => quote = None,
                    Some(_) => {}
                    None if c == '"' || c == '\'' => quote = Some(c),
                    None if c == '=' => {
                        let attribute = word.to_ascii_lowercase();
                        if !attribute.is_empty()
                            && !lower_cleaned.contains(&format!("{attribute}="))
                        {
                            add(format!("the `{attribute}` attribute"));
                        }
                        word.clear();
                    }
                    None if c.is_whitespace() => word.clear(),
                    None => word.push(c),
                }
            }
        }
        rest = &after[end.min(after.len())..];
    }
    removed
}

/// What a raw-HTML piece does to "inside <script> or <style>", whose text is
/// not content: `Some(true)` opens one, `Some(false)` closes one (or holds a
/// whole one), `None` is any other tag.
pub fn hidden_html(piece: &str) -> Option<bool> {
    let lower = piece.trim_start().to_ascii_lowercase();
    if lower.starts_with("<script") || lower.starts_with("<style") {
        Some(!(lower.contains("</script") || lower.contains("</style")))
    } else if lower.starts_with("</script") || lower.starts_with("</style") {
        Some(false)
    } else {
        None
    }
}

/// Whether a link may be followed: http(s), mailto, or relative. The URL is
/// taken as a browser reads it: entities decoded, whitespace and control
/// characters inside the scheme ignored (`jav&#x09;ascript:` is `javascript:`).
pub fn is_safe_url(url: &str) -> bool {
    let decoded = html_escape::decode_html_entities(url);
    match scheme(&decoded) {
        Some(s) => matches!(s.as_str(), "http" | "https" | "mailto"),
        None => true,
    }
}

/// Whether sanitizing `html` only re-spells it: the sanitized HTML reads
/// as the very same tokens (tags, attributes and their values, text,
/// comments), so `html` as written builds the same document a browser or
/// Anki shows, and is exactly as safe. Quotes, entities, `<br/>` against
/// `<br>`, letter case of tag names differ freely; a dropped tag,
/// attribute, style property, link or comment does not.
///
/// Both sides are tokenized in the data state throughout, where the
/// tokenizer finds the most markup: text a browser reads as raw text
/// (inside `<script>`, `<style>`, `<textarea>`) is read here as the tags it
/// spells, so nothing a browser would run can hide in it.
pub fn respelled_only(html: &str) -> bool {
    let cleaned = sanitize(html);
    cleaned == html || tokens(&cleaned) == tokens(html)
}

/// A token of HTML, as compared by [`respelled_only`].
#[derive(Debug, PartialEq, Eq)]
enum Token {
    Text(String),
    Start(String, Vec<(String, String)>),
    End(String),
    Comment(String),
    Doctype,
    Null,
}

#[derive(Default)]
struct Tokens(std::cell::RefCell<Vec<Token>>);

impl html5ever::tokenizer::TokenSink for Tokens {
    type Handle = ();

    fn process_token(
        &self,
        token: html5ever::tokenizer::Token,
        _line: u64,
    ) -> html5ever::tokenizer::TokenSinkResult<()> {
        use html5ever::tokenizer::{TagKind, Token as T};
        let mut tokens = self.0.borrow_mut();
        match token {
            T::CharacterTokens(text) => match tokens.last_mut() {
                Some(Token::Text(last)) => last.push_str(&text),
                _ => tokens.push(Token::Text(text.to_string())),
            },
            T::NullCharacterToken => tokens.push(Token::Null),
            T::TagToken(tag) => {
                let name = tag.name.to_string();
                tokens.push(match tag.kind {
                    TagKind::StartTag => {
                        let mut attributes: Vec<(String, String)> = tag
                            .attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect();
                        attributes.sort();
                        Token::Start(name, attributes)
                    }
                    TagKind::EndTag => Token::End(name),
                });
            }
            T::CommentToken(text) => tokens.push(Token::Comment(text.to_string())),
            T::DoctypeToken(_) => tokens.push(Token::Doctype),
            T::EOFToken | T::ParseError(_) => {}
        }
        html5ever::tokenizer::TokenSinkResult::Continue
    }
}

fn tokens(html: &str) -> Vec<Token> {
    use html5ever::tendril::StrTendril;
    use html5ever::tokenizer::{BufferQueue, Tokenizer, TokenizerOpts};
    let tokenizer = Tokenizer::new(Tokens::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_lose_scripts_and_handlers_but_keep_safe_tags() {
        assert_eq!(sanitize("<script>x</script>"), "");
        assert_eq!(
            sanitize("<span onclick=\"alert(1)\">a</span>"),
            "<span>a</span>"
        );
        assert_eq!(sanitize("<b>x</b>"), "<b>x</b>");
        assert!(!sanitize("<a href=\"javascript:alert(1)\">a</a>").contains("javascript"));
        assert!(!is_safe_url("JavaScript:alert(1)"));
        assert!(is_safe_url("media/x.png"));
        assert!(is_safe_url("https://x.org/a:b"));
        // Found by the fuzzer: a title that reads as a script URL.
        assert_eq!(
            sanitize("<details title=\"java script:x()\">d</details>"),
            "<details>d</details>"
        );
        assert_eq!(
            sanitize("<details title=\"javascript is fun\">d</details>"),
            "<details title=\"javascript is fun\">d</details>"
        );
    }
}
