use super::*;

fn media(path: &str) -> Option<String> {
    path.strip_prefix("media/")
        .map(|name| format!("media/deck/{name}"))
}

fn sheet(markdown: &str) -> String {
    SheetText::from_markdown(markdown, &media).to_markdown()
}

fn from_html(html: &str) -> String {
    SheetText::from_html(html, &media).to_markdown()
}

/// What a CommonMark reader makes of sheet Markdown: (raw HTML pieces,
/// link and image destinations).
fn read_back(markdown: &str) -> (Vec<String>, Vec<String>) {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut html = Vec::new();
    let mut urls = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Html(h) | Event::InlineHtml(h) => html.push(h.to_string()),
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                urls.push(dest_url.to_string());
            }
            _ => {}
        }
    }
    (html, urls)
}

#[test]
fn plain_markdown_comes_back_as_written() {
    for md in [
        "Hello *world* and **you**.",
        "Use `reverse()`:\n\n```python\nreverse('x')\n```",
        "- a\n- b\n\n1. c\n2. d",
        "A line\nand the next, as written.",
        "# Heading\n\n> quoted\n> text",
        "| a | b |\n| --- | :-: |\n| 1 | 2 |",
        "Line one  \nline two",
        "An image ![the diagram](media/d.png) here.",
        "[docs](https://docs.djangoproject.com/en/5.2/)",
        "Area $\\pi r^2$ and",
        "~~gone~~",
    ] {
        let input = md.replace("$\\pi r^2$", "\\(\\pi r^2\\)");
        assert_eq!(
            sheet(&input),
            md.replace("media/d.png", "media/deck/d.png"),
            "{input}"
        );
    }
}

#[test]
fn text_is_escaped_in_a_form_no_renderer_reads_as_markup() {
    assert_eq!(
        sheet("a < b & `c` [d](javascript:x) $5 ~ a|b {x} #1 \\ * _"),
        "a &lt; b &amp; `c` d &#36;5 &#126; a&#124;b \\{x\\} \\#1 &#92; \\* \\_"
    );
    assert_eq!(
        sheet("1\\. not a list\n\\- nor this\n\\+ nor\n\\= setext\n: def"),
        "1\\. not a list\n\\- nor this\n\\+ nor\n&#61; setext\n&#58; def"
    );
    // Only a script scheme's colon is a reference: the rest read as written.
    assert_eq!(
        sheet("Note: javascript:alert(1) std::vec DATA:text"),
        "Note: javascript&#58;alert(1) std::vec DATA&#58;text"
    );
    assert_eq!(escape_text("<img src=x>"), "&lt;img src=x&gt;");
}

