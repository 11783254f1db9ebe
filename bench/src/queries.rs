//! A seeded query set in six classes, drawn from the corpus's own words, as officers type them.

use std::collections::BTreeSet;

use fieldref_core::content::Pack;

use crate::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Class {
    Single,
    Multi,
    Typo,
    Prefix,
    Phrase,
    /// A sentence of 10–20 words, as someone describes what they need.
    Natural,
}

impl Class {
    pub const ALL: [Class; 6] = [
        Class::Single,
        Class::Multi,
        Class::Typo,
        Class::Prefix,
        Class::Phrase,
        Class::Natural,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Class::Single => "single term",
            Class::Multi => "multi-term",
            Class::Typo => "typo (1-2 edits)",
            Class::Prefix => "prefix (as you type)",
            Class::Phrase => "quoted phrase",
            Class::Natural => "natural language (10-20 words)",
        }
    }

    /// Whether the user is still typing the last word (search as you type).
    pub fn typing(self) -> bool {
        self == Class::Prefix
    }
}

#[derive(Debug, Clone)]
pub struct Query {
    pub class: Class,
    /// What the user typed (FieldRef takes it as is).
    pub text: String,
    /// The same intent in FTS5 MATCH syntax.
    pub fts: String,
    /// For typos: the word meant.
    pub meant: Option<String>,
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic())
        .filter(|w| w.len() >= 4)
        .map(str::to_lowercase)
        .collect()
}

fn fts_terms(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("\"{w}\""))
        .collect::<Vec<_>>()
        .join(" ")
}

fn typo(rng: &mut Rng, word: &str) -> String {
    let mut chars: Vec<char> = word.chars().collect();
    let edits = if chars.len() >= 8 { 2 } else { 1 };
    for _ in 0..edits {
        let i = 1 + rng.below(chars.len() - 2);
        if rng.chance(50) {
            chars.swap(i, i + 1);
        } else {
            chars[i] = (b'a' + rng.below(26) as u8) as char;
        }
    }
    chars.into_iter().collect()
}

pub fn generate(pack: &Pack, per_class: usize, seed: u64) -> Vec<Query> {
    let mut rng = Rng::new(seed);
    let texts: Vec<String> = pack
        .documents
        .iter()
        .map(|d| format!("{} {} {}", d.title, d.summary, d.body))
        .collect();
    let vocabulary: Vec<String> = texts
        .iter()
        .flat_map(|t| words(t))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out = Vec::new();
    for class in Class::ALL {
        let mut made = 0;
        while made < per_class {
            let text = rng.pick(&texts);
            let ws = words(text);
            if ws.len() < 4 {
                continue;
            }
            let query = match class {
                Class::Single => {
                    let w = rng.pick(&vocabulary).clone();
                    Query {
                        class,
                        fts: fts_terms(&[&w]),
                        text: w,
                        meant: None,
                    }
                }
                Class::Multi => {
                    let (a, b) = (rng.pick(&ws).clone(), rng.pick(&ws).clone());
                    if a == b {
                        continue;
                    }
                    Query {
                        class,
                        text: format!("{a} {b}"),
                        fts: fts_terms(&[&a, &b]),
                        meant: None,
                    }
                }
                Class::Typo => {
                    let w = rng.pick(&vocabulary).clone();
                    if w.len() < 5 || !w.is_ascii() {
                        continue;
                    }
                    let t = typo(&mut rng, &w);
                    if t == w {
                        continue;
                    }
                    Query {
                        class,
                        fts: fts_terms(&[&t]),
                        text: t,
                        meant: Some(w),
                    }
                }
                Class::Prefix => {
                    let w = rng.pick(&vocabulary).clone();
                    let cut = (2 + rng.below(4)).min(w.chars().count());
                    let p: String = w.chars().take(cut).collect();
                    Query {
                        class,
                        fts: format!("\"{p}\"*"),
                        text: p,
                        meant: None,
                    }
                }
                Class::Phrase => {
                    // Two words that stand next to each other in the text.
                    let all: Vec<String> = text
                        .split(|c: char| !c.is_alphabetic())
                        .filter(|w| !w.is_empty())
                        .map(str::to_lowercase)
                        .collect();
                    let at = rng.below(all.len() - 1);
                    if all[at].len() < 3 || all[at + 1].len() < 3 {
                        continue;
                    }
                    let phrase = all[at..at + 2].join(" ");
                    Query {
                        class,
                        text: format!("\"{phrase}\""),
                        fts: format!("\"{phrase}\""),
                        meant: None,
                    }
                }
                Class::Natural => {
                    // A run of 10-20 words in the text's order, stop words and all.
                    let all: Vec<String> = text
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| !w.is_empty())
                        .map(str::to_lowercase)
                        .collect();
                    let len = 10 + rng.below(11);
                    if all.len() < len {
                        continue;
                    }
                    let at = rng.below(all.len() - len + 1);
                    let sentence = &all[at..at + len];
                    Query {
                        class,
                        text: sentence.join(" "),
                        fts: sentence
                            .iter()
                            .map(|w| format!("\"{w}\""))
                            .collect::<Vec<_>>()
                            .join(" OR "),
                        meant: None,
                    }
                }
            };
            out.push(query);
            made += 1;
        }
    }
    out
}
