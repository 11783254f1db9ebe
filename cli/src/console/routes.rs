//! The console's HTTP routes. Pages are plain GETs; everything that changes a file or talks to
//! the server is a POST from the console's own script carrying the session secret, and every
//! request must name this console's own host, so another web page (or a DNS-rebinding one) the
//! trainer has open cannot drive it. Folder, compile and network work runs off the async threads.

use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use fieldref_core::content::Audience;
use maud::Markup;
use serde::Deserialize;
use serde_json::{json, Value};

use super::documents::{version_of, Folder, ListFilter};
use super::pages::{self, Nav};
use super::{checks, edit, editors, feedback, preview, publish, Console};

pub fn router(console: Arc<Console>) -> Router {
    Router::new()
        .route("/", get(documents_page))
        .route("/doc", get(editor_page))
        .route("/search", get(search_page))
        .route("/publish", get(publish_page))
        .route("/feedback", get(feedback_page))
        .route("/assets/console.css", get(css))
        .route("/assets/console.js", get(js))
        .route("/api/check", post(check))
        .route("/api/save", post(save))
        .route("/api/preview", post(preview_doc))
        .route("/api/new", post(create))
        .route("/api/duplicate", post(duplicate))
        .route("/api/delete", post(delete))
        .route("/api/publish/{step}", post(publish_step))
        .route("/api/feedback/resolve", post(resolve))
        .layer(middleware::from_fn_with_state(Arc::clone(&console), guard))
        .with_state(console)
}

/// Refuses requests for another host name, and POSTs without the session secret.
async fn guard(State(console): State<Arc<Console>>, request: Request, next: Next) -> Response {
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    if !console.hosts.iter().any(|h| h == host) {
        return (StatusCode::FORBIDDEN, "unknown host").into_response();
    }
    if request.method() == axum::http::Method::POST {
        let secret = request
            .headers()
            .get("x-console-session")
            .and_then(|h| h.to_str().ok());
        if secret != Some(console.session.as_str()) {
            return (StatusCode::FORBIDDEN, "missing console session").into_response();
        }
    }
    next.run(request).await
}

/// An error answered as plain text (pages) that the script shows as is.
struct Failure(StatusCode, String);

impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        (self.0, Json(json!({ "error": self.1 }))).into_response()
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure(StatusCode::BAD_REQUEST, publish::plain_error(&e))
    }
}

type Answer<T> = Result<T, Failure>;

/// Runs `f` on a blocking thread with the console.
async fn blocking<T: Send + 'static>(
    console: &Arc<Console>,
    f: impl FnOnce(&Console) -> anyhow::Result<T> + Send + 'static,
) -> Answer<T> {
    let console = Arc::clone(console);
    tokio::task::spawn_blocking(move || f(&console))
        .await
        .map_err(|e| Failure(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
        .map_err(Failure::from)
}

fn page(console: &Console, title: &str, nav: Nav, content: Markup) -> Html<String> {
    let folder = console.dir.display().to_string();
    Html(pages::layout(title, nav, &console.session, &folder, content).into_string())
}

fn error_page(console: &Console, failure: Failure) -> Response {
    let html = page(
        console,
        "Error",
        Nav::Documents,
        pages::error_page(&failure.1),
    );
    (failure.0, html).into_response()
}

async fn css() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8")],
        include_str!("assets/console.css"),
    )
}

async fn js() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        include_str!("assets/console.js"),
    )
}

async fn documents_page(
    State(console): State<Arc<Console>>,
    Query(filter): Query<ListFilter>,
) -> Response {
    let shown = filter.clone();
    let listed = blocking(&console, move |c| {
        let folder = Folder::read(&c.dir)?;
        let all = folder.summaries();
        let info = c.pack_info();
        let today = fieldref_core::content::today_in(info.as_ref().map_or("UTC", |i| &i.timezone));
        let total = all.len();
        let kept: Vec<_> = all.into_iter().filter(|d| shown.keeps(d, today)).collect();
        Ok((kept, total, info))
    })
    .await;
    match listed {
        Ok((docs, total, info)) => {
            let body = pages::documents(&docs, total, &filter, info.as_ref());
            page(&console, "Documents", Nav::Documents, body).into_response()
        }
        Err(failure) => error_page(&console, failure),
    }
}

#[derive(Deserialize)]
struct PathQuery {
    path: String,
}

async fn editor_page(State(console): State<Arc<Console>>, Query(q): Query<PathQuery>) -> Response {
    let path = q.path.clone();
    let loaded = blocking(&console, move |c| {
        let folder = Folder::read(&c.dir)?;
        let text = folder
            .text(&path)
            .ok_or_else(|| anyhow::anyhow!("no document `{path}` in the folder"))?;
        let doc = edit::to_editor(text)?;
        let info = c
            .pack_info()
            .unwrap_or_else(fieldref_core::content::PackInfo::empty);
        Ok((doc, version_of(text), editor_choices(&folder, info)))
    })
    .await;
    match loaded {
        Ok((doc, version, choices)) => {
            let body = pages::editor(&q.path, &version, &doc, &choices);
            page(&console, &q.path, Nav::Documents, body).into_response()
        }
        Err(failure) => error_page(&console, failure),
    }
}

