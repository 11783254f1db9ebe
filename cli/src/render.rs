//! Text and JSON renderings of core results for the terminal.

use std::fmt::Write as _;

use chrono::NaiveDate;
use fieldref_core::content::{languages, Audience, Details, DocKind, Document, Pack, Step};
use fieldref_core::directory::{DirectoryListing, OpenStatus, Verification};
use fieldref_core::search::{SearchResults, Snippet};
use fieldref_core::sync::{SyncOutcome, SyncReport};
use fieldref_core::Stats;
use serde_json::{json, Value};

/// The stable JSON shape of `fieldref search --json`.
pub fn search_json(results: &SearchResults) -> Value {
    let hits: Vec<Value> = results
        .hits
        .iter()
        .map(|hit| {
            json!({
                "id": hit.id,
                "kind": hit.kind,
                "title": hit.title,
                "score": hit.score,
                "snippet": hit.snippet,
                "distance_km": hit.distance_km,
                "open": hit.open,
                "linked_from": hit.linked_from,
            })
        })
        .collect();
    json!({
        "hits": hits,
        "total": results.total,
        "facets": results.facets,
        "open_now_from_query": results.open_now_from_query,
        "took_us": results.took_us,
    })
}

pub fn search_text(results: &SearchResults) -> String {
    let mut out = String::new();
    if results.hits.is_empty() {
        out.push_str("no results\n");
    }
    for (i, hit) in results.hits.iter().enumerate() {
        let _ = write!(
            out,
            "{:>2}. {}  [{}] {}",
            i + 1,
            hit.title,
            hit.kind,
            hit.id
        );
        if let Some(d) = hit.distance_km {
            let _ = write!(out, "  {d:.1} km");
        }
        if let Some(open) = &hit.open {
            let _ = write!(out, "  ({})", open.describe());
        }
        out.push('\n');
        if let Some(from) = &hit.linked_from {
            let _ = writeln!(out, "    linked from: {} ({})", from.title, from.id);
        }
        let _ = writeln!(out, "    {}", highlighted(&hit.snippet));
    }
    let linked = results
        .hits
        .iter()
        .filter(|h| h.linked_from.is_some())
        .count();
    let _ = write!(out, "{} match(es)", results.total);
    if linked > 0 {
        let _ = write!(out, ", {linked} more linked from them");
    }
    let _ = writeln!(out, " in {} µs", results.took_us);
    out
}

/// The snippet with highlights in [brackets] (a terminal has no bold we can rely on).
fn highlighted(snippet: &Snippet) -> String {
    let mut out = String::new();
    let mut marks = snippet.highlights.iter().peekable();
    for (i, c) in snippet.text.chars().enumerate() {
        let i = i as u32;
        if marks.peek().is_some_and(|h| h.start == i) {
            out.push('[');
        }
        out.push(if c == '\n' { ' ' } else { c });
        if marks.peek().is_some_and(|h| h.end == i + 1) {
            out.push(']');
            marks.next();
        }
    }
    out
}

/// What `show` prints beside the document itself.
pub struct Shown<'a> {
    pub open: Option<&'a OpenStatus>,
    pub verification: Option<&'a Verification>,
    /// Contacts the document links, as the viewer may see them.
    pub linked: &'a [Document],
    pub today: NaiveDate,
}

