//! The content folder as the console sees it: which document files there are (the same files
//! `fieldref pack validate` reads), what the list shows of each, and the file operations of the
//! documents page (create, duplicate, delete). A document is always named by its path relative to
//! the folder, and only paths the folder listing holds are ever read or written.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use fieldref_core::content::{Problem, SourceTree};

/// One document file, as the list shows it. Fields are read leniently from the front matter, so
/// a file with mistakes still appears (with its problems).
#[derive(Debug, Clone, Default)]
pub struct DocSummary {
    /// Relative to the content folder, `/`-separated.
    pub path: String,
    pub id: String,
    pub kind: String,
    pub title: String,
    pub category: String,
    pub audience: String,
    pub language: String,
    pub updated_at: String,
    /// `review_due` when the front matter has one (`YYYY-MM-DD`).
    pub review_due: Option<String>,
    pub problems: Vec<Problem>,
}

/// The folder's files and every problem the validator finds in them, read in one pass.
pub struct Folder {
    pub dir: PathBuf,
    pub tree: SourceTree,
    pub problems: Vec<Problem>,
}

impl Folder {
    pub fn read(dir: &Path) -> Result<Folder> {
        let tree = SourceTree::read_dir(dir).map_err(|problems| {
            let first = problems
                .first()
                .map(ToString::to_string)
                .unwrap_or_default();
            anyhow::anyhow!("{}: cannot read the content folder: {first}", dir.display())
        })?;
        let problems = tree.compile().err().unwrap_or_default();
        Ok(Folder {
            dir: dir.to_owned(),
            tree,
            problems,
        })
    }

    /// The path of a source file relative to the folder.
    pub fn relative(&self, shown: &str) -> String {
        let prefix = self.dir.display().to_string();
        let rest = shown.strip_prefix(&prefix).unwrap_or(shown);
        rest.trim_start_matches(['/', '\\']).replace('\\', "/")
    }

    /// The text of the document at `path` (relative), if the folder has it.
    pub fn text(&self, path: &str) -> Option<&str> {
        self.tree
            .documents
            .iter()
            .find(|f| self.relative(&f.path) == path)
            .map(|f| f.text.as_str())
    }

    /// The path problems are reported under for `path` (what `pack validate DIR` prints).
    pub fn shown_path(&self, path: &str) -> String {
        self.tree
            .documents
            .iter()
            .find(|f| self.relative(&f.path) == path)
            .map(|f| f.path.clone())
            .unwrap_or_else(|| self.dir.join(path).display().to_string())
    }

    pub fn summaries(&self) -> Vec<DocSummary> {
        let mut by_path: BTreeMap<&str, Vec<Problem>> = BTreeMap::new();
        for problem in &self.problems {
            by_path
                .entry(problem.path.as_str())
                .or_default()
                .push(problem.clone());
        }
        self.tree
            .documents
            .iter()
            .map(|file| {
                let mut summary = summarize(&file.text);
                summary.path = self.relative(&file.path);
                summary.problems = by_path.remove(file.path.as_str()).unwrap_or_default();
                summary
            })
            .collect()
    }

    /// Every id in the folder, to refuse a second document with one of them.
    pub fn ids(&self) -> Vec<String> {
        self.tree
            .documents
            .iter()
            .map(|f| summarize(&f.text).id)
            .collect()
    }

    /// Writes `text` to the existing document `path` (relative).
    pub fn save(&self, path: &str, text: &str) -> Result<()> {
        if self.text(path).is_none() {
            bail!("no document `{path}` in {}", self.dir.display());
        }
        write_atomically(&self.dir.join(path), text)
    }

    /// Creates `folder/id.md` with `text`; refuses an id in use or a file that exists.
    pub fn create(&self, kind: &str, id: &str, text: &str) -> Result<String> {
        if !is_plain_id(id) {
            bail!("`{id}`: an id is lowercase letters, digits and dashes");
        }
        if self.ids().iter().any(|existing| existing == id) {
            bail!("the id `{id}` is already used by another document");
        }
        let path = format!("{}/{id}.md", kind_folder(kind));
        let full = self.dir.join(&path);
        if full.exists() {
            bail!("{} already exists", full.display());
        }
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).with_context(|| parent.display().to_string())?;
        }
        write_atomically(&full, text)?;
        Ok(path)
    }

    pub fn delete(&self, path: &str) -> Result<()> {
        if self.text(path).is_none() {
            bail!("no document `{path}` in {}", self.dir.display());
        }
        let full = self.dir.join(path);
        std::fs::remove_file(&full).with_context(|| full.display().to_string())
    }
}

/// A fingerprint of a file's text, to notice that it changed on disk since an editor opened it
/// (a `git pull`, a text editor) instead of silently writing over that change.
pub fn version_of(text: &str) -> String {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    text.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Where new documents of a kind go, by the folder's convention.
pub fn kind_folder(kind: &str) -> &'static str {
    match kind {
        "checklist" => "checklists",
        "note" => "notes",
        _ => "contacts",
    }
}

