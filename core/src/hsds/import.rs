//! `import-hsds`: merges a source's contacts into a pack folder. Everything is worked out in
//! memory and checked with the pack's own validator first; only a result without a problem is
//! written. Per field, a value the trainer changed since the last import is kept (reported, and
//! reported as a conflict when upstream changed it too); untouched fields follow upstream.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Serialize;

use super::config::HsdsConfig;
use super::convert::{convert, Context, Outcome};
use super::error::HsdsError;
use super::frontmatter::render_document;
use super::read::read_source;
use super::state::{self, Imported, State};
use super::STATE_FILE;
use crate::content::{Details, Document, LocationVisibility, Pack, SourceTree};

/// One line of the report: which contact, and what about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: String,
    pub detail: String,
}

/// What an import did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub added: Vec<Entry>,
    /// Contacts whose file changed; `detail` lists the fields.
    pub changed: Vec<Entry>,
    pub unchanged: Vec<String>,
    pub removed: Vec<Entry>,
    pub skipped: Vec<Entry>,
    /// Fields a trainer edited that upstream did not change: kept.
    pub kept_edits: Vec<Entry>,
    /// Fields both a trainer and upstream changed: the trainer's value is kept.
    pub conflicts: Vec<Entry>,
    /// What could not be carried over, per contact, and notes on the source.
    pub notes: Vec<Entry>,
    /// Whether the source was a complete listing (only then are contacts removed).
    pub complete: bool,
}

impl ImportReport {
    /// Whether the import changed any file.
    pub fn changed_anything(&self) -> bool {
        !(self.added.is_empty() && self.changed.is_empty() && self.removed.is_empty())
    }
}

/// A contact's file after the merge: where it goes and what it says (`None`: delete it).
struct Planned {
    path: PathBuf,
    text: Option<String>,
}

/// Imports `source` into the pack folder `dir` (which must hold a valid pack). `today` (by
/// default today where the pack is, [`crate::content::today_in`]) decides which schedules are
/// in effect and dates contacts whose publisher gave no date.
pub fn import_into(
    source: &Path,
    dir: &Path,
    today: Option<NaiveDate>,
) -> Result<ImportReport, HsdsError> {
    let input = read_source(source)?;
    let tree = SourceTree::read_dir(dir).map_err(|problems| HsdsError::PackInvalid {
        dir: dir.to_owned(),
        problems,
    })?;
    let pack = tree.compile().map_err(|problems| HsdsError::PackInvalid {
        dir: dir.to_owned(),
        problems,
    })?;
    let today = today.unwrap_or_else(|| crate::content::today_in(&pack.info.timezone));
    let pack_toml = dir.join("pack.toml");
    let config =
        HsdsConfig::from_pack_toml(tree.pack_toml.as_ref().map_or("", |f| f.text.as_str()))
            .map_err(|message| HsdsError::Config {
                path: pack_toml.clone(),
                message,
            })?;
    let state_path = dir.join(STATE_FILE);
    let old_state = State::read(&state_path)?;
    let paths = document_paths(&tree);

    let mut report = ImportReport {
        complete: input.complete,
        ..ImportReport::default()
    };
    report.notes.extend(input.notes.iter().map(|n| Entry {
        id: source.display().to_string(),
        detail: n.clone(),
    }));
    let cx = Context {
        info: &pack.info,
        config: &config,
        today,
    };
    let mut new_state = State::default();
    let mut plans: Vec<Planned> = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for service in &input.services {
        for outcome in convert(service, &cx) {
            match outcome {
                Outcome::Skipped { id, reason } => {
                    seen.insert(id.clone());
                    report.skipped.push(Entry { id, detail: reason });
                }
                Outcome::Contact { document, notes } => {
                    let id = document.id.clone();
                    if !seen.insert(id.clone()) {
                        report.notes.push(Entry {
                            id,
                            detail: format!(
                                "service {} is listed twice; the first kept",
                                service.id
                            ),
                        });
                        continue;
                    }
                    report.notes.extend(notes.into_iter().map(|detail| Entry {
                        id: id.clone(),
                        detail,
                    }));
                    let existing = pack.documents.iter().find(|d| d.id == id);
                    let path = paths
                        .get(&id)
                        .cloned()
                        .unwrap_or_else(|| dir.join("contacts").join(format!("{id}.md")));
                    let merged = merge(
                        *document,
                        existing,
                        old_state.contacts.get(&id),
                        today,
                        &mut report,
                    );
                    new_state.contacts.insert(
                        id.clone(),
                        Imported {
                            source: service.id.clone(),
                            fields: merged.hashes,
                        },
                    );
                    if let Some(doc) = merged.document {
                        plans.push(Planned {
                            path,
                            text: render_document(&doc),
                        });
                    }
                }
            }
        }
    }
    plan_removals(
        &pack,
        &old_state,
        &seen,
        &paths,
        &mut new_state,
        &mut plans,
        &mut report,
    );
    // Skipped contacts that were imported before and are not removed stay tracked.
    for entry in &report.skipped {
        if let Some(old) = old_state.contacts.get(&entry.id) {
            if !report.removed.iter().any(|r| r.id == entry.id) {
                new_state.contacts.insert(entry.id.clone(), old.clone());
            }
        }
    }
    if !input.complete {
        // A partial source leaves earlier imports as they were, still tracked.
        for (id, old) in &old_state.contacts {
            new_state
                .contacts
                .entry(id.clone())
                .or_insert_with(|| old.clone());
        }
    }
    check_result(&tree, &plans)?;
    for plan in &plans {
        match &plan.text {
            Some(text) => write_atomically(&plan.path, text)?,
            None => std::fs::remove_file(&plan.path).map_err(|e| HsdsError::io(&plan.path, e))?,
        }
    }
    if new_state != old_state {
        write_atomically(&state_path, &new_state.to_json())?;
    }
    Ok(report)
}

