//! The field outbox, device side: feedback, problem reports and acknowledgements queued in the
//! store for the next sync to upload (see `sync::outbox`).

use crate::content::Audience;
use crate::error::{Error, Result};
use crate::store::{FeedbackReason, OutboxItem, OutboxKind};

use super::user_data::visible;
use super::FieldRef;

impl FieldRef {
    /// Queues field feedback on a document `viewer` may see ("this number is disconnected") for
    /// the next sync.
    pub fn queue_feedback(&self, doc_id: &str, text: &str, viewer: Audience) -> Result<OutboxItem> {
        self.report_problem(doc_id, FeedbackReason::Other, text, viewer)
    }

    /// Queues a problem report on a document `viewer` may see: a reason (wrong number, closed,
    /// moved) with optional words, or [`FeedbackReason::Other`] with words required.
    pub fn report_problem(
        &self,
        doc_id: &str,
        reason: FeedbackReason,
        text: &str,
        viewer: Audience,
    ) -> Result<OutboxItem> {
        let text = text.trim();
        if text.is_empty() && reason == FeedbackReason::Other {
            return Err(Error::InvalidInput(
                "feedback text is empty: say what is wrong".to_owned(),
            ));
        }
        let store = self.store()?;
        visible(&store, doc_id, viewer)?;
        store.queue_with_reason(OutboxKind::Feedback, Some(doc_id), text, Some(reason))
    }

    /// Records that the officer read the current revision of a document (e.g. an updated checklist).
    pub fn acknowledge(&self, doc_id: &str) -> Result<OutboxItem> {
        let store = self.store()?;
        let doc = store
            .document(doc_id)?
            .ok_or_else(|| Error::NotFound(format!("document `{doc_id}`")))?;
        store.queue(
            OutboxKind::Acknowledgement,
            Some(doc_id),
            &doc.revision.to_string(),
        )
    }

    /// Queued items, oldest first (sent ones too unless `unsent_only`).
    pub fn outbox(&self, unsent_only: bool) -> Result<Vec<OutboxItem>> {
        self.store()?.outbox(unsent_only)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_report_keeps_its_reason_and_only_other_needs_words() {
        let dir = tempfile::tempdir().expect("tempdir");
        let app = FieldRef::open(dir.path()).expect("open");
        let shelter = "contact-harbor-house-family-shelter";
        let public = Audience::Public;
        app.report_problem(shelter, FeedbackReason::WrongNumber, "  ", public)
            .expect("a reason says enough");
        app.report_problem(shelter, FeedbackReason::Moved, " now on Pier 4 ", public)
            .expect("moved");
        assert!(matches!(
            app.report_problem(shelter, FeedbackReason::Other, " ", public),
            Err(Error::InvalidInput(_))
        ));
        assert!(matches!(
            app.report_problem("no-such-doc", FeedbackReason::Closed, "", public),
            Err(Error::NotFound(_))
        ));
        drop(app);
        let app = FieldRef::open(dir.path()).expect("reopen");
        let queued: Vec<_> = app
            .outbox(true)
            .expect("outbox")
            .into_iter()
            .map(|i| (i.reason, i.payload))
            .collect();
        assert_eq!(
            queued,
            [
                (Some(FeedbackReason::WrongNumber), String::new()),
                (Some(FeedbackReason::Moved), "now on Pier 4".to_owned()),
            ]
        );
    }
}