pub fn document_text(doc: &Document, shown: &Shown<'_>) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", doc.title);
    let mut tags = vec![doc.kind().to_string()];
    tags.extend(doc.category().map(str::to_owned));
    tags.push(doc.audience.as_str().to_owned());
    tags.push(format!("rev {} · {}", doc.revision, doc.updated_at));
    let _ = writeln!(out, "[{}]\n", tags.join(" · "));
    provenance_text(&mut out, doc, shown.today);
    let _ = writeln!(out, "{}\n", doc.summary);
    match &doc.details {
        Details::Checklist(checklist) => {
            let mut n = 0;
            for section in &checklist.sections {
                let _ = writeln!(out, "{}", section.title.to_uppercase());
                for step in &section.steps {
                    n += 1;
                    let _ = writeln!(out, "  [ ] {n}. {}", step.text);
                    if let Some(say) = &step.say {
                        let _ = writeln!(out, "        Say: {say}");
                    }
                    if let Some(why) = &step.why {
                        let _ = writeln!(out, "        Why: {why}");
                    }
                    if let Some(warning) = &step.warning {
                        let _ = writeln!(out, "        WARNING: {warning}");
                    }
                    step_calls(&mut out, step, shown.linked);
                }
                out.push('\n');
            }
            if !doc.body.is_empty() {
                let _ = writeln!(out, "{}", doc.body);
            }
        }
        Details::Note(note) => {
            let _ = writeln!(out, "{}\n", doc.body);
            if !note.dos.is_empty() {
                let _ = writeln!(out, "DO");
                for item in &note.dos {
                    let _ = writeln!(out, "  + {item}");
                }
            }
            if !note.donts.is_empty() {
                let _ = writeln!(out, "DON'T");
                for item in &note.donts {
                    let _ = writeln!(out, "  - {item}");
                }
            }
            for contact in shown.linked {
                let _ = writeln!(out, "Call: {}", call_line(contact));
            }
        }
        Details::Contact(contact) => {
            let _ = writeln!(out, "{}", contact.organization);
            let _ = writeln!(out, "Services: {}", contact.services.join(", "));
            for phone in &contact.phones {
                let lang = phone
                    .language
                    .as_deref()
                    .map(|l| format!(" ({})", languages::display_name(l)))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "Phone ({}): {}{lang}",
                    phone.kind.as_str(),
                    phone.number
                );
            }
            if let Some(address) = &contact.address {
                let _ = writeln!(out, "Address: {address}");
            }
            if let Some(n) = &contact.neighborhood {
                let _ = writeln!(out, "Neighborhood: {n}");
            }
            let hours = contact.hours.as_deref().unwrap_or("not listed");
            let state = shown.open.map(OpenStatus::describe).unwrap_or_default();
            let _ = writeln!(out, "Hours: {hours} — {state}");
            let langs: Vec<String> = contact
                .languages
                .iter()
                .map(|l| languages::display_name(l))
                .collect();
            let _ = writeln!(out, "Languages: {}", langs.join(", "));
            for (label, value) in [
                ("Email", &contact.email),
                ("Web", &contact.url),
                ("Eligibility", &contact.eligibility),
                ("Serves", &contact.service_area),
            ] {
                if let Some(value) = value {
                    let _ = writeln!(out, "{label}: {value}");
                }
            }
            if let Some(v) = shown.verification {
                let mark = if v.stale { "NOT CURRENT: " } else { "" };
                let _ = writeln!(out, "Record: {mark}{}", v.describe());
            }
            let _ = writeln!(out, "\n{}", doc.body);
        }
    }
    sources_text(&mut out, doc);
    out
}

/// "Reviewed by ... on ...", who wrote it, what the translation follows and what the latest
/// revision changed: what tells an officer how far to trust the text below.
fn provenance_text(out: &mut String, doc: &Document, today: NaiveDate) {
    let p = &doc.provenance;
    let mut any = false;
    if let Some(by) = &p.reviewed_by {
        let on = p.reviewed_at.as_deref().unwrap_or("an unknown date");
        let due = p
            .review_due
            .as_deref()
            .map(|d| format!(" · review due {d}"))
            .unwrap_or_default();
        let _ = writeln!(out, "Reviewed by {by} on {on}{due}");
        any = true;
    }
    if !p.authors.is_empty() {
        let _ = writeln!(out, "Written by {}", p.authors.join(", "));
        any = true;
    }
    if let Some(original) = &p.translation_of {
        let revision = p
            .translation_revision
            .map(|r| format!(" (revision {r})"))
            .unwrap_or_default();
        let _ = writeln!(out, "Translation of {original}{revision}");
        any = true;
    }
    if let Some(change) = p.latest_change() {
        let when = match change.days_ago(today) {
            Some(0) => "today".to_owned(),
            Some(1) => "1 day ago".to_owned(),
            Some(days) => format!("{days} days ago"),
            None => change.date.clone(),
        };
        let _ = writeln!(
            out,
            "Revision {}, {} ({when}): {}",
            change.revision, change.date, change.note
        );
        any = true;
    }
    if any {
        out.push('\n');
    }
}

