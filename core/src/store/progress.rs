//! Checklist progress: the steps an officer has ticked, kept in the store so a rotation, a call
//! taken mid-checklist or the app being killed loses nothing. Progress belongs to one revision of
//! a checklist: when the checklist changes, its ticks no longer say which steps were done, so an
//! update clears them (see [`super::Store::apply`]).

use rusqlite::params;
use serde::Serialize;

use super::Store;
use crate::error::Result;

/// A step's place in a checklist: section and step, both from 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct StepRef {
    pub section: u32,
    pub step: u32,
}

impl Store {
    /// Steps ticked on revision `revision` of `doc_id`, in checklist order.
    pub fn done_steps(&self, doc_id: &str, revision: u32) -> Result<Vec<StepRef>> {
        let mut stmt = self.conn().prepare_cached(
            "SELECT section, step FROM checklist_progress WHERE doc_id = ?1 AND revision = ?2
             ORDER BY section, step",
        )?;
        let rows = stmt.query_map(params![doc_id, revision], |r| {
            Ok(StepRef {
                section: r.get(0)?,
                step: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    pub fn set_step_done(
        &self,
        doc_id: &str,
        revision: u32,
        step: StepRef,
        done: bool,
    ) -> Result<()> {
        let conn = self.conn();
        if done {
            conn.execute(
                "INSERT INTO checklist_progress(doc_id, revision, section, step, done_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING",
                params![
                    doc_id,
                    revision,
                    step.section,
                    step.step,
                    chrono::Utc::now().to_rfc3339()
                ],
            )?;
        } else {
            conn.execute(
                "DELETE FROM checklist_progress WHERE doc_id = ?1 AND section = ?2 AND step = ?3",
                params![doc_id, step.section, step.step],
            )?;
        }
        Ok(())
    }

    /// "Start over": forgets every tick of `doc_id`.
    pub fn reset_progress(&self, doc_id: &str) -> Result<()> {
        self.conn()
            .execute("DELETE FROM checklist_progress WHERE doc_id = ?1", [doc_id])?;
        Ok(())
    }
}
