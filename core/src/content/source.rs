//! Reading trainers' source files: `pack.toml` plus one Markdown file per document, each opening
//! with TOML front matter between `+++` lines. Every problem is reported with the file, line and
//! field, and nothing is built while any problem remains.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::str::FromStr;

use chrono::NaiveDate;

use super::links;
use super::model::{Audience, Document, Pack, PackInfo};
use super::problem::{Problem, Severity};
use super::validate;

/// The text of one source file and the path it is reported under.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A pack's sources: `pack.toml` and the document files, in memory. Built from a folder or from
/// the sources compiled into the binary (the bundled pack).
#[derive(Debug, Clone, Default)]
pub struct SourceTree {
    pub pack_toml: Option<SourceFile>,
    pub documents: Vec<SourceFile>,
}

const PACK_FILE: &str = "pack.toml";

impl SourceTree {
    /// Reads `dir/pack.toml` and every `*.md` under `dir` except `README.md` files, in path order.
    pub fn read_dir(dir: &Path) -> Result<SourceTree, Vec<Problem>> {
        let mut tree = SourceTree::default();
        let mut problems = Vec::new();
        let mut paths = Vec::new();
        collect_markdown(dir, &mut paths, &mut problems);
        paths.sort();
        for path in paths {
            let shown = path.display().to_string();
            match std::fs::read_to_string(&path) {
                Ok(text) => tree.documents.push(SourceFile { path: shown, text }),
                Err(e) => problems.push(file_problem(&shown, &e.to_string())),
            }
        }
        let pack_path = dir.join(PACK_FILE);
        let shown = pack_path.display().to_string();
        match std::fs::read_to_string(&pack_path) {
            Ok(text) => tree.pack_toml = Some(SourceFile { path: shown, text }),
            Err(e) => problems.push(file_problem(&shown, &format!("cannot read: {e}"))),
        }
        if problems.is_empty() {
            Ok(tree)
        } else {
            Err(problems)
        }
    }

    /// Builds a tree from `(relative path, text)` pairs, `pack.toml` among them.
    pub fn from_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> SourceTree {
        let mut tree = SourceTree::default();
        for (path, text) in files {
            let file = SourceFile {
                path: path.to_owned(),
                text: text.to_owned(),
            };
            if path == PACK_FILE || path.ends_with("/pack.toml") {
                tree.pack_toml = Some(file);
            } else {
                tree.documents.push(file);
            }
        }
        tree
    }

    /// Parses and validates everything; returns the pack only when there is no error. Warnings
    /// are dropped here: [`SourceTree::check`] returns them.
    pub fn compile(&self) -> Result<Pack, Vec<Problem>> {
        self.check().into_result()
    }

    /// Parses and validates everything, dates judged against today in the pack's time zone.
    pub fn check(&self) -> Checked {
        self.check_on(None)
    }

    /// [`SourceTree::check`] with the date that counts as today (`None`: the clock's, in the
    /// pack's time zone), so a test can put a review in the past or a date in the future.
    pub fn check_on(&self, today: Option<NaiveDate>) -> Checked {
        let mut problems = Vec::new();
        let info = match &self.pack_toml {
            Some(file) => parse_pack_info(file, &mut problems),
            None => {
                problems.push(file_problem(
                    PACK_FILE,
                    "missing: every pack needs a pack.toml",
                ));
                None
            }
        };
        let today = today.unwrap_or_else(|| {
            let timezone = info.as_ref().map_or("UTC", |i| i.timezone.as_str());
            today_in(timezone)
        });
        let mut parsed = Vec::with_capacity(self.documents.len());
        let mut seen: HashMap<String, String> = HashMap::new();
        for file in &self.documents {
            let Some((document, located)) = parse_document(file, &mut problems) else {
                continue;
            };
            if let Some(info) = &info {
                validate::document(&document, &located, info, Some(today), &mut problems);
            }
            if let Some(first) = seen.get(&document.id) {
                problems.push(located.problem(
                    "id",
                    Some(&document.id),
                    &format!("duplicate id `{}` (also in {first})", document.id),
                ));
            } else {
                seen.insert(document.id.clone(), file.path.clone());
            }
            parsed.push((document, located));
        }
        let linked: Vec<(&Document, &Located<'_>)> = parsed.iter().map(|(d, l)| (d, l)).collect();
        links::check(&linked, &mut problems);
        let pack = match info {
            Some(mut info) if !problems.iter().any(Problem::is_error) => {
                // The sources hold every audience's material: what officers get, before
                // [`Pack::for_audience`] projects it.
                info.audience = Audience::Officers;
                let mut documents: Vec<Document> = parsed.into_iter().map(|(d, _)| d).collect();
                documents.sort_by(|a, b| a.id.cmp(&b.id));
                Some(Pack { info, documents })
            }
            _ => None,
        };
        Checked { pack, problems }
    }
}

/// What [`SourceTree::check`] found: the pack when nothing is an error, and every problem,
/// warnings included, in the order found.
#[derive(Debug, Clone)]
pub struct Checked {
    pub pack: Option<Pack>,
    pub problems: Vec<Problem>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_error())
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.is_warning())
    }

    /// The pack, or the errors that kept it from being built.
    pub fn into_result(self) -> Result<Pack, Vec<Problem>> {
        match self.pack {
            Some(pack) => Ok(pack),
            None => Err(self
                .problems
                .into_iter()
                .filter(Problem::is_error)
                .collect()),
        }
    }
}