/// Id → source file, reading each document with the pack's own parser.
fn document_paths(tree: &SourceTree) -> BTreeMap<String, PathBuf> {
    let mut paths = BTreeMap::new();
    let Some(pack_toml) = &tree.pack_toml else {
        return paths;
    };
    for file in &tree.documents {
        let single = SourceTree {
            pack_toml: Some(pack_toml.clone()),
            documents: vec![file.clone()],
        };
        if let Ok(pack) = single.compile() {
            for doc in pack.documents {
                paths.insert(doc.id, PathBuf::from(&file.path));
            }
        }
    }
    paths
}

struct Merged {
    /// The document to write, `None` when the file stays as it is.
    document: Option<Document>,
    hashes: BTreeMap<String, String>,
}

/// Field by field: the new value where the file still holds what was imported last time, the
/// trainer's value where it does not.
fn merge(
    mut incoming: Document,
    existing: Option<&Document>,
    imported: Option<&Imported>,
    today: NaiveDate,
    report: &mut ImportReport,
) -> Merged {
    let id = incoming.id.clone();
    if incoming.updated_at.is_empty() {
        incoming.updated_at = existing.map_or_else(
            || today.format("%Y-%m-%d").to_string(),
            |e| e.updated_at.clone(),
        );
    }
    let hashes: BTreeMap<String, String> = state::fields()
        .map(|f| (f.to_owned(), state::hash(&state::get(&incoming, f))))
        .collect();
    let Some(existing) = existing else {
        report.added.push(Entry {
            id,
            detail: incoming.title.clone(),
        });
        return Merged {
            document: Some(incoming),
            hashes,
        };
    };
    let mut merged = existing.clone();
    let mut changed_fields = Vec::new();
    for field in state::fields() {
        let current = state::get(existing, field);
        let new = state::get(&incoming, field);
        if current == new {
            continue;
        }
        let base = imported.and_then(|i| i.fields.get(field));
        let untouched = base.is_some_and(|b| *b == state::hash(&current));
        if untouched {
            merged = state::set(&merged, field, new);
            changed_fields.push(field);
        } else if base.is_some_and(|b| *b == state::hash(&new)) {
            report.kept_edits.push(Entry {
                id: id.clone(),
                detail: format!("{field}: edited by hand; kept"),
            });
        } else {
            report.conflicts.push(Entry {
                id: id.clone(),
                detail: format!(
                    "{field}: upstream changed it and so did a trainer; kept the trainer's value"
                ),
            });
        }
    }
    enforce_withheld(&incoming, &mut merged, report);
    if merged == *existing {
        report.unchanged.push(id);
        return Merged {
            document: None,
            hashes,
        };
    }
    merged.revision = existing.revision + 1;
    merged.provenance.changes.push(crate::content::Change {
        revision: merged.revision,
        date: merged.updated_at.clone(),
        note: format!(
            "Updated from the partner directory (HSDS): {}.",
            changed_fields.join(", ")
        ),
    });
    report.changed.push(Entry {
        id,
        detail: changed_fields.join(", "),
    });
    Merged {
        document: Some(merged),
        hashes,
    }
}

