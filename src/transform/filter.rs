//! `--tag`, `--exclude-tag` and `--id`: which cards go into the outputs.

/// Card selection. Empty lists select everything.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Keep cards that have at least one of these tags (a parent tag matches
    /// its children: `django` matches `django::orm`).
    pub tags: Vec<String>,
    /// Drop cards that have any of these tags.
    pub exclude_tags: Vec<String>,
    /// Keep only these card ids.
    pub ids: Vec<String>,
}

impl Filter {
    /// Whether it keeps every card.
    pub fn is_empty(&self) -> bool {
        self.tags.is_empty() && self.exclude_tags.is_empty() && self.ids.is_empty()
    }

    /// Whether a card with `id` and `tags` is selected.
    pub fn selects(&self, id: &str, tags: &[String]) -> bool {
        let has = |wanted: &str| tags.iter().any(|t| tag_matches(t, wanted));
        (self.ids.is_empty() || self.ids.iter().any(|i| i == id))
            && (self.tags.is_empty() || self.tags.iter().any(|t| has(t)))
            && !self.exclude_tags.iter().any(|t| has(t))
    }
}

/// Anki compares tags case-insensitively, and a parent matches its children.
fn tag_matches(tag: &str, wanted: &str) -> bool {
    let (tag, wanted) = (tag.to_lowercase(), wanted.to_lowercase());
    tag == wanted || tag.starts_with(&format!("{wanted}::"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_by_tag_hierarchy_exclusion_and_id() {
        let tags = vec!["django".to_string(), "orm::queries".to_string()];
        let only = |f: Filter| f.selects("a", &tags);
        assert!(only(Filter::default()));
        assert!(only(Filter {
            tags: vec!["ORM".into()],
            ..Default::default()
        }));
        assert!(!only(Filter {
            tags: vec!["orm::q".into()],
            ..Default::default()
        }));
        assert!(!only(Filter {
            exclude_tags: vec!["django".into()],
            ..Default::default()
        }));
        assert!(!only(Filter {
            ids: vec!["b".into()],
            ..Default::default()
        }));
    }
}
