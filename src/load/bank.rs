//! The located YAML tree → [`Bank`], reporting every structural problem.

use std::collections::HashMap;

use super::yaml::{Node, NodeKind};
use crate::diagnostics::{Code, Diagnostic, Diagnostics};
use crate::model::{
    Bank, Card, CardType, DeckMeta, Defaults, FieldDef, Json, LintSetting, Located, NoteField,
    NoteKind, NoteTypeDef, TemplateDeck, TemplateDef,
};
use crate::source::{SourceFile, Span};

/// Keys of the top level, `deck:`, `defaults:` and each card. A unit test
/// checks these against the JSON Schema derived from the model.
pub(crate) const BANK_KEYS: &[&str] = &[
    "deck",
    "defaults",
    "lints",
    "note-types",
    "media",
    "missing-media",
    "cards",
];
pub(crate) const DECK_KEYS: &[&str] = &["id", "name", "description", "crowdanki"];
/// Keys of the deck's `crowdanki:` mapping.
pub(crate) const DECK_CROWDANKI_KEYS: &[&str] = &["deck", "subdecks", "notes"];
pub(crate) const DEFAULTS_KEYS: &[&str] = &["tags", "type", "note-type"];
pub(crate) const NOTE_TYPE_KEYS: &[&str] = &[
    "name",
    "kind",
    "fields",
    "templates",
    "css",
    "css-file",
    "sort-field",
    "scripts",
    "anki-id",
    "original-stock-kind",
    "original-id",
    "crowdanki-uuid",
    "crowdanki",
];
pub(crate) const FIELD_KEYS: &[&str] = &["name", "anki-id", "crowdanki"];
pub(crate) const TEMPLATE_KEYS: &[&str] = &[
    "name",
    "front",
    "front-file",
    "back",
    "back-file",
    "anki-id",
    "crowdanki",
];
pub(crate) const CARD_KEYS: &[&str] = &[
    "id",
    "topic",
    "type",
    "question",
    "answer",
    "text",
    "extra",
    "tags",
    "references",
    "note-type",
    "fields",
    "guid",
    "deck",
    "decks",
    "crowdanki",
];

struct Reader<'a> {
    source: &'a SourceFile,
    diagnostics: &'a mut Diagnostics,
}

/// Reads the whole bank; `None` only when the top level is not a mapping.
pub(super) fn read_bank(
    root: &Node,
    source: &SourceFile,
    diagnostics: &mut Diagnostics,
) -> Option<Bank> {
    let mut r = Reader {
        source,
        diagnostics,
    };
    let fields = r.mapping(root, "the bank", BANK_KEYS)?;
    let deck = match fields.get("deck") {
        Some(node) => r.deck(node),
        None => {
            r.missing(
                root.span,
                "the bank has no `deck:`",
                "add `deck:` with `id:` and `name:` at the top",
            );
            None
        }
    };
    // A missing deck still lets the cards be checked; the bank itself is unusable.
    let deck = deck.unwrap_or_else(|| DeckMeta {
        id: Located::new(String::new(), Span::point(0)),
        name: Located::new(String::new(), Span::point(0)),
        description: None,
        description_html: false,
        crowdanki: None,
    });
    let Head {
        deck,
        defaults,
        lints,
        note_types,
        media,
        missing_media,
    } = r.head(&fields, deck);
    let cards = match fields.get("cards") {
        Some(node) => r.cards(node),
        None => {
            r.missing(
                root.span,
                "the bank has no `cards:` list",
                "add `cards:` followed by `- id: …` entries",
            );
            Vec::new()
        }
    };
    Some(Bank {
        deck,
        defaults,
        lints,
        note_types,
        media,
        missing_media,
        cards,
    })
}

/// Everything of a bank but its cards.
pub(super) struct Head {
    pub(super) deck: DeckMeta,
    pub(super) defaults: Option<Defaults>,
    pub(super) lints: Vec<LintSetting>,
    pub(super) note_types: Vec<NoteTypeDef>,
    pub(super) media: Vec<Located<String>>,
    pub(super) missing_media: Vec<Located<String>>,
}

