//! JSON values a bank keeps without modelling them: the keys of a CrowdAnki
//! deck flashdeck does not use (`deck_configurations`, a note type's
//! `latexPre`, a field's `font`), written back as they were read.

use std::fmt::Write as _;

/// A JSON value. Numbers keep their kind (integer or float), so they are
/// written back as CrowdAnki (Python's `json` module) writes them.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// An integer, as its decimal digits (any size, `-` for negatives).
    Int(String),
    /// A number with a fraction or an exponent (always finite).
    Float(f64),
    /// Text.
    String(String),
    /// A list.
    Array(Vec<Json>),
    /// An object, keys in the order read (each once).
    Object(Vec<(String, Json)>),
}

impl Default for Json {
    /// An empty object.
    fn default() -> Json {
        Json::Object(Vec::new())
    }
}

impl Json {
    /// The value of `key`, when this is an object that has it.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries of an object (none for anything else).
    pub fn entries(&self) -> &[(String, Json)] {
        match self {
            Json::Object(entries) => entries,
            _ => &[],
        }
    }

    /// The text, when this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(s) => Some(s),
            _ => None,
        }
    }

    /// An integer from its JSON spelling (`-0` is `0`, as Python reads it).
    pub fn int(digits: &str) -> Json {
        let digits = if digits.trim_start_matches('-').bytes().all(|b| b == b'0') {
            "0"
        } else {
            digits
        };
        Json::Int(digits.to_string())
    }

    /// An integer.
    pub fn from_i64(n: i64) -> Json {
        Json::Int(n.to_string())
    }

    /// The value read by `serde_json`: integers stay integers, other
    /// numbers become floats (as Python's `json` reads them).
    pub fn from_serde(value: &serde_json::Value) -> Json {
        match value {
            serde_json::Value::Null => Json::Null,
            serde_json::Value::Bool(b) => Json::Bool(*b),
            serde_json::Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    Json::from_i64(i)
                } else if let Some(u) = n.as_u64() {
                    Json::Int(u.to_string())
                } else {
                    Json::Float(n.as_f64().filter(|f| f.is_finite()).unwrap_or(0.0))
                }
            }
            serde_json::Value::String(s) => Json::String(s.clone()),
            serde_json::Value::Array(items) => {
                Json::Array(items.iter().map(Json::from_serde).collect())
            }
            serde_json::Value::Object(entries) => Json::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), Json::from_serde(v)))
                    .collect(),
            ),
        }
    }

    /// Whether this is an object without entries.
    pub fn is_empty_object(&self) -> bool {
        matches!(self, Json::Object(entries) if entries.is_empty())
    }

    /// Names the kind for "must be text, found a number" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "true or false",
            Json::Int(_) | Json::Float(_) => "a number",
            Json::String(_) => "text",
            Json::Array(_) => "a list",
            Json::Object(_) => "an object",
        }
    }

    /// The value as CrowdAnki writes `deck.json` (Python's
    /// `json.dumps(…, sort_keys=True, indent=4, ensure_ascii=False)`): keys
    /// sorted, four spaces a level, non-ASCII text as it is, floats as
    /// Python prints them. `level` is the indentation the value starts at.
    pub fn write_pretty(&self, out: &mut String, level: usize) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Int(digits) => out.push_str(digits),
            Json::Float(f) => out.push_str(&python_float(*f)),
            Json::String(s) => write_string(out, s),
            Json::Array(items) if items.is_empty() => out.push_str("[]"),
            Json::Object(entries) if entries.is_empty() => out.push_str("{}"),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, level + 1);
                    item.write_pretty(out, level + 1);
                }
                out.push('\n');
                indent(out, level);
                out.push(']');
            }
            Json::Object(entries) => {
                let mut sorted: Vec<&(String, Json)> = entries.iter().collect();
                sorted.sort_by(|a, b| a.0.cmp(&b.0));
                out.push('{');
                for (i, (key, value)) in sorted.into_iter().enumerate() {
                    out.push_str(if i == 0 { "\n" } else { ",\n" });
                    indent(out, level + 1);
                    write_string(out, key);
                    out.push_str(": ");
                    value.write_pretty(out, level + 1);
                }
                out.push('\n');
                indent(out, level);
                out.push('}');
            }
        }
    }

    /// The value on one line, as JSON (`[1, "a"]`), in the order read: the
    /// flow form a bank writes small values in (JSON is YAML).
    pub fn write_compact(&self, out: &mut String) {
        match self {
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    item.write_compact(out);
                }
                out.push(']');
            }
            Json::Object(entries) => {
                out.push('{');
                for (i, (key, value)) in entries.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    write_string(out, key);
                    out.push_str(": ");
                    value.write_compact(out);
                }
                out.push('}');
            }
            scalar => scalar.write_pretty(out, 0),
        }
    }
}

