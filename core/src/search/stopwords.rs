//! Words too common to say what a query is about, in English and Spanish. They are left out of
//! scoring and out of what a document must cover ("what are the problems of the ..."), never out
//! of quoted phrases, and never when they are all the query has.
//!
//! Our own short lists rather than tantivy's `stopwords` feature: two languages, not eighteen, in
//! a library that ships on phones. Negations and words officers use for a scene ("off", "out",
//! "down", "no") are kept: "off his meds" is about the meds being off. A negation says nothing
//! by itself, though, and a Spanish checklist full of "no habla", "no entiende" matched every
//! Spanish need ("no tengo papeles"): beside other words it counts only in a pair.

const ENGLISH: &[&str] = &[
    "a",
    "about",
    "above",
    "after",
    "again",
    "all",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "below",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "hers",
    "herself",
    "him",
    "himself",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "itself",
    "just",
    "me",
    "more",
    "most",
    "my",
    "myself",
    "of",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "ourselves",
    "own",
    "same",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "theirs",
    "them",
    "themselves",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "yourself",
    "yourselves",
    "also",
    "may",
    "might",
    "must",
    "shall",
    "s",
    "t",
    // Contractions typed without their apostrophe (the tokenizer joins "he's" into "hes").
    "hes",
    "shes",
    "im",
    "ive",
    "youre",
    "theyre",
    "thats",
    "theres",
    "whats",
];

const SPANISH: &[&str] = &[
    "a", "al", "algo", "algunos", "ante", "antes", "como", "con", "cual", "cuando", "de", "del",
    "desde", "donde", "durante", "e", "el", "ella", "ellas", "ellos", "en", "entre", "era", "es",
    "esa", "esas", "ese", "eso", "esos", "esta", "estaba", "estas", "este", "esto", "estos", "fue",
    "ha", "han", "hay", "la", "las", "le", "les", "lo", "los", "me", "mi", "mis", "muy", "nos",
    "o", "para", "pero", "por", "porque", "que", "quien", "se", "sea", "ser", "si", "sin", "sobre",
    "su", "sus", "también", "tambien", "te", "tiene", "tu", "tus", "u", "un", "una", "uno", "unos",
    "y", "ya", "yo", "estoy", "estás", "está", "estamos", "están", "estan", "estaban", "estado",
    "estar", "tengo", "tienes", "tenemos", "tienen", "tenía", "tenia", "tener", "he", "has",
    "hemos", "había", "habia", "habían", "haber", "soy", "eres", "somos", "sido", "él", "usted",
    "ustedes", "nosotros", "nosotras", "mí", "ti", "nuestro", "nuestra", "nuestros", "nuestras",
    "aquel", "aquella", "otro", "otra", "otros", "otras", "mismo", "misma", "cada", "todo", "toda",
    "todos", "todas", "más", "mas", "alguna", "algunas", "alguno", "pocos", "pocas", "qué", "cómo",
    "dónde", "cuándo", "hasta", "contra",
];

/// Words kept for the phrases they make ("off his meds", "no habla inglés", "no quiero vivir")
/// that say nothing on their own: beside other words they score only as part of a pair. A need
/// or a wish says what kind of answer is wanted, not what it is about ("quiero aprender inglés"
/// is about English classes), and alone "quiero", rare in a pack with few Spanish documents,
/// outweighed the words that matter: the Spanish crisis checklist came first for it, through
/// the stem of its scene phrase "le quieren hacer daño". (Measured in BENCHMARKS.md, stop 28.)
const PAIRS_ONLY: &[&str] = &[
    "no",
    "not",
    "want",
    "wants",
    "need",
    "needs",
    "needed",
    "quiero",
    "quiere",
    "quieren",
    "queremos",
    "necesito",
    "necesita",
    "necesitan",
    "necesitamos",
];

/// Whether a lowercased query word counts only in a pair when the query has other words.
pub fn scores_only_in_pairs(word: &str) -> bool {
    PAIRS_ONLY.contains(&word)
}

/// Whether a lowercased query word is a stop word in English or Spanish.
pub fn is_stop_word(word: &str) -> bool {
    ENGLISH.contains(&word) || SPANISH.contains(&word)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn function_words_are_stop_words_and_scene_words_are_not() {
        for word in ["the", "of", "what", "de", "los", "para"] {
            assert!(is_stop_word(word), "{word}");
        }
        // Spanish as English: "tengo", "estoy" are "have", "am".
        for word in ["tengo", "estoy", "está", "tenemos", "usted", "más"] {
            assert!(is_stop_word(word), "{word}");
        }
        // A Spanish function word that is an English word is left to English: "my son".
        assert!(!is_stop_word("son"));
        assert!(!is_stop_word("tan"));
        for word in ["off", "no", "down", "meds", "jump", "sordo", "not"] {
            assert!(!is_stop_word(word), "{word}");
        }
    }

    #[test]
    fn negations_and_needs_count_in_pairs_only_and_other_kept_words_alone_too() {
        for word in ["no", "not", "need", "want", "quiero", "necesito"] {
            assert!(scores_only_in_pairs(word), "{word}");
        }
        for word in ["off", "down", "meds", "papers", "wanted", "vivir"] {
            assert!(!scores_only_in_pairs(word), "{word}");
        }
    }
}
