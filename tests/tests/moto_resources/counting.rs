//! A loopback proxy in front of moto that counts the requests of one HTTP method, so a test can
//! prove how many requests the resource layer made (lazy loading makes exactly one).

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// A running proxy: point a session at [`CountingProxy::endpoint`].
pub struct CountingProxy {
    pub endpoint: String,
    count: Arc<AtomicUsize>,
}

impl CountingProxy {
    /// Forwards every connection to `upstream` (`http://127.0.0.1:port`), counting requests whose
    /// request line starts with `method`.
    pub fn start(upstream: &str, method: &'static str) -> std::io::Result<CountingProxy> {
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/').to_owned();
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let endpoint = format!("http://{}", listener.local_addr()?);
        let count = Arc::new(AtomicUsize::new(0));
        let counter = count.clone();
        std::thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let Ok(server) = TcpStream::connect(&upstream) else { continue };
                let counter = counter.clone();
                std::thread::spawn(move || forward(client, server, method, &counter));
            }
        });
        Ok(CountingProxy { endpoint, count })
    }

    /// The requests of the method seen so far.
    pub fn count(&self) -> usize {
        self.count.load(Ordering::SeqCst)
    }
}

fn forward(mut client: TcpStream, mut server: TcpStream, method: &str, count: &AtomicUsize) {
    let (Ok(mut client_back), Ok(mut server_back)) = (client.try_clone(), server.try_clone()) else { return };
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut server_back, &mut client_back);
    });
    let needle = format!("{method} /");
    let mut buf = [0u8; 16 * 1024];
    // The tail of the previous read, so a request line split across reads is still seen.
    let mut carry: Vec<u8> = Vec::new();
    let mut at_start = true;
    loop {
        let n = match client.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => n,
        };
        let mut window = std::mem::take(&mut carry);
        let offset = window.len();
        window.extend_from_slice(&buf[..n]);
        if at_start && window.starts_with(needle.as_bytes()) {
            count.fetch_add(1, Ordering::SeqCst);
        }
        at_start = false;
        let marker = format!("\r\n\r\n{needle}");
        let hits = window
            .windows(marker.len())
            .enumerate()
            .filter(|(i, w)| *w == marker.as_bytes() && i + marker.len() > offset)
            .count();
        count.fetch_add(hits, Ordering::SeqCst);
        carry = window[window.len().saturating_sub(marker.len())..].to_vec();
        if server.write_all(&buf[..n]).is_err() {
            break;
        }
    }
    let _ = server.shutdown(std::net::Shutdown::Write);
}
