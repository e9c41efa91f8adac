//! The JSON Schema of a bank, for editors (`# yaml-language-server: $schema=…`).

use super::Bank;

/// The schema as pretty-printed JSON, ending in a newline.
pub fn bank_schema_json() -> String {
    let schema = schemars::schema_for!(Bank);
    // A schema built by schemars is plain JSON data; serializing it cannot fail.
    let mut text = serde_json::to_string_pretty(&schema).unwrap_or_default();
    text.push('\n');
    text
}

/// The property names the schema allows on an object definition (`Card`,
/// `DeckMeta`, …); the loader's key lists are tested against these.
pub fn allowed_keys(definition: &str) -> Vec<String> {
    let schema = serde_json::to_value(schemars::schema_for!(Bank)).unwrap_or_default();
    let object = if definition == "Bank" {
        Some(&schema)
    } else {
        schema.get("$defs").and_then(|d| d.get(definition))
    };
    let mut keys: Vec<String> = object
        .and_then(|o| o.get("properties"))
        .and_then(|p| p.as_object())
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default();
    keys.sort();
    keys
}
