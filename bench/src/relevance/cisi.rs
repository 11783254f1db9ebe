//! CISI, the classic library-science test collection (1,460 abstracts, 112 queries of which 76
//! are judged), in its SMART-style files: records open with `.I <n>`, fields with a line `.T`,
//! `.A`, `.W`, `.X` (or `.B`, `.C`, `.K`…) and run until the next marker; `CISI.REL` has one
//! `qid docid 0 0.0` line per relevant pair. Out-of-domain on purpose: it shows whether a ranking
//! change helps search in general or only the bundled pack.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use fieldref_core::content::{Audience, Details, Document, Note, Pack, PackInfo};

use super::judged::JudgedQuery;

/// The one category every CISI document is filed under (listed in the pack's settings). Its words
/// are indexed with every document, so it is a word no CISI query uses.
const CATEGORY: &str = "cisi";

/// A CISI abstract: number, title (`.T`) and text (`.W`), whitespace collapsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CisiDoc {
    pub number: u32,
    pub title: String,
    pub text: String,
}

/// The collection as measured: every document, and only the queries somebody judged.
#[derive(Debug, Clone)]
pub struct Cisi {
    pub documents: Vec<CisiDoc>,
    pub queries: Vec<JudgedQuery>,
}

/// `FIELDREF_CISI_DIR`, else `shared/ir/cisi` beside the workspace (where CI keeps it).
pub fn default_dir() -> PathBuf {
    match std::env::var_os("FIELDREF_CISI_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/ir/cisi"),
    }
}

/// Whether `dir` holds the three CISI files (so a missing collection is reported, not a crash).
pub fn present(dir: &Path) -> bool {
    ["CISI.ALL", "CISI.QRY", "CISI.REL"]
        .iter()
        .all(|f| dir.join(f).is_file())
}

/// One field of a record: its marker letter and its text (lines joined by newlines).
struct Field {
    tag: char,
    text: String,
}

/// One `.I` record with the line it starts on.
struct Record {
    number: u32,
    line: usize,
    fields: Vec<Field>,
}

impl Record {
    /// Every `tag` field's text, joined by a space, whitespace collapsed.
    fn text(&self, tag: char) -> String {
        let parts: Vec<&str> = self
            .fields
            .iter()
            .filter(|f| f.tag == tag)
            .map(|f| f.text.as_str())
            .collect();
        parts
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// A marker line: `.` then an uppercase letter, then nothing or whitespace (`.I 12`, `.T `).
/// Returns the letter and the rest of the line.
fn marker(line: &str) -> Option<(char, &str)> {
    let mut chars = line.chars();
    let (Some('.'), Some(tag)) = (chars.next(), chars.next()) else {
        return None;
    };
    let rest = chars.as_str();
    let ends = rest.is_empty() || rest.starts_with(char::is_whitespace);
    (tag.is_ascii_uppercase() && ends).then_some((tag, rest.trim()))
}

/// Splits a SMART-format file into records; `path` only names the file in errors.
fn records(text: &str, path: &Path) -> Result<Vec<Record>> {
    let mut out: Vec<Record> = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let at = i + 1;
        match marker(line) {
            Some(('I', rest)) => {
                let number: u32 = rest.parse().map_err(|_| {
                    anyhow!(
                        "{}:{at}: `.I` needs a record number, got `{rest}`",
                        path.display()
                    )
                })?;
                if !seen.insert(number) {
                    bail!("{}:{at}: record {number} appears twice", path.display());
                }
                out.push(Record {
                    number,
                    line: at,
                    fields: Vec::new(),
                });
            }
            Some((tag, rest)) => {
                let record = out.last_mut().ok_or_else(|| {
                    anyhow!("{}:{at}: `.{tag}` before any `.I` record", path.display())
                })?;
                record.fields.push(Field {
                    tag,
                    text: rest.to_owned(),
                });
            }
            None => match out.last_mut().and_then(|r| r.fields.last_mut()) {
                Some(field) => {
                    field.text.push('\n');
                    field.text.push_str(line);
                }
                None if line.trim().is_empty() => {}
                None => bail!(
                    "{}:{at}: text outside any field (expected `.I <n>` or a field marker)",
                    path.display()
                ),
            },
        }
    }
    Ok(out)
}

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `CISI.ALL`: every document with its title and abstract.
pub fn read_documents(path: &Path) -> Result<Vec<CisiDoc>> {
    let text = read(path)?;
    records(&text, path)?
        .into_iter()
        .map(|r| {
            let (title, body) = (r.text('T'), r.text('W'));
            if title.is_empty() && body.is_empty() {
                bail!(
                    "{}:{}: document {} has neither `.T` nor `.W`",
                    path.display(),
                    r.line,
                    r.number
                );
            }
            Ok(CisiDoc {
                number: r.number,
                title,
                text: body,
            })
        })
        .collect()
}

/// `CISI.QRY`: query number → text (`.T` when present, then `.W`).
pub fn read_queries(path: &Path) -> Result<BTreeMap<u32, String>> {
    let text = read(path)?;
    let mut out = BTreeMap::new();
    for r in records(&text, path)? {
        let joined = format!("{} {}", r.text('T'), r.text('W'));
        let query = joined.trim().to_owned();
        if query.is_empty() {
            bail!(
                "{}:{}: query {} has no text",
                path.display(),
                r.line,
                r.number
            );
        }
        out.insert(r.number, query);
    }
    Ok(out)
}

/// `CISI.REL`: query number → relevant document numbers (every listed pair is relevant).
pub fn read_relevance(path: &Path) -> Result<BTreeMap<u32, BTreeSet<u32>>> {
    let text = read(path)?;
    let mut out: BTreeMap<u32, BTreeSet<u32>> = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let mut fields = line.split_whitespace();
        let (Some(q), Some(d)) = (fields.next(), fields.next()) else {
            if line.trim().is_empty() {
                continue;
            }
            bail!(
                "{}:{}: expected `qid docid 0 0.0`, got `{line}`",
                path.display(),
                i + 1
            );
        };
        let number = |s: &str| -> Result<u32> {
            s.parse()
                .map_err(|_| anyhow!("{}:{}: `{s}` is not a number", path.display(), i + 1))
        };
        out.entry(number(q)?).or_default().insert(number(d)?);
    }
    Ok(out)
}