pub fn is_plain_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 80
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Splits a document file into its front matter and its body (`None` without `+++` fences).
pub fn split(text: &str) -> Option<(&str, &str, &str)> {
    let head = if text.starts_with("+++\n") {
        "+++\n"
    } else if text.starts_with("+++\r\n") {
        "+++\r\n"
    } else {
        return None;
    };
    let rest = &text[head.len()..];
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let front = &rest[..offset];
            let fence_end = head.len() + offset + line.len();
            return Some((
                front,
                &text[head.len() + offset..fence_end],
                &text[fence_end..],
            ));
        }
        offset += line.len();
    }
    None
}

/// What the list shows of a file; empty fields when its front matter does not parse.
pub fn summarize(text: &str) -> DocSummary {
    let table: toml::Table = split(text)
        .and_then(|(front, _, _)| toml::from_str(front).ok())
        .unwrap_or_default();
    let field = |key: &str| {
        table
            .get(key)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned()
    };
    let or = |value: String, default: &str| {
        if value.is_empty() {
            default.to_owned()
        } else {
            value
        }
    };
    DocSummary {
        id: field("id"),
        kind: field("kind"),
        title: field("title"),
        category: field("category"),
        audience: or(field("audience"), "public"),
        language: or(field("language"), "en"),
        updated_at: field("updated_at"),
        review_due: Some(field("review_due")).filter(|d| !d.is_empty()),
        ..DocSummary::default()
    }
}

fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let tmp = path.with_extension("md.console-tmp");
    std::fs::write(&tmp, text).with_context(|| tmp.display().to_string())?;
    std::fs::rename(&tmp, path).with_context(|| path.display().to_string())
}

/// The filters of the documents page.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ListFilter {
    pub q: String,
    pub kind: String,
    pub category: String,
    pub audience: String,
    pub language: String,
    /// `30`, `90`, `365`: updated within that many days; `old`: not in the last year.
    pub updated: String,
    /// `overdue` or `30` (due within 30 days).
    pub review: String,
    /// `problems`: only files with problems.
    pub state: String,
}

impl ListFilter {
    pub fn keeps(&self, doc: &DocSummary, today: chrono::NaiveDate) -> bool {
        let q = self.q.trim().to_lowercase();
        let text_ok = q.is_empty()
            || [&doc.id, &doc.title, &doc.path, &doc.category]
                .iter()
                .any(|f| f.to_lowercase().contains(&q));
        let is = |wanted: &str, value: &str| wanted.is_empty() || wanted == value;
        text_ok
            && is(&self.kind, &doc.kind)
            && is(&self.category, &doc.category)
            && is(&self.audience, &doc.audience)
            && is(&self.language, &doc.language)
            && self.updated_ok(doc, today)
            && self.review_ok(doc, today)
            && (self.state != "problems" || !doc.problems.is_empty())
    }

    fn updated_ok(&self, doc: &DocSummary, today: chrono::NaiveDate) -> bool {
        let Ok(updated) = chrono::NaiveDate::parse_from_str(&doc.updated_at, "%Y-%m-%d") else {
            return self.updated.is_empty();
        };
        let age = (today - updated).num_days();
        match self.updated.as_str() {
            "old" => age > 365,
            "" => true,
            days => days.parse::<i64>().map_or(true, |d| age <= d),
        }
    }

    fn review_ok(&self, doc: &DocSummary, today: chrono::NaiveDate) -> bool {
        if self.review.is_empty() {
            return true;
        }
        let Some(due) = doc
            .review_due
            .as_deref()
            .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        else {
            return false;
        };
        match self.review.as_str() {
            "overdue" => due < today,
            days => days
                .parse::<i64>()
                .is_ok_and(|d| (due - today).num_days() <= d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_keeps_every_byte() {
        let text = "+++\nid = \"a\"\n+++\n\nBody.\n";
        let (front, fence, body) = split(text).expect("fenced");
        assert_eq!(front, "id = \"a\"\n");
        assert_eq!(fence, "+++\n");
        assert_eq!(body, "\nBody.\n");
        assert_eq!(format!("+++\n{front}{fence}{body}"), text);
        assert!(split("id = 1").is_none());
    }

    #[test]
    fn filters_by_review_due_and_kind() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
        let doc = DocSummary {
            kind: "note".into(),
            review_due: Some("2026-11-30".into()),
            updated_at: "2026-11-01".into(),
            ..DocSummary::default()
        };
        let overdue = ListFilter {
            review: "overdue".into(),
            ..ListFilter::default()
        };
        assert!(overdue.keeps(&doc, today));
        let checklists = ListFilter {
            kind: "checklist".into(),
            ..ListFilter::default()
        };
        assert!(!checklists.keeps(&doc, today));
        let old = ListFilter {
            updated: "old".into(),
            ..ListFilter::default()
        };
        assert!(!old.keeps(&doc, today));
    }
}
