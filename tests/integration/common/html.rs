//! Reading HTML outputs the way the hostile-bank tests need: start tags and
//! their attributes, what in them could run or fetch, Anki fields from a
//! package, Markdown rendered as a viewer with raw HTML renders it.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use flashdeck::markup::STYLE_PROPERTIES;

/// A tag of serialized HTML: its name and attributes (values decoded).
pub struct Element {
    pub name: String,
    pub attributes: Vec<(String, String)>,
}

/// Every start tag of serialized HTML, outside comments and `<style>` text
/// (Chromium's serializer quotes every attribute value with `"`).
pub fn elements(html: &str) -> Vec<Element> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(at) = rest.find('<') {
        rest = &rest[at + 1..];
        if let Some(after) = rest.strip_prefix("!--") {
            rest = after.find("-->").map_or("", |e| &after[e + 3..]);
            continue;
        }
        if rest.starts_with(['/', '!']) {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| !c.is_whitespace() && *c != '>' && *c != '/')
            .collect::<String>()
            .to_ascii_lowercase();
        rest = &rest[name.len()..];
        let mut attributes = Vec::new();
        loop {
            rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '/');
            if rest.is_empty() || rest.starts_with('>') {
                break;
            }
            let attr: String = rest
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '=' && *c != '>')
                .collect();
            rest = &rest[attr.len()..];
            let mut value = String::new();
            if let Some(after) = rest.strip_prefix("=\"") {
                let end = after.find('"').unwrap_or(after.len());
                value = after[..end]
                    .replace("&quot;", "\"")
                    .replace("&lt;", "<")
                    .replace("&gt;", ">")
                    .replace("&nbsp;", "\u{a0}")
                    .replace("&amp;", "&");
                rest = &after[(end + 1).min(after.len())..];
            } else if attr.is_empty() {
                rest = &rest[rest.chars().next().map_or(0, char::len_utf8)..];
                continue;
            }
            attributes.push((attr.to_ascii_lowercase(), value));
        }
        if name == "style" || name == "script" {
            // Raw text: skip to the end tag.
            let close = format!("</{name}");
            rest = rest.find(&close).map_or("", |e| &rest[e..]);
        }
        out.push(Element { name, attributes });
    }
    out
}

/// What is wrong with a DOM; `own_styles` is how many `<style>` elements the
/// page itself has.
pub fn dom_problems(dom: &str, own_styles: usize, leak: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let elements = elements(dom);
    let styles = elements.iter().filter(|e| e.name == "style").count();
    if styles != own_styles {
        problems.push(format!("{styles} <style> elements, expected {own_styles}"));
    }
    let host = leak.trim_start_matches("http://");
    for e in &elements {
        if matches!(
            e.name.as_str(),
            "script"
                | "iframe"
                | "object"
                | "embed"
                | "base"
                | "form"
                | "frame"
                | "frameset"
                | "applet"
        ) || (e.name == "meta" && e.attributes.iter().any(|(n, _)| n == "http-equiv"))
            || (e.name == "link" && !e.attributes.is_empty())
        {
            problems.push(format!("a <{}> element", e.name));
        }
        for (name, value) in &e.attributes {
            let squeezed: String = value
                .chars()
                .filter(|c| !c.is_whitespace() && !c.is_control())
                .collect::<String>()
                .to_ascii_lowercase();
            if name.starts_with("on") {
                problems.push(format!("<{}> keeps the handler {name}=\"{value}\"", e.name));
            }
            if ["javascript:", "vbscript:", "data:text"]
                .iter()
                .any(|s| squeezed.starts_with(s))
            {
                problems.push(format!("<{}> keeps {name}=\"{value}\"", e.name));
            }
            let fetches = matches!(
                name.as_str(),
                "src" | "srcset" | "poster" | "background" | "data" | "action" | "formaction"
            ) || (name == "href" && e.name != "a");
            if fetches && value.contains(host) {
                problems.push(format!("<{}> would fetch {name}=\"{value}\"", e.name));
            }
            if name == "style" {
                for declaration in value.split(';').filter(|d| !d.trim().is_empty()) {
                    let property = declaration.split(':').next().unwrap_or("").trim();
                    if !STYLE_PROPERTIES.contains(&property) || declaration.contains("url(") {
                        problems.push(format!("<{}> keeps style \"{declaration}\"", e.name));
                    }
                }
            }
        }
    }
    problems
}

/// The Anki fields of a package and its note types' CSS.
pub fn apkg_fields(apkg: &Path) -> (Vec<String>, Vec<String>) {
    let file = std::fs::File::open(apkg).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("collection.anki2");
    let mut entry = zip.by_name("collection.anki2").unwrap();
    let mut bytes = Vec::new();
    entry.read_to_end(&mut bytes).unwrap();
    std::fs::write(&collection, bytes).unwrap();
    let db = rusqlite::Connection::open(&collection).unwrap();
    let mut fields = Vec::new();
    let mut statement = db.prepare("select flds from notes order by id").unwrap();
    let rows = statement
        .query_map([], |row| row.get::<_, String>(0))
        .unwrap();
    for row in rows {
        fields.extend(row.unwrap().split('\u{1f}').map(str::to_string));
    }
    let models: String = db
        .query_row("select models from col", [], |row| row.get(0))
        .unwrap();
    let models: serde_json::Value = serde_json::from_str(&models).unwrap();
    let css = models
        .as_object()
        .unwrap()
        .values()
        .map(|m| m["css"].as_str().unwrap_or("").to_string())
        .collect();
    (fields, css)
}

/// Markdown rendered as a viewer that keeps raw HTML renders it.
pub fn markdown_to_html(markdown: &str) -> String {
    let mut html = String::new();
    let options =
        pulldown_cmark::Options::ENABLE_TABLES | pulldown_cmark::Options::ENABLE_STRIKETHROUGH;
    pulldown_cmark::html::push_html(
        &mut html,
        pulldown_cmark::Parser::new_ext(markdown, options),
    );
    html
}

/// Debian's `chromium` on PATH; the test fails (never skips) without it.
pub fn chromium() -> PathBuf {
    super::find_tool("chromium")
}

/// The DOM of `page` after Chromium loaded it and ran its scripts.
pub fn dump_dom(chromium: &Path, page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = Command::new(chromium)
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
            // Time for timers, image errors and `<details open>` toggles.
            "--virtual-time-budget=3000",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        dom.contains("</html>"),
        "chromium printed no DOM for {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    dom
}
