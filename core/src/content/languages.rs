//! Names of the languages partners speak, so "spanish interpreter" or "somali" finds contacts whose
//! record only says `es` or `so`. Indexed beside the tag; never shown as a translation table.

/// Searchable names for a BCP 47 tag (English name, endonym, common words officers type).
pub fn names(tag: &str) -> &'static [&'static str] {
    let primary = tag.split('-').next().unwrap_or(tag).to_ascii_lowercase();
    match primary.as_str() {
        "en" => &["english", "inglés"],
        "es" => &["spanish", "español", "hispanic", "latino"],
        "so" => &["somali", "soomaali"],
        "hmn" => &["hmong"],
        "vi" => &["vietnamese", "tiếng việt"],
        "ar" => &["arabic", "árabe"],
        "zh" => &["chinese", "mandarin", "cantonese"],
        "ru" => &["russian"],
        "fr" => &["french", "français"],
        "am" => &["amharic"],
        "om" => &["oromo"],
        "kar" => &["karen"],
        "ne" => &["nepali"],
        "uk" => &["ukrainian"],
        "ku" | "ckb" | "kmr" | "sdh" => &["kurdish"],
        "prs" => &["dari"],
        "fa" => &["farsi", "persian"],
        "ps" => &["pashto"],
        "ht" => &["haitian creole", "kreyòl"],
        "quc" => &["k'iche'", "kiche", "quiché"],
        "mam" => &["mam"],
        "ti" => &["tigrinya"],
        "sw" => &["swahili"],
        "my" => &["burmese"],
        "lo" => &["lao"],
        "km" => &["khmer", "cambodian"],
        "tl" | "fil" => &["tagalog", "filipino"],
        "ko" => &["korean"],
        "pt" => &["portuguese"],
        "pa" => &["punjabi"],
        "hi" => &["hindi"],
        "ur" => &["urdu"],
        "bs" => &["bosnian"],
        "pl" => &["polish"],
        "cmn" => &["mandarin", "chinese"],
        "yue" => &["cantonese", "chinese"],
        "ase" => &["asl", "american sign language", "sign language", "deaf"],
        _ => &[],
    }
}

/// A short display name for a tag, for facets and the directory.
pub fn display_name(tag: &str) -> String {
    match tag.to_ascii_lowercase().as_str() {
        "ase" => "ASL".to_owned(),
        "vi" => "Vietnamese".to_owned(),
        "es" => "Spanish".to_owned(),
        "ht" => "Haitian Creole".to_owned(),
        _ => match names(tag).first() {
            Some(name) => {
                let mut chars = name.chars();
                match chars.next() {
                    Some(first) => first.to_uppercase().chain(chars).collect(),
                    None => tag.to_owned(),
                }
            }
            None => tag.to_owned(),
        },
    }
}

/// The tag for what a user typed as a language: a tag (`es`) as is, or a name ("Spanish",
/// "español", "ASL") mapped to its tag. `None` when it is neither.
pub fn resolve(input: &str) -> Option<String> {
    let lowered = input.trim().to_lowercase();
    if let Some(tag) = KNOWN.iter().find(|t| **t == lowered) {
        return Some((*tag).to_owned());
    }
    if let Some(tag) = by_name(&lowered) {
        return Some(tag.to_owned());
    }
    is_valid_tag(input.trim()).then(|| input.trim().to_owned())
}

/// Tags the pack's contacts use, most common first.
const KNOWN: &[&str] = &[
    "en", "es", "so", "hmn", "vi", "ar", "zh", "ru", "fr", "am", "om", "kar", "ne", "uk", "ku",
    "prs", "fa", "ps", "ht", "quc", "mam", "ti", "sw", "my", "lo", "km", "tl", "ko", "pt", "pa",
    "hi", "ur", "bs", "pl", "ase",
];

/// The tag of a language named in lowercase ("arabic", "español"), never of a bare tag: a
/// sentence's "my" or "so" is not Burmese or Somali.
pub fn by_name(lowered: &str) -> Option<&'static str> {
    KNOWN.iter().copied().find(|t| names(t).contains(&lowered))
}

/// Whether `tag` is a well-formed BCP 47 tag of the simple kind packs use (`es`, `zh-Hant`, `ase`).
pub fn is_valid_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let Some(primary) = parts.next() else {
        return false;
    };
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_names_a_language_and_a_bare_tag_does_not() {
        assert_eq!(by_name("arabic"), Some("ar"));
        assert_eq!(by_name("español"), Some("es"));
        // "my" (Burmese) and "so" (Somali) are tags, and words of every sentence.
        assert_eq!(by_name("my"), None);
        assert_eq!(by_name("so"), None);
        assert_eq!(
            resolve("so").as_deref(),
            Some("so"),
            "a filter still takes the tag"
        );
    }

    #[test]
    fn tags_are_checked_for_shape() {
        assert!(is_valid_tag("es"));
        assert!(is_valid_tag("zh-Hant"));
        assert!(is_valid_tag("ase"));
        assert!(!is_valid_tag("Spanish"));
        assert!(!is_valid_tag("e"));
        assert!(!is_valid_tag("es-"));
    }

    #[test]
    fn names_cover_region_subtags() {
        assert!(names("es-MX").contains(&"spanish"));
        assert_eq!(display_name("so"), "Somali");
        assert_eq!(display_name("xx"), "xx");
    }

    #[test]
    fn names_resolve_to_tags() {
        assert_eq!(resolve("Spanish").as_deref(), Some("es"));
        assert_eq!(resolve("español").as_deref(), Some("es"));
        assert_eq!(resolve("ASL").as_deref(), Some("ase"));
        assert_eq!(resolve("so").as_deref(), Some("so"));
        assert_eq!(resolve("Klingon"), None);
        // The languages partners' descriptions name (issue 11), found by the language filter.
        assert_eq!(resolve("Ukrainian").as_deref(), Some("uk"));
        assert_eq!(resolve("Dari").as_deref(), Some("prs"));
        assert_eq!(resolve("K'iche'").as_deref(), Some("quc"));
        assert_eq!(resolve("Kurdish").as_deref(), Some("ku"));
        assert_eq!(display_name("quc"), "K'iche'");
        assert_eq!(display_name("ht"), "Haitian Creole");
        assert_eq!(display_name("ckb"), "Kurdish");
    }
}
