//! The Markdown sheets are safe in every renderer people read them with,
//! card by card: no HTML from a card reaches a sheet as HTML, so whatever a
//! renderer's extensions (pandoc's raw attributes and math, Python-Markdown's
//! attribute lists, markdown-it's linkify), nothing a contributor wrote runs.
//!
//! - Every bank of `tests/corpus/hostile/` (the attacks of the whole project,
//!   and `math-attr-*`: MathJax and `$$` delimiters around a handler in an
//!   `alt`, `title`, `href` or `style`) is built, and both of its sheets are
//!   rendered by pandoc's `markdown`, `gfm` and `commonmark_x` readers,
//!   pulldown-cmark, Python-Markdown and markdown-it
//!   (`common/renderers.rs`); each rendering is loaded in Chromium in a frame
//!   of its own against a loopback server. No request may reach the server,
//!   and no frame's DOM may keep an `on…` attribute, a script URL, or an
//!   element outside `SHEET_ELEMENTS`.
//! - A control sheet of raw HTML proves each renderer keeps raw HTML and
//!   that the frames and the server see what runs.
//! - Read as CommonMark, a sheet holds no raw HTML but the quiz's page break,
//!   no link to an unsafe URL and no link reference definition: a
//!   neutralised reference link leaves no `[r]: javascript:…` behind.
//!
//! Needs pandoc, Chromium, Node.js with npm (`.ci/install-print-deps.sh`) and
//! the Anki test environment's Python (for Python-Markdown); fails without them.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::html::chromium;
use crate::common::renderers::{LeakServer, RENDERERS, frame_doms, render_all, sheet_dom_problems};
use crate::common::{flashdeck, repo, run};

/// The quiz sheet's own page break: the one piece of HTML a sheet holds.
const PAGE_BREAK: &str = "<div style=\"break-before:page;page-break-before:always\"></div>";

/// The hostile corpus in a temporary folder, `LEAK` replaced by `leak`,
/// built into `out/`; returns the folder and every sheet.
pub(crate) fn built_corpus(leak: &str) -> (tempfile::TempDir, Vec<PathBuf>) {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("tests/corpus/hostile");
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            let target = dir.path().join(path.file_name().unwrap());
            std::fs::write(target, text.replace("LEAK", leak)).unwrap();
        }
    }
    crate::common::copy_dir(&from.join("media"), &dir.path().join("media"));
    let out = dir.path().join("out");
    let (status, _, stderr) = run(flashdeck(dir.path())
        .arg("build")
        .arg(".")
        .arg("--out")
        .arg(&out)
        .arg("-q"));
    assert_eq!(status, 0, "the hostile banks must build: {stderr}");
    let mut sheets: Vec<PathBuf> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    sheets.sort();
    (dir, sheets)
}

/// Raw HTML and script URLs in a sheet read as CommonMark (pulldown-cmark):
/// none may come from a card.
pub(crate) fn raw_html_in_sheet(markdown: &str) -> Vec<String> {
    use pulldown_cmark::{Event, Options, Parser, Tag};
    let mut found = Vec::new();
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Html(html) | Event::InlineHtml(html) if html.trim() != PAGE_BREAK => {
                found.push(format!("raw HTML {html:?}"));
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. })
                if !flashdeck::markup::is_safe_url(&dest_url) =>
            {
                found.push(format!("a link to {dest_url:?}"));
            }
            _ => {}
        }
    }
    // A link reference definition the sheet makes (a neutralised link's
    // `[r]: javascript:…` left behind would be one).
    let parser = Parser::new_ext(markdown, options);
    for (label, definition) in parser.reference_definitions().iter() {
        found.push(format!("a link reference [{label}]: {}", definition.dest));
    }
    found
}

