//! [`Pool`]: idle connections kept per target, and the send path over them.
//!
//! A connection is hyper's `client::conn` pair: the `SendRequest` handle kept here and the
//! connection task, spawned on the runtime of the call that opened it. An HTTP/1.1 connection
//! carries one exchange at a time: a call takes it out of the pool, and the response body gives
//! it back once the body has been read to its end ([`Release`]). A body dropped early, or one
//! that failed, drops the connection instead, which hyper then closes. An HTTP/2 connection
//! (feature `http2`) is shared: calls clone its handle and it stays in the pool.
//!
//! Idle connections are kept up to `pool_max_idle_per_host` per target and dropped once idle for
//! `pool_idle_timeout`: checked when a call looks for one, and by a reaper task that exists only
//! while something is idle. A connection the server closed is seen as closed by its handle and
//! skipped; one closed too late to be seen gets the request back from hyper unsent, and the call
//! goes on over a new connection.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError, Weak};
use std::time::Duration;

use http::header::{HeaderValue, HOST};
use http::uri::PathAndQuery;
use http::{Request, Response, Uri};
use hyper::body::Incoming;
use hyper::client::conn::http1;
use tokio::time::Instant;

use super::connect::Connector;
use super::timeout::{later, RequestBody};
use super::{HttpError, HttpErrorKind};

type Http1 = http1::SendRequest<RequestBody>;
#[cfg(feature = "http2")]
type Http2 = hyper::client::conn::http2::SendRequest<RequestBody>;

/// The connections of one client for one kind of caller (async or blocking).
pub(crate) struct Pool {
    shared: Arc<Shared>,
}

struct Shared {
    connector: Arc<Connector>,
    idle_timeout: Option<Duration>,
    max_idle: usize,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    targets: Vec<Target>,
    /// A reaper task is running (or about to).
    reaping: bool,
}

/// The idle connections to one target. A client has few targets (a handful of endpoints, or
/// one per bucket with virtual-hosted S3), so they are searched in a list.
struct Target {
    key: Arc<Key>,
    idle: Vec<Idle>,
}

struct Idle {
    conn: Conn,
    since: Instant,
}

/// Where a connection goes: the target's scheme, host and port. The proxy route is not part of
/// it because a client's proxies are fixed when it is built, so the route follows from these.
struct Key {
    https: bool,
    port: u16,
    host: Box<str>,
    /// The `Host` header for HTTP/1.1 requests: the host, and the port unless it is the
    /// scheme's default; made once per connection instead of once per request.
    host_header: HeaderValue,
}

impl Key {
    fn new(https: bool, host: &str, port: u16) -> Result<Key, HttpError> {
        let default_port = if https { 443 } else { 80 };
        let header = if port == default_port { HeaderValue::from_str(host) } else { format!("{host}:{port}").parse() };
        let host_header = header.map_err(|_| {
            HttpError::new(HttpErrorKind::InvalidRequest, "the URL's host cannot be sent in a Host header")
        })?;
        Ok(Key { https, port, host: host.into(), host_header })
    }

    fn is(&self, https: bool, host: &str, port: u16) -> bool {
        self.https == https && self.port == port && *self.host == *host
    }
}

/// A connection taken from the pool or just made.
struct Conn {
    sender: Sender,
    key: Arc<Key>,
    /// Requests go to a forwarding proxy, in absolute form.
    forwarding: bool,
}

enum Sender {
    Http1(Http1),
    #[cfg(feature = "http2")]
    Http2(Http2),
}

impl Sender {
    fn is_closed(&self) -> bool {
        match self {
            Sender::Http1(sender) => sender.is_closed(),
            #[cfg(feature = "http2")]
            Sender::Http2(sender) => sender.is_closed(),
        }
    }
}

/// Gives an HTTP/1.1 connection back to its pool once its response body has been read to the
/// end; dropped instead, it drops the connection.
pub(crate) struct Release {
    sender: Http1,
    key: Arc<Key>,
    forwarding: bool,
    pool: Arc<Shared>,
}

impl Release {
    pub(crate) fn release(self) {
        let Release { mut sender, key, forwarding, pool } = self;
        if sender.is_ready() {
            pool.insert(Conn { sender: Sender::Http1(sender), key, forwarding });
        } else if !sender.is_closed() {
            // The connection task has not yet seen the end of the exchange (the reader got there
            // first, as it may when the body's length is known): it becomes ready once that task
            // runs, so a small task waits for it rather than the next call. Without a runtime
            // here the connection is dropped; its own runtime is gone or unreachable.
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                runtime.spawn(async move {
                    if sender.ready().await.is_ok() {
                        pool.insert(Conn { sender: Sender::Http1(sender), key, forwarding });
                    }
                });
            }
        }
    }
}

