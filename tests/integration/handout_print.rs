//! The print page `<deck>.html`, printed for real: each bank is built with the
//! `html` format, printed to PDF by headless Chromium, and the PDF is read
//! back with poppler's `pdftotext` and `pdfinfo`.
//!
//! What is asserted, per bank:
//! - the HTML is self-contained: no `<script`, no `<link`, no `@import`, no
//!   `http(s)://` in any `src=` or CSS `url(`; a rebuild with another
//!   `SOURCE_DATE_EPOCH` is byte-identical (the date comes from the lock);
//! - the page count is sane for the card count (see [`page_bounds`]);
//! - every page carries its page number `N / total` (CSS `@page` margin box);
//! - every card's question text appears in the PDF, in order, right after its
//!   number (compared with all whitespace removed, so line wrapping and
//!   `-layout` spacing do not matter);
//! - no card is cut across pages: each card's first line (number + question)
//!   and its last line (the footer with its tags and references, which every
//!   card of these banks has) are found on the same PDF page. Cards are
//!   located in order, and a card's footer is only searched for between its
//!   own question and the next card's, so identical footers and tags that
//!   also occur in answer text cannot be mistaken for one another. A block
//!   is laid out top to bottom, so first and last line on one page means the
//!   whole block is on that page.
//!
//! The probes come from the bank itself (the library's loader and its
//! Markdown-to-plain-text conversion), not from the HTML under test. Math
//! (`\( … \)`, `\[ … \]`) and cloze blanks are left out of the question probe:
//! the page typesets them, so only the text around them is compared.
//!
//! Chromium and poppler-utils are required: without them the test fails and
//! says to run `.ci/install-print-deps.sh`; it never skips.
//! To look at the pages yourself: `tests/print/render.sh` (PNG per page and a
//! screen screenshot).

use crate::common;

use common::{copy_dir, find_tool, replace_images};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use flashdeck::markup::to_plain_text;
use flashdeck::model::CardType;
use flashdeck::model::cloze;
use flashdeck::pipeline::check;
use flashdeck::transform::{build_deck, topic_tag};
use flashdeck::validate::Rules;
use flashdeck::writers::handout::without_typing_instruction;

/// 2025-11-25, the date the builds are stamped with (no lock is copied, so
/// every card gets this modification time).
const EPOCH: &str = "1764028800";
const EPOCH_DATE: &str = "2025-11-25";
const INSTALL_HINT: &str =
    "run `.ci/install-print-deps.sh` as root (installs chromium, poppler-utils, fonts-dejavu-core)";
/// Stands for a cloze deletion while the question text is flattened.
const BLANK: char = '\u{E010}';

#[test]
fn django_interview_prints_cleanly() {
    print_and_check("source/django-interview.yaml", &[], "django-interview", 73);
}

#[test]
fn vocabulary_with_its_own_note_type_prints_cleanly() {
    print_and_check(
        "source/examples/vocabulary.yaml",
        &["source/examples/media", "source/examples/templates"],
        "spanish-vocabulary",
        4,
    );
}

#[test]
fn showcase_prints_cleanly() {
    print_and_check(
        "source/examples/showcase.yaml",
        &["source/examples/media"],
        "flashdeck-showcase",
        9,
    );
}

/// Sane page counts for `cards` cards.
///
/// Upper: the longest cards of these banks take about half an A4 page, and
/// `break-inside: avoid` can waste up to one card's height per page, so on
/// average at least 1.5 cards fit a page; plus the title page and a partly
/// empty last page and topic break: `cards / 1.5 + 3`. A print stylesheet
/// that forced a page per card, or lost its column width, exceeds it.
/// Lower: no card is shorter than about four lines with its footer and gap,
/// so at most about eight fit a page, plus the header: `1 + cards / 8`, and
/// never fewer than 2 once there are eight cards (a handful fit on the title
/// page). A page that prints blank or hides cards falls below it.
fn page_bounds(cards: usize) -> (usize, usize) {
    let low = (1 + cards / 8).max(if cards >= 8 { 2 } else { 1 });
    let high = cards * 2 / 3 + 3;
    (low, high)
}

