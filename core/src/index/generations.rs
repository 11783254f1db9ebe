//! Where a data directory's index lives on disk: immutable generations, one of them current.
//!
//! ```text
//! index                      symlink to the current generation (a plain folder from older builds)
//! index.g-<id>/              a complete tantivy index, never written to once published
//! index.building-<pid>-<id>/ a build in progress, private to the process holding the lock
//! index.lock                 the OS lock (see `lock.rs`)
//! ```
//!
//! Publishing is one `rename` of a new symlink over `index`, so a reader resolves either the old
//! generation or the new one, never a folder being written. Old generations are removed after
//! the swap: processes that have them open keep reading (unlinked files stay readable on Unix),
//! and one that was opening it at that instant resolves the link again and retries.

use std::fs;
use std::path::{Path, PathBuf};

use super::lock::IndexLock;
use crate::error::{Error, Result};

#[derive(Debug, Clone)]
pub(crate) struct Generations {
    link: PathBuf,
}

impl Generations {
    pub(crate) fn new(link: PathBuf) -> Generations {
        Generations { link }
    }

    pub(crate) fn lock_path(&self) -> PathBuf {
        self.sibling("lock")
    }

    /// The folder the current index is in: the link's target, or `index` itself when it is a
    /// plain folder; `None` when there is no index.
    pub(crate) fn current(&self) -> Option<PathBuf> {
        let meta = fs::symlink_metadata(&self.link).ok()?;
        if meta.file_type().is_symlink() {
            let target = fs::read_link(&self.link).ok()?;
            Some(match self.link.parent() {
                Some(parent) if target.is_relative() => parent.join(target),
                _ => target,
            })
        } else if meta.is_dir() {
            Some(self.link.clone())
        } else {
            None
        }
    }

    /// A new, empty folder for a build by this process.
    pub(crate) fn new_build_dir(&self, _lock: &IndexLock) -> Result<PathBuf> {
        let dir = self.sibling(&format!("building-{}-{}", std::process::id(), nonce()?));
        fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
        Ok(dir)
    }

    /// A build folder holding a copy of `from` to apply a delta to. Segment files are immutable
    /// (tantivy writes new files and replaces `meta.json` by rename), so they are shared by hard
    /// link; copied where the file system has no hard links.
    pub(crate) fn fork(&self, lock: &IndexLock, from: &Path) -> Result<PathBuf> {
        let to = self.new_build_dir(lock)?;
        let copied = (|| -> Result<()> {
            for entry in fs::read_dir(from).map_err(|e| Error::io(from, e))? {
                let entry = entry.map_err(|e| Error::io(from, e))?;
                let name = entry.file_name();
                if name.to_string_lossy().starts_with(".tantivy-") {
                    continue; // tantivy's own lock files
                }
                let target = to.join(&name);
                if fs::hard_link(entry.path(), &target).is_err() {
                    fs::copy(entry.path(), &target).map_err(|e| Error::io(&target, e))?;
                }
            }
            Ok(())
        })();
        match copied {
            Ok(()) => Ok(to),
            Err(e) => {
                let _ = fs::remove_dir_all(&to);
                Err(e)
            }
        }
    }

    /// Makes the finished build `built` the current index in one rename, then removes what is
    /// no longer current. Returns the published generation's folder.
    pub(crate) fn publish(&self, lock: &IndexLock, built: &Path) -> Result<PathBuf> {
        let generation = self.sibling(&format!("g-{}", nonce()?));
        fs::rename(built, &generation).map_err(|e| Error::io(&generation, e))?;
        sync_parent(&self.link);
        let name = generation
            .file_name()
            .ok_or_else(|| Error::Corrupt(format!("index folder {}", generation.display())))?;
        swap_link(&self.link, Path::new(name), &self.sibling_nonce("link")?)?;
        sync_parent(&self.link);
        self.collect_garbage(lock, &generation);
        Ok(generation)
    }

    /// Removes every generation, unfinished build and leftover but `keep`. Only the lock holder
    /// builds, so any build folder found now was left by a process that died. Failures only
    /// cost space (and are retried at the next publish).
    pub(crate) fn collect_garbage(&self, _lock: &IndexLock, keep: &Path) {
        let Some(parent) = self.link.parent() else {
            return;
        };
        let prefix = format!("{}.", self.name());
        let lock = self.lock_path();
        let Ok(entries) = fs::read_dir(parent) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let ours = entry.file_name().to_string_lossy().starts_with(&prefix);
            if !ours || path == keep || path == lock {
                continue;
            }
            let _ = match entry.file_type() {
                Ok(t) if t.is_dir() => fs::remove_dir_all(&path),
                _ => fs::remove_file(&path),
            };
        }
    }

    fn name(&self) -> String {
        self.link
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "index".to_owned())
    }

    fn sibling(&self, suffix: &str) -> PathBuf {
        self.link
            .with_file_name(format!("{}.{suffix}", self.name()))
    }

    fn sibling_nonce(&self, what: &str) -> Result<PathBuf> {
        Ok(self.sibling(&format!("{what}-{}-{}", std::process::id(), nonce()?)))
    }
}

