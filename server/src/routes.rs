//! HTTP routes. Device reads are public and cacheable; publishing and reading feedback need a
//! bearer token; every body has a size limit.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use fieldref_core::store::OutboxItem;
use fieldref_core::sync::OutboxAccepted;
use rusqlite::params;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::db::{self, TokenRole};
use crate::error::ApiError;
use crate::publish::{self, PublishRequest};
use crate::AppState;

const MAX_PUBLISH_BYTES: usize = 256 * 1024 * 1024;
const MAX_OUTBOX_BYTES: usize = 1024 * 1024;
const MAX_OUTBOX_ITEMS: usize = 1_000;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/{channel}/manifest.json", get(manifest))
        .route("/v1/{channel}/blobs/{sha}", get(blob))
        .route("/v1/{channel}/root/{file}", get(root))
        .route(
            "/v1/{channel}/publish",
            post(publish_release).layer(DefaultBodyLimit::max(MAX_PUBLISH_BYTES)),
        )
        .route(
            "/v1/{channel}/outbox",
            post(outbox).layer(DefaultBodyLimit::max(MAX_OUTBOX_BYTES)),
        )
        .route("/v1/{channel}/feedback", get(feedback))
        .route("/v1/tokens", post(create_token))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

async fn manifest(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let manifest = state
        .manifest(&channel)?
        .ok_or_else(|| ApiError::NotFound(format!("channel `{channel}` has no release")))?;
    let etag =
        HeaderValue::from_str(&manifest.etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    let cache = HeaderValue::from_static("public, max-age=60");
    let unchanged = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == manifest.etag));
    if unchanged {
        return Ok((
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag), (header::CACHE_CONTROL, cache)],
        )
            .into_response());
    }
    let json = HeaderValue::from_static("application/json");
    Ok((
        [
            (header::ETAG, etag),
            (header::CACHE_CONTROL, cache),
            (header::CONTENT_TYPE, json),
        ],
        manifest.bytes.as_ref().clone(),
    )
        .into_response())
}

async fn blob(
    State(state): State<Arc<AppState>>,
    Path((_channel, sha)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let sha = sha.trim_end_matches(".zst").to_owned();
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::BadRequest(format!("`{sha}` is not a SHA-256")));
    }
    let bytes =
        db::blob(&state.db(), &sha)?.ok_or_else(|| ApiError::NotFound(format!("blob {sha}")))?;
    Ok((
        [
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn root(
    State(state): State<Arc<AppState>>,
    Path((_channel, file)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let version: usize = file
        .strip_suffix(".json")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| ApiError::NotFound(format!("root {file}")))?;
    let envelope = version
        .checked_sub(1)
        .and_then(|i| state.roots.get(i))
        .ok_or_else(|| ApiError::NotFound(format!("root {version}")))?;
    Ok(Json(envelope.clone()).into_response())
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(String, TokenRole), ApiError> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or(ApiError::Unauthorized)?;
    db::token_role(&state.db(), token.trim())?.ok_or(ApiError::Unauthorized)
}

async fn publish_release(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let (who, _role) = authorize(&state, &headers)?;
    let request: PublishRequest = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("publish body: {e}")))?;
    let _one_at_a_time = state.publishing.lock().await;
    let worker = Arc::clone(&state);
    let response = tokio::task::spawn_blocking(move || {
        let root = worker.root.clone();
        let mut conn = worker.db();
        publish::publish(&mut conn, &root, &channel, &request)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    tracing::info!(by = who, version = response.version, "release accepted");
    Ok((StatusCode::CREATED, Json(response)).into_response())
}

#[derive(Deserialize)]
struct OutboxBody {
    items: Vec<OutboxItem>,
}

async fn outbox(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    body: axum::body::Bytes,
) -> Result<Json<OutboxAccepted>, ApiError> {
    let body: OutboxBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("outbox body: {e}")))?;
    if body.items.len() > MAX_OUTBOX_ITEMS {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_OUTBOX_ITEMS} items per upload"
        )));
    }
    let now = chrono::Utc::now().to_rfc3339();
    let mut conn = state.db();
    let tx = conn.transaction()?;
    let mut accepted = Vec::with_capacity(body.items.len());
    for item in body.items {
        if item.id.is_empty() || item.id.len() > 64 || item.payload.len() > 8 * 1024 {
            return Err(ApiError::BadRequest(format!(
                "outbox item `{}` is malformed",
                item.id
            )));
        }
        // Idempotent: an item seen before is acknowledged again, never stored twice.
        tx.execute(
            "INSERT OR IGNORE INTO outbox(id, channel, kind, doc_id, payload, created_at, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![item.id, channel, item.kind.as_str(), item.doc_id, item.payload, item.created_at, now],
        )?;
        accepted.push(item.id);
    }
    tx.commit()?;
    Ok(Json(OutboxAccepted { accepted }))
}

#[derive(Serialize)]
struct FeedbackRow {
    id: String,
    kind: String,
    doc_id: Option<String>,
    payload: String,
    created_at: String,
    received_at: String,
}

async fn feedback(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    authorize(&state, &headers)?;
    let conn = state.db();
    let mut stmt = conn.prepare(
        "SELECT id, kind, doc_id, payload, created_at, received_at FROM outbox WHERE channel = ?1 ORDER BY received_at, id",
    )?;
    let rows = stmt.query_map([&channel], |r| {
        Ok(FeedbackRow {
            id: r.get(0)?,
            kind: r.get(1)?,
            doc_id: r.get(2)?,
            payload: r.get(3)?,
            created_at: r.get(4)?,
            received_at: r.get(5)?,
        })
    })?;
    let items: Vec<FeedbackRow> = rows.collect::<Result<_, _>>()?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
struct NewToken {
    name: String,
    role: String,
}

/// Admins create tokens for trainers (and other admins); the token is returned once.
async fn create_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let (who, role) = authorize(&state, &headers)?;
    if role != TokenRole::Admin {
        return Err(ApiError::Forbidden);
    }
    let request: NewToken = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("token body: {e}")))?;
    let new_role = TokenRole::parse(&request.role).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "role `{}`: expected trainer or admin",
            request.role
        ))
    })?;
    if request.name.trim().is_empty() {
        return Err(ApiError::BadRequest("name is empty".to_owned()));
    }
    let token = db::add_token(&state.db(), request.name.trim(), new_role)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    tracing::info!(
        by = who,
        name = request.name,
        role = new_role.as_str(),
        "token created"
    );
    Ok((
        StatusCode::CREATED,
        Json(json!({ "name": request.name, "role": new_role.as_str(), "token": token })),
    )
        .into_response())
}
