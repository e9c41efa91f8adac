//! The Anki cards as a student sees them, measured in headless Chromium: the
//! note type's CSS from the built `.apkg`, a real note's fields in the card
//! template's wrappers, day and night mode (Anki puts `card` and `nightMode`
//! on `<body>`), on a desktop window and a 390 px phone. Asserted from
//! computed styles: code in `extra` is at least 13 px and keeps its
//! indentation (never wrapped: the block scrolls sideways), and the reference
//! links reach WCAG AA contrast (4.5:1) against the card's background.
//!
//! Chromium is required (`.ci/install-print-deps.sh`); the test fails without it.

use crate::common;

use common::html::{apkg_fields, chromium, dump_dom};
use common::{flashdeck, repo, run};

/// `rgb(r, g, b)` → relative luminance (WCAG 2).
fn luminance(css: &str) -> f64 {
    let inner = css
        .trim_start_matches("rgba(")
        .trim_start_matches("rgb(")
        .trim_end_matches(')');
    let channels: Vec<f64> = inner
        .split(',')
        .take(3)
        .map(|c| c.trim().parse::<f64>().unwrap() / 255.0)
        .map(|c| {
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        })
        .collect();
    0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
}

fn contrast(a: &str, b: &str) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

#[test]
fn cards_are_readable_on_a_phone_and_at_night() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_dir(&repo().join("source"), &dir.path().join("source"));
    let out = dir.path().join("out");
    let (status, _, stderr) = run(flashdeck(dir.path())
        .args(["build", "--format", "apkg", "--out"])
        .arg(&out));
    assert_eq!(status, 0, "{stderr}");
    let (fields, css) = apkg_fields(&out.join("django-interview.apkg"));
    let code = fields
        .iter()
        .find(|f| f.contains("<pre class=\"code\">"))
        .expect("a Django note with a code block");
    let references = fields
        .iter()
        .find(|f| f.starts_with("<a href=\"https://docs.djangoproject.com"))
        .expect("a Django note with references");
    let chromium = chromium();
    let mut failures = Vec::new();
    for night in [false, true] {
        for width in [1280, 390] {
            let page = dir.path().join(format!("card-{night}-{width}.html"));
            let body_class = if night { "card nightMode" } else { "card" };
            // The card sits in an iframe of the measured width (headless
            // Chromium's window is at least 500 px wide); `srcdoc` keeps it
            // same-origin, so the page can read its computed styles.
            let card = format!(
                "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><style>{}</style></head>\
                 <body class=\"{body_class}\"><div class=\"front\">Q?</div><hr id=\"answer\"><div class=\"back\">A.</div>\
                 <div class=\"extra\">{code}</div><div class=\"references\">{references}</div></body></html>",
                css[0]
            );
            std::fs::write(
                &page,
                format!(
                    "<!DOCTYPE html><html><head><meta charset=\"utf-8\"></head><body>\
                     <iframe id=\"card\" style=\"width:{width}px;height:900px;border:0\"></iframe>\
                     <pre id=\"result\"></pre><script>\
                     const frame = document.getElementById('card');\
                     frame.onload = () => {{\
                       const w = frame.contentWindow, d = frame.contentDocument;\
                       const s = (q) => w.getComputedStyle(d.querySelector(q));\
                       document.getElementById('result').textContent = JSON.stringify({{\
                         code: parseFloat(s('.extra pre.code code').fontSize),\
                         whiteSpace: s('.extra pre.code').whiteSpace,\
                         link: s('.references a').color,\
                         background: s('body').backgroundColor,\
                         width: w.innerWidth }});\
                     }};\
                     frame.srcdoc = {};\
                     </script></body></html>",
                    serde_json::to_string(&card).unwrap().replace("</", "<\\/")
                ),
            )
            .unwrap();
            let dom = dump_dom(&chromium, &page);
            let json = dom
                .split("<pre id=\"result\">")
                .nth(1)
                .and_then(|r| r.split("</pre>").next())
                .unwrap_or_else(|| panic!("no result in the DOM: {dom}"))
                .replace("&quot;", "\"");
            let result: serde_json::Value = serde_json::from_str(&json).unwrap();
            let what = format!("{} mode, {width} px", if night { "night" } else { "day" });
            assert_eq!(
                result["width"], width,
                "{what}: the window is not {width} px wide"
            );
            let code_px = result["code"].as_f64().unwrap();
            if code_px < 13.0 {
                failures.push(format!("{what}: code in extra is {code_px} px"));
            }
            if result["whiteSpace"] != "pre" {
                failures.push(format!(
                    "{what}: code wraps ({}), losing its indentation",
                    result["whiteSpace"]
                ));
            }
            let ratio = contrast(
                result["link"].as_str().unwrap(),
                result["background"].as_str().unwrap(),
            );
            if ratio < 4.5 {
                failures.push(format!(
                    "{what}: reference links {} on {} are {ratio:.2}:1",
                    result["link"], result["background"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
