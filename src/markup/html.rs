//! Markdown → HTML: escaped text, highlighted code, sanitized raw HTML.

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};

use super::{highlight, parse, protect_math, sanitize};

/// How to render a field.
pub struct HtmlOptions<'a> {
    /// Maps an image or media path as written to the URL the output uses
    /// (a basename for Anki, a data URI for the print page).
    pub media_url: &'a dyn Fn(&str) -> Option<String>,
    /// Write literal `{` and `}` as character references, so that Anki's cloze
    /// parser sees only the bank's own `{{cN::…}}` markers.
    pub escape_braces: bool,
}

/// Renders `markdown` to an HTML fragment.
pub fn to_html(markdown: &str, options: &HtmlOptions<'_>) -> String {
    let protected = protect_math(markdown);
    let mut events: Vec<Event<'_>> = Vec::new();
    let mut code: Option<(String, String)> = None;
    for event in parse(&protected.text) {
        match event {
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => {
                        info.split_whitespace().next().unwrap_or("").to_string()
                    }
                    CodeBlockKind::Indented => String::new(),
                };
                code = Some((lang, String::new()));
            }
            Event::Text(text) if code.is_some() => {
                if let Some((_, body)) = code.as_mut() {
                    body.push_str(&text);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, body)) = code.take() {
                    events.push(Event::Html(CowStr::from(code_block(&lang, &body))));
                }
            }
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = (options.media_url)(&dest_url).map_or(dest_url, CowStr::from);
                events.push(Event::Start(Tag::Image {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => {
                let dest = if sanitize::is_safe_url(&dest_url) {
                    dest_url
                } else {
                    CowStr::from("#")
                };
                events.push(Event::Start(Tag::Link {
                    link_type,
                    dest_url: dest,
                    title,
                    id,
                }));
            }
            other => events.push(other),
        }
    }
    let mut html = String::with_capacity(markdown.len() * 2);
    pulldown_cmark::html::push_html(&mut html, events.into_iter());
    // Math goes back escaped for any context it may land in (text or an
    // attribute value), and only then is the whole fragment sanitized: the
    // sanitizer must see the HTML exactly as it will be written.
    let html = protected.restore(html.trim_end(), |m| {
        html_escape::encode_quoted_attribute(m).into_owned()
    });
    let html = sanitize::sanitize(&html);
    // Text-only rewrites after sanitizing: `[`/`{` become references or a
    // media name is swapped in (text-escaped); neither can open markup.
    let html = super::rewrite_sound_tags(&html, options.media_url);
    if options.escape_braces {
        escape_non_cloze_braces(&html)
    } else {
        html
    }
}

fn code_block(lang: &str, body: &str) -> String {
    let inner = highlight::highlight(body, lang)
        .unwrap_or_else(|| html_escape::encode_text(body).into_owned());
    let class = if lang.is_empty() {
        String::new()
    } else {
        format!(
            " class=\"language-{}\"",
            html_escape::encode_double_quoted_attribute(lang)
        )
    };
    format!(
        "<pre class=\"code\"><code{class}>{}</code></pre>\n",
        inner.trim_end_matches('\n')
    )
}