/// A location upstream marks confidential is withheld whatever was edited by hand, and a
/// withheld location keeps nothing of where it is.
fn enforce_withheld(incoming: &Document, merged: &mut Document, report: &mut ImportReport) {
    let upstream_withheld = matches!(&incoming.details,
        Details::Contact(c) if c.location_visibility == LocationVisibility::Withheld);
    if let Details::Contact(contact) = &mut merged.details {
        if upstream_withheld && contact.location_visibility != LocationVisibility::Withheld {
            contact.location_visibility = LocationVisibility::Withheld;
            report.notes.push(Entry {
                id: merged.id.clone(),
                detail: "location_visibility: upstream withholds the location; withheld despite the edit".to_owned(),
            });
        }
        if contact.location_visibility == LocationVisibility::Withheld {
            contact.address = None;
            contact.latitude = None;
            contact.longitude = None;
            contact.neighborhood = None;
        }
    }
}

/// Contacts imported earlier that a complete source no longer lists are deleted, unless a
/// trainer edited them (then they stay, reported as a conflict).
#[allow(clippy::too_many_arguments)]
fn plan_removals(
    pack: &Pack,
    old_state: &State,
    seen: &BTreeSet<String>,
    paths: &BTreeMap<String, PathBuf>,
    new_state: &mut State,
    plans: &mut Vec<Planned>,
    report: &mut ImportReport,
) {
    if !report.complete {
        return;
    }
    for (id, imported) in &old_state.contacts {
        if seen.contains(id) && !report.skipped.iter().any(|s| &s.id == id) {
            continue;
        }
        let Some(doc) = pack.documents.iter().find(|d| &d.id == id) else {
            continue;
        };
        let edited: Vec<&str> = state::fields()
            .filter(|f| imported.fields.get(*f) != Some(&state::hash(&state::get(doc, f))))
            .collect();
        if !edited.is_empty() {
            report.conflicts.push(Entry {
                id: id.clone(),
                detail: format!(
                    "no longer published, but {} edited by hand; kept",
                    edited.join(", ")
                ),
            });
            new_state.contacts.insert(id.clone(), imported.clone());
            continue;
        }
        if let Some(path) = paths.get(id) {
            plans.push(Planned {
                path: path.clone(),
                text: None,
            });
            report.removed.push(Entry {
                id: id.clone(),
                detail: format!("service {} is no longer published", imported.source),
            });
        }
    }
}

/// The pack as it would be after the plans, through the same validator as `pack validate`.
fn check_result(tree: &SourceTree, plans: &[Planned]) -> Result<(), HsdsError> {
    let mut result = tree.clone();
    for plan in plans {
        let shown = plan.path.display().to_string();
        result.documents.retain(|f| f.path != shown);
        if let Some(text) = &plan.text {
            result.documents.push(crate::content::SourceFile {
                path: shown,
                text: text.clone(),
            });
        }
    }
    result
        .compile()
        .map(|_| ())
        .map_err(|problems| HsdsError::ResultInvalid { problems })
}

fn write_atomically(path: &Path, text: &str) -> Result<(), HsdsError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| HsdsError::io(parent, e))?;
    }
    let mut temp = path.as_os_str().to_owned();
    temp.push(".tmp");
    let temp = PathBuf::from(temp);
    std::fs::write(&temp, text).map_err(|e| HsdsError::io(&temp, e))?;
    std::fs::rename(&temp, path).map_err(|e| HsdsError::io(path, e))
}
