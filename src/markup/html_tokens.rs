//! HTML as a browser's tokenizer reads it (html5ever's): tags with their
//! decoded attributes, and decoded text. The sheets read HTML fields from
//! these tokens; the field sanitizer compares a field's tokens with its
//! sanitized tokens to tell whether anything was taken out.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// The tokens of `html`; comments and doctypes are left out.
pub(crate) fn tokenize(html: &str) -> Vec<Piece> {
    let tokenizer = Tokenizer::new(Collect::default(), TokenizerOpts::default());
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.tokens.take()
}

/// Whether a start tag named `name` opens an element whose text a reader
/// never sees (`<script>`, `<style>`, `<head>`, a `<select>`'s options…):
/// what follows is skipped up to its end tag.
pub(crate) fn hides_its_text(name: &str) -> bool {
    matches!(
        name,
        "script"
            | "style"
            | "template"
            | "noscript"
            | "iframe"
            | "noembed"
            | "noframes"
            | "object"
            | "head"
            | "title"
            | "svg"
            | "math"
            | "select"
            | "textarea"
    )
}

/// While `skipping` names an element whose text is hidden, an end tag
/// `name` either ends it (`skipping` becomes `None`) or is inside it; true
/// when the tag belonged to the skipped element.
pub(crate) fn skipped_end(skipping: &mut Option<String>, name: &str) -> bool {
    match skipping {
        Some(skipped) => {
            if skipped == name {
                *skipping = None;
            }
            true
        }
        None => false,
    }
}

/// What reads HTML a token at a time ([`feed`]).
pub(crate) trait TokenReader {
    /// Text, entities decoded.
    fn on_text(&mut self, text: &str);
    /// A start tag.
    fn on_start(&mut self, name: &str, attributes: &[(String, String)], self_closing: bool);
    /// An end tag.
    fn on_end(&mut self, name: &str);
}

/// Hands `piece` to `reader`.
pub(crate) fn feed(piece: Piece, reader: &mut impl TokenReader) {
    match piece {
        Piece::Text(text) => reader.on_text(&text),
        Piece::Start {
            name,
            attributes,
            self_closing,
        } => reader.on_start(&name, &attributes, self_closing),
        Piece::End(name) => reader.on_end(&name),
    }
}

/// A token of HTML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Piece {
    /// Text, entities decoded (adjacent pieces joined).
    Text(String),
    /// A start tag.
    Start {
        /// Lowercase name.
        name: String,
        /// Name and decoded value of each attribute, in order.
        attributes: Vec<(String, String)>,
        /// Written `<br/>`.
        self_closing: bool,
    },
    /// An end tag (lowercase name).
    End(String),
}

/// Collects html5ever's tokens (its sink is called with `&self`).
#[derive(Default)]
struct Collect {
    tokens: RefCell<Vec<Piece>>,
}

impl TokenSink for Collect {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        use html5ever::tokenizer::states::RawKind;
        let mut tokens = self.tokens.borrow_mut();
        match token {
            Token::CharacterTokens(text) => match tokens.last_mut() {
                Some(Piece::Text(last)) => last.push_str(&text),
                _ => tokens.push(Piece::Text(text.to_string())),
            },
            Token::NullCharacterToken => {}
            Token::TagToken(tag) => {
                let name = tag.name.to_string();
                match tag.kind {
                    TagKind::StartTag => {
                        let attributes = tag
                            .attrs
                            .iter()
                            .map(|a| (a.name.local.to_string(), a.value.to_string()))
                            .collect();
                        tokens.push(Piece::Start {
                            name: name.clone(),
                            attributes,
                            self_closing: tag.self_closing,
                        });
                        // As a browser reads them: the content of these
                        // elements is text up to their end tag.
                        let raw = match name.as_str() {
                            _ if tag.self_closing => None,
                            "script" => Some(RawKind::ScriptData),
                            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                                Some(RawKind::Rawtext)
                            }
                            "textarea" | "title" => Some(RawKind::Rcdata),
                            _ => None,
                        };
                        if let Some(kind) = raw {
                            return TokenSinkResult::RawData(kind);
                        }
                        if name == "plaintext" {
                            return TokenSinkResult::Plaintext;
                        }
                    }
                    TagKind::EndTag => tokens.push(Piece::End(name)),
                }
            }
            Token::CommentToken(_)
            | Token::DoctypeToken(_)
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }
}