/// `{` and `}` that are not part of a `{{cN::…}}` marker become `&#123;` and
/// `&#125;`, so Django's `{{ var }}` shows literally on cloze cards.
fn escape_non_cloze_braces(html: &str) -> String {
    let mut keep = vec![false; html.len()];
    for marker in crate::model::cloze::marker_ranges(html) {
        keep[marker].fill(true);
    }
    let mut out = String::with_capacity(html.len() + 16);
    for (i, c) in html.char_indices() {
        match c {
            '{' if !keep[i] => out.push_str("&#123;"),
            '}' if !keep[i] => out.push_str("&#125;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(md: &str) -> String {
        to_html(
            md,
            &HtmlOptions {
                media_url: &|_| None,
                escape_braces: false,
            },
        )
    }

    #[test]
    fn escapes_text_and_keeps_template_syntax_literal() {
        assert_eq!(
            render("a < b & `{% url %}`"),
            "<p>a &lt; b &amp; <code>{% url %}</code></p>"
        );
    }

    #[test]
    fn strips_scripts_handlers_and_javascript_urls() {
        let html = render(
            "<script>alert(1)</script><img src=x.png onerror=alert(1)> <iframe src=a></iframe>\n\n[x](javascript:alert(1)) <a href=\"javascript:alert(2)\">y</a>",
        );
        assert!(!html.contains("script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("href=\"javascript:"), "{html}");
        assert!(!html.contains("iframe"), "{html}");
        assert!(html.contains("<img src=\"x.png\">"), "{html}");
    }

    /// The names of every attribute of every tag in serialized HTML (quoted
    /// values skipped, as a browser reads them).
    fn attribute_names(html: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut chars = html.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '<' {
                continue;
            }
            let mut name = String::new();
            let mut in_name = false;
            let mut first = true;
            while let Some(c) = chars.next() {
                match c {
                    '>' => break,
                    '"' | '\'' => {
                        for q in chars.by_ref() {
                            if q == c {
                                break;
                            }
                        }
                    }
                    c if c.is_whitespace() || c == '/' => {
                        if in_name && !first {
                            names.push(std::mem::take(&mut name));
                        }
                        if in_name {
                            first = false;
                        }
                        in_name = false;
                        name.clear();
                    }
                    '=' => {
                        if !first {
                            names.push(std::mem::take(&mut name));
                        }
                        in_name = false;
                    }
                    c => {
                        in_name = true;
                        name.push(c.to_ascii_lowercase());
                    }
                }
            }
            if in_name && !first {
                names.push(name);
            }
        }
        names
    }

    #[test]
    fn math_cannot_carry_markup_out_of_an_attribute() {
        assert_eq!(
            attribute_names(r#"<p>a "x"</p><details title="\(" open ontoggle="alert(1)" \)">"#),
            ["title", "open", "ontoggle", "\\)"]
        );
        for md in [
            r#"<details title="\(" open ontoggle="alert(1)" \)">x</details>"#,
            r#"<img src="x.png" title="\(" onerror="alert(1)" \)">"#,
            r#"<span title="\[" onmouseover="alert(1)" \]">x</span>"#,
            r#"![\(" onerror="alert(1)\)](x.png)"#,
            r#"[\(" onclick="alert(1)\)](https://x.org "\(" onclick="alert(2)\)")"#,
        ] {
            for escape_braces in [false, true] {
                let html = to_html(
                    md,
                    &HtmlOptions {
                        media_url: &|_| None,
                        escape_braces,
                    },
                );
                let names = attribute_names(&html);
                assert!(
                    names.iter().all(|n| !n.starts_with("on")),
                    "{md} -> {html}: {names:?}"
                );
            }
        }
    }

    #[test]
    fn styles_keep_only_colours_and_emphasis() {
        let html = render(
            r#"<span style="color:red;position:fixed;top:0;width:100vw;background:url(https://evil.example/x)">a</span><span style="color:red;background-image:url(//evil.example/x)">b</span><span style="color:expression(alert(1))">c</span>"#,
        );
        assert!(!html.contains("position"), "{html}");
        assert!(!html.contains("url("), "{html}");
        assert!(!html.contains("expression"), "{html}");
        assert!(
            html.contains(r#"<span style="color:red">a</span>"#),
            "{html}"
        );
    }

    #[test]
    fn media_and_links_never_reach_the_network_or_run_code() {
        let html = render(
            r#"<img src="https://evil.example/t.png"><img src="//evil.example/t.png"><audio src="http://evil.example/a.mp3"></audio><a href="data:text/html,<script>alert(1)</script>">d</a><a href="jav&#x09;ascript:alert(1)">j</a><img src="data:image/png;base64,AAAA"><span class="card overlay code">k</span>"#,
        );
        assert!(!html.contains("evil.example"), "{html}");
        assert!(!html.contains("data:text"), "{html}");
        assert!(!html.contains("ascript"), "{html}");
        assert!(
            html.contains(r#"<img src="data:image/png;base64,AAAA">"#),
            "{html}"
        );
        assert!(html.contains(r#"<span class="code">k</span>"#), "{html}");
    }

    #[test]
    fn highlights_code_with_inline_styles() {
        let html = render("```python\ndef f():\n    return 1 < 2\n```");
        assert!(
            html.starts_with("<pre class=\"code\"><code class=\"language-python\">"),
            "{html}"
        );
        assert!(html.contains("style=\"color:"), "{html}");
        assert!(html.contains("&lt;"), "{html}");
    }

    #[test]
    fn keeps_mathjax_delimiters() {
        assert_eq!(
            render(r"Area \(\pi r^2 < x\)"),
            r"<p>Area \(\pi r^2 &lt; x\)</p>"
        );
    }

    #[test]
    fn cloze_markers_survive_while_other_braces_are_escaped() {
        let html = to_html(
            "{{ user }} is {{c1::a **variable**}}",
            &HtmlOptions {
                media_url: &|_| None,
                escape_braces: true,
            },
        );
        assert_eq!(
            html,
            "<p>&#123;&#123; user &#125;&#125; is {{c1::a <strong>variable</strong>}}</p>"
        );
    }
}
