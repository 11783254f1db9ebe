//! The field's answers: feedback and read acknowledgements devices uploaded, fetched from the
//! server with the trainer's token for both audiences' channels, and "mark resolved".

use anyhow::{bail, Context, Result};
use fieldref_core::content::{channel_for, Audience};
use fieldref_core::sync::{HttpRequest, Transport};
use serde::Deserialize;

use super::publish::PublishSettings;

/// One item as the server lists it (`GET /v1/{channel}/feedback`).
#[derive(Debug, Clone, Deserialize)]
pub struct FieldItem {
    pub id: String,
    /// `feedback` or `acknowledgement`.
    pub kind: String,
    pub doc_id: Option<String>,
    pub payload: String,
    pub created_at: String,
    pub received_at: String,
    #[serde(default)]
    pub resolved_at: Option<String>,
    #[serde(default)]
    pub resolved_by: Option<String>,
    #[serde(skip)]
    pub channel: String,
}

#[derive(Deserialize)]
struct Listing {
    items: Vec<FieldItem>,
}

const TIMEOUT_MS: u64 = 30_000;

/// The body of a 2xx answer; `None` for a 404 (no such channel release or item).
fn request(settings: &PublishSettings, method: &str, path: &str) -> Result<Option<Vec<u8>>> {
    let server = settings
        .server
        .as_deref()
        .context("no server: start the console with --server URL (or FIELDREF_SERVER)")?;
    let token = settings
        .token
        .as_deref()
        .context("no trainer token: start the console with --token (or FIELDREF_TOKEN)")?;
    fieldref_core::sync::check_server_url(server)?;
    let url = format!("{}{path}", server.trim_end_matches('/'));
    let transport: Box<dyn Transport> = crate::channel::transport(settings.ca_cert.as_deref())?;
    let response = transport
        .send(&HttpRequest {
            method: method.to_owned(),
            url: url.clone(),
            headers: vec![("Authorization".to_owned(), format!("Bearer {token}"))],
            body: Vec::new(),
            max_response_bytes: 16 * 1024 * 1024,
            timeout_ms: TIMEOUT_MS,
        })
        .map_err(|e| anyhow::anyhow!("Could not reach the server at {url}: {e}"))?;
    match response.status {
        200..=299 => Ok(Some(response.body)),
        404 => Ok(None),
        401 => bail!("The server did not accept your token (unknown, expired or revoked)."),
        403 => bail!("Your token may not read this channel's feedback."),
        status => bail!("The server answered HTTP {status} for {url}."),
    }
}

/// What the server gave for the pack's channels.
pub struct FieldAnswers {
    /// Newest first.
    pub items: Vec<FieldItem>,
    /// A channel that could not be read, and why (the other's items are still shown).
    pub unread: Vec<(String, String)>,
}

/// Every item of the pack's public and officers channels. A channel with no release yet has
/// none; an error only when neither channel could be read.
pub fn fetch(settings: &PublishSettings, pack_channel: &str) -> Result<FieldAnswers> {
    let mut answers = FieldAnswers {
        items: Vec::new(),
        unread: Vec::new(),
    };
    let mut last_error = None;
    for audience in [Audience::Public, Audience::Officers] {
        let channel = channel_for(pack_channel, audience);
        let body = match request(settings, "GET", &format!("/v1/{channel}/feedback")) {
            Ok(Some(body)) => body,
            Ok(None) => continue,
            Err(e) => {
                answers.unread.push((channel, format!("{e:#}")));
                last_error = Some(e);
                continue;
            }
        };
        let listing: Listing =
            serde_json::from_slice(&body).context("the server's feedback list")?;
        answers
            .items
            .extend(listing.items.into_iter().map(|mut item| {
                item.channel = channel.clone();
                item
            }));
    }
    if let (Some(e), 2) = (last_error, answers.unread.len()) {
        return Err(e);
    }
    answers
        .items
        .sort_by(|a, b| b.received_at.cmp(&a.received_at));
    Ok(answers)
}

pub fn resolve(settings: &PublishSettings, channel: &str, id: &str) -> Result<()> {
    let plain = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    if !plain(channel) || !plain(id) {
        bail!("`{channel}`/`{id}` is not a feedback item");
    }
    match request(
        settings,
        "POST",
        &format!("/v1/{channel}/feedback/{id}/resolve"),
    )? {
        Some(_) => Ok(()),
        None => bail!("The server has no feedback item `{id}` on {channel}."),
    }
}
