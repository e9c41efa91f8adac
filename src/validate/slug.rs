//! Slugs: the ids of decks and cards.

/// Slugs: lowercase ASCII letters and digits in words joined by single hyphens.
///
/// ```
/// use flashdeck::validate::is_slug;
/// assert!(is_slug("what-is-django"));
/// assert!(!is_slug("What is Django"));
/// ```
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|w| {
            !w.is_empty()
                && w.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

/// Turns free text into the nearest slug (card and deck ids of converted
/// decks, hints). Letters are transliterated, never dropped.
///
/// ```
/// use flashdeck::validate::suggest_slug;
/// assert_eq!(suggest_slug("What is Django?"), "what-is-django");
/// assert_eq!(suggest_slug("Injektivität"), "injektivitat");
/// ```
pub fn suggest_slug(s: &str) -> String {
    let lowered: String = deunicode::deunicode(s)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    lowered.split_whitespace().collect::<Vec<_>>().join("-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("what-is-django"));
        assert!(is_slug("q1"));
        assert!(!is_slug("What"));
        assert!(!is_slug("a--b"));
        assert!(!is_slug("-a"));
        assert!(!is_slug("a_b"));
        assert_eq!(suggest_slug("What is Django?"), "what-is-django");
        assert_eq!(suggest_slug("Injektivität"), "injektivitat");
        assert_eq!(suggest_slug("Straße über Čechy"), "strasse-uber-cechy");
        assert_eq!(suggest_slug("中文"), "zhong-wen");
        assert_eq!(suggest_slug("😀"), "grinning");
    }
}
