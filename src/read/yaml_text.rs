//! YAML scalars as a person would write them: plain when YAML reads them
//! back as the same text, a literal block for multi-line text, double quotes
//! otherwise. Shared by `convert` (whole banks) and `pull` (single values).

/// A mapping key: plain when YAML reads it back as the same text.
pub fn key(text: &str) -> String {
    if is_plain(text) {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// An item of a flow list (`[a, b]`): plain only for simple words.
pub fn flow_item(text: &str) -> String {
    if is_plain(text) && !text.contains([',', '[', ']', '{', '}']) {
        text.to_string()
    } else {
        quoted(text)
    }
}

/// A double-quoted scalar (JSON's escapes are YAML's).
pub fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_string())
}

/// Whether `text` can be written plain and reads back as the same string.
pub fn is_plain(text: &str) -> bool {
    const RESERVED: [&str; 11] = [
        "true", "false", "null", "yes", "no", "on", "off", "y", "n", "~", "",
    ];
    let lower = text.to_ascii_lowercase();
    let first = text.chars().next();
    first.is_some_and(|c| c.is_alphabetic() || c == '_' || c == '(')
        && !RESERVED.contains(&lower.as_str())
        && text == text.trim()
        && !text.contains(": ")
        && !text.contains(" #")
        && !text.ends_with(':')
        && !text.contains([
            '\n', '\r', '\t', '"', '\'', '`', '{', '}', '[', ']', '&', '*', '!', '|', '>', '%',
            '@', '\\',
        ])
        && !text.chars().any(char::is_control)
        && text.parse::<f64>().is_err()
}

/// A value after `key:`: plain, quoted, or a literal block indented by `indent`.
pub fn scalar(text: &str, indent: usize) -> String {
    if is_plain(text) {
        return text.to_string();
    }
    let block_safe = text.contains('\n')
        && !text.starts_with([' ', '\n'])
        && !text.contains(['\r', '\t'])
        && !text.chars().any(|c| c.is_control() && c != '\n')
        && !text.lines().any(|l| !l.is_empty() && l.trim().is_empty());
    if !block_safe {
        return quoted(text);
    }
    let chomp = if !text.ends_with('\n') {
        "-"
    } else if text.ends_with("\n\n") {
        "+"
    } else {
        ""
    };
    let pad = " ".repeat(indent);
    let mut out = format!("|{chomp}");
    for line in text.trim_end_matches('\n').split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    if chomp == "+" {
        for _ in 1..text.len() - text.trim_end_matches('\n').len() {
            out.push('\n');
        }
    }
    out
}
