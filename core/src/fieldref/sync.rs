//! The facade's sync entry points: checking for and applying an update, what the Updates screen
//! shows, and the trust root updates are verified with. The work itself (feeds, verifying and
//! applying releases, roots, the outbox upload) is in [`crate::sync`], which reaches the device
//! only through [`Device`], implemented here.

use std::sync::MutexGuard;

use chrono::{DateTime, Utc};

use crate::content::Pack;
use crate::error::Result;
use crate::pack::{Envelope, Root};
use crate::store::{ContentChange, ContentState, Store};
use crate::sync::{check_server_url, Device, SyncConfig, SyncReport, SyncStatus, Transport};

use super::FieldRef;

impl FieldRef {
    /// Checks for and applies an update, then uploads the outbox. Network and disk I/O: run it
    /// off the UI thread (WorkManager, BGAppRefreshTask, the CLI).
    pub fn sync(&self, transport: &dyn Transport, config: &SyncConfig) -> Result<SyncReport> {
        check_server_url(&config.server)?;
        // The full check before anything is written: the open checks only the user's tables
        // and new index files (see `store::recovery`, `index::verified`), so the rest is
        // checked here, off the UI thread.
        self.check_integrity()?;
        crate::sync::run(self, transport, config)
    }

    pub fn sync_status(&self) -> Result<SyncStatus> {
        self.sync_status_at(Utc::now())
    }

    pub fn sync_status_at(&self, now: DateTime<Utc>) -> Result<SyncStatus> {
        crate::sync::status_at(&*self.store()?, now)
    }

    /// The trust root this device verifies updates with.
    pub fn trust_root(&self) -> Result<Option<Root>> {
        crate::sync::trust_root(&*self.store()?)
    }

    /// Installs a shipped (self-signed) root when the device has none; otherwise only a valid
    /// rotation of the current one is accepted.
    pub fn install_trust_root(&self, envelope: &Envelope) -> Result<Root> {
        crate::sync::install_trust_root(&*self.store()?, envelope)
    }
}

impl Device for FieldRef {
    fn store(&self) -> Result<MutexGuard<'_, Store>> {
        FieldRef::store(self)
    }

    fn install_recording(
        &self,
        change: ContentChange<'_>,
        version: u64,
        expected_hash: Option<&str>,
        meta: &[(&str, String)],
    ) -> Result<ContentState> {
        FieldRef::install_recording(self, change, version, expected_hash, meta)
    }

    fn install_snapshot_recording(
        &self,
        bytes: &[u8],
        decoded_size: u64,
        release: (u64, &str),
        meta: &[(&str, String)],
        check: &dyn Fn(&Pack) -> Result<()>,
    ) -> Result<ContentState> {
        FieldRef::install_snapshot_recording(self, bytes, decoded_size, release, meta, check)
    }
}
