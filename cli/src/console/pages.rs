//! The console's pages: the shared layout and the documents list, one editor, the officer search
//! preview, publishing and the field's answers. Pure HTML from data; no I/O here.

use fieldref_core::content::PackInfo;
use fieldref_core::directory::OpenState;
use fieldref_core::search::Hit;
use maud::{html, Markup, DOCTYPE};
use serde_json::Value;

use super::checks::WeekGrid;
use super::documents::{DocSummary, ListFilter};
use super::feedback::{FieldAnswers, FieldItem};
use super::publish::{Change, ChannelDiff};
use super::{editors, preview};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Nav {
    Documents,
    Search,
    Publish,
    Feedback,
}

pub fn layout(title: &str, nav: Nav, session: &str, folder: &str, content: Markup) -> Markup {
    let link = |href: &str, label: &str, here: Nav| {
        html! { a href=(href) aria-current=[(nav == here).then_some("page")] { (label) } }
    };
    html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="console-session" content=(session);
                title { (title) " · FieldRef console" }
                link rel="stylesheet" href="/assets/console.css";
                script src="/assets/console.js" defer {}
            }
            body {
                a.skip href="#main" { "Skip to content" }
                header.top {
                    strong { "FieldRef console" }
                    nav aria-label="Console" {
                        (link("/", "Documents", Nav::Documents)) " "
                        (link("/search", "Officer search", Nav::Search)) " "
                        (link("/publish", "Publish", Nav::Publish)) " "
                        (link("/feedback", "Field answers", Nav::Feedback))
                    }
                    span.folder { "Folder: " (folder) }
                }
                main #main tabindex="-1" { (content) }
            }
        }
    }
}

fn select_filter(label: &str, name: &str, value: &str, options: &[(&str, &str)]) -> Markup {
    html! {
        label { (label)
            select name=(name) aria-label=(label) {
                option value="" { "any" }
                @for (v, text) in options { option value=(v) selected[*v == value] { (text) } }
            }
        }
    }
}

pub fn documents(
    docs: &[DocSummary],
    total: usize,
    filter: &ListFilter,
    info: Option<&PackInfo>,
) -> Markup {
    let categories: Vec<(&str, &str)> = info
        .map(|i| {
            i.categories
                .iter()
                .map(|c| (c.as_str(), c.as_str()))
                .collect()
        })
        .unwrap_or_default();
    let kinds = [
        ("checklist", "checklist"),
        ("note", "note"),
        ("contact", "contact"),
    ];
    html! {
        h1 { "Documents" }
        form.filters method="get" action="/" role="search" aria-label="Filter documents" {
            label { "Search" input type="search" name="q" aria-label="Search" value=(filter.q); }
            (select_filter("Kind", "kind", &filter.kind, &kinds))
            (select_filter("Category", "category", &filter.category, &categories))
            (select_filter("Audience", "audience", &filter.audience, &[("public", "public"), ("officers", "officers")]))
            (select_filter("Language", "language", &filter.language, &[("en", "en"), ("es", "es")]))
            (select_filter("Updated", "updated", &filter.updated, &[("30", "in the last 30 days"), ("90", "in the last 90 days"), ("365", "in the last year"), ("old", "over a year ago")]))
            (select_filter("Review due", "review", &filter.review, &[("overdue", "overdue"), ("30", "within 30 days")]))
            (select_filter("State", "state", &filter.state, &[("problems", "with problems")]))
            button type="submit" { "Filter" }
            a href="/" { "Clear" }
        }
        p role="status" { (docs.len()) " of " (total) " documents" }
        table {
            thead { tr { th { "Title" } th { "Kind" } th { "Category" } th { "Audience" } th { "Lang" } th { "Updated" } th { "Review due" } th { "Checks" } } }
            tbody {
                @for doc in docs {
                    tr {
                        td { a href={ "/doc?path=" (encode(&doc.path)) } { (if doc.title.is_empty() { &doc.path } else { &doc.title }) } br; small { (doc.id) } }
                        td { (doc.kind) } td { (doc.category) } td { (doc.audience) } td { (doc.language) }
                        td { (doc.updated_at) } td { (doc.review_due.as_deref().unwrap_or("")) }
                        td { @if doc.problems.is_empty() { span.badge { "ok" } } @else { span.badge.bad { (doc.problems.len()) " problem(s)" } } }
                    }
                }
            }
        }
        h2 { "New document" }
        form #create-form.filters {
            label { "Kind" select name="kind" aria-label="Kind" { option value="checklist" { "checklist" } option value="note" { "note" } option value="contact" { "contact" } } }
            label { "Id" input type="text" name="id" aria-label="Id" placeholder="checklist-new-scene" required; }
            button.primary type="submit" { "Create" }
            span #action-status.status role="status" {}
        }
    }
}