/// The folder's contacts and documents for the editors' choices, and today where the pack is.
fn editor_choices(folder: &Folder, info: fieldref_core::content::PackInfo) -> editors::Choices {
    let summaries = folder.summaries();
    let mut contacts: Vec<(String, String)> = summaries
        .iter()
        .filter(|d| d.kind == "contact" && !d.id.is_empty())
        .map(|d| (d.id.clone(), d.title.clone()))
        .collect();
    contacts.sort_by_key(|c| c.1.to_lowercase());
    let mut documents: Vec<(String, String, String)> = summaries
        .into_iter()
        .filter(|d| !d.id.is_empty())
        .map(|d| (d.kind, d.id, d.title))
        .collect();
    documents.sort_by_key(|d| d.2.to_lowercase());
    let today = fieldref_core::content::today_in(&info.timezone);
    editors::Choices {
        info,
        contacts,
        documents,
        today: today.to_string(),
    }
}

#[derive(Deserialize)]
struct Edited {
    path: String,
    doc: Value,
    #[serde(default)]
    audience: Option<String>,
    /// [`version_of`] the file when the editor opened it; a save over a newer file is refused.
    #[serde(default)]
    version: Option<String>,
}

/// The edited text of `path`, with the folder it belongs to.
fn edited_text(console: &Console, edited: &Edited) -> anyhow::Result<(Folder, String)> {
    let folder = Folder::read(&console.dir)?;
    let text = folder
        .text(&edited.path)
        .ok_or_else(|| anyhow::anyhow!("no document `{}` in the folder", edited.path))?;
    let text = edit::apply(text, &edited.doc)?;
    Ok((folder, text))
}

fn problems_json(problems: &[fieldref_core::content::Problem]) -> Value {
    json!(problems
        .iter()
        .map(|p| json!({ "field": p.field, "line": p.line, "message": p.message, "display": p.to_string() }))
        .collect::<Vec<_>>())
}

async fn check(
    State(console): State<Arc<Console>>,
    Json(edited): Json<Edited>,
) -> Answer<Json<Value>> {
    blocking(&console, move |c| {
        let (folder, text) = edited_text(c, &edited)?;
        let (problems, _) = checks::check(&folder, &edited.path, &text);
        let hours =
            (edited.doc.get("kind").and_then(Value::as_str) == Some("contact")).then(|| {
                let info = c
                    .pack_info()
                    .unwrap_or_else(fieldref_core::content::PackInfo::empty);
                let hours = edited.doc.get("hours").and_then(Value::as_str);
                let grid = checks::week_grid(hours, &info.timezone, c.now());
                pages::week_grid(&grid).into_string()
            });
        let body = edited
            .doc
            .get("body")
            .and_then(Value::as_str)
            .unwrap_or_default();
        Ok(Json(json!({
            "problems": problems_json(&problems),
            "hours": hours,
            "body": preview::markdown(body).into_string(),
        })))
    })
    .await
}

async fn save(
    State(console): State<Arc<Console>>,
    Json(edited): Json<Edited>,
) -> Answer<Json<Value>> {
    blocking(&console, move |c| {
        let (folder, text) = edited_text(c, &edited)?;
        let on_disk = folder.text(&edited.path).unwrap_or_default();
        if edited
            .version
            .as_deref()
            .is_some_and(|v| v != version_of(on_disk))
        {
            anyhow::bail!(
                "{} changed on disk since you opened it (a git pull or another editor?): nothing \
                 was saved. Copy your edits, reload the page, and make them again.",
                edited.path
            );
        }
        let changed = on_disk != text;
        if changed {
            folder.save(&edited.path, &text)?;
        }
        let (problems, _) = checks::check(&folder, &edited.path, &text);
        Ok(Json(json!({
            "changed": changed,
            "version": version_of(&text),
            "problems": problems_json(&problems),
        })))
    })
    .await
}

async fn preview_doc(
    State(console): State<Arc<Console>>,
    Json(edited): Json<Edited>,
) -> Answer<Html<String>> {
    blocking(&console, move |c| {
        let (folder, text) = edited_text(c, &edited)?;
        let audience = edited
            .audience
            .as_deref()
            .and_then(Audience::parse)
            .unwrap_or(Audience::Officers);
        let id = edited
            .doc
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let html = match checks::check(&folder, &edited.path, &text) {
            (_, Some(pack)) => preview::for_audience(&pack, id, audience),
            (problems, None) => pages::message(
                &format!(
                    "Fix the problems first ({} in this document, or elsewhere in the folder).",
                    problems.len().max(1)
                ),
                false,
            ),
        };
        Ok(Html(html.into_string()))
    })
    .await
}

#[derive(Deserialize)]
struct NewDoc {
    kind: String,
    id: String,
}

