//! Markdown → Markdown for the handouts: the text stays as written, except
//! that image paths point where the handout keeps media, unsafe links are
//! neutralised and raw HTML is sanitized. [`dollar_math`] turns MathJax into
//! the `$…$` that GitHub and pandoc render, for the Markdown sheets.

use pulldown_cmark::{Event, Tag};

use super::sanitize::{hidden_html, is_safe_url, sanitize_piece};
use super::{math_segments, parser_options};

/// Returns `markdown` with each image destination replaced by `media_url`'s
/// answer, `javascript:`-style links pointed at `#`, and raw HTML cleaned;
/// everything else is left byte for byte.
pub fn to_handout_markdown(markdown: &str, media_url: &dyn Fn(&str) -> Option<String>) -> String {
    let mut edits: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let destination = |range: &std::ops::Range<usize>, dest: &str| {
        // The destination follows "](" in an inline link or image.
        markdown[range.clone()]
            .find(&format!("]({dest}"))
            .map(|at| range.start + at + 2..range.start + at + 2 + dest.len())
    };
    // Inside <script> or <style>: the text between the tags goes too.
    let mut hidden = false;
    for (event, range) in
        pulldown_cmark::Parser::new_ext(markdown, parser_options()).into_offset_iter()
    {
        match event {
            Event::Text(_) | Event::Code(_) if hidden => edits.push((range, String::new())),
            Event::Start(Tag::Image { dest_url, .. }) => {
                if let (Some(new_url), Some(at)) =
                    (media_url(&dest_url), destination(&range, &dest_url))
                {
                    edits.push((at, new_url));
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if !is_safe_url(&dest_url) => {
                if let Some(at) = destination(&range, &dest_url) {
                    edits.push((at, "#".to_string()));
                }
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                if let Some(inside) = hidden_html(&html) {
                    hidden = inside;
                }
                let cleaned = sanitize_piece(&html);
                if cleaned != *html {
                    // Keep the line break that ends an HTML block line.
                    let newline = if html.ends_with('\n') && !cleaned.ends_with('\n') {
                        "\n"
                    } else {
                        ""
                    };
                    edits.push((range, format!("{cleaned}{newline}")));
                }
            }
            _ => {}
        }
    }
    apply(markdown, edits)
}

/// Replaces byte ranges of `text`; overlapping later edits are dropped.
fn apply(text: &str, mut edits: Vec<(std::ops::Range<usize>, String)>) -> String {
    edits.sort_by_key(|(range, _)| range.start);
    edits.dedup_by(|later, earlier| later.0.start < earlier.0.end);
    let mut out = text.to_string();
    for (range, replacement) in edits.into_iter().rev() {
        out.replace_range(range, &replacement);
    }
    out
}

/// MathJax `\( … \)` and `\[ … \]` as `$…$` and `$$…$$`, which GitHub and
/// pandoc render (in plain Markdown a backslash before a parenthesis is an
/// escape). Code and raw HTML keep their backslashes.
pub fn dollar_math(markdown: &str) -> String {
    let segments = math_segments(markdown);
    if segments.is_empty() {
        return markdown.to_string();
    }
    let literal: Vec<std::ops::Range<usize>> =
        pulldown_cmark::Parser::new_ext(markdown, parser_options())
            .into_offset_iter()
            .filter(|(event, _)| {
                matches!(
                    event,
                    Event::Code(_)
                        | Event::Start(Tag::CodeBlock(_))
                        | Event::Html(_)
                        | Event::InlineHtml(_)
                )
            })
            .map(|(_, range)| range)
            .collect();
    let edits = segments
        .into_iter()
        .filter(|math| {
            !literal
                .iter()
                .any(|r| r.start < math.range.end && math.range.start < r.end)
        })
        .map(|math| {
            let tex = markdown[math.range.start + 2..math.range.end - 2].trim();
            let fence = if math.display { "$$" } else { "$" };
            (math.range, format!("{fence}{tex}{fence}"))
        })
        .collect();
    apply(markdown, edits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrites_only_image_paths() {
        let md = "See ![d](media/d.png \"t\") and [media/d.png](x).";
        let out = to_handout_markdown(md, &|p| {
            (p == "media/d.png").then(|| "img/d.png".to_string())
        });
        assert_eq!(out, "See ![d](img/d.png \"t\") and [media/d.png](x).");
    }

    #[test]
    fn mathjax_becomes_dollar_math_outside_code() {
        let md = "Area \\( \\pi r^2 \\) and\n\n\\[ x \\]\n\n`\\(code\\)`\n\n```\nre = r\"\\(\\d\\)\"\n```";
        assert_eq!(
            dollar_math(md),
            "Area $\\pi r^2$ and\n\n$$x$$\n\n`\\(code\\)`\n\n```\nre = r\"\\(\\d\\)\"\n```"
        );
    }

    #[test]
    fn removes_scripts_handlers_and_javascript_links() {
        let md =
            "A <script>alert(1)</script> <span onclick=\"x()\">b</span> [c](javascript:alert(1))";
        assert_eq!(
            to_handout_markdown(md, &|_| None),
            "A  <span>b</span> [c](#)"
        );
    }
}