/// Reads the three files of `dir`; keeps the judged queries, each judgment pointing at a
/// document that exists.
pub fn load(dir: &Path) -> Result<Cisi> {
    let documents = read_documents(&dir.join("CISI.ALL"))?;
    let queries = read_queries(&dir.join("CISI.QRY"))?;
    let relevance = read_relevance(&dir.join("CISI.REL"))?;
    let numbers: BTreeSet<u32> = documents.iter().map(|d| d.number).collect();
    let mut judged = Vec::new();
    for (q, relevant) in relevance {
        let text = queries.get(&q).ok_or_else(|| {
            anyhow!(
                "{}: judgments for query {q}, which CISI.QRY lacks",
                dir.display()
            )
        })?;
        if let Some(d) = relevant.iter().find(|d| !numbers.contains(d)) {
            bail!(
                "{}: query {q} judges document {d}, which CISI.ALL lacks",
                dir.display()
            );
        }
        judged.push(JudgedQuery {
            label: format!("q{q}"),
            text: text.clone(),
            class: "cisi".to_owned(),
            typing: false,
            grades: relevant.iter().map(|d| (doc_id(*d), 1)).collect(),
        });
    }
    Ok(Cisi {
        documents,
        queries: judged,
    })
}

/// The id a CISI document gets in FieldRef and in the baseline.
pub fn doc_id(number: u32) -> String {
    format!("cisi-{number}")
}

/// The documents as a pack of public English notes. The summary stays empty so FieldRef indexes
/// exactly what the baseline gets (title + abstract); no synonyms, so nothing in-domain leaks in.
pub fn pack(documents: &[CisiDoc]) -> Pack {
    let mut docs: Vec<Document> = documents
        .iter()
        .map(|d| Document {
            id: doc_id(d.number),
            title: d.title.clone(),
            summary: String::new(),
            revision: 1,
            updated_at: "2026-01-01".to_owned(),
            language: "en".to_owned(),
            tags: Vec::new(),
            audience: Audience::Public,
            body: d.text.clone(),
            provenance: Default::default(),
            details: Details::Note(Note {
                category: CATEGORY.to_owned(),
                communities: Vec::new(),
                dos: Vec::new(),
                donts: Vec::new(),
                contacts: Vec::new(),
            }),
        })
        .collect();
    docs.sort_by(|a, b| a.id.cmp(&b.id));
    Pack {
        info: PackInfo {
            id: "cisi".to_owned(),
            title: "CISI test collection".to_owned(),
            channel: "cisi".to_owned(),
            timezone: "UTC".to_owned(),
            categories: vec![CATEGORY.to_owned()],
            service_types: Vec::new(),
            synonyms: Vec::new(),
            stale_after_months: fieldref_core::content::DEFAULT_STALE_AFTER_MONTHS,
            audience: fieldref_core::content::Audience::Public,
        },
        documents: docs,
    }
}

/// The baseline's rows: id, title, text.
pub fn rows(documents: &[CisiDoc]) -> Vec<(String, String, String)> {
    documents
        .iter()
        .map(|d| (doc_id(d.number), d.title.clone(), d.text.clone()))
        .collect()
}