async fn create(
    State(console): State<Arc<Console>>,
    Json(new): Json<NewDoc>,
) -> Answer<Json<Value>> {
    blocking(&console, move |c| {
        let folder = Folder::read(&c.dir)?;
        let info = c
            .pack_info()
            .unwrap_or_else(fieldref_core::content::PackInfo::empty);
        let text = super::templates::new_document(&new.kind, &new.id, chrono::Utc::now(), &info)?;
        let path = folder.create(&new.kind, &new.id, &text)?;
        Ok(Json(json!({ "path": path })))
    })
    .await
}

#[derive(Deserialize)]
struct Duplicate {
    path: String,
    id: String,
}

async fn duplicate(
    State(console): State<Arc<Console>>,
    Json(dup): Json<Duplicate>,
) -> Answer<Json<Value>> {
    blocking(&console, move |c| {
        let folder = Folder::read(&c.dir)?;
        let text = folder
            .text(&dup.path)
            .ok_or_else(|| anyhow::anyhow!("no document `{}` in the folder", dup.path))?;
        let mut doc = edit::to_editor(text)?;
        let title = doc.get("title").and_then(Value::as_str).unwrap_or_default();
        doc["title"] = json!(format!("{title} (copy)"));
        doc["id"] = json!(dup.id);
        let copy = edit::apply(text, &doc)?;
        let kind = doc.get("kind").and_then(Value::as_str).unwrap_or("contact");
        let path = folder.create(kind, &dup.id, &copy)?;
        Ok(Json(json!({ "path": path })))
    })
    .await
}

async fn delete(
    State(console): State<Arc<Console>>,
    Json(q): Json<PathQuery>,
) -> Answer<Json<Value>> {
    blocking(&console, move |c| {
        Folder::read(&c.dir)?.delete(&q.path)?;
        Ok(Json(json!({ "deleted": q.path })))
    })
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SearchQuery {
    q: String,
}

async fn search_page(
    State(console): State<Arc<Console>>,
    Query(q): Query<SearchQuery>,
) -> Response {
    let query = q.q.clone();
    let found = blocking(&console, move |c| {
        if query.trim().is_empty() {
            return Ok(Vec::new());
        }
        let pack = c.compiled()?;
        preview::officer_search(&pack, &query, 20)
    })
    .await;
    match found {
        Ok(hits) => page(
            &console,
            "Officer search",
            Nav::Search,
            pages::search(&q.q, &hits),
        )
        .into_response(),
        Err(failure) => error_page(&console, failure),
    }
}

async fn publish_page(State(console): State<Arc<Console>>) -> Html<String> {
    let key = console
        .publish
        .key
        .as_ref()
        .map(|k| k.display().to_string());
    let body = pages::publish(console.publish.server.as_deref(), key.as_deref());
    page(&console, "Publish", Nav::Publish, body)
}

async fn publish_step(
    State(console): State<Arc<Console>>,
    axum::extract::Path(step): axum::extract::Path<String>,
) -> Answer<Html<String>> {
    let answer = blocking(&console, move |c| {
        let pack = c.compiled()?;
        let html = match step.as_str() {
            "diff" => pages::diffs(&publish::diff(&c.publish, &pack)?),
            "dry-run" => pages::outcomes(&publish::publish(&c.publish, &pack, true)?),
            "run" => pages::outcomes(&publish::publish(&c.publish, &pack, false)?),
            other => anyhow::bail!("unknown publish step `{other}`"),
        };
        Ok(html)
    })
    .await;
    // Errors are shown in the page in plain words, not as a failed request.
    Ok(Html(match answer {
        Ok(html) => html.into_string(),
        Err(failure) => pages::message(&failure.1, false).into_string(),
    }))
}

async fn feedback_page(State(console): State<Arc<Console>>) -> Response {
    let fetched = blocking(&console, move |c| {
        let info = c
            .pack_info()
            .unwrap_or_else(fieldref_core::content::PackInfo::empty);
        let items = feedback::fetch(&c.publish, &info.channel)?;
        let folder = Folder::read(&c.dir)?;
        let paths: Vec<(String, String)> = folder
            .summaries()
            .into_iter()
            .map(|d| (d.id, d.path))
            .collect();
        Ok((items, paths))
    })
    .await;
    match fetched {
        Ok((items, paths)) => {
            let lookup = |id: &str| paths.iter().find(|(i, _)| i == id).map(|(_, p)| p.clone());
            page(
                &console,
                "Field answers",
                Nav::Feedback,
                pages::feedback(&items, &lookup),
            )
            .into_response()
        }
        Err(failure) => error_page(&console, failure),
    }
}

#[derive(Deserialize)]
struct Resolve {
    channel: String,
    id: String,
}

async fn resolve(
    State(console): State<Arc<Console>>,
    Json(r): Json<Resolve>,
) -> Answer<Json<Value>> {
    blocking(&console, move |c| {
        feedback::resolve(&c.publish, &r.channel, &r.id)?;
        Ok(Json(json!({ "resolved": r.id })))
    })
    .await
}
