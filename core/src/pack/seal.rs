//! Sealed blobs: how officers releases stay unreadable on a CDN that cannot check tokens.
//!
//! A channel's blobs are encrypted with its *content key* (XChaCha20-Poly1305; the channel, the
//! key id and the plaintext's SHA-256 are associated data, so a sealed blob cannot be served
//! under another name or channel). Each enrolled device receives the content keys *wrapped* for
//! its own X25519 key (ephemeral X25519 → HKDF-SHA256 → XChaCha20-Poly1305), so a wrap is useless
//! to anyone else and can sit on a public host. Signatures and hashes are untouched: the device
//! unseals, then checks the plaintext against the signed hash as for any blob. See AUDIENCES.md.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

const MAGIC: &[u8] = b"FRSEAL1\n";
const KEY_ID_LEN: usize = 16;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Bytes a sealed blob has beyond its plaintext: the download bound for a signed size.
pub const SEAL_OVERHEAD: u64 = (MAGIC.len() + KEY_ID_LEN + NONCE_LEN + TAG_LEN) as u64;
const WRAP_INFO: &[u8] = b"fieldref content key wrap v1";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("sealed blob is malformed: {0}")]
    Malformed(&'static str),
    #[error("sealed with content key {0}, which this device has not been given")]
    UnknownKey(String),
    #[error("sealed blob does not decrypt with content key {0} (tampered, or sealed for another channel or blob)")]
    Decrypt(String),
    #[error("wrapped content key {0} does not open with this device's key")]
    Unwrap(String),
    #[error("{what} is not valid: {detail}")]
    BadKey { what: &'static str, detail: String },
    #[error("no randomness: {0}")]
    Random(String),
}

fn random<const N: usize>() -> Result<[u8; N], SealError> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).map_err(|e| SealError::Random(e.to_string()))?;
    Ok(bytes)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(what: &'static str, text: &str) -> Result<[u8; N], SealError> {
    let bad = |detail: &str| SealError::BadKey {
        what,
        detail: detail.to_owned(),
    };
    if text.len() != N * 2 || !text.is_ascii() {
        return Err(bad(&format!("expected {} hex digits", N * 2)));
    }
    let mut out = [0u8; N];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = u8::from_str_radix(&text[i * 2..i * 2 + 2], 16).map_err(|_| bad("not hex"))?;
    }
    Ok(out)
}

/// A channel's symmetric content key.
#[derive(Clone, PartialEq, Eq)]
pub struct ContentKey {
    id: String,
    secret: [u8; 32],
}

impl std::fmt::Debug for ContentKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContentKey").field("id", &self.id).finish()
    }
}

impl ContentKey {
    pub fn generate() -> Result<ContentKey, SealError> {
        Ok(ContentKey {
            id: hex(&random::<{ KEY_ID_LEN / 2 }>()?),
            secret: random()?,
        })
    }

    /// A key as stored: its id and its secret in hex.
    pub fn from_parts(id: &str, secret_hex: &str) -> Result<ContentKey, SealError> {
        unhex::<{ KEY_ID_LEN / 2 }>("content key id", id)?;
        Ok(ContentKey {
            id: id.to_owned(),
            secret: unhex("content key", secret_hex)?,
        })
    }

    pub fn id(&self) -> &str {
        &self.id
    }

    pub fn secret_hex(&self) -> String {
        hex(&self.secret)
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new(Key::from_slice(&self.secret))
    }
}

fn seal_aad(channel: &str, key_id: &str, plaintext_sha256: &str) -> Vec<u8> {
    format!("{channel}\n{key_id}\n{plaintext_sha256}").into_bytes()
}

/// Encrypts a blob of `channel` whose plaintext hashes to `plaintext_sha256`.
pub fn seal(
    key: &ContentKey,
    channel: &str,
    plaintext_sha256: &str,
    plaintext: &[u8],
) -> Result<Vec<u8>, SealError> {
    let nonce: [u8; NONCE_LEN] = random()?;
    let aad = seal_aad(channel, &key.id, plaintext_sha256);
    let ciphertext = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Malformed("plaintext too large to seal"))?;
    let mut out = Vec::with_capacity(plaintext.len() + SEAL_OVERHEAD as usize);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(key.id.as_bytes());
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ciphertext);
    Ok(out)
}

