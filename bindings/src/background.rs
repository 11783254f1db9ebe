//! Running the core's blocking work (a sync: disk and network) off the caller's threads, for
//! shells with async runtimes: the exported `async fn` starts the work on a thread of its own
//! and returns a future that completes when the work does, so Swift's cooperative pool (or a
//! Kotlin coroutine) never blocks. No async runtime is needed in Rust: uniffi polls the future
//! from the shell's executor, and the waker is called from the worker thread.

use std::future::Future;
use std::pin::{pin, Pin};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;

/// Runs `work` on a new thread; the returned future yields its result.
pub(crate) fn spawn<T: Send + 'static>(
    name: &str,
    work: impl FnOnce() -> T + Send + 'static,
) -> impl Future<Output = Option<T>> + Send {
    let slot: Arc<Mutex<Slot<T>>> = Arc::new(Mutex::new(Slot {
        value: None,
        done: false,
        waker: None,
    }));
    let shared = Arc::clone(&slot);
    let spawned = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            // A panic in the work still completes the future (with None), never hangs it.
            let value = std::panic::catch_unwind(std::panic::AssertUnwindSafe(work)).ok();
            let waker = {
                let mut slot = lock(&shared);
                slot.value = value;
                slot.done = true;
                slot.waker.take()
            };
            if let Some(waker) = waker {
                waker.wake();
            }
        });
    if spawned.is_err() {
        lock(&slot).done = true;
    }
    Completion { slot }
}

struct Slot<T> {
    value: Option<T>,
    done: bool,
    waker: Option<Waker>,
}

struct Completion<T> {
    slot: Arc<Mutex<Slot<T>>>,
}

impl<T> Future for Completion<T> {
    type Output = Option<T>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut slot = lock(&self.slot);
        if slot.done {
            return Poll::Ready(slot.value.take());
        }
        slot.waker = Some(cx.waker().clone());
        Poll::Pending
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Waits on this (worker) thread for a future the shell completes: the thread parks between
/// polls and the shell's completion unparks it.
pub(crate) fn block_on<F: Future>(future: F) -> F::Output {
    struct Unpark(Thread);
    impl Wake for Unpark {
        fn wake(self: Arc<Self>) {
            self.0.unpark();
        }
    }
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return output;
        }
        std::thread::park();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spawned_work_completes_its_future_and_a_panic_completes_it_empty() {
        assert_eq!(block_on(spawn("t", || 6 * 7)), Some(42));
        assert_eq!(block_on(spawn("t", || -> u8 { panic!("boom") })), None);
    }
}
