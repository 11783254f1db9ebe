//! Installing content: a pack, a delta or a release snapshot goes into the store in one
//! transaction, then the index is brought in step. The store is the truth; if the index cannot
//! follow, searches answer from an index built in memory and the next open tries again.

use crate::content::{Audience, Pack};
use crate::error::{Error, Result};
use crate::index::SearchIndex;
use crate::store::{ContentChange, ContentState, Store};

use super::{allowed, lock, write, FieldRef, IndexProblem, Settings};

impl FieldRef {
    /// Installs content as `version` in one store transaction, then brings the index in step.
    /// If the process dies between the two, the next open sees the index behind and rebuilds it.
    pub fn install(
        &self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
    ) -> Result<ContentState> {
        self.install_recording(change, version, expected_hash, &[])
    }

    /// [`FieldRef::install`], recording `meta` in the same store transaction.
    pub(super) fn install_recording(
        &self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
        meta: &[(&str, String)],
    ) -> Result<ContentState> {
        let (info, upserts) = match &change {
            ContentChange::Full(pack) => (&pack.info, pack.documents.as_slice()),
            ContentChange::Delta { info, upserts, .. } => (*info, *upserts),
        };
        allowed("this content", info.audience)?;
        crate::content::zones::require_built(&info.timezone)?;
        if let Some(doc) = upserts.iter().find(|d| !d.fits(info.audience)) {
            return Err(Error::AudienceNotAllowed {
                what: format!(
                    "document `{}` of a pack for the {} audience",
                    doc.id,
                    info.audience.as_str()
                ),
                found: Audience::Officers.as_str(),
                allowed: info.audience.as_str(),
            });
        }
        let mut store = self.store()?;
        let before = crate::index::expected_tag(store.content_state()?.as_ref());
        // A delta is indexed while the store applies it; a failed apply drops that work.
        let started = match &change {
            ContentChange::Delta {
                upserts, deletes, ..
            } => self
                .home
                .start_delta(&crate::index::Changed { upserts, deletes }, &before),
            ContentChange::Full(_) => None,
        };
        let state = store.apply_recording(change.clone(), version, expected_hash, meta)?;
        // The content is installed: nothing after this point fails the install.
        if let Ok(info) = store.pack_info() {
            *write(&self.settings) = Settings::of(info);
        }
        let changed = match &change {
            ContentChange::Delta {
                upserts, deletes, ..
            } => Some(crate::index::Changed { upserts, deletes }),
            ContentChange::Full(_) => None,
        };
        self.follow_store(&store, changed, &before, &state, started);
        Ok(state)
    }

    /// Installs a release snapshot (the zstd pack file a server publishes) as `version`, if its
    /// content hashes to `expected_hash`; on any failure the device keeps what it had.
    ///
    /// Memory stays bounded by one copy of the decoded documents: the JSON is parsed as it
    /// decompresses (never held whole), the documents are checked and written in one store
    /// transaction that commits only once the hash matches, and they are dropped before the
    /// index is built, which reads them back from the store one at a time.
    pub fn install_snapshot(
        &self,
        bytes: &[u8],
        decoded_size: u64,
        version: u64,
        expected_hash: &str,
    ) -> Result<ContentState> {
        self.install_snapshot_recording(bytes, decoded_size, (version, expected_hash), &[], |p| {
            crate::sync::check_snapshot(p)
        })
    }

    /// [`FieldRef::install_snapshot`], recording `meta` in the same store transaction, after
    /// `check` accepted the decoded pack.
    pub(super) fn install_snapshot_recording(
        &self,
        bytes: &[u8],
        decoded_size: u64,
        (version, expected_hash): (u64, &str),
        meta: &[(&str, String)],
        check: impl FnOnce(&Pack) -> Result<()>,
    ) -> Result<ContentState> {
        let pack = crate::pack::decode_signed(bytes, decoded_size)?;
        check(&pack)?;
        allowed("this content", pack.info.audience)?;
        if let Some(doc) = pack.beyond_audience() {
            return Err(Error::AudienceNotAllowed {
                what: format!(
                    "document `{}` of a pack for the {} audience",
                    doc.id,
                    pack.info.audience.as_str()
                ),
                found: Audience::Officers.as_str(),
                allowed: pack.info.audience.as_str(),
            });
        }
        let mut store = self.store()?;
        let before = crate::index::expected_tag(store.content_state()?.as_ref());
        let state = store.apply_recording(
            ContentChange::Full(&pack),
            version,
            Some(expected_hash),
            meta,
        )?;
        drop(pack);
        if let Ok(info) = store.pack_info() {
            *write(&self.settings) = Settings::of(info);
        }
        self.follow_store(&store, None, &before, &state, None);
        Ok(state)
    }

    /// Brings the index in step with what the store now holds. If the on-disk index cannot be
    /// (disk full, lock held by a hung process), this process answers from an index built in
    /// memory and the next open tries the disk again.
    fn follow_store(
        &self,
        store: &Store,
        changed: Option<crate::index::Changed<'_>>,
        before: &str,
        state: &ContentState,
        started: Option<crate::index::DeltaInProgress>,
    ) {
        let after = crate::index::expected_tag(Some(state));
        let followed = self
            .home
            .follow(&self.index, changed, (before, &after), store, started);
        *lock(&self.index_problem) = match followed {
            Ok(()) => None,
            Err(e) => {
                if let Ok(index) = SearchIndex::build_in_memory(store) {
                    *write(&self.index) = index;
                }
                Some(IndexProblem {
                    reason: e.to_string(),
                })
            }
        };
    }

    /// Installs a whole pack (e.g. one built with `fieldref pack build`) as `version`.
    pub fn install_pack(&self, pack: &Pack, version: u64) -> Result<ContentState> {
        self.install(ContentChange::Full(pack), version, None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pack naming a real zone this build leaves out is refused with a typed error before
    /// anything is installed: the device keeps its content.
    #[test]
    fn a_pack_in_a_zone_the_build_leaves_out_is_refused() {
        let Some(zone) = crate::content::zones::a_zone_not_built() else {
            eprintln!("this build has every time zone: nothing to refuse");
            return;
        };
        let dir = tempfile::tempdir().expect("tempdir");
        let app = FieldRef::open(dir.path()).expect("open");
        let before = app
            .content_state()
            .expect("state")
            .expect("content")
            .version;
        let mut pack = crate::bundled::pack().expect("bundled");
        pack.info.timezone = zone.to_owned();
        match app.install_pack(&pack, before + 1) {
            Err(Error::TimeZoneNotBuilt { zone: refused, .. }) => assert_eq!(refused, zone),
            other => panic!("{zone}: {other:?}"),
        }
        let after = app
            .content_state()
            .expect("state")
            .expect("content")
            .version;
        assert_eq!(after, before);
        // The validator names the line and says why, for the trainer.
        let problems = crate::content::check_documents(&pack.info, &pack.documents);
        assert!(
            problems
                .iter()
                .any(|p| p.field == "timezone" && p.message.contains("not in this build")),
            "{problems:#?}"
        );
    }
}