/// The id of the content key a sealed blob needs.
pub fn sealed_key_id(sealed: &[u8]) -> Result<&str, SealError> {
    let rest = sealed
        .strip_prefix(MAGIC)
        .ok_or(SealError::Malformed("not a sealed blob"))?;
    if rest.len() < KEY_ID_LEN + NONCE_LEN + TAG_LEN {
        return Err(SealError::Malformed("truncated"));
    }
    let id = std::str::from_utf8(&rest[..KEY_ID_LEN])
        .map_err(|_| SealError::Malformed("key id is not text"))?;
    if !id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(SealError::Malformed("key id is not hex"));
    }
    Ok(id)
}

/// Decrypts a sealed blob with whichever of `keys` it names. The caller still checks the
/// plaintext against the signed hash.
pub fn unseal(
    keys: &[ContentKey],
    channel: &str,
    plaintext_sha256: &str,
    sealed: &[u8],
) -> Result<Vec<u8>, SealError> {
    let id = sealed_key_id(sealed)?;
    let key = keys
        .iter()
        .find(|k| k.id == id)
        .ok_or_else(|| SealError::UnknownKey(id.to_owned()))?;
    let body = &sealed[MAGIC.len() + KEY_ID_LEN..];
    let (nonce, ciphertext) = body.split_at(NONCE_LEN);
    let aad = seal_aad(channel, id, plaintext_sha256);
    key.cipher()
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: &aad,
            },
        )
        .map_err(|_| SealError::Decrypt(id.to_owned()))
}

/// A device's X25519 key: made on the device at enrollment; only its public half leaves it.
#[derive(Clone)]
pub struct DeviceSecret(x25519_dalek::StaticSecret);

impl std::fmt::Debug for DeviceSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceSecret(..)")
    }
}

impl DeviceSecret {
    pub fn generate() -> Result<DeviceSecret, SealError> {
        Ok(DeviceSecret(x25519_dalek::StaticSecret::from(
            random::<32>()?,
        )))
    }

    pub fn from_hex(text: &str) -> Result<DeviceSecret, SealError> {
        Ok(DeviceSecret(x25519_dalek::StaticSecret::from(unhex::<32>(
            "device key",
            text,
        )?)))
    }

    pub fn to_hex(&self) -> String {
        hex(self.0.as_bytes())
    }

    pub fn public_hex(&self) -> String {
        hex(x25519_dalek::PublicKey::from(&self.0).as_bytes())
    }
}

/// One content key wrapped for one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WrappedKey {
    pub key_id: String,
    /// The server's one-time X25519 public key (hex).
    pub ephemeral: String,
    /// Base64 of nonce ‖ ciphertext of the 32-byte content key.
    pub wrapped: String,
}

/// What `/v1/CHANNEL-officers/keys/DEVICE.json` holds: every content key of the channel, wrapped
/// for that device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceKeys {
    pub device: String,
    pub channel: String,
    pub keys: Vec<WrappedKey>,
}

fn wrap_cipher(
    shared: &[u8; 32],
    ephemeral: &[u8; 32],
    device: &[u8; 32],
    channel: &str,
    key_id: &str,
) -> XChaCha20Poly1305 {
    let mut salt = Vec::with_capacity(64);
    salt.extend_from_slice(ephemeral);
    salt.extend_from_slice(device);
    let hk = hkdf::Hkdf::<Sha256>::new(Some(&salt), shared);
    let mut okm = [0u8; 32];
    let info = [
        WRAP_INFO,
        b"\n",
        channel.as_bytes(),
        b"\n",
        key_id.as_bytes(),
    ]
    .concat();
    // 32 bytes is far below HKDF-SHA256's 8160-byte limit, so expand cannot fail.
    let _ = hk.expand(&info, &mut okm);
    XChaCha20Poly1305::new(Key::from_slice(&okm))
}

/// Wraps `key` of `channel` for the device whose public key is `device_public_hex`.
pub fn wrap(
    key: &ContentKey,
    channel: &str,
    device_public_hex: &str,
) -> Result<WrappedKey, SealError> {
    let device = unhex::<32>("device public key", device_public_hex)?;
    let ephemeral = x25519_dalek::StaticSecret::from(random::<32>()?);
    let ephemeral_public = x25519_dalek::PublicKey::from(&ephemeral);
    let shared = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(device));
    let cipher = wrap_cipher(
        shared.as_bytes(),
        ephemeral_public.as_bytes(),
        &device,
        channel,
        &key.id,
    );
    let nonce: [u8; NONCE_LEN] = random()?;
    let ciphertext = cipher
        .encrypt(XNonce::from_slice(&nonce), key.secret.as_slice())
        .map_err(|_| SealError::Malformed("content key too large to wrap"))?;
    Ok(WrappedKey {
        key_id: key.id.clone(),
        ephemeral: hex(ephemeral_public.as_bytes()),
        wrapped: B64.encode([nonce.as_slice(), &ciphertext].concat()),
    })
}