fn sources_text(out: &mut String, doc: &Document) {
    let sources = &doc.provenance.sources;
    if sources.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nSOURCES");
    for (i, source) in sources.iter().enumerate() {
        let mut line = format!("  {}. {}", i + 1, source.title);
        if let Some(publication) = &source.publication {
            let _ = write!(line, " ({publication})");
        }
        if let Some(url) = &source.url {
            let _ = write!(line, " — {url}");
        }
        let _ = writeln!(out, "{line}");
    }
}

/// The call buttons of a step, as text: each linked contact the viewer may see.
fn step_calls(out: &mut String, step: &Step, linked: &[Document]) {
    for id in &step.contacts {
        if let Some(contact) = linked.iter().find(|c| &c.id == id) {
            let _ = writeln!(out, "        Call: {}", call_line(contact));
        }
    }
}

fn call_line(doc: &Document) -> String {
    let number = doc
        .as_contact()
        .and_then(|c| c.phones.first())
        .map(|p| p.number.as_str())
        .unwrap_or("");
    format!("{} {number} [{}]", doc.title, doc.id)
}

pub fn directory_text(listing: &DirectoryListing) -> String {
    let mut out = String::new();
    for entry in &listing.entries {
        let doc = &entry.contact;
        let phone = doc
            .as_contact()
            .and_then(|c| c.phones.first())
            .map(|p| p.number.as_str())
            .unwrap_or("");
        let _ = write!(out, "{}  {}  {}", doc.title, phone, entry.open.describe());
        if entry.verification.stale {
            let _ = write!(out, "  ({})", entry.verification.describe());
        }
        if let Some(d) = entry.distance_km {
            let _ = write!(out, "  {d:.1} km");
        }
        let _ = writeln!(out, "  [{}]", doc.id);
    }
    let _ = writeln!(out, "{} contact(s)", listing.total);
    let services: Vec<String> = listing
        .facets
        .service_types
        .iter()
        .take(8)
        .map(|f| format!("{} {}", f.value, f.count))
        .collect();
    let langs: Vec<String> = listing
        .facets
        .languages
        .iter()
        .take(8)
        .map(|f| format!("{} {}", languages::display_name(&f.value), f.count))
        .collect();
    let _ = writeln!(out, "services: {}", services.join(", "));
    let _ = writeln!(out, "languages: {}", langs.join(", "));
    out
}

pub fn stats_text(stats: &Stats) -> String {
    let mut out = String::new();
    match &stats.content {
        Some(c) => {
            let _ = writeln!(
                out,
                "pack: {} ({}) channel {} version {}",
                c.title, c.pack_id, c.channel, c.version
            );
            let _ = writeln!(out, "content hash: {}", c.hash);
        }
        None => out.push_str("no content installed\n"),
    }
    for count in &stats.counts {
        let _ = writeln!(out, "{}s: {}", count.kind, count.count);
    }
    let _ = writeln!(out, "schema version: {}", stats.schema_version);
    let state = if stats.index_in_step {
        "in step with the store"
    } else {
        "BEHIND the store"
    };
    let _ = writeln!(out, "index: {} documents, {state}", stats.index_docs);
    if let Some(reason) = &stats.opened.index_rebuilt {
        let _ = writeln!(out, "index rebuilt at open: {reason}");
    }
    out
}

