//! The OS file lock that lets exactly one process at a time rebuild or update a data directory's
//! index (a widget, a background sync and the app itself may all have the directory open; so may
//! cron jobs running the CLI). Searching never takes it: the published index is immutable.

use std::fs::{File, OpenOptions, TryLockError};
use std::path::Path;
use std::time::Duration;

use crate::error::{Error, Result};

/// Held while this process rebuilds, updates or publishes the index; released on drop (and by
/// the OS if the process dies, so a killed sync never wedges the others).
#[derive(Debug)]
pub(crate) struct IndexLock {
    _file: Option<File>,
}

impl IndexLock {
    /// The lock if it is free now; `None` when another process (or another open of the same
    /// directory in this one) holds it.
    pub(crate) fn try_acquire(path: &Path) -> Result<Option<IndexLock>> {
        let file = open(path)?;
        match file.try_lock() {
            Ok(()) => Ok(Some(IndexLock { _file: Some(file) })),
            Err(TryLockError::WouldBlock) => Ok(None),
            Err(TryLockError::Error(e)) if unsupported(&e) => Ok(Some(IndexLock { _file: None })),
            Err(TryLockError::Error(e)) => Err(Error::io(path, e)),
        }
    }

    /// Waits up to `patience` for the lock; `None` if it is still held then (a hung peer must
    /// not hang this process too). The wait is the kernel's, not polling, so a waiter gets the
    /// lock as it is released rather than losing it to whoever asks next.
    pub(crate) fn acquire_within(path: &Path, patience: Duration) -> Result<Option<IndexLock>> {
        if let Some(lock) = IndexLock::try_acquire(path)? {
            return Ok(Some(lock));
        }
        // A blocking lock has no timeout: a helper thread waits on a second handle to the same
        // open file (the lock belongs to the open file, so either handle holds it). If this
        // side gives up, the helper's handle is dropped the moment it gets the lock.
        let file = open(path)?;
        let waiter = file.try_clone().map_err(|e| Error::io(path, e))?;
        let (sender, receiver) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("index-lock".to_owned())
            .spawn(move || {
                let locked = waiter.lock();
                let _ = sender.send(locked.map(|()| waiter));
            })
            .map_err(|e| Error::io(path, e))?;
        match receiver.recv_timeout(patience) {
            Ok(Ok(_waiter)) => Ok(Some(IndexLock { _file: Some(file) })),
            Ok(Err(e)) if unsupported(&e) => Ok(Some(IndexLock { _file: None })),
            Ok(Err(e)) => Err(Error::io(path, e)),
            Err(_) => Ok(None),
        }
    }
}

/// Opens (creating) the lock file. A lock file that exists but cannot be written to (a read-only
/// data directory) can still be locked through a read-only handle.
fn open(path: &Path) -> Result<File> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .or_else(|_| File::open(path))
        .map_err(|e| Error::io(path, e))
}

/// File systems without locks (some Android storage: tantivy #2480, ENOSYS). There the index is
/// used as a single process would; shells on such devices choose the in-memory index anyway.
fn unsupported(e: &std::io::Error) -> bool {
    e.kind() == std::io::ErrorKind::Unsupported || e.raw_os_error() == Some(38)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn one_holder_at_a_time_and_released_on_drop() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.lock");
        let first = IndexLock::try_acquire(&path).expect("lock").expect("free");
        assert!(IndexLock::try_acquire(&path).expect("lock").is_none());
        let started = Instant::now();
        assert!(IndexLock::acquire_within(&path, Duration::from_millis(50))
            .expect("lock")
            .is_none());
        assert!(started.elapsed() >= Duration::from_millis(50));
        drop(first);
        // The wait that gave up left its helper thread blocked on the lock: it takes the lock
        // the moment `first` lets go and drops it straight away, so this may wait that long.
        assert!(IndexLock::acquire_within(&path, Duration::from_secs(5))
            .expect("lock")
            .is_some());
    }

    #[test]
    fn a_waiter_gets_the_lock_when_it_is_released() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("index.lock");
        let held = IndexLock::try_acquire(&path).expect("lock").expect("free");
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
        });
        let got = IndexLock::acquire_within(&path, Duration::from_secs(10)).expect("lock");
        assert!(got.is_some());
        releaser.join().expect("thread");
    }
}
