//! HTTP routes. Device reads are public and cacheable; feedback needs a device credential;
//! publishing, reading feedback and managing tokens need a bearer token whose role and channels
//! cover the request; every body has a size limit; blocking work runs off the async threads.

use std::sync::Arc;

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use fieldref_core::store::OutboxItem;
use fieldref_core::sync::OutboxAccepted;
use rusqlite::OptionalExtension as _;
use serde::{Deserialize, Serialize};
use serde_json::json;
use tower_http::compression::CompressionLayer;
use tower_http::trace::TraceLayer;

use crate::db::{self, NewToken, Principal, TokenError, TokenRole};
use crate::error::ApiError;
use crate::publish::{self, PublishRequest};
use crate::{feedback, officers, AppState};

const MAX_PUBLISH_BYTES: usize = 256 * 1024 * 1024;
const MAX_OUTBOX_BYTES: usize = 1024 * 1024;
const MAX_OUTBOX_ITEMS: usize = 1_000;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/v1/{channel}/manifest.json", get(manifest))
        .route("/v1/{channel}/blobs/{sha}", get(blob))
        .route("/v1/{channel}/root/{file}", get(root))
        .route("/v1/{channel}/keys/{file}", get(device_keys))
        .route("/v1/{channel}/enroll", post(enroll_officer))
        .route(
            "/v1/{channel}/publish",
            post(publish_release).layer(DefaultBodyLimit::max(MAX_PUBLISH_BYTES)),
        )
        .route("/v1/{channel}/devices", post(enroll_device))
        .route(
            "/v1/{channel}/outbox",
            post(outbox).layer(DefaultBodyLimit::max(MAX_OUTBOX_BYTES)),
        )
        .route("/v1/{channel}/feedback", get(feedback))
        .route(
            "/v1/{channel}/feedback/{id}/resolve",
            post(resolve_feedback),
        )
        .route("/v1/tokens", post(create_token).get(list_tokens))
        .route("/v1/tokens/{which}", delete(revoke_token))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

/// Refuses channel names that are not the pack validator's ids (they become folder names).
fn channel_name(channel: &str) -> Result<(), ApiError> {
    if db::valid_channel(channel) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(format!(
            "channel `{}`: expected lowercase letters, digits and dashes",
            channel.chars().take(80).collect::<String>()
        )))
    }
}

fn authorization(headers: &HeaderMap) -> Option<String> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The principal of the bearer token: 401 when missing, unknown, expired or revoked.
async fn principal(state: &Arc<AppState>, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let token = authorization(headers)
        .and_then(|v| v.strip_prefix("Bearer ").map(|t| t.trim().to_owned()))
        .filter(|t| !t.is_empty())
        .ok_or(ApiError::Unauthorized)?;
    state
        .blocking(move |state| state.read(|conn| db::principal(conn, &token, chrono::Utc::now())))
        .await?
        .ok_or(ApiError::Unauthorized)
}