/// Reads the part of a bank before its `cards:` list (`head`, a prefix of
/// the file, so spans are the file's) through the located tree: the fast
/// path's way to take `note-types:`, `media:` and `lints:` without reading
/// the whole file twice. `None` at any problem: the slow path explains it.
pub(super) fn read_head(source: &SourceFile, head_len: usize) -> Option<Head> {
    let head = SourceFile::new(source.path(), source.text().get(..head_len)?.to_string());
    let root = super::yaml::parse(&head).ok()?;
    let mut diagnostics = Diagnostics::new();
    let mut r = Reader {
        source: &head,
        diagnostics: &mut diagnostics,
    };
    let fields = r.mapping(&root, "the bank", BANK_KEYS)?;
    let deck = r.deck(fields.get("deck")?)?;
    let head = r.head(&fields, deck);
    let cards_is_last_and_empty =
        matches!(fields.get("cards").map(|n| &n.kind), Some(NodeKind::Null));
    (diagnostics.is_empty() && cards_is_last_and_empty).then_some(head)
}

impl Reader<'_> {
    /// The bank's sections other than `deck:` and `cards:`, with `deck`.
    fn head(&mut self, fields: &HashMap<&str, &Node>, deck: DeckMeta) -> Head {
        Head {
            deck,
            defaults: fields.get("defaults").and_then(|n| self.defaults(n)),
            lints: fields
                .get("lints")
                .map(|n| self.lints(n))
                .unwrap_or_default(),
            note_types: fields
                .get("note-types")
                .map(|n| self.note_types(n))
                .unwrap_or_default(),
            media: fields
                .get("media")
                .map(|n| self.text_list(n, "`media`"))
                .unwrap_or_default(),
            missing_media: fields
                .get("missing-media")
                .map(|n| self.text_list(n, "`missing-media`"))
                .unwrap_or_default(),
        }
    }

    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn missing(&mut self, at: Span, message: &str, hint: &str) {
        let d = Diagnostic::new(
            Code::MissingField,
            self.source,
            Span::point(at.start),
            message,
        )
        .hint(hint);
        self.push(d);
    }

    fn wrong_type(&mut self, node: &Node, what: &str, expected: &str, example: &str) {
        let d = Diagnostic::new(
            Code::WrongType,
            self.source,
            node.span,
            format!("{what} must be {expected}, found {}", node.kind.describe()),
        )
        .label(format!("expected {expected}"))
        .hint(format!("write it as {example}"));
        self.push(d);
    }

    /// Checks that `node` is a mapping with only `allowed` keys, each once.
    fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        allowed: &[&'n str],
    ) -> Option<HashMap<&'n str, &'n Node>> {
        let NodeKind::Map(entries) = &node.kind else {
            let example = format!("a mapping of `key: value` lines ({})", allowed.join(", "));
            self.wrong_type(node, what, "a mapping", &example);
            return None;
        };
        let mut fields: HashMap<&str, &Node> = HashMap::new();
        let mut first_seen: HashMap<&str, Span> = HashMap::new();
        let written: std::collections::HashSet<&str> = entries
            .iter()
            .filter_map(|(key, _)| match &key.kind {
                NodeKind::Scalar(name) => Some(name.as_str()),
                _ => None,
            })
            .collect();
        for (key, value) in entries {
            let NodeKind::Scalar(name) = &key.kind else {
                self.wrong_type(key, "a key", "text", "`name: value`");
                continue;
            };
            if let Some(first) = first_seen.get(name.as_str()) {
                let d = Diagnostic::new(
                    Code::DuplicateKey,
                    self.source,
                    key.span,
                    format!("`{name}` is set twice in {what}"),
                )
                .label("set again here")
                .related(self.source, *first, "first set here")
                .hint("YAML keys must be unique in a mapping: keep one and delete the other");
                self.push(d);
                continue;
            }
            first_seen.insert(name, key.span);
            if !allowed.contains(&name.as_str()) {
                let mut d = Diagnostic::new(
                    Code::UnknownKey,
                    self.source,
                    key.span,
                    format!("unknown key `{name}` in {what}"),
                )
                .label("not a key flashdeck knows");
                let best = did_you_mean(name, allowed);
                d = match best {
                    Some(best) => d.hint(format!(
                        "did you mean `{best}`? the keys here are: {}",
                        allowed.join(", ")
                    )),
                    None => d.hint(format!("the keys allowed here are: {}", allowed.join(", "))),
                };
                self.push(d);
                // The typo is the one problem: its value is read as the key
                // it stands for (when that key is not written too), so the
                // key is not reported missing as well.
                if let Some(best) = best.filter(|b| !written.contains(b)) {
                    fields.entry(best).or_insert(value);
                }
                continue;
            }
            fields.insert(name, value);
        }
        Some(fields)
    }

    /// A text field. `null`/empty gives an empty string so rules can say "empty".
    fn text(&mut self, node: &Node, what: &str) -> Option<Located<String>> {
        match &node.kind {
            NodeKind::Scalar(s) => Some(Located::new(s.clone(), node.span)),
            NodeKind::Null => Some(Located::new(String::new(), node.span)),
            _ => {
                self.wrong_type(
                    node,
                    what,
                    "text",
                    "`key: text`, or `key: |` followed by indented lines",
                );
                None
            }
        }
    }

    /// A list of text items; one bare string is accepted as a list of one.
    fn text_list(&mut self, node: &Node, what: &str) -> Vec<Located<String>> {
        match &node.kind {
            NodeKind::Seq(items) => items
                .iter()
                .filter_map(|item| match &item.kind {
                    NodeKind::Scalar(s) => Some(Located::new(s.clone(), item.span)),
                    NodeKind::Null => Some(Located::new(String::new(), item.span)),
                    _ => {
                        self.wrong_type(
                            item,
                            &format!("each entry of {what}"),
                            "text",
                            "`[one, two]`",
                        );
                        None
                    }
                })
                .collect(),
            NodeKind::Null => Vec::new(),
            _ => {
                self.wrong_type(
                    node,
                    what,
                    "a list",
                    "`[one, two]`, or one `- item` per line",
                );
                Vec::new()
            }
        }
    }

    fn card_type(&mut self, node: &Node) -> Option<Located<CardType>> {
        let name = self.text(node, "`type`")?;
        match CardType::parse(name.value.trim()) {
            Some(t) => Some(Located::new(t, name.span)),
            None => {
                let names: Vec<&str> = CardType::ALL.iter().map(|t| t.as_str()).collect();
                let mut d = Diagnostic::new(
                    Code::UnknownCardType,
                    self.source,
                    name.span,
                    format!("unknown card type `{}`", name.value),
                )
                .label("not a card type");
                d = match did_you_mean(name.value.trim(), &names) {
                    Some(best) => d.hint(format!(
                        "did you mean `{best}`? the types are: {}",
                        names.join(", ")
                    )),
                    None => d.hint(format!("the types are: {}", names.join(", "))),
                };
                self.push(d);
                None
            }
        }
    }

    fn deck(&mut self, node: &Node) -> Option<DeckMeta> {
        let fields = self.mapping(node, "`deck`", DECK_KEYS)?;
        let id = self.required_text(
            &fields,
            "id",
            node,
            "`deck`",
            "add `id: my-deck` (a slug that never changes)",
        );
        let name = self.required_text(&fields, "name", node, "`deck`", "add `name: \"My Deck\"`");
        for (key, field) in [("id", &id), ("name", &name)] {
            if let Some(field) = field.as_ref().filter(|f| f.value.trim().is_empty()) {
                let d = Diagnostic::new(
                    Code::EmptyField,
                    self.source,
                    field.span,
                    format!("`deck.{key}` is empty"),
                )
                .label("empty")
                .hint(format!("write the deck's {key}"));
                self.push(d);
            }
        }
        let (description, description_html) = match fields.get("description") {
            Some(n) => match self.text_or_html(n, "`description`") {
                Some((text, html)) => (Some(text), html),
                None => (None, false),
            },
            None => (None, false),
        };
        let crowdanki = fields.get("crowdanki").and_then(|n| self.deck_crowdanki(n));
        // A missing or empty id or name has been reported; the rules skip empty values.
        let blank = || Located::new(String::new(), Span::point(node.span.start));
        Some(DeckMeta {
            id: id.unwrap_or_else(blank),
            name: name.unwrap_or_else(blank),
            description,
            description_html,
            crowdanki,
        })
    }

    /// Markdown text, or `{html: …}` (then `true`).
    fn text_or_html(&mut self, node: &Node, what: &str) -> Option<(Located<String>, bool)> {
        if !matches!(node.kind, NodeKind::Map(_)) {
            return self.text(node, what).map(|t| (t, false));
        }
        let inner = self.mapping(node, &format!("{what}'s value"), &["html"])?;
        match inner.get("html").and_then(|n| self.text(n, "`html`")) {
            Some(html) => Some((html, true)),
            None => {
                self.missing(
                    node.span,
                    "an HTML value has no `html:`",
                    "write `{html: \"<b>text</b>\"}`, or plain Markdown text",
                );
                None
            }
        }
    }

    /// A `crowdanki:` mapping of JSON values (CrowdAnki keys kept as read).
    fn crowdanki(&mut self, node: &Node) -> Option<Located<Json>> {
        if !matches!(node.kind, NodeKind::Map(_)) {
            self.wrong_type(
                node,
                "`crowdanki`",
                "a mapping",
                "`crowdanki: {key: value}` (convert writes it; it is not needed by hand)",
            );
            return None;
        }
        self.json(node, "`crowdanki`")
            .map(|json| Located::new(json, node.span))
    }

    /// The deck's `crowdanki:`: `deck`, `subdecks` (by full name) and `notes`.
    fn deck_crowdanki(&mut self, node: &Node) -> Option<Located<Json>> {
        let fields = self.mapping(node, "`deck.crowdanki`", DECK_CROWDANKI_KEYS)?;
        let mut entries = Vec::new();
        for key in DECK_CROWDANKI_KEYS {
            let Some(value) = fields.get(key) else {
                continue;
            };
            let json = if *key == "subdecks" {
                let NodeKind::Map(decks) = &value.kind else {
                    self.wrong_type(
                        value,
                        "`subdecks`",
                        "a mapping",
                        "`Deck::Sub: {key: value}`",
                    );
                    continue;
                };
                let mut subdecks = Vec::new();
                for (name, keys) in decks {
                    let Some(name) = self.text(name, "a subdeck name") else {
                        continue;
                    };
                    if subdecks.iter().any(|(n, _)| *n == name.value) {
                        self.duplicate_key(&name.value, name.span, "`subdecks`");
                        continue;
                    }
                    if let Some(keys) = self.crowdanki(keys) {
                        subdecks.push((name.value, keys.value));
                    }
                }
                Json::Object(subdecks)
            } else {
                match self.crowdanki(value) {
                    Some(json) => json.value,
                    None => continue,
                }
            };
            entries.push((key.to_string(), json));
        }
        Some(Located::new(Json::Object(entries), node.span))
    }

    fn duplicate_key(&mut self, name: &str, at: Span, what: &str) {
        let d = Diagnostic::new(
            Code::DuplicateKey,
            self.source,
            at,
            format!("`{name}` is set twice in {what}"),
        )
        .label("set again here")
        .hint("keys must be unique in a mapping: keep one and delete the other");
        self.push(d);
    }

    /// Any YAML value as JSON: text, numbers and booleans as YAML reads
    /// them (a number must be spelled as JSON spells it), lists, mappings.
    fn json(&mut self, node: &Node, what: &str) -> Option<Json> {
        match &node.kind {
            NodeKind::Null => Some(Json::Null),
            NodeKind::Scalar(s) if !node.typed => Some(Json::String(s.clone())),
            NodeKind::Scalar(s) => match s.as_str() {
                "true" => Some(Json::Bool(true)),
                "false" => Some(Json::Bool(false)),
                number => match crate::model::json::json_number(number) {
                    Some(json) => Some(json),
                    None => {
                        let d = Diagnostic::new(
                            Code::WrongType,
                            self.source,
                            node.span,
                            format!("`{s}` in {what} is not a JSON number"),
                        )
                        .label("not JSON")
                        .hint("CrowdAnki values are JSON: write numbers as JSON does (`10`, `1.5`, `2e-05`), or quote text");
                        self.push(d);
                        None
                    }
                },
            },
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    out.push(self.json(item, what)?);
                }
                Some(Json::Array(out))
            }
            NodeKind::Map(entries) => {
                let mut out: Vec<(String, Json)> = Vec::with_capacity(entries.len());
                for (key, value) in entries {
                    let NodeKind::Scalar(name) = &key.kind else {
                        self.wrong_type(key, "a key", "text", "`name: value`");
                        return None;
                    };
                    if out.iter().any(|(k, _)| k == name) {
                        self.duplicate_key(name, key.span, what);
                        return None;
                    }
                    out.push((name.clone(), self.json(value, what)?));
                }
                Some(Json::Object(out))
            }
        }
    }

    fn required_text(
        &mut self,
        fields: &HashMap<&str, &Node>,
        key: &str,
        parent: &Node,
        what: &str,
        hint: &str,
    ) -> Option<Located<String>> {
        match fields.get(key) {
            Some(n) => self.text(n, &format!("`{key}`")),
            None => {
                self.missing(parent.span, &format!("{what} has no `{key}`"), hint);
                None
            }
        }
    }

    /// `lints:`: a mapping of diagnostic codes to levels; an unknown code is
    /// an unknown key (with a did-you-mean), levels are checked by validation.
    fn lints(&mut self, node: &Node) -> Vec<LintSetting> {
        let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        let NodeKind::Map(entries) = &node.kind else {
            self.mapping(node, "`lints`", &codes);
            return Vec::new();
        };
        let Some(fields) = self.mapping(node, "`lints`", &codes) else {
            return Vec::new();
        };
        // In file order, with each key's own span.
        let mut lints = Vec::new();
        for (key, _) in entries {
            let NodeKind::Scalar(name) = &key.kind else {
                continue;
            };
            let Some(value) = fields.get(name.as_str()) else {
                continue;
            };
            if let Some(level) = self.text(value, &format!("the level of `{name}`"))
                && !lints.iter().any(|l: &LintSetting| l.code.value == *name)
            {
                lints.push(LintSetting {
                    code: Located::new(name.clone(), key.span),
                    level,
                });
            }
        }
        lints
    }

    fn defaults(&mut self, node: &Node) -> Option<Defaults> {
        let fields = self.mapping(node, "`defaults`", DEFAULTS_KEYS)?;
        Some(Defaults {
            tags: fields
                .get("tags")
                .map(|n| self.text_list(n, "`defaults.tags`"))
                .unwrap_or_default(),
            card_type: fields.get("type").and_then(|n| self.card_type(n)),
            note_type: fields
                .get("note-type")
                .and_then(|n| self.text(n, "`note-type`")),
        })
    }

    /// `note-types:`: a list of note type definitions.
    fn note_types(&mut self, node: &Node) -> Vec<NoteTypeDef> {
        let NodeKind::Seq(items) = &node.kind else {
            self.wrong_type(
                node,
                "`note-types`",
                "a list",
                "one `- name: …` entry per note type",
            );
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.note_type(item, i + 1))
            .collect()
    }

    fn note_type(&mut self, node: &Node, number: usize) -> Option<NoteTypeDef> {
        let what = format!("note type {number}");
        let fields = self.mapping(node, &what, NOTE_TYPE_KEYS)?;
        let name = self.required_text(&fields, "name", node, &what, "add `name: Vocabulary`")?;
        let opt =
            |r: &mut Self, key: &str| fields.get(key).and_then(|n| r.text(n, &format!("`{key}`")));
        let kind = match opt(self, "kind") {
            Some(kind) => match NoteKind::parse(kind.value.trim()) {
                Some(k) => Some(Located::new(k, kind.span)),
                None => {
                    let d = Diagnostic::new(
                        Code::WrongType,
                        self.source,
                        kind.span,
                        format!("unknown note type kind `{}`", kind.value),
                    )
                    .label("not a kind")
                    .hint("write `kind: standard` (one card per template) or `kind: cloze`");
                    self.push(d);
                    None
                }
            },
            None => None,
        };
        let field_defs = match fields.get("fields") {
            Some(n) => self.field_defs(n),
            None => {
                self.missing(
                    node.span,
                    &format!("{what} has no `fields:`"),
                    "add `fields: [Front, Back]`, the field names in order",
                );
                Vec::new()
            }
        };
        let templates = match fields.get("templates") {
            Some(n) => self.templates(n),
            None => {
                self.missing(
                    node.span,
                    &format!("{what} has no `templates:`"),
                    "add `templates:` with `- name: Card 1`, `front:` and `back:`",
                );
                Vec::new()
            }
        };
        Some(NoteTypeDef {
            kind,
            fields: field_defs,
            templates,
            css: opt(self, "css"),
            css_file: opt(self, "css-file"),
            sort_field: opt(self, "sort-field"),
            scripts: opt(self, "scripts"),
            anki_id: opt(self, "anki-id"),
            original_stock_kind: opt(self, "original-stock-kind"),
            original_id: opt(self, "original-id"),
            crowdanki_uuid: opt(self, "crowdanki-uuid"),
            crowdanki: fields.get("crowdanki").and_then(|n| self.crowdanki(n)),
            span: name.span,
            name,
        })
    }

    /// A note type's `fields:`: names, or `{name, anki-id}` mappings.
    fn field_defs(&mut self, node: &Node) -> Vec<FieldDef> {
        let NodeKind::Seq(items) = &node.kind else {
            self.wrong_type(node, "`fields`", "a list", "`[Front, Back]`");
            return Vec::new();
        };
        let mut out = Vec::new();
        for item in items {
            match &item.kind {
                NodeKind::Map(_) => {
                    let Some(fields) = self.mapping(item, "a field", FIELD_KEYS) else {
                        continue;
                    };
                    let Some(name) =
                        self.required_text(&fields, "name", item, "a field", "add `name: Word`")
                    else {
                        continue;
                    };
                    let anki_id = fields
                        .get("anki-id")
                        .and_then(|n| self.text(n, "`anki-id`"));
                    let crowdanki = fields.get("crowdanki").and_then(|n| self.crowdanki(n));
                    out.push(FieldDef {
                        name,
                        anki_id,
                        crowdanki,
                    });
                }
                _ => {
                    if let Some(name) = self.text(item, "each field") {
                        out.push(FieldDef {
                            name,
                            anki_id: None,
                            crowdanki: None,
                        });
                    }
                }
            }
        }
        out
    }

    fn templates(&mut self, node: &Node) -> Vec<TemplateDef> {
        let NodeKind::Seq(items) = &node.kind else {
            self.wrong_type(
                node,
                "`templates`",
                "a list",
                "one `- name: Card 1` entry per template",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let what = format!("template {}", i + 1);
            let Some(fields) = self.mapping(item, &what, TEMPLATE_KEYS) else {
                continue;
            };
            let Some(name) = self.required_text(&fields, "name", item, &what, "add `name: Card 1`")
            else {
                continue;
            };
            let opt = |r: &mut Self, key: &str| {
                fields.get(key).and_then(|n| r.text(n, &format!("`{key}`")))
            };
            out.push(TemplateDef {
                front: opt(self, "front"),
                front_file: opt(self, "front-file"),
                back: opt(self, "back"),
                back_file: opt(self, "back-file"),
                anki_id: opt(self, "anki-id"),
                crowdanki: fields.get("crowdanki").and_then(|n| self.crowdanki(n)),
                name,
            });
        }
        out
    }

    /// A card's `fields:`: field name → Markdown text or `{html: …}`.
    fn note_fields(&mut self, node: &Node) -> Vec<NoteField> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(
                node,
                "`fields`",
                "a mapping",
                "`Word: hablar` lines, one per field",
            );
            return Vec::new();
        };
        let mut out: Vec<NoteField> = Vec::new();
        for (key, value) in entries {
            let NodeKind::Scalar(name) = &key.kind else {
                self.wrong_type(key, "a field name", "text", "`Word: hablar`");
                continue;
            };
            if let Some(first) = out.iter().find(|f| f.name.value == *name) {
                let d = Diagnostic::new(
                    Code::DuplicateKey,
                    self.source,
                    key.span,
                    format!("field `{name}` is set twice"),
                )
                .label("set again here")
                .related(self.source, first.name.span, "first set here")
                .hint("keep one value per field");
                self.push(d);
                continue;
            }
            let name = Located::new(name.clone(), key.span);
            let (value, html) = match &value.kind {
                NodeKind::Map(_) => {
                    let Some(inner) = self.mapping(value, "a field value", &["html"]) else {
                        continue;
                    };
                    let Some(html) = inner.get("html").and_then(|n| self.text(n, "`html`")) else {
                        self.missing(
                            value.span,
                            "an HTML field value has no `html:`",
                            "write `{html: \"<b>text</b>\"}`, or plain Markdown text",
                        );
                        continue;
                    };
                    (html, true)
                }
                _ => match self.text(value, &format!("field `{}`", name.value)) {
                    Some(text) => (text, false),
                    None => continue,
                },
            };
            out.push(NoteField { name, value, html });
        }
        out
    }

    /// A card's `decks:`: template name → deck name.
    fn template_decks(&mut self, node: &Node) -> Vec<TemplateDeck> {
        let NodeKind::Map(entries) = &node.kind else {
            self.wrong_type(
                node,
                "`decks`",
                "a mapping",
                "`Production: Lang::Verbs`, one line per template",
            );
            return Vec::new();
        };
        let mut out = Vec::new();
        for (key, value) in entries {
            let Some(template) = self.text(key, "a template name") else {
                continue;
            };
            if let Some(deck) = self.text(value, "a deck name") {
                out.push(TemplateDeck { template, deck });
            }
        }
        out
    }

    fn cards(&mut self, node: &Node) -> Vec<Card> {
        match &node.kind {
            NodeKind::Seq(items) if !items.is_empty() => items
                .iter()
                .enumerate()
                .filter_map(|(i, item)| self.card(item, i + 1))
                .collect(),
            NodeKind::Seq(_) | NodeKind::Null => {
                let d = Diagnostic::new(
                    Code::EmptyField,
                    self.source,
                    node.span,
                    "the bank has no cards",
                )
                .label("empty list")
                .hint("add cards under `cards:`, each starting with `- id: some-slug`");
                self.push(d);
                Vec::new()
            }
            _ => {
                self.wrong_type(node, "`cards`", "a list", "one `- id: …` entry per card");
                Vec::new()
            }
        }
    }

    fn card(&mut self, node: &Node, number: usize) -> Option<Card> {
        let what = format!("card {number}");
        let fields = self.mapping(node, &what, CARD_KEYS)?;
        let id = self.required_text(
            &fields,
            "id",
            node,
            &what,
            "add `id: some-slug`, unique in the bank and never changed",
        )?;
        let opt =
            |r: &mut Self, key: &str| fields.get(key).and_then(|n| r.text(n, &format!("`{key}`")));
        let reported_before = self.diagnostics.len();
        let card_type = fields.get("type").and_then(|n| self.card_type(n));
        let mut card = Card {
            malformed: false,
            topic: opt(self, "topic"),
            card_type,
            question: opt(self, "question"),
            answer: opt(self, "answer"),
            text: opt(self, "text"),
            extra: opt(self, "extra"),
            tags: fields
                .get("tags")
                .map(|n| self.text_list(n, "`tags`"))
                .unwrap_or_default(),
            references: fields
                .get("references")
                .map(|n| self.text_list(n, "`references`"))
                .unwrap_or_default(),
            note_type: opt(self, "note-type"),
            fields: fields
                .get("fields")
                .map(|n| self.note_fields(n))
                .unwrap_or_default(),
            guid: opt(self, "guid"),
            deck: opt(self, "deck"),
            decks: fields
                .get("decks")
                .map(|n| self.template_decks(n))
                .unwrap_or_default(),
            crowdanki: fields.get("crowdanki").and_then(|n| self.crowdanki(n)),
            id,
        };
        // A field of the wrong type or an unknown card type has been reported;
        // checking the fields against a guessed type would only add noise.
        card.malformed = self.diagnostics.len() > reported_before;
        Some(card)
    }
}

