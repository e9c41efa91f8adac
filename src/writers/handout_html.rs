//! The print page `<deck>.html`: one self-contained file (inline CSS, images
//! as data URIs, no network requests) that prints cleanly and reads well on
//! screen. No question/answer block is split across pages.

use std::fmt::Write as _;
use std::path::PathBuf;

use base64::Engine as _;

use super::handout::{iso_date, sections};
use super::{Format, OutputFile, WriteError, Writer};
use crate::transform::Deck;
use crate::transform::markup::{HtmlOptions, to_html};

/// Writes the print-ready HTML page.
pub struct HandoutHtmlWriter;

const CSS: &str = include_str!("handout.css");

impl Writer for HandoutHtmlWriter {
    fn format(&self) -> Format {
        Format::Html
    }

    fn write(&self, deck: &Deck) -> Result<Vec<OutputFile>, WriteError> {
        // Handout Markdown references media as `media/<name>` (see `handout`).
        let media_url = |url: &str| {
            let name = url
                .strip_prefix("media/")
                .or_else(|| deck.media_name(url))?;
            let bytes = deck.media_bytes(name)?;
            Some(format!(
                "data:{};base64,{}",
                mime_type(name),
                base64::engine::general_purpose::STANDARD.encode(bytes)
            ))
        };
        let options = HtmlOptions {
            media_url: &media_url,
            escape_braces: false,
        };
        let render = |md: &str| to_html(md, &options);
        let esc = |s: &str| html_escape::encode_text(s).into_owned();
        let title = esc(&deck.name);
        let mut html = String::new();
        let _ = write!(
            html,
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{title}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<header class=\"deck-header\">\n<h1>{title}</h1>\n"
        );
        let count = deck.cards.len();
        let mut meta = format!("{count} card{}", if count == 1 { "" } else { "s" });
        if deck.updated > 0 {
            let _ = write!(meta, " · updated <time>{}</time>", iso_date(deck.updated));
        }
        let _ = writeln!(html, "<p class=\"meta\">{meta}</p>");
        if let Some(description) = &deck.description {
            let _ = writeln!(
                html,
                "<div class=\"description\">{}</div>",
                render(description)
            );
        }
        html.push_str("</header>\n");
        let sections = sections(deck);
        html.push_str("<nav class=\"contents\">\n<h2>Contents</h2>\n<ol>\n");
        for s in &sections {
            let _ = writeln!(
                html,
                "<li><a href=\"#{}\">{}</a> <span class=\"count\">({})</span></li>",
                s.anchor,
                esc(&s.topic),
                s.items.len()
            );
        }
        html.push_str("</ol>\n</nav>\n<main>\n");
        for s in &sections {
            let _ = writeln!(
                html,
                "<section class=\"topic\" id=\"{}\">\n<h2>{}</h2>",
                s.anchor,
                esc(&s.topic)
            );
            for item in &s.items {
                let card = item.card;
                let _ = writeln!(
                    html,
                    "<article class=\"card\" id=\"card-{}\">",
                    esc(&card.id)
                );
                let _ = writeln!(
                    html,
                    "<div class=\"question\"><span class=\"number\">{}.</span><div class=\"prompt\">{}</div></div>",
                    item.number,
                    render(&item.question)
                );
                let _ = writeln!(html, "<div class=\"answer\">{}</div>", render(&item.answer));
                html.push_str("<footer class=\"card-meta\">");
                for tag in &card.tags {
                    let _ = write!(html, "<span class=\"tag\">{}</span>", esc(tag));
                }
                for reference in &card.references {
                    let href = html_escape::encode_double_quoted_attribute(reference);
                    let _ = write!(
                        html,
                        "<a class=\"ref\" href=\"{href}\">{}</a>",
                        esc(reference)
                    );
                }
                html.push_str("</footer>\n</article>\n");
            }
            html.push_str("</section>\n");
        }
        html.push_str("</main>\n</body>\n</html>\n");
        Ok(vec![OutputFile {
            path: PathBuf::from(format!("{}.html", deck.id)),
            bytes: html.into_bytes(),
        }])
    }
}

fn mime_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "svg" => "image/svg+xml",
        "webp" => "image/webp",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}
