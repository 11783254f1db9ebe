//! The recovery report as the shells see it: what was wrong with the store, where the damaged
//! file was kept, and what of the user's own data was kept or lost. The shells show it once, in
//! plain words, then dismiss it (`FieldRefApp::dismiss_recovery_report`).

use fieldref_core::store::{Damage, RecoveryReport, Salvage};

#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum StoreDamage {
    /// Not a database at all (overwritten, random bytes).
    NotADatabase,
    /// Damaged pages (e.g. a truncated file).
    Malformed,
    /// Failed its integrity check.
    FailedCheck,
}

/// One kind of user data: how many items were kept, how many lost (`None`: could not be counted,
/// so some may have been lost).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SalvageCount {
    pub kept: u64,
    pub lost: Option<u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StoreRecovery {
    pub damage: StoreDamage,
    /// For support, not for users.
    pub detail: String,
    /// Where the damaged file was kept.
    pub moved_to: String,
    /// RFC 3339.
    pub at: String,
    pub bookmarks: SalvageCount,
    pub recents: SalvageCount,
    /// Feedback and read acknowledgements that were waiting to be sent.
    pub queued: SalvageCount,
    pub checklist_steps: SalvageCount,
    /// Enrollment and trust root read back; `false`: an officers device may need to enroll again.
    pub enrollment_kept: bool,
    /// The content version the damaged store held: the bundled content replaces it until the
    /// next sync.
    pub previous_content_version: Option<u64>,
    /// Whether any of the user's own data was, or may have been, lost.
    pub lost_user_data: bool,
}

impl From<Salvage> for SalvageCount {
    fn from(s: Salvage) -> Self {
        SalvageCount {
            kept: s.kept,
            lost: s.lost,
        }
    }
}

impl From<RecoveryReport> for StoreRecovery {
    fn from(r: RecoveryReport) -> Self {
        StoreRecovery {
            damage: match r.damage {
                Damage::NotADatabase => StoreDamage::NotADatabase,
                Damage::Malformed => StoreDamage::Malformed,
                Damage::FailedCheck => StoreDamage::FailedCheck,
            },
            lost_user_data: r.lost_user_data(),
            detail: r.detail,
            moved_to: r.moved_to.display().to_string(),
            at: r.at,
            bookmarks: r.bookmarks.into(),
            recents: r.recents.into(),
            queued: r.queued.into(),
            checklist_steps: r.checklist_steps.into(),
            enrollment_kept: r.enrollment_kept,
            previous_content_version: r.previous_content_version,
        }
    }
}
