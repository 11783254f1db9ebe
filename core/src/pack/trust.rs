//! The trust root: which keys may sign releases and manifests, and which may rotate the root
//! itself. A device starts with the root shipped in the bundled pack; a new root is accepted only
//! as version N+1 signed by the keys of both N and N+1 (TUF's rule), one step at a time.

use serde::{Deserialize, Serialize};

use super::envelope::{Envelope, PublicKey, Role, VerifyError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Root {
    pub version: u64,
    /// Keys that sign root rotations (kept offline).
    pub root_keys: Vec<PublicKey>,
    /// Keys that sign content releases (trainers).
    pub release_keys: Vec<PublicKey>,
    /// Keys that sign manifests (the server's online key).
    pub online_keys: Vec<PublicKey>,
    /// Valid signatures needed from each role's keys.
    pub threshold: usize,
}

/// How many rotations one sync may walk (bounds work on a hostile server).
pub const MAX_ROTATIONS: usize = 32;

impl Root {
    /// A department's first root: version 1, one key for each role, one signature needed.
    pub fn first(root: PublicKey, release: PublicKey, online: PublicKey) -> Root {
        Root {
            version: 1,
            root_keys: vec![root],
            release_keys: vec![release],
            online_keys: vec![online],
            threshold: 1,
        }
    }

    /// Reads a root shipped with the app: it must be signed by its own root keys.
    pub fn from_shipped(envelope: &Envelope) -> Result<Root, VerifyError> {
        let claimed: Root = envelope.unverified().ok_or(VerifyError::Malformed {
            role: "root",
            message: "not a root document".to_owned(),
        })?;
        envelope.verify(Role::Root, &claimed.root_keys, claimed.threshold)
    }

    /// Accepts `next` only as version `self.version + 1`, signed by this root's keys and its own.
    pub fn rotate(&self, next: &Envelope) -> Result<Root, VerifyError> {
        let by_old: Root = next.verify(Role::Root, &self.root_keys, self.threshold)?;
        let by_new: Root = next.verify(Role::Root, &by_old.root_keys, by_old.threshold)?;
        if by_new.version != self.version + 1 {
            return Err(VerifyError::Malformed {
                role: "root",
                message: format!(
                    "rotation to version {} from {}: only {} is accepted",
                    by_new.version,
                    self.version,
                    self.version + 1
                ),
            });
        }
        Ok(by_new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::envelope::SecretKey;

    fn root(version: u64, root_key: &SecretKey, release: &SecretKey) -> Root {
        Root {
            version,
            root_keys: vec![root_key.public()],
            release_keys: vec![release.public()],
            online_keys: Vec::new(),
            threshold: 1,
        }
    }

    fn key() -> SecretKey {
        SecretKey::generate().expect("randomness")
    }

    #[test]
    fn rotation_needs_old_and_new_keys_and_the_next_version() {
        let (old_root, new_root, release) = (key(), key(), key());
        let v1 = root(1, &old_root, &release);
        let v2 = root(2, &new_root, &release);
        let both = Envelope::sign(Role::Root, &v2, &[&old_root, &new_root]).expect("sign");
        assert_eq!(v1.rotate(&both).expect("rotates"), v2);

        let only_new = Envelope::sign(Role::Root, &v2, &[&new_root]).expect("sign");
        assert!(v1.rotate(&only_new).is_err(), "the old keys must agree");
        let only_old = Envelope::sign(Role::Root, &v2, &[&old_root]).expect("sign");
        assert!(v1.rotate(&only_old).is_err(), "the new keys must agree");
        let v3 = root(3, &new_root, &release);
        let skip = Envelope::sign(Role::Root, &v3, &[&old_root, &new_root]).expect("sign");
        assert!(v1.rotate(&skip).is_err(), "versions cannot be skipped");
    }

    #[test]
    fn a_shipped_root_must_be_self_signed() {
        let (root_key, release) = (key(), key());
        let v1 = root(1, &root_key, &release);
        let signed = Envelope::sign(Role::Root, &v1, &[&root_key]).expect("sign");
        assert_eq!(Root::from_shipped(&signed).expect("valid"), v1);
        let by_other = Envelope::sign(Role::Root, &v1, &[&release]).expect("sign");
        assert!(Root::from_shipped(&by_other).is_err());
    }
}
