use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::source::Span;

/// A value and the byte span of the YAML node it was read from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// Where it is in the bank file.
    pub span: Span,
}

impl<T> Located<T> {
    /// Pairs a value with its span.
    pub fn new(value: T, span: Span) -> Self {
        Located { value, span }
    }
}

impl<T> std::ops::Deref for Located<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

// The schema of a located value is the schema of the value: spans are not
// part of the file format.
impl<T: JsonSchema> JsonSchema for Located<T> {
    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}