impl Pool {
    pub(crate) fn new(connector: Arc<Connector>, idle_timeout: Option<Duration>, max_idle: usize) -> Pool {
        let state = Mutex::new(State::default());
        Pool { shared: Arc::new(Shared { connector, idle_timeout, max_idle, state }) }
    }

    /// Sends `request` (its URI absolute, `http` or `https`, with a host) over a pooled
    /// connection or a new one, and returns the response with what gives the connection back.
    pub(crate) async fn send(
        &self,
        mut request: Request<RequestBody>,
    ) -> Result<(Response<Incoming>, Option<Release>), HttpError> {
        let target = request.uri().clone();
        let https = target.scheme_str() == Some("https");
        let host = target.host().unwrap_or_default();
        let port = target.port_u16().unwrap_or(if https { 443 } else { 80 });
        loop {
            let (mut conn, reused) = match self.shared.checkout(https, host, port) {
                Some(conn) => (conn, true),
                None => (self.shared.connect(&target, https, host, port).await?, false),
            };
            let sent = match &mut conn.sender {
                Sender::Http1(sender) => {
                    if !request.headers().contains_key(HOST) {
                        request.headers_mut().insert(HOST, conn.key.host_header.clone());
                    }
                    // A proxy takes the absolute URL; a server takes the path and query only.
                    *request.uri_mut() = if conn.forwarding { target.clone() } else { origin_form(&target) };
                    sender.try_send_request(request).await
                }
                #[cfg(feature = "http2")]
                Sender::Http2(sender) => {
                    // HTTP/2 carries scheme and authority as pseudo-headers, from the full URL.
                    *request.uri_mut() = target.clone();
                    sender.try_send_request(request).await
                }
            };
            match sent {
                Ok(response) => {
                    let release = match conn.sender {
                        Sender::Http1(sender) => Some(Release {
                            sender,
                            key: conn.key,
                            forwarding: conn.forwarding,
                            pool: self.shared.clone(),
                        }),
                        #[cfg(feature = "http2")]
                        Sender::Http2(_) => None,
                    };
                    return Ok((response, release));
                }
                Err(mut failed) => {
                    // A pooled connection that closed before the request could be written: hyper
                    // hands the request back unsent, and it goes on a new connection (a new one
                    // failing so is an error, or this would never end).
                    if reused {
                        if let Some(unsent) = failed.take_message() {
                            request = unsent;
                            continue;
                        }
                    }
                    return Err(HttpError::from_send(failed.into_error()));
                }
            }
        }
    }

    /// How many connections are idle, for tests.
    #[cfg(test)]
    pub(crate) fn idle_count(&self) -> usize {
        self.shared.lock().targets.iter().map(|t| t.idle.len()).sum()
    }
}

