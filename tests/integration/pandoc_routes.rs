//! The quiz sheet through pandoc, both ways people make a PDF of it: the
//! answer key must start on a new page.
//!
//! - HTML route: `pandoc x.quiz.md -s -o quiz.html`, printed by headless
//!   Chromium; the page that holds "Answer key" must begin with it.
//! - LaTeX route (pandoc's default for `-o x.pdf`): the raw-HTML page break is
//!   dropped by pandoc's LaTeX writer, so `scripts/pandoc-pagebreak.lua`
//!   turns it into `\newpage`. Making the PDF needs a TeX installation, which
//!   this machine does not have; the test checks the LaTeX pandoc writes:
//!   `\newpage` right before the key's heading with the filter, and none
//!   without it (so the filter is what makes it work).
//!
//! pandoc (Debian's `pandoc`), Chromium and poppler are required
//! (`.ci/install-print-deps.sh`); the test fails without them.

use std::process::Command;

use crate::common::{find_tool, flashdeck, repo, run};
use crate::handout_print::{page_texts, print_to_pdf, tools};

#[test]
fn the_answer_key_starts_a_new_page_in_both_pandoc_routes() {
    let pandoc = find_tool("pandoc");
    let (chromium, pdftotext, _) = tools();
    let dir = tempfile::tempdir().unwrap();
    crate::common::copy_dir(&repo().join("source"), &dir.path().join("source"));
    let (status, _, stderr) = run(flashdeck(dir.path()).args([
        "build",
        "source/examples/showcase.yaml",
        "--format",
        "quiz",
        "--out",
        "q",
    ]));
    assert_eq!(status, 0, "{stderr}");
    let quiz = dir.path().join("q/flashdeck-showcase.quiz.md");

    // HTML route, printed.
    let html = dir.path().join("q/quiz.html");
    let out = Command::new(&pandoc)
        .arg(&quiz)
        .args(["-s", "--metadata", "title=Quiz", "-o"])
        .arg(&html)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "pandoc: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let pdf = dir.path().join("quiz.pdf");
    print_to_pdf(&chromium, &html, &pdf, &dir.path().join("profile"));
    let pages = page_texts(&pdftotext, &pdf);
    let key_page = pages
        .iter()
        .position(|p| p.contains("Answer key"))
        .expect("the key is printed");
    assert!(key_page > 0, "the questions come first");
    let first_line = pages[key_page]
        .lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    assert_eq!(
        first_line.trim(),
        "Answer key",
        "the key's page must begin with it"
    );

    // LaTeX route: the filter turns the page break into \newpage.
    let latex = |filter: bool| {
        let mut cmd = Command::new(&pandoc);
        cmd.arg(&quiz).args(["-t", "latex"]);
        if filter {
            cmd.arg("--lua-filter")
                .arg(repo().join("scripts/pandoc-pagebreak.lua"));
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "pandoc: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let with_filter = latex(true);
    let key = with_filter
        .find("Answer key")
        .expect("the key in the LaTeX");
    // Blocks of LaTeX before the key: the last is its heading
    // (`\hypertarget{…}{\subsection{`), the one before must be the break.
    let blocks: Vec<&str> = with_filter[..key].trim_end().split("\n\n").collect();
    assert!(blocks.len() >= 2);
    assert!(
        blocks[blocks.len() - 1].contains("\\subsection{"),
        "the key is a heading: {}",
        blocks[blocks.len() - 1]
    );
    assert_eq!(
        blocks[blocks.len() - 2].trim(),
        "\\newpage",
        "no \\newpage right before the key"
    );
    assert!(
        !latex(false).contains("\\newpage"),
        "without the filter pandoc drops the break"
    );
}