/// The closest allowed name, if it is close enough to be a typo.
pub(crate) fn did_you_mean<'a>(name: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (strsim::jaro_winkler(&name.to_lowercase(), c), *c))
        .filter(|(score, _)| *score >= 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::schema::allowed_keys;

    fn sorted(keys: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn loader_keys_match_the_schema() {
        assert_eq!(sorted(BANK_KEYS), allowed_keys("Bank"));
        assert_eq!(sorted(DECK_KEYS), allowed_keys("DeckMeta"));
        assert_eq!(sorted(DEFAULTS_KEYS), allowed_keys("Defaults"));
        assert_eq!(sorted(CARD_KEYS), allowed_keys("Card"));
        assert_eq!(sorted(NOTE_TYPE_KEYS), allowed_keys("NoteTypeDef"));
        assert_eq!(sorted(FIELD_KEYS), allowed_keys("FieldDef"));
        assert_eq!(sorted(TEMPLATE_KEYS), allowed_keys("TemplateDef"));
        assert_eq!(
            sorted(DECK_CROWDANKI_KEYS),
            allowed_keys("DeckCrowdAnkiSchema")
        );
    }

    #[test]
    fn did_you_mean_finds_typos_only() {
        assert_eq!(did_you_mean("qustion", CARD_KEYS), Some("question"));
        assert_eq!(did_you_mean("Answer", CARD_KEYS), Some("answer"));
        assert_eq!(did_you_mean("zzz", CARD_KEYS), None);
    }
}
