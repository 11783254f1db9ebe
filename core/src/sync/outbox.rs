//! The field outbox upload: this install's anonymous device credential (asked for before the
//! first upload, kept in the store, asked for again if the server no longer knows it), then the
//! queued items, marked sent only once the server confirms them.

use serde::{Deserialize, Serialize};

use super::MAX_MANIFEST_BYTES;
use super::{
    meta, status_error, Device, HttpRequest, HttpResponse, SyncConfig, SyncError, Transport,
};
use crate::content::{channel_for, Audience};
use crate::error::Result;
use crate::store::OutboxItem;

/// Uploads the queued items; returns how many the server confirmed.
pub(super) fn upload(
    device: &dyn Device,
    transport: &dyn Transport,
    config: &SyncConfig,
) -> Result<usize> {
    let (items, state, credential) = {
        let store = device.store()?;
        let credential = store
            .meta(meta::DEVICE_CREDENTIAL)?
            .filter(|c| !c.is_empty());
        (store.outbox(true)?, store.content_state()?, credential)
    };
    if items.is_empty() {
        return Ok(0);
    }
    let channel = state
        .as_ref()
        .map(|s| s.channel.as_str())
        .unwrap_or_default();
    let body = serde_json::to_vec(&OutboxUpload { items: &items })?;
    // An officers device reports on the officers channel, as the enrolled device it is.
    let officers = match state.as_ref().map(|s| s.audience) {
        Some(Audience::Officers) => super::officers::access(&*device.store()?)?,
        _ => None,
    };
    if let Some(access) = officers {
        let base = format!(
            "{}/v1/{}",
            config.server.trim_end_matches('/'),
            channel_for(channel, Audience::Officers)
        );
        let response = post_outbox(transport, config, &base, access.credential(), &body)?;
        if response.status == 401 {
            return Err(super::officers::not_enrolled(
                "the server refused this device's credential for feedback",
            ));
        }
        return finish_upload(device, &base, &response);
    }
    let base = format!("{}/v1/{channel}", config.server.trim_end_matches('/'));
    let credential = match credential {
        Some(credential) => credential,
        None => request_device_credential(device, transport, config, &base)?,
    };
    let mut response = post_outbox(transport, config, &base, &credential, &body)?;
    if response.status == 401 {
        // The server no longer knows this install (its database was reset): enroll again.
        let credential = request_device_credential(device, transport, config, &base)?;
        response = post_outbox(transport, config, &base, &credential, &body)?;
        if response.status == 401 {
            return Err(SyncError::NotEnrolled {
                url: format!("{base}/outbox"),
            }
            .into());
        }
    }
    finish_upload(device, &base, &response)
}

fn finish_upload(device: &dyn Device, base: &str, response: &HttpResponse) -> Result<usize> {
    let url = format!("{base}/outbox");
    if !(200..300).contains(&response.status) {
        return Err(status_error(&url, response, response.status).into());
    }
    let accepted: OutboxAccepted =
        serde_json::from_slice(&response.body).map_err(|e| SyncError::Malformed {
            what: "outbox response".to_owned(),
            message: e.to_string(),
        })?;
    device.store()?.mark_sent(&accepted.accepted)?;
    Ok(accepted.accepted.len())
}

/// Asks the server for this install's anonymous device credential and keeps it.
fn request_device_credential(
    device: &dyn Device,
    transport: &dyn Transport,
    config: &SyncConfig,
    base: &str,
) -> Result<String> {
    let url = format!("{base}/devices");
    let response = send(transport, config, "POST", &url, Vec::new(), Vec::new())?;
    if response.status != 201 && response.status != 200 {
        return Err(status_error(&url, &response, response.status).into());
    }
    let enrolled: Enrolled =
        serde_json::from_slice(&response.body).map_err(|e| SyncError::Malformed {
            what: "device credential".to_owned(),
            message: e.to_string(),
        })?;
    device
        .store()?
        .set_meta(meta::DEVICE_CREDENTIAL, &enrolled.credential)?;
    Ok(enrolled.credential)
}

fn post_outbox(
    transport: &dyn Transport,
    config: &SyncConfig,
    base: &str,
    credential: &str,
    body: &[u8],
) -> Result<HttpResponse> {
    let headers = vec![
        ("Content-Type".to_owned(), "application/json".to_owned()),
        ("Authorization".to_owned(), format!("Device {credential}")),
    ];
    send(
        transport,
        config,
        "POST",
        &format!("{base}/outbox"),
        headers,
        body.to_vec(),
    )
}

/// The server's answer to an enrollment: the install's device credential.
#[derive(Debug, Serialize, Deserialize)]
pub struct Enrolled {
    pub credential: String,
}

fn send(
    transport: &dyn Transport,
    config: &SyncConfig,
    method: &str,
    url: &str,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
) -> Result<HttpResponse> {
    let request = HttpRequest {
        method: method.to_owned(),
        url: url.to_owned(),
        headers,
        body,
        max_response_bytes: MAX_MANIFEST_BYTES,
        timeout_ms: config.timeout_ms,
    };
    transport.send(&request).map_err(|source| {
        SyncError::Transport {
            url: url.to_owned(),
            error: source,
        }
        .into()
    })
}

/// The body of an outbox upload (`POST /v1/<channel>/outbox`).
#[derive(Serialize)]
pub struct OutboxUpload<'a> {
    pub items: &'a [OutboxItem],
}

/// The server's answer: the ids it has stored (new or already known).
#[derive(Debug, Serialize, Deserialize)]
pub struct OutboxAccepted {
    pub accepted: Vec<String>,
}
