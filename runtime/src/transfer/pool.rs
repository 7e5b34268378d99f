//! A bounded set of futures polled together on the caller's task.
//!
//! The runtime enables only Tokio's current-thread scheduler, so concurrency comes from
//! polling several request futures from one task, not from spawning. Dropping the set drops
//! (cancels) every future in it, which is what makes dropping a transfer cancel its requests.
//! The set is small (at most `max_concurrency` futures), so every wake-up polls each member; a
//! per-member waker would save little at ten members.

use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use std::future::poll_fn;

/// Futures in flight, each yielding `T`.
pub struct PollSet<'a, T> {
    running: Vec<Pin<Box<dyn Future<Output = T> + Send + 'a>>>,
}

impl<'a, T> Default for PollSet<'a, T> {
    fn default() -> Self {
        PollSet { running: Vec::new() }
    }
}

impl<'a, T> PollSet<'a, T> {
    /// How many futures are still running.
    pub fn len(&self) -> usize {
        self.running.len()
    }

    /// Whether no future is running.
    pub fn is_empty(&self) -> bool {
        self.running.is_empty()
    }

    /// Adds a future; it makes progress from the next [`PollSet::next`].
    pub fn push(&mut self, future: impl Future<Output = T> + Send + 'a) {
        self.running.push(Box::pin(future));
    }

    /// The output of the next future to finish, or `None` when the set is empty.
    pub async fn next(&mut self) -> Option<T> {
        if self.running.is_empty() {
            return None;
        }
        Some(poll_fn(|cx| self.poll_next(cx)).await)
    }

    fn poll_next(&mut self, cx: &mut Context<'_>) -> Poll<T> {
        for i in 0..self.running.len() {
            if let Poll::Ready(out) = self.running[i].as_mut().poll(cx) {
                drop(self.running.swap_remove(i));
                return Poll::Ready(out);
            }
        }
        Poll::Pending
    }
}

/// Runs the futures of `tasks` with at most `limit` at once and returns their outputs in task
/// order. The first error stops the run: futures still running are dropped and no new one is
/// started. Tasks are created lazily, so each one's memory exists only while it runs.
pub async fn run_bounded<'a, T, E, F>(
    limit: usize,
    tasks: impl IntoIterator<Item = F>,
) -> Result<Vec<T>, E>
where
    F: Future<Output = Result<T, E>> + Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    let mut tasks = tasks.into_iter().enumerate();
    let mut set: PollSet<'a, (usize, Result<T, E>)> = PollSet::default();
    let mut done: Vec<Option<T>> = Vec::new();
    loop {
        while set.len() < limit.max(1) {
            let Some((i, task)) = tasks.next() else { break };
            set.push(async move { (i, task.await) });
        }
        let Some((i, out)) = set.next().await else { break };
        let value = out?;
        if done.len() <= i {
            done.resize_with(i + 1, || None);
        }
        done[i] = Some(value);
    }
    // Every index up to the last was filled: a task that failed returned early above.
    Ok(done.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
    }

    #[test]
    fn at_most_limit_run_at_once_and_outputs_keep_task_order() {
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks = (0..12u64).map(|i| {
            let (running, peak) = (running.clone(), peak.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                // Later tasks finish first, so completion order differs from task order.
                tokio::time::sleep(Duration::from_millis(20 - i)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                Ok::<u64, ()>(i * 10)
            }
        });
        let out = runtime().block_on(run_bounded(3, tasks)).unwrap();
        assert_eq!(out, (0..12).map(|i| i * 10).collect::<Vec<_>>());
        assert_eq!(peak.load(Ordering::SeqCst), 3);
    }

    #[test]
    fn the_first_error_stops_the_run_and_drops_the_rest() {
        let started = Arc::new(AtomicUsize::new(0));
        let finished = Arc::new(AtomicUsize::new(0));
        let tasks = (0..10u64).map(|i| {
            let (started, finished) = (started.clone(), finished.clone());
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                if i == 1 {
                    return Err(format!("task {i} failed"));
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
                finished.fetch_add(1, Ordering::SeqCst);
                Ok(i)
            }
        });
        let err = runtime().block_on(run_bounded(2, tasks)).unwrap_err();
        assert_eq!(err, "task 1 failed");
        assert_eq!(started.load(Ordering::SeqCst), 2, "no task starts after the failure");
        assert_eq!(finished.load(Ordering::SeqCst), 0, "the running task was dropped");
    }

    #[test]
    fn no_tasks_is_an_empty_result() {
        let out = runtime().block_on(run_bounded(4, std::iter::empty::<std::future::Ready<Result<u8, ()>>>()));
        assert_eq!(out, Ok(vec![]));
    }
}