#[test]
fn html_never_reaches_the_sheet() {
    // The report of issue 21: math delimiters in an attribute.
    let out = sheet("Q <img alt=\"\\[\" src=x onerror=document.title='pwned'// \\]\">");
    assert_eq!(out, "Q &#92;&#91;");
    assert_eq!(
        sheet("<script>alert(1)</script>a <b>bold</b> <span onclick=x>c</span>"),
        "a **bold** c"
    );
    for md in [
        "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "[x](jav&#x61;script:alert(1))",
        "<javascript:alert(1)>",
        "[x][r]\n\n[r]: javascript:alert(1)",
        "<!--\n\n[x](javascript:x())",
        "<details open ontoggle=alert(1)>",
        "\\(<img src=x onerror=alert(1)>\\)",
        "`x`{=html}",
        "<style>*{display:none}</style>text",
        "<iframe srcdoc=\"<script>x()</script>\"></iframe>",
        "<svg><script>x()</script></svg>",
        "![a](https://evil.example/track.png)",
        "<div>\n\n**md** in <i>html</i>\n\n</div>",
        "<textarea><img src=x onerror=y()></textarea>",
    ] {
        let out = sheet(md);
        let (html, urls) = read_back(&out);
        assert!(html.is_empty(), "{md} -> {out} -> {html:?}");
        assert!(
            urls.iter().all(|u| crate::markup::is_safe_url(u)),
            "{md} -> {out} -> {urls:?}"
        );
        // A `<` is escaped, in code, or (in math) followed by a space.
        let opens_a_tag = out
            .match_indices('<')
            .any(|(at, _)| !out[at + 1..].starts_with(char::is_whitespace));
        assert!(!opens_a_tag || out.contains('`'), "{md} -> {out}");
    }
}

#[test]
fn math_is_written_inert() {
    assert_eq!(sheet("\\(a<b\\)"), "$a< b$");
    assert_eq!(sheet("\\[ x_1 \\]"), "$$x_1$$");
    assert_eq!(sheet("\\(a&lt;b\\)"), "$a& lt;b$");
    assert_eq!(sheet("\\(f](x)\\)"), "$f] (x)$");
    assert_eq!(sheet("\\(x % comment\n + y\\)"), "$x   + y$");
    // What cannot be made inert is shown as its source, escaped.
    assert_eq!(sheet("\\(a`b\\)"), "&#92;(a\\`b&#92;)");
    assert_eq!(sheet("\\(a$b\\)"), "&#92;(a&#36;b&#92;)");
    // Math inside code stays code.
    assert_eq!(sheet("`\\(x\\)`"), "`\\(x\\)`");
    // In a table cell, a bar would end the cell.
    assert_eq!(
        sheet("| a |\n|---|\n| \\(|x|\\) |"),
        "| a |\n| --- |\n| $\\vert x\\vert$ |"
    );
}

#[test]
fn html_math_runs_across_line_breaks() {
    // MathJax reads math across `<br>` (an editor's line breaks in a
    // matrix), not across other tags; the lines around it stay lines.
    assert_eq!(
        from_html("Matrix:<br>\\(\\begin{array}{l}<br>1 \\\\<br>2<br>\\end{array}\\)<br>done"),
        "Matrix:  \n$\\begin{array}{l} 1 \\\\ 2 \\end{array}$  \ndone"
    );
    assert_eq!(from_html("<b>\\(x</b> y\\)"), "**&#92;(x** y&#92;)");
}

#[test]
fn links_and_media_are_safe_urls_only() {
    assert_eq!(
        sheet("[a (b)](https://x.org/a_(b) \"t\")"),
        "[a (b)](https://x.org/a_%28b%29)"
    );
    assert_eq!(sheet("[rel](../x y.html)"), "&#91;rel&#93;(../x y.html)");
    assert_eq!(sheet("[rel](<../x y.html>)"), "[rel](../x%20y.html)");
    assert_eq!(sheet("![alt](media/x.png)"), "![alt](media/deck/x.png)");
    assert_eq!(
        sheet("![alt *b*](media/nope/x.png)"),
        "![alt b](media/deck/nope/x.png)"
    );
    assert_eq!(sheet("![remote](https://x.org/a.png)"), "remote");
    assert_eq!(
        from_html("la casa [sound:media/casa.wav]"),
        "la casa [▶ casa.wav](media/deck/casa.wav)"
    );
}

#[test]
fn html_fields_become_markdown() {
    assert_eq!(
        from_html("<p>the <em>house</em></p><p>a*b</p>"),
        "the *house*\n\na\\*b"
    );
    assert_eq!(
        from_html("<div>la <b>casa</b><br>[x]</div>"),
        "la **casa**  \n&#91;x&#93;"
    );
    assert_eq!(from_html("<ul><li>a</li><li>- b</li></ul>"), "- a\n- \\- b");
    assert_eq!(from_html("<ol start=3><li>a<li>b</ol>"), "3. a\n4. b");
    assert_eq!(
        from_html("<pre><code class=\"language-python\">x = 1\n\ny &lt; 2</code></pre>"),
        "```python\nx = 1\n\ny < 2\n```"
    );
    assert_eq!(
        from_html("<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>x|y</td></tr></table>"),
        "| a | b |\n| --- | --- |\n| 1 | x&#124;y |"
    );
    assert_eq!(
        from_html("<b>standardisierte </b>Vereinbarung"),
        "**standardisierte** Vereinbarung"
    );
    assert_eq!(from_html("<code>less than $25</code>"), "`less than $25`");
    assert_eq!(
        from_html("&lt;b&gt; &amp;amp; &#91;1&#93;"),
        "&lt;b&gt; &amp;amp; &#91;1&#93;"
    );
    assert_eq!(from_html("<h2>Title</h2>text"), "## Title\n\ntext");
    assert_eq!(
        from_html("<img src=\"media/a.png\" alt=\"A\">"),
        "![A](media/deck/a.png)"
    );
    assert_eq!(from_html("a<hr>b"), "a\n\n* * *\n\nb");
    // Unbalanced and stray tags: text kept, nothing lost.
    assert_eq!(from_html("a</b> <i>b"), "a *b*");
    assert_eq!(from_html("<li>x</li>"), "- x");
    assert_eq!(from_html("<td>x</td>"), "| x |\n| --- |");
}

#[test]
fn code_blocks_sit_at_the_margin() {
    // Python-Markdown finds fences only at the margin: a list or quote
    // holding one is cut around it, the numbering going on.
    assert_eq!(
        sheet("1. Do:\n\n   ```sh\n   ls\n   ```\n\n2. Then"),
        "1. Do:\n\n```sh\nls\n```\n\n2. Then"
    );
    assert_eq!(sheet("> a\n>\n> ```\n> x\n> ```"), "> a\n\n```\nx\n```");
    // The fence is longer than any run of backticks inside, the language a word.
    assert_eq!(sheet("````\n```\n````"), "````\n```\n````");
    assert_eq!(
        sheet("```{=html} onclick=x\n<b>x</b>\n```"),
        "```\n<b>x</b>\n```"
    );
}

#[test]
fn emphasis_keeps_whitespace_outside_and_drops_when_empty() {
    assert_eq!(sheet("a<b> x </b>b"), "a **x** b");
    assert_eq!(sheet("a<b></b>b"), "ab");
    assert_eq!(sheet("a<i> </i>b"), "a b");
    assert_eq!(sheet("**a\nb**"), "**a\nb**");
}

#[test]
fn single_line_and_plain_text() {
    let q = SheetText::from_markdown("What is `reverse()`\nfor?", &media);
    assert_eq!(q.single_line().as_deref(), Some("What is `reverse()` for?"));
    assert_eq!(q.plain(), "What is reverse() for?");
    let two = SheetText::from_markdown("Two\n\nparas", &media);
    assert_eq!(two.single_line(), None);
    let math = SheetText::from_markdown("Area \\(\\pi r^2\\)", &media);
    assert_eq!(math.plain(), "Area πr²");
    for md in [
        "a **b**c d",
        "- one two\n- three",
        "x `y z`\n\n| a b | c |\n|--|--|\n| d | e f |",
    ] {
        let text = SheetText::from_markdown(md, &media);
        assert_eq!(
            text.word_count(),
            text.plain().split_whitespace().count(),
            "{md}"
        );
    }
    assert!(SheetText::from_markdown("<script>x</script>", &media).is_empty());
}