/// Opens a wrapped key with the device's secret.
pub fn unwrap(
    secret: &DeviceSecret,
    channel: &str,
    wrapped: &WrappedKey,
) -> Result<ContentKey, SealError> {
    let ephemeral = unhex::<32>("ephemeral key", &wrapped.ephemeral)?;
    let device_public = x25519_dalek::PublicKey::from(&secret.0);
    let shared = secret
        .0
        .diffie_hellman(&x25519_dalek::PublicKey::from(ephemeral));
    let cipher = wrap_cipher(
        shared.as_bytes(),
        &ephemeral,
        device_public.as_bytes(),
        channel,
        &wrapped.key_id,
    );
    let bytes = B64
        .decode(&wrapped.wrapped)
        .map_err(|_| SealError::Malformed("wrapped key is not base64"))?;
    if bytes.len() != NONCE_LEN + 32 + TAG_LEN {
        return Err(SealError::Malformed("wrapped key has the wrong length"));
    }
    let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
    let plain = cipher
        .decrypt(XNonce::from_slice(nonce), ciphertext)
        .map_err(|_| SealError::Unwrap(wrapped.key_id.clone()))?;
    let secret: [u8; 32] = plain
        .as_slice()
        .try_into()
        .map_err(|_| SealError::Malformed("wrapped key has the wrong length"))?;
    unhex::<{ KEY_ID_LEN / 2 }>("content key id", &wrapped.key_id)?;
    Ok(ContentKey {
        id: wrapped.key_id.clone(),
        secret,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SHA: &str = "ab";

    #[test]
    fn a_sealed_blob_opens_only_with_its_key_channel_and_name() {
        let key = ContentKey::generate().expect("key");
        let sealed = seal(&key, "pa-officers", SHA, b"officers text").expect("seal");
        assert_eq!(sealed.len() as u64, 13 + SEAL_OVERHEAD);
        assert!(!sealed.windows(8).any(|w| w == b"officers"));
        let keys = [key.clone()];
        assert_eq!(
            unseal(&keys, "pa-officers", SHA, &sealed).expect("unseal"),
            b"officers text"
        );
        assert!(matches!(
            unseal(&keys, "other-officers", SHA, &sealed),
            Err(SealError::Decrypt(_))
        ));
        assert!(matches!(
            unseal(&keys, "pa-officers", "cd", &sealed),
            Err(SealError::Decrypt(_))
        ));
        let other = ContentKey::generate().expect("key");
        assert!(matches!(
            unseal(&[other], "pa-officers", SHA, &sealed),
            Err(SealError::UnknownKey(id)) if id == key.id()
        ));
        let mut flipped = sealed.clone();
        let last = flipped.len() - 1;
        flipped[last] ^= 1;
        assert!(matches!(
            unseal(&keys, "pa-officers", SHA, &flipped),
            Err(SealError::Decrypt(_))
        ));
        assert!(matches!(
            unseal(&keys, "pa-officers", SHA, &sealed[..30]),
            Err(SealError::Malformed(_))
        ));
    }

    #[test]
    fn a_wrapped_key_opens_only_for_its_device() {
        let key = ContentKey::generate().expect("key");
        let device = DeviceSecret::generate().expect("device");
        let wrapped = wrap(&key, "pa-officers", &device.public_hex()).expect("wrap");
        let opened = unwrap(&device, "pa-officers", &wrapped).expect("unwrap");
        assert_eq!(opened, key);
        let restored = DeviceSecret::from_hex(&device.to_hex()).expect("hex");
        assert_eq!(
            unwrap(&restored, "pa-officers", &wrapped).expect("again"),
            key
        );
        let stranger = DeviceSecret::generate().expect("stranger");
        assert!(matches!(
            unwrap(&stranger, "pa-officers", &wrapped),
            Err(SealError::Unwrap(_))
        ));
        assert!(matches!(
            unwrap(&device, "other-officers", &wrapped),
            Err(SealError::Unwrap(_))
        ));
        let stored = ContentKey::from_parts(key.id(), &key.secret_hex()).expect("parts");
        assert_eq!(stored, key);
        assert!(ContentKey::from_parts("xyz", &key.secret_hex()).is_err());
    }
}
