//! The device side of officers enrollment: trade a one-time code for a device credential and the
//! channel's content keys (wrapped for a key pair made here, whose secret never leaves the
//! store), then use them on every officers request. See AUDIENCES.md.

use serde::{Deserialize, Serialize};

use super::{get, meta, refusal, Device, HttpRequest, SyncConfig, SyncError, Transport};
use crate::content::{channel_for, Audience};
use crate::error::{Error, Result};
use crate::pack::seal::{self, ContentKey, DeviceKeys, DeviceSecret};
use crate::store::Store;

/// Largest keys file accepted (a wrap is ~150 bytes; a channel rotates its key per revocation).
const MAX_KEYS_BYTES: u64 = 256 * 1024;

/// This device's officers enrollment, as the Updates screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enrollment {
    pub device: String,
    /// The officers channel it follows.
    pub channel: String,
}

#[derive(Serialize)]
struct EnrollRequest<'a> {
    code: &'a str,
    public_key: &'a str,
}

/// The server's answer to `POST /v1/CHANNEL/enroll`.
#[derive(Debug, Serialize, Deserialize)]
pub struct EnrollResponse {
    pub device: String,
    pub credential: String,
    pub channel: String,
    pub keys: DeviceKeys,
}

/// What an enrolled device sends and opens officers releases with.
pub(super) struct OfficersAccess {
    device: String,
    credential: String,
    secret: DeviceSecret,
}

impl OfficersAccess {
    pub(super) fn headers(&self) -> Vec<(String, String)> {
        vec![(
            "Authorization".to_owned(),
            format!("Device {}", self.credential),
        )]
    }

    pub(super) fn credential(&self) -> &str {
        &self.credential
    }

    /// The channel's content keys this device was given (`base` is the officers channel's URL).
    pub(super) fn content_keys(
        &self,
        transport: &dyn Transport,
        config: &SyncConfig,
        base: &str,
        channel: &str,
    ) -> Result<Vec<ContentKey>> {
        let url = format!("{base}/keys/{}.json", self.device);
        let response = get(transport, config, &url, self.headers(), MAX_KEYS_BYTES)?;
        match response.status {
            200 => {}
            401 | 403 | 404 => {
                return Err(not_enrolled(
                    "the server has no content keys for this device (its enrollment was revoked or is unknown)",
                ))
            }
            _ => return Err(refusal(&url, &response).into()),
        }
        let keys: DeviceKeys =
            serde_json::from_slice(&response.body).map_err(|e| SyncError::Malformed {
                what: "content keys".to_owned(),
                message: e.to_string(),
            })?;
        keys.keys
            .iter()
            .map(|w| seal::unwrap(&self.secret, channel, w))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|source| {
                SyncError::Sealed {
                    what: "content keys".to_owned(),
                    error: source,
                }
                .into()
            })
    }
}

pub(super) fn not_enrolled(reason: &str) -> Error {
    SyncError::OfficersEnrollment {
        reason: reason.to_owned(),
    }
    .into()
}

/// Enrolls this device for officers content with a one-time code from an admin, once the
/// facade has checked the server URL and that this build and session may
/// ([`crate::FieldRef::enroll`]).
pub(crate) fn enroll(
    device: &dyn Device,
    transport: &dyn Transport,
    config: &SyncConfig,
    code: &str,
) -> Result<Enrollment> {
    let code = code.trim();
    if code.is_empty() || code.len() > 64 {
        return Err(Error::InvalidInput(
            "enrollment code: expected the code an admin gave you, e.g. K7QM-4XPA-9DZT".to_owned(),
        ));
    }
    let channel = device
        .store()?
        .content_state()?
        .map(|s| s.channel)
        .ok_or_else(|| Error::InvalidInput("no content installed".to_owned()))?;
    let secret = DeviceSecret::generate().map_err(|source| SyncError::Sealed {
        what: "device key".to_owned(),
        error: source,
    })?;
    let url = format!(
        "{}/v1/{channel}/enroll",
        config.server.trim_end_matches('/')
    );
    let body = serde_json::to_vec(&EnrollRequest {
        code,
        public_key: &secret.public_hex(),
    })?;
    let response = transport
        .send(&HttpRequest {
            method: "POST".to_owned(),
            url: url.clone(),
            headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
            body,
            max_response_bytes: MAX_KEYS_BYTES,
            timeout_ms: config.timeout_ms,
        })
        .map_err(|source| SyncError::Transport {
            url: url.clone(),
            error: source,
        })?;
    if !(200..300).contains(&response.status) {
        return Err(refusal(&url, &response).into());
    }
    let answer: EnrollResponse =
        serde_json::from_slice(&response.body).map_err(|e| SyncError::Malformed {
            what: "enrollment".to_owned(),
            message: e.to_string(),
        })?;
    let expected = channel_for(&channel, Audience::Officers);
    if answer.channel != expected {
        return Err(SyncError::WrongChannel {
            expected,
            found: answer.channel,
        }
        .into());
    }
    // The keys must open: proof the server wrapped them for the key made here.
    for wrapped in &answer.keys.keys {
        seal::unwrap(&secret, &answer.channel, wrapped).map_err(|source| SyncError::Sealed {
            what: "content keys".to_owned(),
            error: source,
        })?;
    }
    let store = device.store()?;
    store.set_meta(meta::OFFICERS_DEVICE, &answer.device)?;
    store.set_meta(meta::OFFICERS_CREDENTIAL, &answer.credential)?;
    store.set_meta(meta::OFFICERS_SECRET, &secret.to_hex())?;
    Ok(Enrollment {
        device: answer.device,
        channel: answer.channel,
    })
}

/// This device's officers enrollment, if it has one ([`crate::FieldRef::enrollment`]).
pub(crate) fn enrollment(store: &Store) -> Result<Option<Enrollment>> {
    let channel = store
        .content_state()?
        .map(|s| s.channel)
        .unwrap_or_default();
    Ok(access(store)?.map(|access| Enrollment {
        device: access.device,
        channel: channel_for(&channel, Audience::Officers),
    }))
}

/// What this device sends and opens officers releases with, if it is enrolled.
pub(super) fn access(store: &Store) -> Result<Option<OfficersAccess>> {
    let nonempty =
        |key| -> Result<Option<String>> { Ok(store.meta(key)?.filter(|v: &String| !v.is_empty())) };
    let (Some(device), Some(credential), Some(secret)) = (
        nonempty(meta::OFFICERS_DEVICE)?,
        nonempty(meta::OFFICERS_CREDENTIAL)?,
        nonempty(meta::OFFICERS_SECRET)?,
    ) else {
        return Ok(None);
    };
    let secret = DeviceSecret::from_hex(&secret)
        .map_err(|e| Error::Corrupt(format!("stored device key: {e}")))?;
    Ok(Some(OfficersAccess {
        device,
        credential,
        secret,
    }))
}
