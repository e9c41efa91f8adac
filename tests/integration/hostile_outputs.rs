//! Hostile banks, rendered for real: every bank of `tests/corpus/hostile/` is
//! built, and each output that a viewer renders as HTML is loaded in headless
//! Chromium, which runs whatever scripts survive:
//!
//! - the print page `<deck>.html`, as written;
//! - the Anki fields of `<deck>.apkg` (read from the package's SQLite) with
//!   the note types' CSS, as Anki's card view puts them into a page.
//!
//! The Markdown sheets are rendered by every renderer people use in
//! `sheet_renderers.rs`.
//!
//! Every Quizlet CSV is read too: no cell may start a spreadsheet formula.
//!
//! The banks' payloads make a request to a server this test runs on
//! loopback (`LEAK` in the corpus becomes its address), from scripts, event
//! handlers, CSS `url()`, `srcset`, `poster`, `<base>`, `<meta refresh>` and
//! the like; the test fails if the server receives any request. It also
//! fails if Chromium's DOM after loading keeps an `on…` attribute, a
//! `javascript:`/`vbscript:`/`data:text` URL, an element that runs or embeds
//! (`script`, `iframe`, `object`, `embed`, `base`, `form`, `meta http-equiv`),
//! a `style` attribute with a property outside `STYLE_PROPERTIES` or a
//! `url(`, or a `<style>` element other than the page's own. A control page
//! with a real script and a real remote image proves the server and the DOM
//! checks see what they must.
//!
//! Chromium is required (`.ci/install-print-deps.sh`); the test fails without it.

use crate::common;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::html::{apkg_fields, chromium, dom_problems, dump_dom};
use common::renderers::LeakServer;
use common::{flashdeck, repo, run};

/// The corpus in a temporary folder, `LEAK` replaced by the server's address.
fn corpus(leak: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = repo().join("tests/corpus/hostile");
    std::fs::create_dir_all(dir.path().join("media")).unwrap();
    for entry in std::fs::read_dir(&from).unwrap() {
        let path = entry.unwrap().path();
        let target = dir.path().join(path.file_name().unwrap());
        if path.extension().is_some_and(|e| e == "yaml") {
            let text = std::fs::read_to_string(&path).unwrap();
            std::fs::write(&target, text.replace("LEAK", leak)).unwrap();
        }
    }
    common::copy_dir(&from.join("media"), &dir.path().join("media"));
    dir
}

#[test]
fn hostile_banks_build_into_outputs_that_run_nothing_and_fetch_nothing() {
    let chromium = chromium();
    let server = LeakServer::start();
    let leak = server.address.clone();

    // The control: the harness must see a script run, a fetch, and bad DOM.
    let control_dir = tempfile::tempdir().unwrap();
    let control = control_dir.path().join("control.html");
    std::fs::write(
        &control,
        format!(
            "<!DOCTYPE html><html><head></head><body><img src=\"{leak}/control-img\" onerror=\"x()\"><script>new Image().src='{leak}/control-js'</script><a href=\"javascript:x()\">x</a><span style=\"position:fixed\">y</span></body></html>"
        ),
    )
    .unwrap();
    let dom = dump_dom(&chromium, &control);
    let control_problems = dom_problems(&dom, 0, &leak);
    for expected in [
        "<script>",
        "handler onerror",
        "javascript:x()",
        "position:fixed",
        "would fetch",
    ] {
        assert!(
            control_problems.iter().any(|p| p.contains(expected)),
            "the DOM check missed {expected:?} on the control page: {control_problems:?}"
        );
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.requests().len() < 2 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(50));
    }
    let seen = server.requests();
    assert!(
        seen.iter().any(|r| r.contains("/control-img"))
            && seen.iter().any(|r| r.contains("/control-js")),
        "the leak server did not see the control page's requests: {seen:?}"
    );
    server.clear();

    // Build every hostile bank.
    let dir = corpus(&leak);
    let banks: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".yaml").map(str::to_string)
        })
        .collect();
    assert!(banks.len() >= 50, "only {} hostile banks", banks.len());
    let out = dir.path().join("out");
    let (status, _, stderr) = run(flashdeck(dir.path())
        .arg("build")
        .arg(".")
        .arg("--out")
        .arg(&out));
    assert_eq!(status, 0, "the hostile banks must build: {stderr}");

    // Pages: each print page as written, and one page per deck with its
    // Anki fields in a card.
    let pages_dir = dir.path().join("pages");
    std::fs::create_dir_all(&pages_dir).unwrap();
    let mut pages: Vec<(PathBuf, usize, String)> = Vec::new();
    let mut field_problems = Vec::new();
    // Synthetic pages hold several decks each (Chromium's start-up is most
    // of the cost); every deck sits in its own <section>.
    const DECKS_PER_PAGE: usize = 13;
    for (chunk_index, chunk) in banks.chunks(DECKS_PER_PAGE).enumerate() {
        let mut css_seen = Vec::new();
        let mut body = String::new();
        for bank in chunk {
            let deck_id = format!("hostile-{bank}");
            pages.push((
                out.join(format!("{deck_id}.html")),
                1,
                format!("{bank}: print page"),
            ));
            let (fields, css) = apkg_fields(&out.join(format!("{deck_id}.apkg")));
            for c in css {
                if !css_seen.contains(&c) {
                    css_seen.push(c);
                }
            }
            body.push_str(&format!("<section id=\"{deck_id}\">"));
            for field in &fields {
                body.push_str(&format!("<div class=\"card\">{field}</div>"));
                // Anki plays `[sound:…]` from any field: only deck media may be named.
                if let Some(at) = field.find("[sound:") {
                    field_problems.push(format!("{bank}: an Anki field keeps `{}`", &field[at..]));
                }
            }
            body.push_str("</section>");
            // A spreadsheet runs a cell that starts with = + - @ (CSV injection).
            let csv = std::fs::read(out.join(format!("{deck_id}.quizlet.csv"))).unwrap();
            for record in csv::Reader::from_reader(csv.as_slice()).records() {
                for cell in record.unwrap().iter() {
                    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
                        field_problems
                            .push(format!("{bank}: a CSV cell starts a formula: {cell:?}"));
                    }
                }
            }
        }
        let page = format!(
            "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>{}</style></head><body>{body}</body></html>",
            css_seen.join("\n")
        );
        // The sheets' images are beside them in out/.
        let path = out.join(format!("cards-{chunk_index}.html"));
        std::fs::write(&path, page).unwrap();
        pages.push((path, 1, format!("Anki fields of {}", chunk.join(", "))));
    }

    // Two Chromium processes at a time (the machine has two cores).
    let queue = Arc::new(Mutex::new(pages));
    let problems = Arc::new(Mutex::new(field_problems));
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (queue, problems, chromium, leak) = (
                queue.clone(),
                problems.clone(),
                chromium.clone(),
                leak.clone(),
            );
            std::thread::spawn(move || {
                loop {
                    let Some((page, own_styles, what)) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let dom = dump_dom(&chromium, &page);
                    for problem in dom_problems(&dom, own_styles, &leak) {
                        problems.lock().unwrap().push(format!("{what}: {problem}"));
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    let problems = problems.lock().unwrap().clone();
    let requests = server.requests();
    assert!(
        problems.is_empty() && requests.is_empty(),
        "hostile banks got through:\n{}\nrequests to the leak server: {requests:?}",
        problems.join("\n")
    );
}