fn indent(out: &mut String, level: usize) {
    for _ in 0..level * 4 {
        out.push(' ');
    }
}

/// A JSON string as Python's `json` writes it with `ensure_ascii=False`:
/// only `"`, `\` and control characters below U+0020 are escaped.
fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// A float as Python's `repr` prints it: the shortest digits that read back
/// as the same number, in fixed notation from 1e-4 up to 1e16 (with `.0`
/// when whole), else in exponent notation (`1e-05`, `1e+16`).
pub fn python_float(f: f64) -> String {
    if !f.is_finite() {
        // Never held (readers refuse them); Python's spelling all the same.
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `-1.2345e-7`.
    let sci = format!("{f:e}");
    let (sign, sci) = match sci.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", sci.as_str()),
    };
    let (mantissa, exponent) = sci.split_once('e').unwrap_or((sci, "0"));
    let exponent: i64 = exponent.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    // The value is 0.DIGITS × 10^point.
    let point = exponent + 1;
    let len = digits.len() as i64;
    let mut out = String::from(sign);
    if point <= -4 || point > 16 {
        let (first, rest) = digits.split_at(1.min(digits.len()));
        out.push_str(first);
        if !rest.is_empty() {
            out.push('.');
            out.push_str(rest);
        }
        let e = point - 1;
        let _ = write!(out, "e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs());
    } else if point <= 0 {
        out.push_str("0.");
        for _ in 0..-point {
            out.push('0');
        }
        out.push_str(&digits);
    } else if point < len {
        let (whole, fraction) = digits.split_at(point as usize);
        out.push_str(whole);
        out.push('.');
        out.push_str(fraction);
    } else {
        out.push_str(&digits);
        for _ in 0..point - len {
            out.push('0');
        }
        out.push_str(".0");
    }
    out
}

/// Whether `text` is a JSON number (`-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`).
pub fn is_json_number(text: &str) -> bool {
    let b = text.as_bytes();
    let mut i = usize::from(b.first() == Some(&b'-'));
    let digits = |i: &mut usize| {
        let start = *i;
        while b.get(*i).is_some_and(u8::is_ascii_digit) {
            *i += 1;
        }
        *i - start
    };
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(c) if c.is_ascii_digit() => {
            digits(&mut i);
        }
        _ => return false,
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// A JSON number's value: an integer when written without a fraction or
/// an exponent, else a float (`None` when it is too large for one).
pub fn json_number(text: &str) -> Option<Json> {
    if !is_json_number(text) {
        return None;
    }
    if !text.contains(['.', 'e', 'E']) {
        return Some(Json::int(text));
    }
    text.parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
        .map(Json::Float)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floats_print_as_python_prints_them() {
        for (f, python) in [
            (10.0, "10.0"),
            (0.05, "0.05"),
            (1.3, "1.3"),
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (2500.0, "2500.0"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456.789, "123456.789"),
            (1.5e300, "1.5e+300"),
            (-2.5e-7, "-2.5e-07"),
            (0.1 + 0.2, "0.30000000000000004"),
        ] {
            assert_eq!(python_float(f), python, "{f}");
        }
    }

    #[test]
    fn pretty_json_is_pythons() {
        let value = Json::Object(vec![
            (
                "b".into(),
                Json::Array(vec![Json::int("1"), Json::Float(2.0)]),
            ),
            ("a".into(), Json::String("é\"\\\n\u{1}".into())),
            ("c".into(), Json::Object(vec![])),
            ("d".into(), Json::Array(vec![])),
        ]);
        let mut out = String::new();
        value.write_pretty(&mut out, 0);
        assert_eq!(
            out,
            "{\n    \"a\": \"é\\\"\\\\\\n\\u0001\",\n    \"b\": [\n        1,\n        2.0\n    ],\n    \"c\": {},\n    \"d\": []\n}"
        );
    }

    #[test]
    fn json_numbers_only() {
        for good in ["0", "-0", "10", "1.5", "1e5", "1E-05", "-2.5e+3"] {
            assert!(json_number(good).is_some(), "{good}");
        }
        for bad in [
            "", "-", "01", "1.", ".5", "0x1F", "+1", "1e", "inf", "1e999",
        ] {
            assert!(json_number(bad).is_none(), "{bad}");
        }
        assert_eq!(json_number("-0"), Some(Json::int("0")));
    }
}
