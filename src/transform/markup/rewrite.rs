//! Markdown → Markdown with media paths rewritten, for the handouts.

use pulldown_cmark::{Event, Tag};

use super::parser_options;

/// Returns `markdown` with each image destination replaced by `media_url`'s
/// answer; everything else is left byte for byte.
pub fn rewrite_media(markdown: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    for (event, range) in
        pulldown_cmark::Parser::new_ext(markdown, parser_options()).into_offset_iter()
    {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            let Some(new_url) = media_url(&dest_url) else {
                continue;
            };
            let source = &markdown[range.clone()];
            // The destination follows "](" in an inline image.
            if let Some(at) = source.find(&format!("]({dest_url}")) {
                let start = range.start + at + 2;
                edits.push((start..start + dest_url.len(), new_url));
            }
        }
    }
    let mut out = markdown.to_string();
    for (range, replacement) in edits.into_iter().rev() {
        out.replace_range(range, &replacement);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_image_paths() {
        let md = "See ![d](media/d.png \"t\") and [media/d.png](x).";
        let out = rewrite_media(md, &|p| {
            (p == "media/d.png").then(|| "img/d.png".to_string())
        });
        assert_eq!(out, "See ![d](img/d.png \"t\") and [media/d.png](x).");
    }
}
