//! Human-readable diagnostics, drawn by `annotate-snippets` (cargo's renderer).

use annotate_snippets::{AnnotationKind, Group, Level, Origin, Renderer, Snippet};

use super::{Diagnostic, Severity};
use crate::source::SourceFile;

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
            let text = source.text();
            let clamp = |s: usize| s.min(text.len());
            let mut primary =
                AnnotationKind::Primary.span(clamp(span.start)..clamp(span.end.max(span.start)));
            if let Some(label) = &d.label {
                primary = primary.label(label.as_str());
            }
            let mut snippet = Snippet::source(text)
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