/// Today's date where the pack's city is: a review due "today" is not overdue yet there, and a
/// document written "today" (a trainer's console at night, an import) is not dated tomorrow
/// because the machine's clock runs in UTC. An unknown zone counts as UTC.
pub fn today_in(timezone: &str) -> NaiveDate {
    date_in(timezone, chrono::Utc::now())
}

/// The date it is at `at` in `timezone` (an unknown zone counts as UTC).
pub fn date_in(timezone: &str, at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
    let tz = chrono_tz::Tz::from_str(timezone).unwrap_or(chrono_tz::Tz::UTC);
    at.with_timezone(&tz).date_naive()
}

/// Checks content that did not come from source files (a release snapshot, the documents of a
/// delta) against the same rules as [`SourceTree::compile`], so a server and a device refuse what
/// a trainer's `pack validate` would have. Problems name the document id as their path. Rules
/// that depend on today's date are left out: a device's clock is not the judge of content a
/// trainer signed, and a phone set a day behind must not refuse an update.
pub fn check_documents(info: &PackInfo, documents: &[Document]) -> Vec<Problem> {
    check_some_documents(info, documents, true)
}

/// [`check_documents`] for some documents of a pack (a delta's upserts): each document's own
/// rules, without the rules across documents, which need the whole pack.
pub fn check_changed_documents(info: &PackInfo, documents: &[Document]) -> Vec<Problem> {
    check_some_documents(info, documents, false)
}