/// `/path?query` of a URL, as HTTP/1.1 sends it to a server.
fn origin_form(uri: &Uri) -> Uri {
    match uri.path_and_query() {
        Some(path) if !path.as_str().is_empty() => Uri::from(path.clone()),
        _ => Uri::from(PathAndQuery::from_static("/")),
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn expired(&self, since: Instant, now: Instant) -> bool {
        self.idle_timeout.is_some_and(|timeout| later(since, timeout) <= now)
    }

    /// The most recently used idle connection to the target that is still open, if any.
    fn checkout(&self, https: bool, host: &str, port: u16) -> Option<Conn> {
        let mut state = self.lock();
        let target = state.targets.iter_mut().find(|t| t.key.is(https, host, port))?;
        let now = Instant::now();
        while let Some(idle) = target.idle.pop() {
            if self.expired(idle.since, now) || idle.conn.sender.is_closed() {
                continue;
            }
            match &idle.conn.sender {
                Sender::Http1(sender) if sender.is_ready() => return Some(idle.conn),
                // Neither ready nor closed: not in a state to take a request.
                Sender::Http1(_) => continue,
                #[cfg(feature = "http2")]
                Sender::Http2(sender) => {
                    let shared = Conn {
                        sender: Sender::Http2(sender.clone()),
                        key: idle.conn.key.clone(),
                        forwarding: idle.conn.forwarding,
                    };
                    target.idle.push(Idle { conn: idle.conn, since: now });
                    return Some(shared);
                }
            }
        }
        None
    }

    /// Opens a connection to the target and starts its task on the caller's runtime.
    async fn connect(self: &Arc<Self>, uri: &Uri, https: bool, host: &str, port: u16) -> Result<Conn, HttpError> {
        let key = Arc::new(Key::new(https, host, port)?);
        let connected = self.connector.connect(uri).await?;
        let handshake_failed =
            |e: hyper::Error| HttpError::new(HttpErrorKind::Connect, "the HTTP handshake failed").with_source(e);
        #[cfg(feature = "http2")]
        if connected.h2 {
            let (sender, connection) = hyper::client::conn::http2::Builder::new(TokioExecutor)
                .handshake(connected.io)
                .await
                .map_err(handshake_failed)?;
            tokio::spawn(connection);
            // Shared from the start, so calls made meanwhile use it instead of opening more.
            let conn =
                Conn { sender: Sender::Http2(sender.clone()), key: key.clone(), forwarding: connected.forwarding };
            self.insert(conn);
            return Ok(Conn { sender: Sender::Http2(sender), key, forwarding: connected.forwarding });
        }
        let (sender, connection) = http1::handshake(connected.io).await.map_err(handshake_failed)?;
        // The connection's own error reaches the call through its response; the task just ends.
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Conn { sender: Sender::Http1(sender), key, forwarding: connected.forwarding })
    }

    /// Keeps an idle connection, unless its target already has as many as allowed.
    fn insert(self: &Arc<Self>, conn: Conn) {
        if self.max_idle == 0 {
            return;
        }
        let now = Instant::now();
        let mut state = self.lock();
        let key = &conn.key;
        let at = match state.targets.iter().position(|t| t.key.is(key.https, &key.host, key.port)) {
            Some(at) => at,
            None => {
                state.targets.push(Target { key: conn.key.clone(), idle: Vec::new() });
                state.targets.len() - 1
            }
        };
        let target = &mut state.targets[at];
        if target.idle.len() >= self.max_idle {
            return;
        }
        target.idle.push(Idle { conn, since: now });
        if let Some(timeout) = self.idle_timeout {
            if !state.reaping {
                // Without a runtime here nothing reaps; checkouts still skip expired connections.
                if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                    state.reaping = true;
                    runtime.spawn(reap(Arc::downgrade(self), timeout));
                }
            }
        }
    }
}

/// Drops idle connections as they expire. It ends (and the next idle connection starts another)
/// once it finds nothing idle twice in a row, a timeout apart, or when the pool is gone: a busy
/// client, whose connections are mostly in use, keeps one reaper instead of starting one per
/// request.
async fn reap(pool: Weak<Shared>, timeout: Duration) {
    let mut reaping = Reaping(Some(pool.clone()));
    let mut found_none = false;
    loop {
        let wake_at = {
            let Some(shared) = pool.upgrade() else { return };
            let mut state = shared.lock();
            let now = Instant::now();
            state.targets.retain_mut(|target| {
                target.idle.retain(|idle| !shared.expired(idle.since, now) && !idle.conn.sender.is_closed());
                !target.idle.is_empty()
            });
            match state.targets.iter().flat_map(|t| &t.idle).map(|idle| idle.since).min() {
                Some(oldest) => {
                    found_none = false;
                    later(oldest, timeout)
                }
                None if !found_none => {
                    found_none = true;
                    later(now, timeout)
                }
                None => {
                    // Cleared under the lock, so a connection kept after this starts a new reaper.
                    state.reaping = false;
                    reaping.0 = None;
                    return;
                }
            }
        };
        tokio::time::sleep_until(wake_at).await;
    }
}

/// Clears the pool's `reaping` flag if the reaper is dropped unfinished (its runtime shut down),
/// so the next idle connection starts another.
struct Reaping(Option<Weak<Shared>>);

impl Drop for Reaping {
    fn drop(&mut self) {
        if let Some(shared) = self.0.take().and_then(|pool| pool.upgrade()) {
            shared.lock().reaping = false;
        }
    }
}

/// Runs HTTP/2's stream tasks on the Tokio runtime of the connection.
#[cfg(feature = "http2")]
#[derive(Clone, Copy)]
struct TokioExecutor;

#[cfg(feature = "http2")]
impl<F> hyper::rt::Executor<F> for TokioExecutor
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    fn execute(&self, future: F) {
        tokio::spawn(future);
    }
}

#[cfg(test)]
#[path = "pool_tests.rs"]
mod tests;
