//! Signed envelopes: the exact bytes of a JSON payload, base64-encoded, with ed25519 signatures
//! over a domain-separated message. The payload is parsed only after it verifies, so nothing
//! unauthenticated is ever interpreted (the lesson of TUF's client bugs).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a signature is for: a key signing one role's metadata cannot be replayed as another's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Key sets and their rotation (held offline by the department).
    Root,
    /// Content releases (held by trainers, used by `fieldref publish`).
    Release,
    /// The update manifest (the server's online key, short expiry).
    Online,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Root => "root",
            Role::Release => "release",
            Role::Online => "online",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("{0} metadata is unsigned")]
    Unsigned(&'static str),
    #[error("{role} metadata is signed only by unknown key(s) {keys}")]
    UnknownKey { role: &'static str, keys: String },
    #[error("{role} signature by key {key} does not verify: the metadata was altered or forged")]
    BadSignature { role: &'static str, key: String },
    #[error("{role} metadata has {have} valid signature(s) of {need} required")]
    BelowThreshold {
        role: &'static str,
        have: usize,
        need: usize,
    },
    #[error("{role} metadata is malformed: {message}")]
    Malformed { role: &'static str, message: String },
}

/// A public key as it appears in metadata: base64 of the 32 raw bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PublicKey(pub String);

impl PublicKey {
    fn decode(&self) -> Option<VerifyingKey> {
        let bytes: [u8; 32] = B64.decode(&self.0).ok()?.try_into().ok()?;
        VerifyingKey::from_bytes(&bytes).ok()
    }

    /// Short stable id: the first 16 hex digits of SHA-256 of the key bytes.
    pub fn key_id(&self) -> String {
        let bytes = B64.decode(&self.0).unwrap_or_default();
        crate::store::hex(&Sha256::digest(bytes))[..16].to_owned()
    }
}

/// A private signing key, as stored in a key file.
pub struct SecretKey(SigningKey);

#[derive(Serialize, Deserialize)]
struct SecretKeyFile {
    kind: String,
    role: String,
    secret: String,
    public: PublicKey,
}

const SECRET_KIND: &str = "fieldref-secret-key-v1";

impl SecretKey {
    /// A new random key from the operating system's generator.
    pub fn generate() -> std::io::Result<SecretKey> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| std::io::Error::other(e.to_string()))?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }

    pub fn public(&self) -> PublicKey {
        PublicKey(B64.encode(self.0.verifying_key().to_bytes()))
    }

    /// The key file's text (JSON; keep it private).
    pub fn to_file(&self, role: Role) -> String {
        let file = SecretKeyFile {
            kind: SECRET_KIND.to_owned(),
            role: role.as_str().to_owned(),
            secret: B64.encode(self.0.to_bytes()),
            public: self.public(),
        };
        serde_json::to_string_pretty(&file).unwrap_or_default()
    }

    /// Reads a key file written by [`SecretKey::to_file`], checking it is for `role`.
    pub fn from_file(text: &str, role: Role) -> Result<SecretKey, String> {
        let file: SecretKeyFile =
            serde_json::from_str(text).map_err(|e| format!("not a FieldRef key file: {e}"))?;
        if file.kind != SECRET_KIND {
            return Err(format!("not a FieldRef key file (kind `{}`)", file.kind));
        }
        if file.role != role.as_str() {
            return Err(format!(
                "this is a {} key; a {} key is needed",
                file.role,
                role.as_str()
            ));
        }
        let seed: [u8; 32] = B64
            .decode(&file.secret)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or("key file secret is not 32 base64 bytes")?;
        Ok(SecretKey(SigningKey::from_bytes(&seed)))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignatureEntry {
    pub keyid: String,
    pub sig: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Envelope {
    /// Base64 of the exact JSON bytes that were signed.
    pub payload: String,
    pub signatures: Vec<SignatureEntry>,
}

fn message(role: Role, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(payload.len() + 32);
    out.extend_from_slice(b"fieldref-signature-v1\0");
    out.extend_from_slice(role.as_str().as_bytes());
    out.push(0);
    out.extend_from_slice(payload);
    out
}

impl Envelope {
    /// Serializes `value` and signs it with every key in `keys` for `role`.
    pub fn sign<T: Serialize>(
        role: Role,
        value: &T,
        keys: &[&SecretKey],
    ) -> serde_json::Result<Envelope> {
        let payload = serde_json::to_vec(value)?;
        let msg = message(role, &payload);
        let signatures = keys
            .iter()
            .map(|key| SignatureEntry {
                keyid: key.public().key_id(),
                sig: B64.encode(key.0.sign(&msg).to_bytes()),
            })
            .collect();
        Ok(Envelope {
            payload: B64.encode(payload),
            signatures,
        })
    }

    /// Verifies at least `threshold` distinct trusted keys signed this for `role`, then parses.
    /// A signature by an unknown key is ignored; a bad signature by a trusted key is an error.
    pub fn verify<T: DeserializeOwned>(
        &self,
        role: Role,
        trusted: &[PublicKey],
        threshold: usize,
    ) -> Result<T, VerifyError> {
        let payload = self.verified_payload(role, trusted, threshold)?;
        serde_json::from_slice(&payload).map_err(|e| VerifyError::Malformed {
            role: role.as_str(),
            message: e.to_string(),
        })
    }

    fn verified_payload(
        &self,
        role: Role,
        trusted: &[PublicKey],
        threshold: usize,
    ) -> Result<Vec<u8>, VerifyError> {
        let name = role.as_str();
        if self.signatures.is_empty() {
            return Err(VerifyError::Unsigned(name));
        }
        let payload = B64
            .decode(&self.payload)
            .map_err(|e| VerifyError::Malformed {
                role: name,
                message: format!("payload is not base64: {e}"),
            })?;
        let msg = message(role, &payload);
        let mut valid: Vec<String> = Vec::new();
        let mut unknown: Vec<String> = Vec::new();
        for entry in &self.signatures {
            let Some(key) = trusted.iter().find(|k| k.key_id() == entry.keyid) else {
                unknown.push(entry.keyid.clone());
                continue;
            };
            if valid.contains(&entry.keyid) {
                continue; // each key counts once, however often it appears
            }
            let verifying = key.decode().ok_or_else(|| VerifyError::Malformed {
                role: name,
                message: format!("trusted key {} is not an ed25519 key", entry.keyid),
            })?;
            let sig_bytes: [u8; 64] = B64
                .decode(&entry.sig)
                .ok()
                .and_then(|b| b.try_into().ok())
                .ok_or_else(|| VerifyError::BadSignature {
                    role: name,
                    key: entry.keyid.clone(),
                })?;
            verifying
                .verify_strict(&msg, &Signature::from_bytes(&sig_bytes))
                .map_err(|_| VerifyError::BadSignature {
                    role: name,
                    key: entry.keyid.clone(),
                })?;
            valid.push(entry.keyid.clone());
        }
        let need = threshold.max(1);
        if valid.is_empty() && !unknown.is_empty() {
            return Err(VerifyError::UnknownKey {
                role: name,
                keys: unknown.join(", "),
            });
        }
        if valid.len() < need {
            return Err(VerifyError::BelowThreshold {
                role: name,
                have: valid.len(),
                need,
            });
        }
        Ok(payload)
    }

    /// Parses the payload WITHOUT verifying: only for hints that are verified another way (the
    /// root version a manifest points to, whose roots then verify by their own chain).
    pub fn unverified<T: DeserializeOwned>(&self) -> Option<T> {
        serde_json::from_slice(&B64.decode(&self.payload).ok()?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Claim {
        version: u64,
    }

    fn key() -> SecretKey {
        SecretKey::generate().expect("os randomness")
    }

    #[test]
    fn a_signed_payload_verifies_with_its_key() {
        let k = key();
        let env = Envelope::sign(Role::Release, &Claim { version: 7 }, &[&k]).expect("sign");
        let claim: Claim = env
            .verify(Role::Release, &[k.public()], 1)
            .expect("verifies");
        assert_eq!(claim, Claim { version: 7 });
    }

    #[test]
    fn one_flipped_byte_breaks_the_signature() {
        let k = key();
        let env = Envelope::sign(Role::Release, &Claim { version: 7 }, &[&k]).expect("sign");
        let mut bytes = B64.decode(&env.payload).expect("b64");
        bytes[11] ^= 1;
        let forged = Envelope {
            payload: B64.encode(bytes),
            ..env
        };
        let err = forged
            .verify::<Claim>(Role::Release, &[k.public()], 1)
            .expect_err("altered");
        assert!(matches!(err, VerifyError::BadSignature { .. }), "{err}");
    }

    #[test]
    fn unknown_keys_unsigned_and_wrong_roles_are_refused() {
        let (k, stranger) = (key(), key());
        let env = Envelope::sign(Role::Release, &Claim { version: 1 }, &[&stranger]).expect("sign");
        assert!(matches!(
            env.verify::<Claim>(Role::Release, &[k.public()], 1),
            Err(VerifyError::UnknownKey { .. })
        ));
        let unsigned = Envelope {
            signatures: Vec::new(),
            ..env
        };
        assert_eq!(
            unsigned.verify::<Claim>(Role::Release, &[k.public()], 1),
            Err(VerifyError::Unsigned("release"))
        );
        let online = Envelope::sign(Role::Online, &Claim { version: 1 }, &[&k]).expect("sign");
        assert!(matches!(
            online.verify::<Claim>(Role::Release, &[k.public()], 1),
            Err(VerifyError::BadSignature { .. })
        ));
    }

    #[test]
    fn a_key_signing_twice_counts_once() {
        let k = key();
        let mut env = Envelope::sign(Role::Root, &Claim { version: 1 }, &[&k]).expect("sign");
        env.signatures.push(env.signatures[0].clone());
        let err = env
            .verify::<Claim>(Role::Root, &[k.public()], 2)
            .expect_err("threshold 2");
        assert_eq!(
            err,
            VerifyError::BelowThreshold {
                role: "root",
                have: 1,
                need: 2
            }
        );
    }

    #[test]
    fn key_files_round_trip_and_know_their_role() {
        let k = key();
        let text = k.to_file(Role::Release);
        let back = SecretKey::from_file(&text, Role::Release).expect("reads");
        assert_eq!(back.public(), k.public());
        assert!(SecretKey::from_file(&text, Role::Online).is_err());
    }
}
