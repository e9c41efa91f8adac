//! Human-readable diagnostics, drawn by `annotate-snippets` (cargo's renderer).

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{Diagnostic, Severity};
use crate::source::{SourceFile, Span};

/// Renders one diagnostic. `source` is the file it points into, when it could be
/// read; `color` turns on ANSI styling.
pub fn render(d: &Diagnostic, source: Option<&SourceFile>, color: bool) -> String {
    let level = match d.severity {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = d.file.display().to_string();
    let title = level.primary_title(d.message.as_str()).id(d.code.as_str());
    let main = match (d.span, source) {
        (Some(span), Some(source)) => {
            // Only the lines around the spans are handed to the renderer, so a
            // diagnostic costs the same in a 30-line bank and a 300k-line one.
            let (window, first_line) = window(source, span, &d.related);
            let text = source.slice(window);
            let clamp = |s: usize| s.saturating_sub(window.start).min(text.len());
            let mut primary =
                AnnotationKind::Primary.span(clamp(span.start)..clamp(span.end.max(span.start)));
            if let Some(label) = &d.label {
                primary = primary.label(label.as_str());
            }
            let mut snippet = Snippet::source(text)
                .line_start(first_line)
                .path(path.as_str())
                .annotation(primary);
            for related in &d.related {
                snippet = snippet.annotation(
                    AnnotationKind::Context
                        .span(clamp(related.span.start)..clamp(related.span.end))
                        .label(related.label.as_str()),
                );
            }
            title.element(snippet.fold(true))
        }
        _ => title.element(
            Origin::path(path.as_str())
                .line(d.line)
                .char_column(d.column),
        ),
    };
    let mut report = vec![main];
    if let Some(hint) = &d.hint {
        report.push(Group::with_title(
            Level::HELP.secondary_title(hint.as_str()),
        ));
    }
    let renderer = if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    renderer.render(&report)
}

/// The byte range of whole lines covering `span` and the related spans, and
/// the 1-based number of its first line.
fn window(source: &SourceFile, span: Span, related: &[super::Related]) -> (Span, usize) {
    let text = source.text();
    let start = related
        .iter()
        .map(|r| r.span.start)
        .fold(span.start, usize::min)
        .min(text.len());
    let end = related
        .iter()
        .map(|r| r.span.end)
        .fold(span.end.max(span.start), usize::max)
        .min(text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    (
        Span::new(line_start, line_end),
        source.line_column(line_start).0,
    )
}