/// Points `link` at `target` atomically: a new symlink renamed over the old one. A plain folder
/// in its place (an older FieldRef's index) is moved aside first, for garbage collection.
#[cfg(unix)]
fn swap_link(link: &Path, target: &Path, temporary: &Path) -> Result<()> {
    if fs::symlink_metadata(link).is_ok_and(|m| m.is_dir()) {
        let aside = temporary.with_extension("old");
        fs::rename(link, &aside).map_err(|e| Error::io(link, e))?;
    }
    std::os::unix::fs::symlink(target, temporary).map_err(|e| Error::io(temporary, e))?;
    fs::rename(temporary, link).map_err(|e| {
        let _ = fs::remove_file(temporary);
        Error::io(link, e)
    })
}

/// Without symlinks the index is a plain folder replaced by two renames; a reader that looks in
/// between finds none and retries.
#[cfg(not(unix))]
fn swap_link(link: &Path, target: &Path, temporary: &Path) -> Result<()> {
    let built = link.with_file_name(target);
    if link.exists() {
        fs::rename(link, temporary.with_extension("old")).map_err(|e| Error::io(link, e))?;
    }
    fs::rename(&built, link).map_err(|e| Error::io(link, e))
}

/// Makes renames in the data directory durable (best effort: some platforms cannot).
fn sync_parent(path: &Path) {
    if let Some(parent) = path.parent() {
        if let Ok(dir) = fs::File::open(parent) {
            let _ = dir.sync_all();
        }
    }
}

fn nonce() -> Result<String> {
    let mut id = crate::store::new_item_id()?;
    id.truncate(12);
    Ok(id)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn lock(dir: &Path) -> IndexLock {
        IndexLock::try_acquire(&dir.join("index.lock"))
            .expect("lock")
            .expect("free")
    }

    #[test]
    fn publishing_swaps_the_link_and_removes_the_old_generation_and_leftovers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let generations = Generations::new(dir.path().join("index"));
        assert_eq!(generations.current(), None);
        let lock = lock(dir.path());
        // Left by a process that died mid-build, and by an older FieldRef.
        fs::create_dir_all(dir.path().join("index.building-1-dead")).expect("mkdir");
        fs::create_dir_all(dir.path().join("index.building")).expect("mkdir");
        fs::create_dir_all(dir.path().join("unrelated")).expect("mkdir");

        let first = generations.new_build_dir(&lock).expect("build dir");
        fs::write(first.join("meta.json"), "1").expect("write");
        let one = generations.publish(&lock, &first).expect("publish");
        assert_eq!(generations.current().as_deref(), Some(one.as_path()));
        assert_eq!(
            fs::read_to_string(dir.path().join("index/meta.json")).expect("read"),
            "1"
        );

        let second = generations.fork(&lock, &one).expect("fork");
        fs::write(second.join("meta.json.tmp"), "2").expect("write");
        fs::rename(second.join("meta.json.tmp"), second.join("meta.json")).expect("rename");
        let two = generations.publish(&lock, &second).expect("publish");
        assert_eq!(generations.current().as_deref(), Some(two.as_path()));
        assert!(!one.exists(), "old generation removed");
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .expect("list")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        let expected_generation = two.file_name().expect("name").to_string_lossy();
        let mut expected = vec![
            "index".to_owned(),
            "index.lock".to_owned(),
            expected_generation.into_owned(),
            "unrelated".to_owned(),
        ];
        expected.sort();
        assert_eq!(names, expected);
    }

    #[test]
    fn a_plain_index_folder_from_an_older_build_is_replaced() {
        let dir = tempfile::tempdir().expect("tempdir");
        let generations = Generations::new(dir.path().join("index"));
        fs::create_dir_all(dir.path().join("index")).expect("mkdir");
        fs::write(dir.path().join("index/meta.json"), "old").expect("write");
        assert_eq!(generations.current(), Some(dir.path().join("index")));
        let lock = lock(dir.path());
        let built = generations.new_build_dir(&lock).expect("build dir");
        fs::write(built.join("meta.json"), "new").expect("write");
        let published = generations.publish(&lock, &built).expect("publish");
        assert_eq!(generations.current(), Some(published));
        assert_eq!(
            fs::read_to_string(dir.path().join("index/meta.json")).expect("read"),
            "new"
        );
    }
}