/// Percent-encodes a relative path for a query string.
pub fn encode(path: &str) -> String {
    path.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn editor(path: &str, version: &str, doc: &Value, choices: &editors::Choices) -> Markup {
    let title = doc.get("title").and_then(Value::as_str).unwrap_or(path);
    let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("");
    html! {
        h1 { "Edit " (kind) ": " (title) }
        div.layout {
            form #editor data-path=(path) data-kind=(kind) data-version=(version) novalidate {
                (editors::for_kind(doc, choices))
                div.row {
                    button.primary type="submit" { "Save" }
                    span #save-status.status role="status" aria-live="polite" {}
                }
                fieldset {
                    legend { "Other actions" }
                    div.row {
                        label.field { span.label { "Id of the copy" } input #duplicate-id type="text" value={ (doc.get("id").and_then(Value::as_str).unwrap_or("")) "-copy" }; }
                        button #duplicate type="button" { "Duplicate" }
                        button #delete.danger type="button" { "Delete" }
                    }
                    span #action-status.status role="status" {}
                }
            }
            aside.side aria-label="Checks and preview" {
                section.panel aria-labelledby="checks-h" {
                    h2 #checks-h { "Checks" }
                    p #check-state aria-live="polite" { "Checking…" }
                    ul #problems {}
                    p.hint { "The same rules and messages as " code { "fieldref pack validate" } "." }
                }
                section.panel aria-labelledby="preview-h" {
                    h2 #preview-h { "Preview" }
                    div.row {
                        button type="button" data-preview="officers" { "As an officer" }
                        button type="button" data-preview="public" { "As a community partner" }
                    }
                    div #preview aria-live="polite" {}
                }
            }
        }
    }
}

pub fn week_grid(grid: &WeekGrid) -> Markup {
    let class = |s: &OpenState| match s {
        OpenState::Open => "open",
        OpenState::Closed => "closed",
        OpenState::Unknown => "unknown",
    };
    html! {
        p.open-now data-state=(class(&grid.state)) { "Now (" (grid.timezone) "): " (grid.now) }
        @if let Some(next) = &grid.next_change { p.legend-row { "Next change: " (next.replace('T', " ")) } }
        table.week aria-label="Opening hours this week" {
            thead { tr { th { span.skip { "Day" } } @for h in 0..24 { th colspan="2" { @if h % 3 == 0 { (format!("{h:02}")) } } } } }
            tbody {
                @for day in &grid.days {
                    tr class=[day.today.then_some("today")] {
                        th scope="row" { (day.label) @if day.today { " (today)" } }
                        @for (i, slot) in day.slots.iter().enumerate() {
                            td class={ (class(slot)) @if i % 2 == 0 { " hour" } } title={ (format!("{:02}:{:02}", i / 2, (i % 2) * 30)) " " (class(slot)) } {}
                        }
                    }
                }
            }
        }
        p.legend-row { "Green: open · grey: closed · yellow: unknown (call first)" }
    }
}

pub fn search(query: &str, hits: &[Hit]) -> Markup {
    html! {
        h1 { "Officer search" }
        p { "The ranking an officer's device gives, from the core's search over the saved folder." }
        form.filters method="get" action="/search" role="search" {
            label { "Query" input type="search" name="q" aria-label="Query" value=(query) autofocus; }
            button.primary type="submit" { "Search" }
        }
        @if !query.is_empty() {
            p role="status" { (hits.len()) " result(s)" }
            ol.hits {
                @for hit in hits {
                    li {
                        strong { (hit.title) } " " span.badge { (hit.kind.as_str()) } " " small { (hit.id) " · score " (format!("{:.2}", hit.score)) }
                        br; span.snippet { (preview::highlighted(hit)) }
                    }
                }
            }
        }
    }
}

pub fn publish(server: Option<&str>, key: Option<&str>) -> Markup {
    html! {
        h1 { "Publish" }
        dl {
            dt { "Server" } dd { (server.unwrap_or("not set: start with --server URL")) }
            dt { "Release key" } dd { (key.unwrap_or("not set: start with --key FILE")) }
        }
        p { "Compare the saved folder with the server's current releases, try a dry run, then sign on this machine and upload." }
        div.row {
            button type="button" data-publish="diff" { "Show changes" }
            button type="button" data-publish="dry-run" { "Dry run" }
            button.primary type="button" data-publish="run" { "Sign and publish" }
        }
        div #publish-result aria-live="polite" {}
    }
}

pub fn diffs(diffs: &[ChannelDiff]) -> Markup {
    html! {
        @for d in diffs {
            section.diff {
                h2 { (d.channel) " (" (d.audience.as_str()) "): server version " (d.server_version) }
                @if d.changes.is_empty() { p { "No changes." } }
                @for c in &d.changes {
                    h3 { (match c.what { Change::Added => "Added", Change::Changed => "Changed", Change::Removed => "Removed" }) ": " (c.title) " " small { (c.id) } }
                    @if !c.fields.is_empty() {
                        table { tbody {
                            @for (path, before, after) in &c.fields {
                                tr { td.path { (path) }
                                    td { @if let Some(b) = before { del { (b) } } }
                                    td { @if let Some(a) = after { ins { (a) } } } }
                            }
                        } }
                    }
                }
            }
        }
    }
}

pub fn outcomes(outcomes: &[fieldref_core::sync::publish::PublishOutcome]) -> Markup {
    html! {
        ul {
            @for o in outcomes {
                li.status.ok {
                    (o.channel) " (" (o.audience.as_str()) "): "
                    (if o.dry_run { "would publish" } else { "published" }) " version " (o.version)
                    " (on top of " (o.previous) "), " (o.snapshot_bytes) " bytes"
                    @for c in &o.changes { br; (c.kind) "s: " (c.added) " added, " (c.changed) " changed, " (c.removed) " removed" }
                }
            }
        }
    }
}

pub fn feedback(answers_in: &FieldAnswers, paths: &dyn Fn(&str) -> Option<String>) -> Markup {
    let (answers, acks): (Vec<&FieldItem>, Vec<&FieldItem>) = answers_in
        .items
        .iter()
        .partition(|i| i.kind != "acknowledgement");
    html! {
        h1 { "Field answers" }
        @for (channel, why) in &answers_in.unread {
            p.status.bad role="alert" { (channel) ": " (why) }
        }
        span #feedback-status.status role="status" {}
        h2 { "Feedback (" (answers.len()) ")" }
        table {
            thead { tr { th { "Received" } th { "Document" } th { "Feedback" } th { "Channel" } th { "State" } } }
            tbody {
                @for item in &answers {
                    tr class=[item.resolved_at.is_some().then_some("resolved")] {
                        td { (item.received_at.get(..16).unwrap_or(&item.received_at).replace('T', " ")) }
                        td { (doc_link(item.doc_id.as_deref(), paths)) }
                        td { (item.payload) }
                        td { (item.channel) }
                        td {
                            @if let Some(at) = &item.resolved_at { "Resolved " (at) @if let Some(by) = &item.resolved_by { " by " (by) } }
                            @else { button type="button" data-resolve data-channel=(item.channel) data-id=(item.id) aria-label={ "Mark resolved: " (item.payload) } { "Mark resolved" } }
                        }
                    }
                }
            }
        }
        h2 { "Read acknowledgements (" (acks.len()) ")" }
        table {
            thead { tr { th { "Document" } th { "Revision read" } th { "Read at" } th { "Channel" } } }
            tbody { @for item in &acks { tr { td { (doc_link(item.doc_id.as_deref(), paths)) } td { (item.payload) } td { (item.created_at) } td { (item.channel) } } } }
        }
    }
}

fn doc_link(id: Option<&str>, paths: &dyn Fn(&str) -> Option<String>) -> Markup {
    match id {
        Some(id) => match paths(id) {
            Some(path) => html! { a href={ "/doc?path=" (encode(&path)) } { "Open " (id) } },
            None => html! { (id) " (not in the folder)" },
        },
        None => html! { "-" },
    }
}

pub fn error_page(message: &str) -> Markup {
    html! { h1 { "Something went wrong" } p.error role="alert" { (message) } p { a href="/" { "Back to the documents" } } }
}

/// A fragment holding only a message, for the script to show.
pub fn message(text: &str, good: bool) -> Markup {
    let class = if good { "status ok" } else { "status bad" };
    html! { p class=(class) role="alert" { (text) } }
}
