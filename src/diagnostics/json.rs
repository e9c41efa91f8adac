//! `--format json`: one JSON object per run, for editors and CI.

use serde_json::{Value, json};

use super::{Diagnostic, Diagnostics};

/// The JSON form of one diagnostic.
pub fn to_value(d: &Diagnostic) -> Value {
    json!({
        "severity": d.severity.as_str(),
        "code": d.code.as_str(),
        "message": d.message,
        "file": d.file.display().to_string(),
        "line": d.line,
        "column": d.column,
        "span": d.span.map(|s| json!({"start": s.start, "end": s.end})),
        "label": d.label,
        "hint": d.hint,
        "related": d.related.iter().map(|r| json!({
            "line": r.line, "column": r.column, "label": r.label,
        })).collect::<Vec<_>>(),
        "members": d.members.iter().map(|r| json!({
            "line": r.line, "column": r.column, "card": r.label,
        })).collect::<Vec<_>>(),
    })
}

/// `{"diagnostics": [...], "errors": N, "warnings": N}`, pretty-printed.
pub fn to_string(diagnostics: &Diagnostics) -> String {
    let (errors, warnings) = diagnostics.counts();
    let value = json!({
        "diagnostics": diagnostics.iter().map(to_value).collect::<Vec<_>>(),
        "errors": errors,
        "warnings": warnings,
    });
    // Serializing a `Value` built above cannot fail.
    serde_json::to_string_pretty(&value).unwrap_or_default()
}