pub fn sync_text(report: &SyncReport) -> String {
    let mut out = String::new();
    let _ = match &report.outcome {
        SyncOutcome::UpToDate { version } => writeln!(out, "up to date at version {version}"),
        SyncOutcome::Updated { from, to, path, bytes } => {
            writeln!(out, "updated {from} -> {to} by {path:?} ({bytes} bytes)")
        }
        SyncOutcome::Stale { expired_at } => writeln!(
            out,
            "the server's manifest expired at {expired_at}: no newer content can be verified; keeping installed content"
        ),
    };
    let _ = writeln!(
        out,
        "outbox: {} sent, {} pending",
        report.outbox_sent, report.status.outbox_pending
    );
    if let Some(error) = &report.outbox_error {
        let _ = writeln!(out, "outbox not uploaded: {error}");
    }
    out
}

/// What one audience's release holds of `sources` ("public release: 150 documents (...); 6
/// locations removed"), so a trainer sees what partners get before publishing.
pub fn audience_summary(sources: &Pack, audience: Audience) -> String {
    let release = sources.for_audience(audience);
    let count = |kind: DocKind| {
        release
            .documents
            .iter()
            .filter(|d| d.kind() == kind)
            .count()
    };
    let has_location = |d: &Document| {
        d.as_contact()
            .is_some_and(|c| c.address.is_some() || c.latitude.is_some())
    };
    let located = |pack: &Pack| {
        pack.documents
            .iter()
            .filter(|d| audience.may_see(d.audience) && has_location(d))
            .count()
    };
    format!(
        "{} release ({}): {} documents ({} checklists, {} notes, {} contacts); {} left out, {} \
         locations removed",
        audience.as_str(),
        release.info.audience_channel(),
        release.documents.len(),
        count(DocKind::Checklist),
        count(DocKind::Note),
        count(DocKind::Contact),
        sources.documents.len() - release.documents.len(),
        located(sources) - release.documents.iter().filter(|d| has_location(d)).count(),
    )
}

/// `fieldref pack import-hsds`: counts first, then every line that needs a trainer's eye.
pub fn import_report(report: &fieldref_core::hsds::ImportReport) {
    println!(
        "added {}, changed {}, unchanged {}, removed {}, skipped {}, kept edits {}, conflicts {}",
        report.added.len(),
        report.changed.len(),
        report.unchanged.len(),
        report.removed.len(),
        report.skipped.len(),
        report.kept_edits.len(),
        report.conflicts.len()
    );
    let sections = [
        ("added", &report.added),
        ("changed", &report.changed),
        ("removed", &report.removed),
        ("skipped", &report.skipped),
        ("kept edit", &report.kept_edits),
        ("conflict", &report.conflicts),
        ("note", &report.notes),
    ];
    for (label, entries) in sections {
        for entry in entries {
            println!("{label}: {}: {}", entry.id, entry.detail);
        }
    }
    if !report.complete {
        println!("(not a complete listing: contacts it does not mention were left as they are)");
    }
}

/// The recovery report in plain words: what happened, what was kept, what was lost.
pub fn recovery_text(report: &fieldref_core::store::RecoveryReport) -> String {
    use fieldref_core::store::Salvage;
    fn line(what: &str, s: Salvage) -> String {
        match s.lost {
            Some(0) if s.kept == 0 => format!("  {what}: none\n"),
            Some(0) => format!("  {what}: all {} kept\n", s.kept),
            Some(lost) => format!("  {what}: {} kept, {lost} lost\n", s.kept),
            None => format!("  {what}: {} kept, others could not be read\n", s.kept),
        }
    }
    let mut out = format!(
        "fieldref: the local store was damaged ({}) and has been rebuilt: the bundled content \
         is back and the next sync updates it.\n  the damaged file is kept at {}\n",
        report.detail,
        report.moved_to.display()
    );
    out.push_str(&line("bookmarks", report.bookmarks));
    out.push_str(&line("recently viewed", report.recents));
    out.push_str(&line("feedback waiting to be sent", report.queued));
    out.push_str(&line("ticked checklist steps", report.checklist_steps));
    if !report.enrollment_kept {
        out.push_str("  an officers device may need to be enrolled again\n");
    }
    out
}