fn check_some_documents(info: &PackInfo, documents: &[Document], whole: bool) -> Vec<Problem> {
    let mut problems = Vec::new();
    let at = |path| Located {
        path,
        front_matter: "",
        first_line: 1,
    };
    validate::pack_info(info, &at(PACK_FILE), &mut problems);
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let located: Vec<Located<'_>> = documents.iter().map(|d| at(&d.id)).collect();
    for (document, located) in documents.iter().zip(&located) {
        validate::document(document, located, info, None, &mut problems);
        if !seen.insert(&document.id) {
            problems.push(located.problem("id", None, &format!("duplicate id `{}`", document.id)));
        }
        if !document.fits(info.audience) {
            let what = if info.audience.may_see(document.audience) {
                "has a location"
            } else {
                "is meant for officers, so it"
            };
            problems.push(located.problem(
                "audience",
                None,
                &format!(
                    "{what} must not be in a pack for the {} audience",
                    info.audience.as_str()
                ),
            ));
        }
    }
    if whole {
        let linked: Vec<(&Document, &Located<'_>)> = documents.iter().zip(&located).collect();
        links::check(&linked, &mut problems);
    }
    problems
}

fn collect_markdown(dir: &Path, out: &mut Vec<std::path::PathBuf>, problems: &mut Vec<Problem>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push(file_problem(
                &dir.display().to_string(),
                &format!("cannot read folder: {e}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_markdown(&path, out, problems);
        } else if path.extension().is_some_and(|e| e == "md")
            && !path
                .file_name()
                .is_some_and(|n| n.eq_ignore_ascii_case("README.md"))
        {
            out.push(path);
        }
    }
}

fn file_problem(path: &str, message: &str) -> Problem {
    Problem {
        path: path.to_owned(),
        line: 1,
        field: "file".to_owned(),
        message: message.to_owned(),
        severity: Severity::Error,
    }
}

/// Where a document's front matter sits in its file, to point problems at the right line.
pub(crate) struct Located<'a> {
    path: &'a str,
    front_matter: &'a str,
    /// 1-based line number of the front matter's first line in the file.
    first_line: usize,
}

impl Located<'_> {
    /// The line of `key = ...`, or of the first line mentioning `needle` at or after it; with a
    /// block, searching from the `nth` (0-based) `header` line on, e.g. the third
    /// `[[sections.steps]]`: a key repeated in every step is found in the right one.
    fn line_in(&self, block: Option<(&str, usize)>, key: &str, needle: Option<&str>) -> usize {
        let lines: Vec<&str> = self.front_matter.lines().collect();
        let start = block
            .and_then(|(header, nth)| {
                lines
                    .iter()
                    .enumerate()
                    .filter(|(_, l)| l.trim() == header)
                    .nth(nth)
                    .map(|(i, _)| i)
            })
            .unwrap_or(0);
        let key_line = lines[start..]
            .iter()
            .position(|line| {
                let line = line.trim_start();
                line.strip_prefix(key)
                    .is_some_and(|rest| rest.trim_start().starts_with('='))
            })
            .map(|i| start + i);
        if let Some(needle) = needle.filter(|n| !n.is_empty()) {
            let from = key_line.unwrap_or(start);
            if let Some(i) = lines[from..].iter().position(|l| l.contains(needle)) {
                return self.first_line + from + i;
            }
        }
        match (key_line, block) {
            (Some(i), _) => self.first_line + i,
            (None, Some(_)) if start > 0 => self.first_line + start,
            _ => self.first_line.saturating_sub(1).max(1),
        }
    }

    pub(crate) fn path(&self) -> &str {
        self.path
    }

    pub(crate) fn problem(&self, field: &str, needle: Option<&str>, message: &str) -> Problem {
        self.problem_in(None, field, needle, message)
    }

    /// An error about a field inside the `nth` `header` table (`[[sources]]`, `[[changes]]`,
    /// `[[sections.steps]]`).
    pub(crate) fn problem_in(
        &self,
        block: Option<(&str, usize)>,
        field: &str,
        needle: Option<&str>,
        message: &str,
    ) -> Problem {
        let key = field.rsplit(['.', ']']).next().unwrap_or(field);
        let key = if key.is_empty() { field } else { key };
        Problem {
            path: self.path.to_owned(),
            line: self.line_in(block, key, needle),
            field: field.to_owned(),
            message: message.to_owned(),
            severity: Severity::Error,
        }
    }
}