/// 403 unless the principal has one of `roles` (admins always do) and covers `channel`.
fn require(who: &Principal, roles: &[TokenRole], channel: Option<&str>) -> Result<(), ApiError> {
    let role_ok = who.role == TokenRole::Admin || roles.contains(&who.role);
    let channel_ok = channel.is_none_or(|c| who.covers(c));
    if role_ok && channel_ok {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

/// Who reads an officers channel: an enrolled device, or staff with a token for the channel.
enum OfficersReader {
    Device(String),
    Staff,
}

/// `None` for a public channel (anyone reads it). An officers channel needs an enrolled,
/// unrevoked device's credential or a token covering the channel: 401 otherwise.
async fn officers_reader(
    state: &Arc<AppState>,
    headers: &HeaderMap,
    channel: &str,
) -> Result<Option<OfficersReader>, ApiError> {
    if !officers::is_officers(channel) {
        return Ok(None);
    }
    let auth = authorization(headers).ok_or(ApiError::Unauthorized)?;
    if let Some(credential) = auth.strip_prefix("Device ") {
        let credential = credential.trim().to_owned();
        let channel = channel.to_owned();
        let device = state
            .blocking(move |state| {
                state.read(|conn| officers::device_of(conn, &credential, &channel))
            })
            .await?
            .ok_or(ApiError::Unauthorized)?;
        return Ok(Some(OfficersReader::Device(device)));
    }
    let who = principal(state, headers).await?;
    require(
        &who,
        &[TokenRole::Trainer, TokenRole::Viewer],
        Some(channel),
    )?;
    Ok(Some(OfficersReader::Staff))
}

/// Shared caches may keep public answers; answers to an authenticated reader are private.
fn cache_control(reader: &Option<OfficersReader>, public: &'static str) -> HeaderValue {
    match reader {
        None => HeaderValue::from_static(public),
        Some(_) => HeaderValue::from_static("private, no-cache"),
    }
}

async fn healthz() -> Json<serde_json::Value> {
    Json(json!({ "status": "ok" }))
}

async fn manifest(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    channel_name(&channel)?;
    let reader = officers_reader(&state, &headers, &channel).await?;
    let manifest = state
        .blocking(move |state| {
            state
                .manifest(&channel)?
                .ok_or_else(|| ApiError::NotFound(format!("channel `{channel}` has no release")))
        })
        .await?;
    let etag =
        HeaderValue::from_str(&manifest.etag).map_err(|e| ApiError::Internal(e.to_string()))?;
    let cache = cache_control(&reader, "public, max-age=60");
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
    Path((channel, sha)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    channel_name(&channel)?;
    let reader = officers_reader(&state, &headers, &channel).await?;
    let sha = sha.trim_end_matches(".zst").to_owned();
    if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::BadRequest(format!("`{sha}` is not a SHA-256")));
    }
    // Devices get an officers blob sealed, as a static export has it; staff (a trainer's
    // publish comparing with the latest release) get it plain.
    let sealed = matches!(reader, Some(OfficersReader::Device(_)));
    let bytes = state
        .blocking(move |state| {
            state
                .read(|conn| {
                    if sealed {
                        officers::sealed_blob(conn, &channel, &sha)
                    } else {
                        db::blob(conn, &sha)
                    }
                })?
                .ok_or_else(|| ApiError::NotFound(format!("blob {sha}")))
        })
        .await?;
    Ok((
        [
            (
                header::CACHE_CONTROL,
                cache_control(&reader, "public, max-age=31536000, immutable"),
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
    Path((channel, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    channel_name(&channel)?;
    officers_reader(&state, &headers, &channel).await?;
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

async fn publish_release(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    channel_name(&channel)?;
    let who = principal(&state, &headers).await?;
    require(&who, &[TokenRole::Trainer], Some(&channel))?;
    let _one_at_a_time = state.publishing.lock().await;
    let response = state
        .blocking(move |state| {
            let request: PublishRequest = serde_json::from_slice(&body)
                .map_err(|e| ApiError::BadRequest(format!("publish body: {e}")))?;
            let prepared = publish::prepare(state, &channel, &request)?;
            publish::commit(state, &channel, prepared)
        })
        .await?;
    tracing::info!(
        by = who.name,
        version = response.version,
        "release accepted"
    );
    Ok((StatusCode::CREATED, Json(response)).into_response())
}

/// A new install asks for its anonymous device credential (returned once).
/// The client's address is known when the server runs with connect info ([`crate::serve`]).
async fn enroll_device(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    extensions: axum::http::Extensions,
) -> Result<Response, ApiError> {
    channel_name(&channel)?;
    let address = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    let credential = state
        .blocking(move |state| feedback::enroll(state, &channel, address))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(json!({ "credential": credential })),
    )
        .into_response())
}

/// An enrolled device's content keys, wrapped for it (only that device may ask).
async fn device_keys(
    State(state): State<Arc<AppState>>,
    Path((channel, file)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    channel_name(&channel)?;
    let id = file
        .strip_suffix(".json")
        .ok_or_else(|| ApiError::NotFound(format!("keys {file}")))?
        .to_owned();
    match officers_reader(&state, &headers, &channel).await? {
        Some(OfficersReader::Device(device)) if device == id => {}
        Some(_) => return Err(ApiError::Forbidden),
        None => {
            return Err(ApiError::NotFound(format!(
                "channel `{channel}` has no keys"
            )))
        }
    }
    let keys = state
        .blocking(move |state| state.read(|conn| officers::device_keys(conn, &id, &channel)))
        .await?;
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-cache"),
        )],
        Json(keys),
    )
        .into_response())
}

#[derive(Deserialize)]
struct EnrollBody {
    code: String,
    public_key: String,
}

/// A device trades a one-time enrollment code for its officers credential and content keys.
/// Attempts are rate-limited per client address like device credentials.
async fn enroll_officer(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    extensions: axum::http::Extensions,
    Json(body): Json<EnrollBody>,
) -> Result<Response, ApiError> {
    channel_name(&channel)?;
    let address = extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    let answer = state
        .blocking(move |state| {
            if let Some(address) = address {
                state.limiter.check(
                    &format!("\u{0}officer enroll {address}"),
                    state.feedback.enrollments_per_address_per_minute,
                )?;
            }
            if body.code.len() > 64 || body.public_key.len() > 128 {
                return Err(ApiError::BadRequest("enrollment body too long".to_owned()));
            }
            state.write(|conn| officers::enroll(conn, &channel, &body.code, &body.public_key))
        })
        .await?;
    tracing::info!(
        device = answer.device,
        channel = answer.channel,
        "device enrolled"
    );
    Ok((StatusCode::CREATED, Json(answer)).into_response())
}

#[derive(Deserialize)]
struct OutboxBody {
    items: Vec<OutboxItem>,
}

async fn outbox(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Json<OutboxAccepted>, ApiError> {
    channel_name(&channel)?;
    let authorization = authorization(&headers);
    let accepted = state
        .blocking(move |state| {
            let device = feedback::device_of(state, authorization.as_deref(), &channel)?;
            let body: OutboxBody = serde_json::from_slice(&body)
                .map_err(|e| ApiError::BadRequest(format!("outbox body: {e}")))?;
            if body.items.len() > MAX_OUTBOX_ITEMS {
                return Err(ApiError::BadRequest(format!(
                    "at most {MAX_OUTBOX_ITEMS} items per upload"
                )));
            }
            feedback::accept(state, &device, &channel, &body.items)
        })
        .await?;
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
    resolved_at: Option<String>,
    resolved_by: Option<String>,
    /// Why it was reported (`wrong_number`, `closed`, `moved`, `other`); null for
    /// acknowledgements and older reports.
    reason: Option<String>,
}

async fn feedback(
    State(state): State<Arc<AppState>>,
    Path(channel): Path<String>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    channel_name(&channel)?;
    let who = principal(&state, &headers).await?;
    require(
        &who,
        &[TokenRole::Trainer, TokenRole::Viewer],
        Some(&channel),
    )?;
    let items = state
        .blocking(move |state| {
            state.read(|conn| {
                let mut stmt = conn.prepare(
                    "SELECT id, kind, doc_id, payload, created_at, received_at, resolved_at, resolved_by, reason FROM outbox WHERE channel = ?1 ORDER BY received_at, id",
                )?;
                let rows = stmt.query_map([&channel], |r| {
                    Ok(FeedbackRow {
                        id: r.get(0)?,
                        kind: r.get(1)?,
                        doc_id: r.get(2)?,
                        payload: r.get(3)?,
                        created_at: r.get(4)?,
                        received_at: r.get(5)?,
                        resolved_at: r.get(6)?,
                        resolved_by: r.get(7)?,
                        reason: r.get(8)?,
                    })
                })?;
                Ok(rows.collect::<Result<Vec<_>, _>>()?)
            })
        })
        .await?;
    Ok(Json(json!({ "items": items })))
}

/// A trainer marks one feedback item of `channel` resolved (idempotent: the first resolution's
/// time and name are kept). 404 for an item the channel does not have.
async fn resolve_feedback(
    State(state): State<Arc<AppState>>,
    Path((channel, id)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    channel_name(&channel)?;
    let who = principal(&state, &headers).await?;
    require(&who, &[TokenRole::Trainer], Some(&channel))?;
    let by = who.name.clone();
    let resolved_at = state
        .blocking(move |state| {
            state.write(|conn| {
                let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
                conn.execute(
                    "UPDATE outbox SET resolved_at = ?1, resolved_by = ?2
                     WHERE channel = ?3 AND id = ?4 AND resolved_at IS NULL",
                    rusqlite::params![now, by, channel, id],
                )?;
                let resolved: Option<Option<String>> = conn
                    .query_row(
                        "SELECT resolved_at FROM outbox WHERE channel = ?1 AND id = ?2",
                        rusqlite::params![channel, id],
                        |r| r.get(0),
                    )
                    .optional()?;
                resolved.ok_or_else(|| ApiError::NotFound(format!("feedback `{id}`")))
            })
        })
        .await?;
    Ok(Json(json!({ "resolved_at": resolved_at })))
}

#[derive(Deserialize)]
struct NewTokenBody {
    name: String,
    role: String,
    #[serde(default)]
    channels: Vec<String>,
    /// Days until the token expires; none: it does not.
    #[serde(default)]
    expires_in_days: Option<u32>,
}

fn token_error(e: TokenError) -> ApiError {
    match e {
        TokenError::Storage(e) => ApiError::Storage(e),
        TokenError::Random(e) => ApiError::Internal(e),
        TokenError::Unknown(which) => ApiError::NotFound(format!("token `{which}`")),
        other => ApiError::BadRequest(other.to_string()),
    }
}

/// Admins create tokens for trainers, viewers and other admins; the token is returned once.
async fn create_token(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response, ApiError> {
    let who = principal(&state, &headers).await?;
    require(&who, &[], None)?;
    let request: NewTokenBody = serde_json::from_slice(&body)
        .map_err(|e| ApiError::BadRequest(format!("token body: {e}")))?;
    let role = TokenRole::parse(&request.role).ok_or_else(|| {
        ApiError::BadRequest(format!(
            "role `{}`: expected admin, trainer or viewer",
            request.role
        ))
    })?;
    let expires_at = request
        .expires_in_days
        .map(|d| chrono::Utc::now() + chrono::Duration::days(i64::from(d)));
    let (name, channels) = (request.name.trim().to_owned(), request.channels.clone());
    let token = state
        .blocking(move |state| {
            let new = NewToken {
                name: &name,
                role,
                channels: &channels,
                expires_at,
            };
            state.write(|conn| db::add_token(conn, &new).map_err(token_error))
        })
        .await?;
    tracing::info!(
        by = who.name,
        name = request.name,
        role = role.as_str(),
        "token created"
    );
    Ok((
        StatusCode::CREATED,
        Json(json!({
            "name": request.name.trim(),
            "role": role.as_str(),
            "channels": request.channels,
            "expires_at": expires_at.map(|t| t.to_rfc3339()),
            "token": token,
        })),
    )
        .into_response())
}

async fn list_tokens(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let who = principal(&state, &headers).await?;
    require(&who, &[], None)?;
    let tokens = state
        .blocking(|state| state.read(|conn| db::list_tokens(conn).map_err(token_error)))
        .await?;
    Ok(Json(json!({ "tokens": tokens })))
}

/// Revokes tokens by public id or name; they are refused (401) from the next request on.
async fn revoke_token(
    State(state): State<Arc<AppState>>,
    Path(which): Path<String>,
    headers: HeaderMap,
) -> Result<Json<serde_json::Value>, ApiError> {
    let who = principal(&state, &headers).await?;
    require(&who, &[], None)?;
    let revoked = state
        .blocking(move |state| {
            state.write(|conn| db::revoke_token(conn, &which).map_err(token_error))
        })
        .await?;
    tracing::info!(by = who.name, revoked, "tokens revoked");
    Ok(Json(json!({ "revoked": revoked })))
}