fn print_and_check(bank_rel: &str, extra_dirs: &[&str], deck_id: &str, expected_cards: usize) {
    let (chromium, pdftotext, pdfinfo) = tools();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();

    // Copy the bank (and its media) so its lock file is written in the temp
    // dir, never beside the repo's bank.
    let bank_src = repo.join(bank_rel);
    let bank_dir = tmp.path().join("bank");
    std::fs::create_dir_all(&bank_dir).unwrap();
    let bank = bank_dir.join(bank_src.file_name().unwrap());
    std::fs::copy(&bank_src, &bank).unwrap();
    for dir in extra_dirs {
        let from = repo.join(dir);
        let to = bank_dir.join(from.file_name().unwrap());
        copy_dir(&from, &to);
    }

    let started = Instant::now();
    let out = tmp.path().join("out");
    build_html(&bank, &out, EPOCH);
    let html_path = out.join(format!("{deck_id}.html"));
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert_self_contained(&html);
    assert!(
        html.contains(EPOCH_DATE),
        "the header should carry the date {EPOCH_DATE} (from SOURCE_DATE_EPOCH via the lock)"
    );
    // The lock now exists: another clock must not change a byte.
    let out2 = tmp.path().join("out2");
    build_html(&bank, &out2, "1900000000");
    let html2 = std::fs::read_to_string(out2.join(format!("{deck_id}.html"))).unwrap();
    assert!(
        html == html2,
        "rebuilding with another SOURCE_DATE_EPOCH changed the HTML: the date must come from the lock"
    );

    let cards = probes(&bank);
    assert_eq!(cards.len(), expected_cards, "cards in {bank_rel}");

    let pdf = tmp.path().join(format!("{deck_id}.pdf"));
    print_to_pdf(&chromium, &html_path, &pdf, &tmp.path().join("profile"));
    let pages = page_count(&pdfinfo, &pdf);
    let texts = page_texts(&pdftotext, &pdf);
    assert_eq!(
        texts.len(),
        pages,
        "pdftotext should give one text per page"
    );
    eprintln!(
        "{deck_id}: {} cards, {pages} pages, built and printed in {:.1?}",
        cards.len(),
        started.elapsed()
    );

    let (low, high) = page_bounds(cards.len());
    assert!(
        (low..=high).contains(&pages),
        "{deck_id}: {pages} pages for {} cards, expected {low}..={high}",
        cards.len()
    );

    // Page numbers: Chromium (≥ 131) renders the `@page { @bottom-center }`
    // margin box even with --no-pdf-header-footer.
    for (i, text) in texts.iter().enumerate() {
        // The margin box is the page's last line.
        let want = format!("{}/{pages}", i + 1);
        let last_line = text
            .lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or("");
        let numbered = squash(last_line) == want;
        assert!(
            numbered,
            "{deck_id}: page {} should end with its number `{} / {pages}`, got …{:?}",
            i + 1,
            i + 1,
            tail(text)
        );
    }

    check_cards(deck_id, &cards, &texts);
}

/// What to look for of one card.
struct Probe {
    number: usize,
    id: String,
    /// Question text between math and blanks, squashed; in order.
    question: Vec<String>,
    /// The question starts with math or a blank.
    leading_gap: bool,
    /// The footer (tags and references), squashed.
    footer: String,
}