fn line_at(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

fn parse_pack_info(file: &SourceFile, problems: &mut Vec<Problem>) -> Option<PackInfo> {
    let syntax_problem = |e: &toml::de::Error| Problem {
        path: file.path.clone(),
        line: e.span().map(|s| line_at(&file.text, s.start)).unwrap_or(1),
        field: field_from_message(e.message()).unwrap_or_else(|| "pack".to_owned()),
        message: e.message().trim().to_owned(),
        severity: Severity::Error,
    };
    let mut table: toml::Table = match toml::from_str(&file.text) {
        Ok(table) => table,
        Err(e) => {
            problems.push(syntax_problem(&e));
            return None;
        }
    };
    let located = Located {
        path: &file.path,
        front_matter: &file.text,
        first_line: 1,
    };
    // `[hsds]` is the importer's mapping: checked here, never part of the shipped pack info.
    let hsds = table.remove("hsds");
    let info: PackInfo = match toml::Value::Table(table).try_into() {
        Ok(info) => info,
        Err(e) => {
            let message = e.message().trim().to_owned();
            let field = field_from_message(&message).unwrap_or_else(|| "pack".to_owned());
            problems.push(located.problem(&field, None, &message));
            return None;
        }
    };
    let before = problems.len();
    validate::pack_info(&info, &located, problems);
    if let Some(value) = hsds {
        match crate::hsds::HsdsConfig::from_value(value) {
            Ok(config) => {
                for (field, value, message) in config.problems(&info) {
                    problems.push(located.problem(&field, Some(&value), &message));
                }
            }
            Err(message) => problems.push(located.problem("hsds", None, &message)),
        }
    }
    (problems.len() == before).then_some(info)
}

/// Keys every document may have, and each kind's own.
const COMMON_KEYS: &[&str] = &[
    "id",
    "kind",
    "title",
    "summary",
    "revision",
    "updated_at",
    "language",
    "tags",
    "audience",
    "authors",
    "reviewed_by",
    "reviewed_at",
    "review_due",
    "sources",
    "translation_of",
    "translation_revision",
    "changes",
];
const CHECKLIST_KEYS: &[&str] = &["category", "scene_words", "sections"];
const NOTE_KEYS: &[&str] = &["category", "communities", "do", "dont", "contacts"];
const CONTACT_KEYS: &[&str] = super::model::CONTACT_FIELDS;
const REQUIRED_COMMON: &[&str] = &["id", "title", "summary", "updated_at"];
const REQUIRED_CHECKLIST: &[&str] = &["category", "sections"];
const REQUIRED_NOTE: &[&str] = &["category"];
const REQUIRED_CONTACT: &[&str] = &[
    "organization",
    "services",
    "service_types",
    "phones",
    "languages",
];

fn parse_document<'a>(
    file: &'a SourceFile,
    problems: &mut Vec<Problem>,
) -> Option<(Document, Located<'a>)> {
    let text = file.text.strip_prefix('\u{feff}').unwrap_or(&file.text);
    let Some((front_matter, body)) = split_front_matter(text) else {
        problems.push(Problem {
            path: file.path.clone(),
            line: 1,
            field: "front matter".to_owned(),
            message:
                "expected the file to open with a `+++` line, TOML fields, and a closing `+++` line"
                    .to_owned(),
            severity: Severity::Error,
        });
        return None;
    };
    let located = Located {
        path: &file.path,
        front_matter,
        first_line: 2,
    };
    let mut table: toml::Table = match toml::from_str(front_matter) {
        Ok(table) => table,
        Err(e) => {
            let line = e
                .span()
                .map(|s| line_at(front_matter, s.start) + 1)
                .unwrap_or(1);
            problems.push(Problem {
                path: file.path.clone(),
                line,
                field: "front matter".to_owned(),
                message: format!("invalid TOML: {}", e.message().trim()),
                severity: Severity::Error,
            });
            return None;
        }
    };
    let (kind_keys, required): (&[&str], &[&str]) = match table.get("kind").and_then(|k| k.as_str())
    {
        Some("checklist") => (CHECKLIST_KEYS, REQUIRED_CHECKLIST),
        Some("note") => (NOTE_KEYS, REQUIRED_NOTE),
        Some("contact") => (CONTACT_KEYS, REQUIRED_CONTACT),
        Some(other) => {
            problems.push(located.problem(
                "kind",
                Some(other),
                &format!("unknown kind `{other}`: expected checklist, note or contact"),
            ));
            return None;
        }
        None => {
            problems.push(located.problem(
                "kind",
                None,
                "missing: expected checklist, note or contact",
            ));
            return None;
        }
    };
    let before = problems.len();
    let keys: BTreeSet<&String> = table.keys().collect();
    for key in keys {
        if !COMMON_KEYS.contains(&key.as_str()) && !kind_keys.contains(&key.as_str()) {
            problems.push(located.problem(key, None, "unknown field"));
        }
    }
    for key in REQUIRED_COMMON.iter().chain(required) {
        if !table.contains_key(*key) {
            problems.push(located.problem(key, None, "missing"));
        }
    }
    if problems.len() > before {
        return None;
    }
    table.insert(
        "body".to_owned(),
        toml::Value::String(body.trim().to_owned()),
    );
    match toml::Value::Table(table).try_into::<Document>() {
        Ok(document) => Some((document, located)),
        Err(e) => {
            let message = e.message().trim().to_owned();
            let field = field_from_message(&message).unwrap_or_else(|| "front matter".to_owned());
            problems.push(located.problem(&field, None, &message));
            None
        }
    }
}

/// Splits `+++\n<toml>\n+++\n<body>`; `None` when the fences are missing.
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text
        .strip_prefix("+++\n")
        .or_else(|| text.strip_prefix("+++\r\n"))?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "+++" {
            return Some((&rest[..offset], &rest[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// Pulls the field name out of serde's messages ("missing field `title`", "unknown variant ... in
/// `audience`") so the problem names it.
fn field_from_message(message: &str) -> Option<String> {
    let start = message.find('`')? + 1;
    let end = start + message[start..].find('`')?;
    let candidate = &message[start..end];
    let looks_like_key = !candidate.is_empty()
        && candidate
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    looks_like_key.then(|| candidate.to_owned())
}
