//! A delta's index commit, prepared on a thread of its own while the store applies the same
//! delta. Preparing a commit flushes the new segment: it waits for the indexing thread, writes
//! the segment's files and syncs them, about a fifth of a 1 % delta's time. None of that needs
//! to know whether the store transaction will succeed, so it overlaps with it; what is left for
//! the install afterwards is writing the commit point with its tag. The index is a private
//! fork until it is published, so nothing reads it before then.

use std::sync::mpsc;
use std::thread::JoinHandle;

use crate::error::{Error, Result};

/// The thread holding the writer; [`BackgroundCommit::finish`] gives it the tag to commit with.
/// Dropped unfinished (the store failed), the prepared commit is aborted and the thread joined,
/// so nothing writes into the fork once its owner removes it.
pub(crate) struct BackgroundCommit {
    tag: Option<mpsc::Sender<String>>,
    thread: Option<JoinHandle<Result<()>>>,
}

impl BackgroundCommit {
    /// Starts preparing the commit of what `writer` has queued.
    pub(crate) fn start(writer: tantivy::IndexWriter) -> Result<BackgroundCommit> {
        let (tag, tag_received) = mpsc::channel::<String>();
        let thread = std::thread::Builder::new()
            .name("fieldref-delta-commit".into())
            .spawn(move || commit_when_told(writer, &tag_received))
            .map_err(|e| Error::Busy(format!("cannot start the index commit thread: {e}")))?;
        Ok(BackgroundCommit {
            tag: Some(tag),
            thread: Some(thread),
        })
    }

    /// Commits with `tag` as the payload, once the prepared flush is done.
    pub(crate) fn finish(mut self, tag: &str) -> Result<()> {
        if let Some(sender) = self.tag.take() {
            // A thread that already failed has dropped its receiver: its error is joined below.
            let _ = sender.send(tag.to_owned());
        }
        self.join()
    }

    fn join(&mut self) -> Result<()> {
        match self.thread.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(Error::Busy("the index commit thread panicked".into())),
            None => Err(Error::Busy("the index commit was already finished".into())),
        }
    }
}

impl Drop for BackgroundCommit {
    fn drop(&mut self) {
        drop(self.tag.take()); // no tag: the thread aborts the prepared commit
        if self.thread.is_some() {
            let _ = self.join();
        }
    }
}

fn commit_when_told(mut writer: tantivy::IndexWriter, tag: &mpsc::Receiver<String>) -> Result<()> {
    let mut prepared = writer.prepare_commit()?;
    match tag.recv() {
        Ok(tag) => {
            prepared.set_payload(&tag);
            prepared.commit()?;
            writer.wait_merging_threads()?;
            Ok(())
        }
        Err(mpsc::RecvError) => {
            prepared.abort()?;
            Err(Error::Busy(
                "the delta was abandoned before its commit".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use tantivy::schema::{Schema, STORED, TEXT};
    use tantivy::{doc, Index};

    use super::*;

    fn index_with_one_queued(dir: &std::path::Path) -> (Index, tantivy::IndexWriter) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT | STORED);
        let index = Index::create_in_dir(dir, schema.build()).expect("index");
        let writer = index
            .writer_with_num_threads(1, 15_000_000)
            .expect("writer");
        writer
            .add_document(doc!(text => "quillwort"))
            .expect("queued");
        (index, writer)
    }

    fn committed_docs(index: &Index) -> u32 {
        let reader = index.reader().expect("reader");
        reader.reload().expect("reload");
        reader.searcher().num_docs() as u32
    }

    #[test]
    fn finishing_commits_with_the_tag() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (index, writer) = index_with_one_queued(dir.path());
        BackgroundCommit::start(writer)
            .expect("started")
            .finish("content-7")
            .expect("committed");
        let metas = index.load_metas().expect("metas");
        assert_eq!(metas.payload.as_deref(), Some("content-7"));
        assert_eq!(committed_docs(&index), 1);
    }

    #[test]
    fn dropped_unfinished_it_commits_nothing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (index, writer) = index_with_one_queued(dir.path());
        drop(BackgroundCommit::start(writer).expect("started"));
        assert_eq!(index.load_metas().expect("metas").payload, None);
        assert_eq!(committed_docs(&index), 0);
        // The writer is gone with its thread: the index takes a new one.
        index
            .writer_with_num_threads::<tantivy::TantivyDocument>(1, 15_000_000)
            .expect("the writer lock was released");
    }
}
