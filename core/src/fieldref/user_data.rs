//! The user's own data about the content: bookmarks, recently opened documents and checklist
//! ticks. Kept in the store, never sent anywhere, and never naming a document its viewer may not
//! open.

use serde::Serialize;

use crate::content::{Audience, Document};
use crate::error::{Error, Result};
use crate::store::{SavedItem, StepRef, Store};

use super::FieldRef;

/// Where an officer is in a checklist: kept across rotation and restarts, for this revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistProgress {
    pub doc_id: String,
    pub revision: u32,
    /// Ticked steps, in checklist order.
    pub done: Vec<StepRef>,
    pub total: u32,
    /// The first step not yet ticked, to scroll to.
    pub next: Option<StepRef>,
}

impl FieldRef {
    /// Bookmarks a document `viewer` may see; `NotFound` for one they may not (or that is not
    /// installed), so user data never names what its viewer cannot open.
    pub fn add_bookmark(&self, id: &str, viewer: Audience) -> Result<()> {
        let store = self.store()?;
        visible(&store, id, viewer)?;
        store.add_bookmark(id)
    }

    pub fn remove_bookmark(&self, id: &str) -> Result<bool> {
        self.store()?.remove_bookmark(id)
    }

    pub fn is_bookmarked(&self, id: &str) -> Result<bool> {
        self.store()?.is_bookmarked(id)
    }

    /// Bookmarks of documents `viewer` may see, newest first.
    pub fn bookmarks(&self, viewer: Audience) -> Result<Vec<SavedItem>> {
        self.store()?.bookmarks(viewer)
    }

    /// Records that `viewer` opened a document they may see.
    pub fn record_view(&self, id: &str, viewer: Audience) -> Result<()> {
        let store = self.store()?;
        visible(&store, id, viewer)?;
        store.record_view(id)
    }

    /// Recently opened documents `viewer` may see, most recent first.
    pub fn recents(&self, limit: usize, viewer: Audience) -> Result<Vec<SavedItem>> {
        self.store()?.recents(limit, viewer)
    }

    /// The ticked steps of a checklist `viewer` may see.
    pub fn checklist_progress(&self, id: &str, viewer: Audience) -> Result<ChecklistProgress> {
        let store = self.store()?;
        progress_of(&store, &visible(&store, id, viewer)?)
    }

    /// Ticks (or unticks) one step; `InvalidInput` for a step the checklist does not have.
    pub fn mark_step(
        &self,
        id: &str,
        step: StepRef,
        done: bool,
        viewer: Audience,
    ) -> Result<ChecklistProgress> {
        let store = self.store()?;
        let doc = visible(&store, id, viewer)?;
        let exists = steps(&doc)?.contains(&step);
        if !exists {
            return Err(Error::InvalidInput(format!(
                "`{id}` has no step {}.{}",
                step.section + 1,
                step.step + 1
            )));
        }
        store.set_step_done(id, doc.revision, step, done)?;
        progress_of(&store, &doc)
    }

    /// "Start over" on a checklist.
    pub fn reset_checklist(&self, id: &str, viewer: Audience) -> Result<ChecklistProgress> {
        let store = self.store()?;
        let doc = visible(&store, id, viewer)?;
        store.reset_progress(id)?;
        progress_of(&store, &doc)
    }
}

/// Every step of a checklist, in order; `InvalidInput` for another kind.
fn steps(doc: &Document) -> Result<Vec<StepRef>> {
    let crate::content::Details::Checklist(checklist) = &doc.details else {
        return Err(Error::InvalidInput(format!(
            "`{}` is not a checklist",
            doc.id
        )));
    };
    Ok(checklist
        .sections
        .iter()
        .enumerate()
        .flat_map(|(s, section)| {
            (0..section.steps.len()).map(move |i| StepRef {
                section: s as u32,
                step: i as u32,
            })
        })
        .collect())
}

fn progress_of(store: &Store, doc: &Document) -> Result<ChecklistProgress> {
    let all = steps(doc)?;
    let done = store.done_steps(&doc.id, doc.revision)?;
    Ok(ChecklistProgress {
        doc_id: doc.id.clone(),
        revision: doc.revision,
        next: all.iter().find(|s| !done.contains(s)).copied(),
        total: all.len() as u32,
        done,
    })
}

/// `NotFound` unless `id` is installed and `viewer` may see it.
pub(super) fn visible(store: &Store, id: &str, viewer: Audience) -> Result<Document> {
    store
        .document(id)?
        .filter(|d| viewer.may_see(d.audience))
        .ok_or_else(|| Error::NotFound(format!("document `{id}`")))
}

// Its one test needs an officers build.
#[cfg(all(test, feature = "officers"))]
mod tests {
    use super::*;

    #[test]
    fn checklist_progress_survives_a_restart_and_clears_when_the_checklist_changes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let id = "checklist-autism";
        let officer = Audience::Officers;
        let first = StepRef {
            section: 0,
            step: 0,
        };
        let second = StepRef {
            section: 0,
            step: 1,
        };
        {
            let app = FieldRef::open(dir.path()).expect("open");
            let fresh = app.checklist_progress(id, officer).expect("progress");
            assert!(fresh.done.is_empty());
            assert_eq!(fresh.next, Some(first));
            app.mark_step(id, first, true, officer).expect("tick");
            let p = app.mark_step(id, second, true, officer).expect("tick");
            assert_eq!(p.done, [first, second]);
            assert!(p.total > 2);
            assert!(matches!(
                app.mark_step(
                    id,
                    StepRef {
                        section: 99,
                        step: 0
                    },
                    true,
                    officer
                ),
                Err(Error::InvalidInput(_))
            ));
            assert!(matches!(
                app.checklist_progress("note-active-listening", officer),
                Err(Error::InvalidInput(_))
            ));
            assert!(matches!(
                app.checklist_progress(id, Audience::Public),
                Err(Error::NotFound(_))
            ));
            let p = app.mark_step(id, first, false, officer).expect("untick");
            assert_eq!(p.done, [second]);
            assert_eq!(p.next, Some(first));
        }
        let app = FieldRef::open(dir.path()).expect("reopen");
        assert_eq!(
            app.checklist_progress(id, officer).expect("progress").done,
            [second],
            "kept across a restart"
        );
        // Another document changes: the ticks stay. The checklist's revision changes: they go.
        let mut pack = crate::bundled::pack().expect("bundled");
        let other = pack
            .documents
            .iter_mut()
            .find(|d| d.id == "checklist-dementia");
        other.expect("dementia").summary.push_str(" (updated)");
        app.install_pack(&pack, 1).expect("install");
        assert_eq!(
            app.checklist_progress(id, officer).expect("p").done,
            [second]
        );
        let doc = pack
            .documents
            .iter_mut()
            .find(|d| d.id == id)
            .expect("autism");
        doc.revision += 1;
        app.install_pack(&pack, 2).expect("install");
        assert!(app
            .checklist_progress(id, officer)
            .expect("p")
            .done
            .is_empty());
        app.mark_step(id, first, true, officer).expect("tick");
        assert!(app
            .reset_checklist(id, officer)
            .expect("reset")
            .done
            .is_empty());
    }
}
