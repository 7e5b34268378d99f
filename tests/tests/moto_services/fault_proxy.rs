//! A tiny HTTP/1.1 proxy on loopback in front of moto, for the transfer cases: it fails or
//! delays chosen `UploadPart` requests and records every request line and header, so a case can
//! inject part failures and see which S3 calls a transfer made.
//!
//! One request per connection: each request is forwarded to moto on a fresh connection with
//! `Connection: close`, and the response is returned with `Connection: close`, so the client
//! never reuses a connection the proxy is about to close.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// What to do to `UploadPart` requests of one part number.
#[derive(Clone, Copy, Debug)]
pub enum Fault {
    /// Answer 500 `InternalError` this many times, then forward.
    FailTimes(u32),
    /// Always answer 500 `InternalError`.
    AlwaysFail,
    /// Hold the request this long before forwarding.
    Delay(Duration),
}

/// One request the proxy saw.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    /// Header names, lower-cased, with values.
    pub headers: Vec<(String, String)>,
    /// Whether the proxy answered it with an injected failure.
    pub failed: bool,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The `partNumber` query parameter, if any.
    pub fn part_number(&self) -> Option<u32> {
        let query = self.target.split_once('?')?.1;
        query.split('&').find_map(|p| p.strip_prefix("partNumber=")).and_then(|n| n.parse().ok())
    }
}

#[derive(Default)]
struct State {
    faults: Vec<(u32, Fault)>,
    seen: Vec<Seen>,
}

/// The running proxy; its threads end with the test process.
#[derive(Clone)]
pub struct FaultProxy {
    pub endpoint: String,
    state: Arc<Mutex<State>>,
}

impl FaultProxy {
    /// Starts a proxy in front of `upstream` (`http://127.0.0.1:PORT`).
    pub fn start(upstream: &str) -> std::io::Result<FaultProxy> {
        let upstream = upstream.strip_prefix("http://").unwrap_or(upstream).trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let state = Arc::new(Mutex::new(State::default()));
        let shared = state.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (state, upstream) = (shared.clone(), upstream.clone());
                std::thread::spawn(move || {
                    let _ = serve(conn, &upstream, &state);
                });
            }
        });
        Ok(FaultProxy { endpoint, state })
    }

    /// Applies `fault` to `UploadPart` requests of `part_number` from now on.
    pub fn fault(&self, part_number: u32, fault: Fault) {
        self.lock().faults.push((part_number, fault));
    }

    /// Removes every fault and forgets what was seen.
    pub fn reset(&self) {
        let mut state = self.lock();
        state.faults.clear();
        state.seen.clear();
    }

    /// Every request seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.lock().seen.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn read_head(conn: &mut TcpStream) -> std::io::Result<(Vec<u8>, Vec<u8>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let rest = buf.split_off(end + 4);
            return Ok((buf, rest));
        }
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "closed before a full head"));
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}

fn serve(mut conn: TcpStream, upstream: &str, state: &Mutex<State>) -> std::io::Result<()> {
    let (head, mut body) = read_head(&mut conn)?;
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let request_line = lines.next().unwrap_or_default().to_owned();
    let mut parts = request_line.split(' ');
    let method = parts.next().unwrap_or_default().to_owned();
    let target = parts.next().unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut chunk = vec![0u8; 64 * 1024];
    while body.len() < length {
        let n = conn.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    let mut seen = Seen { method: method.clone(), target: target.clone(), headers: headers.clone(), failed: false };
    let is_upload_part = method == "PUT" && seen.part_number().is_some() && seen.header("x-amz-copy-source").is_none();
    let mut action = None;
    {
        let mut state = state.lock().unwrap_or_else(PoisonError::into_inner);
        if is_upload_part {
            let number = seen.part_number().unwrap_or(0);
            if let Some((_, fault)) = state.faults.iter_mut().find(|(n, _)| *n == number) {
                action = Some(*fault);
                if let Fault::FailTimes(left) = fault {
                    if *left == 0 {
                        action = None;
                    } else {
                        *left -= 1;
                    }
                }
            }
        }
        seen.failed = matches!(action, Some(Fault::FailTimes(_) | Fault::AlwaysFail));
        state.seen.push(seen);
    }
    match action {
        Some(Fault::FailTimes(_) | Fault::AlwaysFail) => {
            let xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>InternalError</Code>\
                       <Message>injected by the test proxy</Message></Error>";
            let response = format!(
                "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{xml}",
                xml.len()
            );
            return conn.write_all(response.as_bytes());
        }
        Some(Fault::Delay(d)) => std::thread::sleep(d),
        None => {}
    }
    // Forward with `Connection: close`, so moto ends its response by closing.
    let mut up = TcpStream::connect(upstream)?;
    let mut forward = format!("{request_line}\r\n");
    for (name, value) in &headers {
        if name != "connection" {
            forward.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    forward.push_str("connection: close\r\n\r\n");
    up.write_all(forward.as_bytes())?;
    up.write_all(&body)?;
    let mut response = Vec::new();
    up.read_to_end(&mut response)?;
    // Mark the response `Connection: close` too, so the client does not reuse this connection.
    let Some(end) = response.windows(4).position(|w| w == b"\r\n\r\n") else {
        return conn.write_all(&response);
    };
    let head = String::from_utf8_lossy(&response[..end]).into_owned();
    let mut out = String::new();
    for line in head.split("\r\n") {
        if !line.to_ascii_lowercase().starts_with("connection:") {
            out.push_str(line);
            out.push_str("\r\n");
        }
    }
    out.push_str("Connection: close\r\n\r\n");
    conn.write_all(out.as_bytes())?;
    conn.write_all(&response[end + 4..])
}
