//! The blocking entry point's guarantees: any thread, many at once, panics and nested calls as
//! errors, and a runtime that keeps running between calls.

use std::time::Duration;

use super::*;

#[test]
fn block_on_runs_futures_on_any_thread_and_bodies_outside_runtimes() {
    assert_eq!(block_on(async { 1 + 1 }).unwrap(), 2);
    let body = ByteStream::from("hello");
    assert_eq!(body.collect_blocking().unwrap(), "hello");

    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    // Inside `spawn_blocking`, where Tokio lets a thread block, a call runs.
    let inside = runtime.block_on(async { tokio::task::spawn_blocking(|| block_on(async { 7 })).await });
    assert_eq!(inside.unwrap().unwrap(), 7);
    // So it does on a runtime thread: the call never needs the caller's runtime.
    assert_eq!(runtime.block_on(async { block_on(async { 1 }) }).unwrap(), 1);
    // A body, which the caller's runtime may be driving, is refused there with what to do.
    let err = runtime.block_on(async { ByteStream::from("x").collect_blocking() }).unwrap_err();
    assert_eq!(err.kind(), HttpErrorKind::InvalidRequest);
    assert!(err.to_string().contains("`collect().await`"), "{err}");
    assert!(err.to_string().contains("Handle::current().block_on(body.collect())"), "{err}");
    let err = runtime
        .block_on(async { tokio::task::spawn_blocking(|| ByteStream::from("x").collect_blocking()).await })
        .unwrap()
        .unwrap_err();
    assert_eq!(err.kind(), HttpErrorKind::InvalidRequest);
}

#[test]
fn blocking_read_reads_every_chunk() {
    use std::io::Read;
    let mut text = String::new();
    ByteStream::from("hello world").into_blocking_read().read_to_string(&mut text).unwrap();
    assert_eq!(text, "hello world");
}

#[test]
fn a_panicking_future_is_an_error_not_a_panic() {
    let err = block_on(async { panic!("boom") }).unwrap_err();
    assert_eq!(err.kind(), HttpErrorKind::Other);
    // The runtime survives a panicking task.
    assert_eq!(block_on(async { 3 }).unwrap(), 3);
}

/// Runs `f` on its own thread and fails the test if it has not returned within `limit`, so a
/// deadlock is a failure rather than a hung test run.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (done, result) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(f());
    });
    result.recv_timeout(limit).expect("the blocking calls did not finish in time (a deadlock?)")
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

#[test]
fn a_nested_call_is_refused_not_a_deadlock() {
    let (outer, inner) = within(Duration::from_secs(30), || {
        // On a plain thread the outer call drives the runtime itself.
        let plain = block_on(async { block_on(async { 1 }) }).unwrap();
        // Inside a runtime it is handed over, and the nested call runs where the runtime runs.
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let handed = runtime.block_on(async { block_on(async { block_on(async { 2 }) }) }).unwrap();
        (plain, handed)
    });
    for err in [outer.unwrap_err(), inner.unwrap_err()] {
        assert_eq!(err.kind(), HttpErrorKind::InvalidRequest);
        assert!(err.to_string().contains("inside the future of another blocking call"), "{err}");
    }
    // The runtime is unharmed.
    assert_eq!(within(Duration::from_secs(30), || block_on(async { 3 }).unwrap()), 3);
}

#[test]
fn many_threads_call_at_once_plain_and_inside_runtimes() {
    // Each call needs the timer, which only the thread holding the core drives: calls waiting
    // for the core must be woken by whoever holds it, and get it in turn.
    let total = within(Duration::from_secs(120), || {
        let threads: Vec<_> = (0..8u64)
            .map(|t| {
                std::thread::spawn(move || {
                    let call = move |i: u64| {
                        block_on(async move {
                            tokio::time::sleep(Duration::from_micros(200)).await;
                            tokio::task::yield_now().await;
                            t * 1000 + i
                        })
                        .unwrap()
                    };
                    if t % 2 == 0 {
                        (0..100).map(call).sum::<u64>()
                    } else {
                        // Odd threads call from inside their own runtime: handed over.
                        let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
                        runtime.block_on(async move { (0..100).map(call).sum::<u64>() })
                    }
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap()).sum::<u64>()
    });
    let expected: u64 = (0..8u64).map(|t| (0..100).map(|i| t * 1000 + i).sum::<u64>()).sum();
    assert_eq!(total, expected);
}

#[test]
fn a_call_waiting_for_the_core_survives_a_panic_of_the_holder() {
    let (a, b) = within(Duration::from_secs(60), || {
        let holder = std::thread::spawn(|| {
            block_on(async {
                tokio::time::sleep(ms(100)).await;
                panic!("the holder panics")
            })
        });
        std::thread::sleep(ms(20));
        // Most likely waits for the core the panicking call holds, and must then get it.
        let waiter = std::thread::spawn(|| {
            block_on(async {
                tokio::time::sleep(ms(200)).await;
                4
            })
        });
        (holder.join().unwrap(), waiter.join().unwrap())
    });
    assert_eq!(a.unwrap_err().kind(), HttpErrorKind::Other);
    assert_eq!(b.unwrap(), 4);
    // A handed-over call that panics is an error too, and calls go on.
    let runtime = tokio::runtime::Builder::new_current_thread().build().unwrap();
    let err = runtime.block_on(async { block_on(async { panic!("boom inside") }) }).unwrap_err();
    assert_eq!(err.kind(), HttpErrorKind::Other);
    assert_eq!(runtime.block_on(async { block_on(async { 5 }) }).unwrap(), 5);
    assert_eq!(block_on(async { 6 }).unwrap(), 6);
}

#[test]
fn the_runtime_runs_between_calls() {
    // A task left behind by a call (as a pooled connection's is) goes on running with no call
    // in progress: the background thread takes the core once calls stop.
    let (tick, ticked) = mpsc::channel();
    block_on(async move {
        tokio::spawn(async move {
            for i in 0..3 {
                tokio::time::sleep(ms(30)).await;
                let _ = tick.send(i);
            }
        });
    })
    .unwrap();
    for i in 0..3 {
        assert_eq!(ticked.recv_timeout(Duration::from_secs(30)).expect("the runtime stopped between calls"), i);
    }
}

#[test]
fn a_calling_thread_drives_the_runtime_itself() {
    // A task spawned by a call runs on the thread that holds the core. With no other caller
    // around that is the calling thread; other tests' calls may hold the core for a while, so
    // the check is repeated until they are done. Were calls run on a runtime thread, it never
    // would pass.
    let here = std::thread::current().id();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while block_on(async { tokio::spawn(async { std::thread::current().id() }).await.unwrap() }).unwrap() != here {
        assert!(std::time::Instant::now() < deadline, "every spawned task ran on another thread");
        std::thread::sleep(ms(5));
    }
}
