//! Judged queries: the one shape both collections take once loaded (CISI's binary judgments
//! become grade 1), and the loader of the in-domain file `bench/relevance/port-alder.toml`:
//!
//! ```toml
//! [[query]]
//! text = "autsim"
//! class = "typo"
//! typing = true                                  # optional: run as search-as-you-type
//! judgments = { "checklist-autism" = 3, "contact-x" = 1 }   # 3/2/1; unlisted = 0
//! ```
//!
//! The file is written by hand against a pack that keeps changing, so it is checked on load:
//! a judged id the pack lacks would silently count as a miss for every engine, and a query with
//! no grade-3 document has no right answer to rank first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context, Result};
use fieldref_core::content::Pack;
use serde::Deserialize;

/// One query with its graded judgments (unlisted documents are grade 0).
#[derive(Debug, Clone)]
pub struct JudgedQuery {
    /// Where the query comes from, for messages: `q12` for CISI, `port-alder.toml:14` in-domain.
    pub label: String,
    pub text: String,
    /// Free-form class for per-class figures (`typo`, `scene`…; `cisi` for CISI).
    pub class: String,
    /// Run as search-as-you-type: the last word may be unfinished.
    pub typing: bool,
    pub grades: HashMap<String, u32>,
}

impl JudgedQuery {
    /// Every judged grade, for the ideal ranking of nDCG.
    pub fn judged_grades(&self) -> Vec<u32> {
        self.grades.values().copied().collect()
    }

    /// How many documents are relevant (grade ≥ 1), for average precision.
    pub fn relevant(&self) -> usize {
        self.grades.values().filter(|&&g| g >= 1).count()
    }
}

/// A judged file that parses but does not fit the pack; typed so tests and callers can tell
/// which rule failed and for which document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// A judged id the pack does not have (renamed or deleted document, or a typo).
    UnknownId {
        path: PathBuf,
        line: usize,
        query: String,
        id: String,
    },
    /// A grade outside 0–3 (0, judged not relevant, is allowed and counts like unlisted).
    BadGrade {
        path: PathBuf,
        line: usize,
        query: String,
        id: String,
        grade: i64,
    },
    /// No document graded 3: the query has no right answer.
    NoGradeThree {
        path: PathBuf,
        line: usize,
        query: String,
    },
    /// Empty query text or class.
    Empty {
        path: PathBuf,
        line: usize,
        field: &'static str,
    },
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Invalid::UnknownId {
                path,
                line,
                query,
                id,
            } => write!(
                f,
                "{}:{line}: query {query:?}: judged document `{id}` is not in the pack",
                path.display()
            ),
            Invalid::BadGrade {
                path,
                line,
                query,
                id,
                grade,
            } => write!(
                f,
                "{}:{line}: query {query:?}: grade {grade} for `{id}` (expected 3, 2, 1, or 0 for not relevant)",
                path.display()
            ),
            Invalid::NoGradeThree { path, line, query } => write!(
                f,
                "{}:{line}: query {query:?}: no document graded 3",
                path.display()
            ),
            Invalid::Empty { path, line, field } => {
                write!(f, "{}:{line}: `{field}` must not be empty", path.display())
            }
        }
    }
}

impl std::error::Error for Invalid {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    query: Vec<RawQuery>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuery {
    text: toml::Spanned<String>,
    class: String,
    #[serde(default)]
    typing: bool,
    judgments: BTreeMap<String, i64>,
}

/// 1-based line of a byte offset, for `path:line:` messages.
fn line_at(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Reads and checks a judged file against `pack`. Parse errors name the file and line; rule
/// violations are an [`Invalid`] inside the error.
pub fn load(path: &Path, pack: &Pack) -> Result<Vec<JudgedQuery>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read judged queries {}", path.display()))?;
    let raw: RawFile = toml::from_str(&text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_at(&text, s.start));
        anyhow!("{}:{line}: {}", path.display(), e.message())
    })?;
    if raw.query.is_empty() {
        return Err(anyhow!(
            "{}:1: no [[query]] entries: nothing to measure",
            path.display()
        ));
    }
    let known: HashSet<&str> = pack.documents.iter().map(|d| d.id.as_str()).collect();
    let name = path.file_name().map_or_else(
        || path.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let mut out = Vec::with_capacity(raw.query.len());
    for query in raw.query {
        let line = line_at(&text, query.text.span().start);
        out.push(check(path, format!("{name}:{line}"), line, query, &known)?);
    }
    Ok(out)
}

/// Applies the rules to one query entry (at `line` of `path`).
fn check(
    path: &Path,
    label: String,
    line: usize,
    query: RawQuery,
    known: &HashSet<&str>,
) -> Result<JudgedQuery, Invalid> {
    let text = query.text.into_inner();
    let owned = || path.to_path_buf();
    for (field, value) in [("text", &text), ("class", &query.class)] {
        if value.trim().is_empty() {
            return Err(Invalid::Empty {
                path: owned(),
                line,
                field,
            });
        }
    }
    let mut grades = HashMap::new();
    for (id, grade) in query.judgments {
        if !known.contains(id.as_str()) {
            return Err(Invalid::UnknownId {
                path: owned(),
                line,
                query: text,
                id,
            });
        }
        let Ok(g @ 0..=3) = u32::try_from(grade) else {
            return Err(Invalid::BadGrade {
                path: owned(),
                line,
                query: text,
                id,
                grade,
            });
        };
        grades.insert(id, g);
    }
    if !grades.values().any(|&g| g == 3) {
        return Err(Invalid::NoGradeThree {
            path: owned(),
            line,
            query: text,
        });
    }
    Ok(JudgedQuery {
        label,
        text,
        class: query.class.trim().to_owned(),
        typing: query.typing,
        grades,
    })
}
