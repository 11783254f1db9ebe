//! Trainers' synonyms, expanded at query time: the pack can change them without reindexing.

/// Groups of equivalent terms; each term is a sequence of lowercased words.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    groups: Vec<Vec<Vec<String>>>,
}

impl Synonyms {
    /// Compiles `pack.toml` lines like `EDP = emotionally disturbed person = mental health crisis`.
    pub fn from_lines(lines: &[String]) -> Synonyms {
        let groups = lines
            .iter()
            .map(|line| {
                line.split('=')
                    .map(|term| {
                        // The words a query is cut into ([`super::parse`]): "can't" is "cant"
                        // there, so it must be here too, not "can" + "t".
                        crate::index::tokenizer::words(term)
                            .map(|(_, _, word)| word.to_lowercase())
                            .collect::<Vec<_>>()
                    })
                    .filter(|words| !words.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|group| group.len() > 1)
            .collect();
        Synonyms { groups }
    }

    /// The alternatives to add for `words` (the query's terms in order): for every group with a
    /// member found as a run of consecutive words, the group's other members.
    pub fn alternatives(&self, words: &[String]) -> Vec<&[String]> {
        let mut out: Vec<&[String]> = Vec::new();
        for found in self.matches(words) {
            for member in found.alternatives {
                if !out.contains(&member) {
                    out.push(member);
                }
            }
        }
        out
    }

    /// Where in `words` a group's member was found, and the group's other members: the
    /// alternatives stand for exactly those words of the query.
    pub fn matches(&self, words: &[String]) -> Vec<SynonymMatch<'_>> {
        let mut out = Vec::new();
        for group in &self.groups {
            let hit = group.iter().enumerate().find_map(|(m, member)| {
                words
                    .windows(member.len())
                    .position(|w| w == member.as_slice())
                    .map(|start| (m, start, member.len()))
            });
            if let Some((found, start, len)) = hit {
                let alternatives = group
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| *i != found)
                    .map(|(_, member)| member.as_slice())
                    .collect();
                out.push(SynonymMatch {
                    words: start..start + len,
                    alternatives,
                });
            }
        }
        out
    }
}

/// A synonym group's member found in the query.
#[derive(Debug, Clone, PartialEq)]
pub struct SynonymMatch<'a> {
    /// The query words the member spans.
    pub words: std::ops::Range<usize>,
    /// The group's other members, each a run of lowercased words.
    pub alternatives: Vec<&'a [String]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_member_brings_in_the_others() {
        let s = Synonyms::from_lines(&[
            "EDP = emotionally disturbed person = mental health crisis".to_owned(),
        ]);
        let alts = s.alternatives(&words("edp downtown"));
        assert_eq!(alts.len(), 2);
        assert_eq!(alts[1], words("mental health crisis").as_slice());
        let from_phrase = s.alternatives(&words("mental health crisis"));
        assert_eq!(from_phrase[0], words("edp").as_slice());
        assert!(s.alternatives(&words("mental")).is_empty());
    }

    #[test]
    fn a_match_knows_the_words_it_stands_for() {
        let s = Synonyms::from_lines(&["OFP = order for protection".to_owned()]);
        let found = s.matches(&words("violated order for protection today"));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].words, 1..4);
        assert_eq!(found[0].alternatives, vec![words("ofp").as_slice()]);
    }

    /// A member is cut into words as a query is: with an apostrophe typed or left out, "can't
    /// breathe" is the same two words on both sides.
    #[test]
    fn a_member_with_an_apostrophe_matches_the_query_as_typed() {
        let s = Synonyms::from_lines(&["can't breathe = unable to breathe".to_owned()]);
        for typed in ["he can't breathe", "he cant breathe", "he can’t breathe"] {
            let terms = super::super::parse::parse(typed).terms;
            assert_eq!(
                s.alternatives(&terms),
                vec![words("unable to breathe").as_slice()],
                "{typed}"
            );
        }
    }

    #[test]
    fn lines_without_two_terms_are_ignored() {
        let s = Synonyms::from_lines(&["lonely".to_owned(), " = x".to_owned()]);
        assert!(s.alternatives(&words("lonely")).is_empty());
    }
}