/// Cards in print order with their probes, from the bank through the library.
fn probes(bank: &Path) -> Vec<Probe> {
    let report = check(&[bank.to_path_buf()], &Rules::default());
    assert!(
        !report.diagnostics.has_errors(),
        "{} does not validate",
        bank.display()
    );
    let checked = &report.banks[0];
    let deck = build_deck(
        checked.loaded.bank.clone(),
        &checked.media,
        checked.note_types.clone(),
    )
    .unwrap();
    // Print order: grouped by topic in order of first appearance, cards
    // without a topic last, numbered 1.. across the groups.
    let mut topics: Vec<Option<&str>> = Vec::new();
    for card in &deck.cards {
        if !topics.contains(&card.topic.as_deref()) {
            topics.push(card.topic.as_deref());
        }
    }
    topics.sort_by_key(Option::is_none);
    let mut out = Vec::new();
    for topic in topics {
        for card in deck.cards.iter().filter(|c| c.topic.as_deref() == topic) {
            // A card of the bank's own note type prints its first card as
            // the template renders it.
            if let Some(note) = &card.note {
                let note_type = &deck.note_types[note.note_type];
                let fields = note.fields_html(note_type, &|_| None);
                let rendered = note_type.render_cards(
                    note,
                    &fields,
                    &card.tags,
                    &deck.name,
                    flashdeck::anki::note_type::Cards::First,
                );
                let text = flashdeck::markup::html_to_plain(
                    &rendered[0].question,
                    flashdeck::markup::Layout::OneLine,
                );
                let topic_tag = card.topic.as_deref().map(topic_tag);
                let footer: String = card
                    .tags
                    .iter()
                    .filter(|t| Some(*t) != topic_tag.as_ref())
                    .map(|s| squash(s))
                    .collect();
                out.push(Probe {
                    number: out.len() + 1,
                    id: card.id.clone(),
                    question: vec![squash(&text)],
                    leading_gap: false,
                    footer,
                });
                continue;
            }
            let question_md = match card.card_type {
                CardType::Cloze => {
                    let mut q = String::new();
                    let mut last = 0;
                    for d in cloze::deletions(&card.text) {
                        q.push_str(&card.text[last..d.range.start]);
                        q.push(BLANK);
                        last = d.range.end;
                    }
                    q.push_str(&card.text[last..]);
                    q
                }
                // On paper a type-in card leaves out its `(Type …)` note.
                CardType::TypeIn => without_typing_instruction(&card.question).to_string(),
                _ => card.question.clone(),
            };
            // Images print as pictures, not as their alt text.
            let flat = without_math(&to_plain_text(&replace_images(&question_md, false)));
            let leading_gap = squash(&flat).starts_with(BLANK);
            let question = flat
                .split(BLANK)
                .map(squash)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>();
            // The page leaves out the topic's own tag: the card sits under
            // the topic's heading.
            let topic_tag = card.topic.as_deref().map(topic_tag);
            let footer: String = card
                .tags
                .iter()
                .filter(|t| Some(*t) != topic_tag.as_ref())
                .chain(&card.references)
                .map(|s| squash(s))
                .collect();
            assert!(
                !footer.is_empty(),
                "card `{}` shows no tag or reference: the no-split check needs a footer",
                card.id
            );
            out.push(Probe {
                number: out.len() + 1,
                id: card.id.clone(),
                question,
                leading_gap,
                footer,
            });
        }
    }
    out
}

/// Asserts every question is in the PDF and no card straddles a page break.
fn check_cards(deck_id: &str, cards: &[Probe], pages: &[String]) {
    // The whole document squashed, with each page's start offset.
    let mut doc = String::new();
    let mut page_starts = Vec::new();
    for text in pages {
        page_starts.push(doc.len());
        doc.push_str(&squash(text));
    }
    let page_of = |offset: usize| page_starts.partition_point(|&s| s <= offset);

    // Each card's first line: "N." then its question, after the previous one.
    let mut starts = Vec::new();
    let mut from = 0;
    for card in cards {
        let Some((start, end)) = find_question(&doc, from, card) else {
            panic!(
                "{deck_id}: card {} `{}` — question {:?} not found in the PDF after the previous card (missing, reordered, or cut across pages)",
                card.number, card.id, card.question
            );
        };
        starts.push((start, end));
        from = end;
    }
    let mut cut = Vec::new();
    for (i, card) in cards.iter().enumerate() {
        let (start, question_end) = starts[i];
        let region_end = starts.get(i + 1).map_or(doc.len(), |s| s.0);
        let Some(found) = doc[question_end..region_end].find(&card.footer) else {
            panic!(
                "{deck_id}: card {} `{}` — footer {:?} not found between its question and the next card (missing, or cut across pages)",
                card.number, card.id, card.footer
            );
        };
        let footer_last = question_end + found + card.footer.len() - 1;
        let (first_page, last_page) = (page_of(start), page_of(footer_last));
        if first_page != last_page {
            cut.push(format!(
                "card {} `{}` starts on page {first_page} and ends on page {last_page}",
                card.number, card.id
            ));
        }
    }
    assert!(
        cut.is_empty(),
        "{deck_id}: cards cut across pages:\n  {}",
        cut.join("\n  ")
    );
}

/// Finds "N." followed by the question's chunks (each within a short gap of
/// the previous, where math or a blank was typeset). Returns the offsets of
/// the number and of the end of the last chunk.
fn find_question(doc: &str, from: usize, card: &Probe) -> Option<(usize, usize)> {
    let marker = format!("{}.", card.number);
    let mut search = from;
    while let Some(found) = doc[search..].find(&marker) {
        let start = search + found;
        let mut pos = start + marker.len();
        let mut ok = true;
        for (k, chunk) in card.question.iter().enumerate() {
            // The first chunk follows the number at once (unless the question
            // starts with math); later ones within a typeset formula's length.
            let gap = if k == 0 && !card.leading_gap { 0 } else { 60 };
            let window_end = (pos + gap + chunk.len()).min(doc.len());
            match doc
                .get(pos..window_end)
                .and_then(|w| w.find(chunk.as_str()))
            {
                Some(at) => pos += at + chunk.len(),
                None => {
                    ok = false;
                    break;
                }
            }
        }
        if ok {
            return Some((start, pos));
        }
        search = start + marker.len();
    }
    None
}

