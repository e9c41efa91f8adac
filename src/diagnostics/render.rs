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
            // diagnostic costs the same in a 30-line bank and a 300k-line one;
            // places far apart (a group of near-duplicates across the file)
            // get a snippet each, never the lines between them.
            let mut marks: Vec<(Span, Option<&str>, bool)> = vec![(span, d.label.as_deref(), true)];
            marks.extend(
                d.related
                    .iter()
                    .map(|r| (r.span, Some(r.label.as_str()), false)),
            );
            marks.sort_by_key(|(span, _, _)| span.start);
            let mut group = Group::with_title(title);
            for cluster in clusters(source, &marks) {
                let (window, first_line) = window(source, &cluster);
                let text = source.slice(window);
                let clamp = |s: usize| s.saturating_sub(window.start).min(text.len());
                let mut snippet = Snippet::source(text)
                    .line_start(first_line)
                    .path(path.as_str());
                for (span, label, primary) in cluster {
                    let kind = if primary {
                        AnnotationKind::Primary
                    } else {
                        AnnotationKind::Context
                    };
                    let mut annotation =
                        kind.span(clamp(span.start)..clamp(span.end.max(span.start)));
                    if let Some(label) = label {
                        annotation = annotation.label(label);
                    }
                    snippet = snippet.annotation(annotation);
                }
                group = group.element(snippet.fold(true));
            }
            group
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

/// A place a diagnostic marks: its span, its label, and whether it is the
/// primary one.
type Mark<'d> = (Span, Option<&'d str>, bool);

/// Places closer than this many lines share one snippet (with the lines
/// between them); farther ones get a snippet each.
const SAME_SNIPPET_LINES: usize = 8;

/// `marks` (sorted by start) in runs of nearby places.
fn clusters<'d>(source: &SourceFile, marks: &[Mark<'d>]) -> Vec<Vec<Mark<'d>>> {
    let mut out: Vec<Vec<Mark<'d>>> = Vec::new();
    let mut last_line = 0;
    for &mark in marks {
        let (span, _, _) = mark;
        let first = source.line_column(span.start).0;
        let last = source.line_column(span.end.max(span.start)).0;
        match out.last_mut() {
            Some(cluster) if first <= last_line + SAME_SNIPPET_LINES => cluster.push(mark),
            _ => out.push(vec![mark]),
        }
        last_line = last_line.max(last);
    }
    out
}

/// The byte range of whole lines covering the spans of `marks`, and the
/// 1-based number of its first line.
fn window(source: &SourceFile, marks: &[Mark<'_>]) -> (Span, usize) {
    let text = source.text();
    let start = marks
        .iter()
        .map(|(s, _, _)| s.start)
        .min()
        .unwrap_or(0)
        .min(text.len());
    let end = marks
        .iter()
        .map(|(s, _, _)| s.end.max(s.start))
        .max()
        .unwrap_or(start)
        .clamp(start, text.len());
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[end..].find('\n').map_or(text.len(), |i| end + i);
    (
        Span::new(line_start, line_end),
        source.line_column(line_start).0,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostics::Code;

    fn bank(lines: usize) -> SourceFile {
        let text: String = (1..=lines).map(|n| format!("line {n}\n")).collect();
        SourceFile::new("b.yaml", text)
    }

    fn span_of_line(source: &SourceFile, line: usize) -> Span {
        let start = source.offset_of(line, 1);
        Span::new(start, start + format!("line {line}").len())
    }

    #[test]
    fn places_far_apart_get_a_snippet_each_without_the_lines_between() {
        let source = bank(100_000);
        let d = Diagnostic::new(
            Code::NearDuplicateQuestion,
            &source,
            span_of_line(&source, 10),
            "questions alike",
        )
        .label("first")
        .related(&source, span_of_line(&source, 12), "near")
        .related(&source, span_of_line(&source, 99_990), "far");
        let text = render(&d, Some(&source), false);
        // The near place shares the first snippet, lines between included.
        assert!(text.contains("line 11"), "{text}");
        assert!(text.contains("line 12"), "{text}");
        // The far one has its own, located; nothing between is drawn.
        assert!(text.contains("::: b.yaml:99990:1"), "{text}");
        assert!(text.contains("line 99990"), "{text}");
        assert!(!text.contains("line 50000"), "{text}");
        assert!(text.lines().count() < 20, "{text}");
    }
}
