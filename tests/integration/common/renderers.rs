//! The Markdown renderers people read the sheets with, run for real, and
//! headless Chromium loading what they make:
//!
//! - pandoc (Debian's), three of its readers: its own `markdown` (the
//!   README's `pandoc x.quiz.md -s -o quiz.html` route), `gfm` and
//!   `commonmark_x`, standalone as that route writes it (one pandoc process
//!   for every file, `tests/render/pandoc_readers.lua`);
//! - pulldown-cmark with raw HTML on (a CommonMark crate, in this process);
//! - Python-Markdown as MkDocs runs it (`tests/render/python_markdown.py`,
//!   from the Anki test environment, which pins Markdown 3.11.3);
//! - markdown-it as VS Code's preview runs it (`tests/render/markdown_it.mjs`,
//!   markdown-it 14.1.0 installed with npm into `target/render-node` on
//!   first use, from `tests/render/package-lock.json`).
//!
//! Each rendering is loaded in Chromium in a frame of its own (so one
//! cannot hide another), and its DOM after loading is read back.

use std::io::Read as _;
use std::io::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use super::html::{dom_problems, elements, markdown_to_html};
use super::{find_tool, repo};

/// Every renderer, by the name the tests report.
pub const RENDERERS: [&str; 6] = [
    "pandoc-markdown",
    "pandoc-gfm",
    "pandoc-commonmark_x",
    "pulldown-cmark",
    "python-markdown",
    "markdown-it",
];

/// One sheet rendered by one renderer: an HTML document.
pub struct Rendering {
    /// The sheet.
    pub sheet: PathBuf,
    /// Which renderer (one of [`RENDERERS`]).
    pub renderer: &'static str,
    /// The document it made.
    pub html: String,
}

/// Renders every sheet with every renderer.
pub fn render_all(sheets: &[PathBuf]) -> Vec<Rendering> {
    let work = tempfile::tempdir().unwrap();
    let list = work.path().join("sheets.txt");
    let listed: Vec<String> = sheets.iter().map(|p| p.display().to_string()).collect();
    assert!(
        listed.iter().all(|p| !p.contains('\n')),
        "a sheet path holds a line break"
    );
    std::fs::write(&list, listed.join("\n") + "\n").unwrap();
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).unwrap();

    let pandoc = find_tool("pandoc");
    let dummy = work.path().join("dummy.md");
    std::fs::write(&dummy, "x\n").unwrap();
    run_renderer(
        Command::new(&pandoc)
            .arg("--lua-filter")
            .arg(repo().join("tests/render/pandoc_readers.lua"))
            .arg("-f")
            .arg("markdown")
            .arg("-t")
            .arg("html")
            .arg("-o")
            .arg(work.path().join("dummy.html"))
            .arg(&dummy)
            .env("FLASHDECK_RENDER_LIST", &list)
            .env("FLASHDECK_RENDER_OUT", &out),
        "pandoc",
    );
    run_renderer(
        Command::new(crate::anki_import::anki_python())
            .arg(repo().join("tests/render/python_markdown.py"))
            .arg(&list)
            .arg(&out),
        "Python-Markdown",
    );
    run_renderer(
        Command::new(find_tool("node"))
            .arg(repo().join("tests/render/markdown_it.mjs"))
            .arg(&list)
            .arg(&out)
            .current_dir(markdown_it_dir()),
        "markdown-it",
    );

    let mut renderings = Vec::new();
    for (n, sheet) in sheets.iter().enumerate() {
        let markdown = std::fs::read_to_string(sheet).unwrap();
        for renderer in RENDERERS {
            let html = if renderer == "pulldown-cmark" {
                markdown_to_html(&markdown)
            } else {
                let file = out.join(format!("{n}.{renderer}.html"));
                std::fs::read_to_string(&file).unwrap_or_else(|e| {
                    panic!(
                        "{renderer} wrote no {} for {}: {e}",
                        file.display(),
                        sheet.display()
                    )
                })
            };
            let html = if html.trim_start().starts_with("<!DOCTYPE") {
                html
            } else {
                format!(
                    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n{html}</body></html>"
                )
            };
            renderings.push(Rendering {
                sheet: sheet.clone(),
                renderer,
                html,
            });
        }
    }
    renderings
}