/// Removes `\( … \)` and `\[ … \]` spans, leaving a blank in their place.
fn without_math(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    loop {
        let next = [("\\(", "\\)"), ("\\[", "\\]")]
            .iter()
            .filter_map(|(o, c)| rest.find(o).map(|i| (i, *o, *c)))
            .min_by_key(|x| x.0);
        let Some((i, open, close)) = next else { break };
        let Some(len) = rest[i + open.len()..].find(close) else {
            break;
        };
        out.push_str(&rest[..i]);
        out.push(BLANK);
        rest = &rest[i + open.len() + len + close.len()..];
    }
    out.push_str(rest);
    out
}

/// Text with every whitespace character removed and typographic ligatures
/// (`ﬁ`, should a font use them) spelled out, so that line wrapping and
/// `-layout` spacing don't count.
fn squash(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().filter(|c| !c.is_whitespace()) {
        match c {
            '\u{FB00}' => out.push_str("ff"),
            '\u{FB01}' => out.push_str("fi"),
            '\u{FB02}' => out.push_str("fl"),
            '\u{FB03}' => out.push_str("ffi"),
            '\u{FB04}' => out.push_str("ffl"),
            c => out.push(c),
        }
    }
    out
}

fn tail(text: &str) -> String {
    let t = text.trim_end();
    let start = t.char_indices().rev().nth(40).map_or(0, |(i, _)| i);
    t[start..].to_string()
}

/// The page must not fetch anything: no scripts, no external stylesheets,
/// images or fonts.
fn assert_self_contained(html: &str) {
    let lower = html.to_ascii_lowercase();
    assert!(!lower.contains("<script"), "the page contains a <script>");
    assert!(
        !lower.contains("<link"),
        "the page links an external resource"
    );
    assert!(
        !lower.contains("@import"),
        "the page's CSS imports a stylesheet"
    );
    for attr in ["src=", "srcset=", "url(", "poster=", "data="] {
        let mut rest = lower.as_str();
        while let Some(i) = rest.find(attr) {
            let value = rest[i + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            assert!(
                !(value.starts_with("http:")
                    || value.starts_with("https:")
                    || value.starts_with("//")),
                "network request in the page: {}…",
                &rest[i..(i + 80).min(rest.len())]
            );
            rest = &rest[i + attr.len()..];
        }
    }
}

fn build_html(bank: &Path, out: &Path, epoch: &str) {
    let output = Command::new(env!("CARGO_BIN_EXE_flashdeck"))
        .arg("build")
        .arg(bank)
        .arg("--out")
        .arg(out)
        .args(["--format", "html", "--quiet", "--color", "never"])
        .env("SOURCE_DATE_EPOCH", epoch)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "flashdeck build failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Finds the tools, or fails saying how to install them.
pub(crate) fn tools() -> (PathBuf, PathBuf, PathBuf) {
    (
        find_tool("chromium"),
        find_tool("pdftotext"),
        find_tool("pdfinfo"),
    )
}

pub(crate) fn print_to_pdf(chromium: &Path, html: &Path, pdf: &Path, profile: &Path) {
    std::fs::create_dir_all(profile).unwrap();
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            // Nothing may be fetched; make sure nothing can be.
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--print-to-pdf={}", pdf.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start chromium ({e}): {INSTALL_HINT}"));
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let output = child.wait_with_output().unwrap();
            assert!(
                status.success() && pdf.is_file(),
                "chromium failed to print {} ({status}): {}",
                html.display(),
                String::from_utf8_lossy(&output.stderr)
            );
            return;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("chromium did not print {} within 120 s", html.display());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn page_count(pdfinfo: &Path, pdf: &Path) -> usize {
    let output = Command::new(pdfinfo).arg(pdf).output().unwrap();
    assert!(output.status.success(), "pdfinfo failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo reports no page count")
}

/// The text of each page: `pdftotext -layout` ends every page with a form feed.
pub(crate) fn page_texts(pdftotext: &Path, pdf: &Path) -> Vec<String> {
    let output = Command::new(pdftotext)
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(output.status.success(), "pdftotext failed");
    let text = String::from_utf8(output.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    pages
}
