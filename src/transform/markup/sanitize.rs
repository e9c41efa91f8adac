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

fn builder(allow_data_urls: bool) -> ammonia::Builder<'static> {
    let mut builder = ammonia::Builder::default();
    builder
        .add_tags(EXTRA_TAGS)
        .add_tag_attributes("span", ["style"])
        .add_tag_attributes("pre", ["class"])
        .add_tag_attributes("code", ["class"])
        .add_tag_attributes("img", ["src", "alt", "title", "width", "height"])
        .add_tag_attributes("audio", ["src", "controls"])
        .add_tag_attributes("video", ["src", "controls"])
        .add_tag_attributes("source", ["src", "type"])
        .link_rel(None);
    if allow_data_urls {
        builder.url_schemes(["http", "https", "mailto", "data"].into());
    } else {
        builder.url_schemes(["http", "https", "mailto"].into());
    }
    builder
}

/// Cleans a whole HTML fragment. `data:` URLs are allowed only where the
/// output embeds its own images (the print page).
pub fn sanitize(html: &str, allow_data_urls: bool) -> String {
    builder(allow_data_urls).clean(html).to_string()
}

/// Cleans one raw-HTML piece of Markdown (often a lone opening or closing
/// tag), for Markdown outputs that keep the rest of the text as written.
pub fn sanitize_piece(piece: &str) -> String {
    let trimmed = piece.trim();
    if let Some(name) = trimmed.strip_prefix("</") {
        let name = name.trim_end_matches('>').trim().to_ascii_lowercase();
        let b = builder(false);
        let kept = b.clone_tags().contains(name.as_str());
        return if kept {
            piece.to_string()
        } else {
            String::new()
        };
    }
    let cleaned = sanitize(piece, false);
    // ammonia closes what it opens; the closing tag follows later in the Markdown.
    match (trimmed.contains("</"), cleaned.rfind("</")) {
        (false, Some(at)) if cleaned.ends_with('>') => cleaned[..at].to_string(),
        _ => cleaned,
    }
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

/// Whether a link may be followed: http(s), mailto, or relative.
pub fn is_safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    match lower.split_once(':') {
        // A colon after a slash, '?' or '#' is not a scheme separator.
        Some((scheme, _)) if !scheme.contains(['/', '?', '#']) => {
            matches!(scheme, "http" | "https" | "mailto")
        }
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_lose_scripts_and_handlers_but_keep_safe_tags() {
        assert_eq!(sanitize_piece("<script>"), "");
        assert_eq!(sanitize_piece("</script>"), "");
        assert_eq!(sanitize_piece("<span onclick=\"alert(1)\">"), "<span>");
        assert_eq!(sanitize_piece("</span>"), "</span>");
        assert_eq!(sanitize_piece("<b>x</b>"), "<b>x</b>");
        assert!(!sanitize_piece("<a href=\"javascript:alert(1)\">").contains("javascript"));
        assert!(!is_safe_url("JavaScript:alert(1)"));
        assert!(is_safe_url("media/x.png"));
        assert!(is_safe_url("https://x.org/a:b"));
    }
}