/// Renders `sheets` with every renderer, loads every rendering in Chromium,
/// and returns what is wrong, each problem named by sheet and renderer.
pub(crate) fn problems_in_every_renderer(sheets: &[PathBuf], server: &LeakServer) -> Vec<String> {
    let renderings = render_all(sheets);
    assert_eq!(renderings.len(), sheets.len() * RENDERERS.len());
    let documents: Vec<&str> = renderings.iter().map(|r| r.html.as_str()).collect();
    let doms = frame_doms(&chromium(), &documents);
    let mut problems = Vec::new();
    for (rendering, dom) in renderings.iter().zip(&doms) {
        for problem in sheet_dom_problems(dom, &server.address) {
            problems.push(format!(
                "{} in {}: {problem}",
                rendering.sheet.display(),
                rendering.renderer
            ));
        }
    }
    // Requests from image errors and timers may come a moment after loading.
    std::thread::sleep(Duration::from_millis(300));
    for request in server.requests() {
        problems.push(format!("a request reached the leak server: {request}"));
    }
    problems
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

#[test]
fn hostile_sheets_run_nothing_in_any_renderer() {
    let server = LeakServer::start();
    let leak = server.address.clone();

    // The control: raw HTML that runs and fetches, in a sheet of its own.
    // Every renderer must keep it, and the harness must see it.
    let control_dir = tempfile::tempdir().unwrap();
    let control = control_dir.path().join("control.md");
    std::fs::write(
        &control,
        format!(
            "# Control\n\n<img src=\"{leak}/control-img\" onerror=\"x()\">\n\n<script>new Image().src='{leak}/control-js'</script>\n\nText.\n"
        ),
    )
    .unwrap();
    let control_problems = problems_in_every_renderer(std::slice::from_ref(&control), &server);
    for renderer in RENDERERS {
        assert!(
            control_problems
                .iter()
                .any(|p| p.contains(&format!("in {renderer}: ")) && p.contains("onerror")),
            "{renderer}: the harness did not see the control's handler: {control_problems:?}"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !server.requests().iter().any(|r| r.contains("/control-js")) && Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        server.requests().iter().any(|r| r.contains("/control-img"))
            && server.requests().iter().any(|r| r.contains("/control-js")),
        "the leak server did not see the control's requests: {:?}",
        server.requests()
    );
    server.clear();

    let (_dir, sheets) = built_corpus(&leak);
    assert!(sheets.len() >= 120, "only {} sheets", sheets.len());
    let mut problems = Vec::new();
    for sheet in &sheets {
        let markdown = std::fs::read_to_string(sheet).unwrap();
        for found in raw_html_in_sheet(&markdown) {
            problems.push(format!("{}: {found}", name(sheet)));
        }
    }
    problems.extend(problems_in_every_renderer(&sheets, &server));
    assert!(
        problems.is_empty(),
        "hostile sheets got through:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_attackers_card_of_issue_21_gives_sheets_with_no_tag() {
    // The card of the report, through each MathJax and TeX delimiter.
    let dir = tempfile::tempdir().unwrap();
    let mut cards = String::new();
    for (i, (open, close)) in [("\\\\[", "\\\\]"), ("\\\\(", "\\\\)"), ("$$", "$$")]
        .iter()
        .enumerate()
    {
        cards.push_str(&format!(
            "  - id: c{i}\n    question: \"Q <img alt=\\\"{open}\\\" src=x onerror=document.title='pwned'// {close}\\\">\"\n    answer: A\n"
        ));
    }
    std::fs::write(
        dir.path().join("attack.yaml"),
        format!("deck:\n  id: attack\n  name: Attack\ncards:\n{cards}"),
    )
    .unwrap();
    let (status, _, stderr) =
        run(flashdeck(dir.path()).args(["build", "attack.yaml", "--out", "o", "-q"]));
    assert_eq!(status, 0, "{stderr}");
    for sheet in ["attack.md", "attack.quiz.md"] {
        let markdown = std::fs::read_to_string(dir.path().join("o").join(sheet)).unwrap();
        // The third is no tag even in CommonMark (its unquoted value holds
        // `'`): its text shows, escaped. None may be a tag anywhere.
        assert!(!markdown.contains("<img"), "{sheet}:\n{markdown}");
        // The README's pandoc route keeps no tag of the card.
        let output = std::process::Command::new(crate::common::find_tool("pandoc"))
            .arg(dir.path().join("o").join(sheet))
            .arg("-s")
            .arg("--metadata")
            .arg("title=Quiz")
            .output()
            .unwrap();
        let html = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success());
        assert!(
            !html.contains("<img") && !html.contains("onerror=\""),
            "{sheet} through pandoc:\n{html}"
        );
    }
}