fn run_renderer(command: &mut Command, what: &str) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {what}: {command:?}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}): {command:?}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
}

/// `target/render-node`, with markdown-it installed from the lock file
/// (once, and again when the lock file changes).
fn markdown_it_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .parent()
            .expect("the target folder")
            .to_path_buf();
        let dir = target.join("render-node");
        let lock = std::fs::read(repo().join("tests/render/package-lock.json")).unwrap();
        let marker = dir.join(".flashdeck-lock");
        let wanted = lock.len().to_string() + &format!("{:x}", hash(&lock));
        if std::fs::read_to_string(&marker).ok().as_deref() == Some(wanted.as_str())
            && dir.join("node_modules/markdown-it").exists()
        {
            return dir;
        }
        std::fs::create_dir_all(&dir).unwrap();
        for file in ["package.json", "package-lock.json"] {
            std::fs::copy(repo().join("tests/render").join(file), dir.join(file)).unwrap();
        }
        run_renderer(
            Command::new(find_tool("npm"))
                .args(["ci", "--no-audit", "--no-fund", "--loglevel=error"])
                .current_dir(&dir),
            "npm ci (installing markdown-it from the npm registry into target/render-node)",
        );
        std::fs::write(&marker, wanted).unwrap();
        dir
    })
}

/// A hash of the lock file's bytes (FNV-1a), to notice a change.
fn hash(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// Frames per page Chromium loads: enough to spread its start-up cost.
const FRAMES_PER_PAGE: usize = 300;

/// Loads each document in Chromium, each in a frame of its own, two pages
/// at a time; returns each frame's DOM after loading (its scripts, if any
/// survived, having run), in order.
pub fn frame_doms(chromium: &Path, documents: &[&str]) -> Vec<String> {
    let work = tempfile::tempdir().unwrap();
    let pages: Vec<(usize, PathBuf)> = documents
        .chunks(FRAMES_PER_PAGE)
        .enumerate()
        .map(|(page, chunk)| {
            let mut html = String::from(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\n",
            );
            for (i, document) in chunk.iter().enumerate() {
                html.push_str(&format!(
                    "<iframe id=\"f{i}\" srcdoc=\"{}\"></iframe>\n",
                    html_escape::encode_double_quoted_attribute(document)
                ));
            }
            // The harness's own script: after every frame has loaded, each
            // frame's DOM is copied into a textarea the dump shows.
            html.push_str(
                "<script>addEventListener('load', () => {\n\
                 for (const frame of document.querySelectorAll('iframe')) {\n\
                   const out = document.createElement('textarea');\n\
                   out.id = 'dom-' + frame.id;\n\
                   const d = frame.contentDocument;\n\
                   out.textContent = d && d.documentElement ? d.documentElement.outerHTML : '(no document)';\n\
                   document.body.appendChild(out);\n\
                 }\n\
                 });</script>\n</body></html>\n",
            );
            let path = work.path().join(format!("frames-{page}.html"));
            std::fs::write(&path, html).unwrap();
            (chunk.len(), path)
        })
        .collect();
    let results: Arc<Mutex<Vec<Option<Vec<String>>>>> =
        Arc::new(Mutex::new(vec![None; pages.len()]));
    let queue = Arc::new(Mutex::new((0..pages.len()).collect::<Vec<usize>>()));
    let pages = Arc::new(pages);
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let (queue, results, pages, chromium) = (
                queue.clone(),
                results.clone(),
                pages.clone(),
                chromium.to_path_buf(),
            );
            std::thread::spawn(move || {
                loop {
                    let Some(at) = queue.lock().unwrap().pop() else {
                        break;
                    };
                    let (count, page) = &pages[at];
                    let dom = super::html::dump_dom(&chromium, page);
                    let frames: Vec<String> = (0..*count)
                        .map(|i| {
                            let open = format!("<textarea id=\"dom-f{i}\">");
                            let start = dom.find(&open).unwrap_or_else(|| {
                                panic!("frame {i} of {} left no DOM (did a frame navigate the page away?)", page.display())
                            }) + open.len();
                            let end = dom[start..]
                                .find("</textarea>")
                                .map_or(dom.len(), |e| start + e);
                            html_escape::decode_html_entities(&dom[start..end]).into_owned()
                        })
                        .collect();
                    results.lock().unwrap()[at] = Some(frames);
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let results = Arc::try_unwrap(results).unwrap().into_inner().unwrap();
    results.into_iter().flat_map(Option::unwrap).collect()
}

/// Elements a rendered sheet's body may hold: what the renderers make of
/// the Markdown flashdeck writes (pandoc's math and code spans, tables,
/// figures, footnote sections; Python-Markdown's definition lists and
/// abbreviations) and the quiz's page break. Nothing that runs, embeds,
/// submits or styles.
pub const SHEET_ELEMENTS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "blockquote",
    "pre",
    "code",
    "em",
    "strong",
    "del",
    "s",
    "a",
    "img",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "col",
    "colgroup",
    "caption",
    "hr",
    "br",
    "span",
    "div",
    "sup",
    "sub",
    "figure",
    "figcaption",
    "dl",
    "dt",
    "dd",
    "section",
    "aside",
    "abbr",
    "header",
    "nav",
    "mark",
];

/// What is wrong with the DOM of a rendered sheet: anything `dom_problems`
/// finds in its body (no `<style>` there: a renderer's own styles sit in the
/// head), and any element outside [`SHEET_ELEMENTS`].
pub fn sheet_dom_problems(dom: &str, leak: &str) -> Vec<String> {
    let body = dom.find("<body").map_or(dom, |at| &dom[at..]);
    let mut problems = dom_problems(body, 0, leak);
    for element in elements(body) {
        if element.name != "body" && !SHEET_ELEMENTS.contains(&element.name.as_str()) {
            problems.push(format!("a <{}> element", element.name));
        }
    }
    // The head a renderer writes holds no script either.
    let head = dom.find("<body").map_or("", |at| &dom[..at]);
    for element in elements(head) {
        if matches!(
            element.name.as_str(),
            "script" | "base" | "iframe" | "object" | "embed"
        ) || (element.name == "meta"
            && element.attributes.iter().any(|(n, _)| n == "http-equiv"))
        {
            problems.push(format!("a <{}> element in the head", element.name));
        }
    }
    problems
}

/// A loopback HTTP server that records the first line of every request.
pub struct LeakServer {
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    requests: Arc<Mutex<Vec<String>>>,
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl LeakServer {
    /// Starts listening on a free loopback port.
    pub fn start() -> LeakServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let (seen, stopped) = (requests.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            // Bounded: it ends when told, and after ten minutes in any case.
            let started = Instant::now();
            while !stopped.load(Ordering::SeqCst) && started.elapsed() < Duration::from_secs(600) {
                match listener.accept() {
                    Ok((mut stream, _)) => {
                        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                        let mut buffer = [0u8; 2048];
                        let n = stream.read(&mut buffer).unwrap_or(0);
                        let text = String::from_utf8_lossy(&buffer[..n]);
                        let line = text.lines().next().unwrap_or("(empty)").to_string();
                        seen.lock().unwrap().push(line);
                        let _ = stream.write_all(
                            b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                        );
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(10)),
                }
            }
        });
        LeakServer {
            address,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// The requests seen so far.
    pub fn requests(&self) -> Vec<String> {
        self.requests.lock().unwrap().clone()
    }

    /// Forgets the requests seen so far.
    pub fn clear(&self) {
        self.requests.lock().unwrap().clear();
    }
}

impl Drop for LeakServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
