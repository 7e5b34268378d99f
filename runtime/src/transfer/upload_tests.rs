use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;
use crate::protocol::checksum::crc32;
use crate::transfer::config::MIB;
use crate::transfer::store::MultipartStore;

fn run<T>(future: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(future)
}

/// One part as the store received it.
struct Seen {
    number: u32,
    data: Vec<u8>,
    /// Where the body's bytes lived, to tell a reused buffer from a new one.
    address: usize,
    crc32: String,
}

/// A `PutObject`'s body and CRC32.
type Put = (Vec<u8>, String);

/// An in-memory store that records what it is sent; `hold` keeps every body alive (as a store
/// that still referenced it would), so its buffer cannot be handed back.
#[derive(Clone, Default)]
struct Recorder {
    parts: Arc<Mutex<Vec<Seen>>>,
    held: Arc<Mutex<Vec<Bytes>>>,
    hold: bool,
    whole: Arc<Mutex<Option<String>>>,
    put: Arc<Mutex<Option<Put>>>,
    calls: Arc<AtomicUsize>,
}

impl MultipartStore for Recorder {
    type Part = u32;

    async fn create_multipart_upload(&self) -> Result<String, Error> {
        Ok("upload-1".into())
    }

    async fn complete_multipart_upload(
        &self,
        _upload_id: &str,
        parts: Vec<u32>,
        whole_crc32: Option<&str>,
    ) -> Result<(), Error> {
        assert_eq!(parts, (1..=parts.len() as u32).collect::<Vec<_>>(), "parts complete in order");
        *self.whole.lock().unwrap() = whole_crc32.map(str::to_owned);
        Ok(())
    }

    async fn abort_multipart_upload(&self, _upload_id: &str) -> Result<(), Error> {
        Err(Error::new(ErrorKind::Dispatch, "nothing failed, so nothing aborts"))
    }
}

impl UploadStore for Recorder {
    async fn put_object(&self, body: Bytes, crc32: &str) -> Result<(), Error> {
        *self.put.lock().unwrap() = Some((body.to_vec(), crc32.to_owned()));
        Ok(())
    }

    async fn upload_part(&self, _upload_id: &str, number: u32, body: Bytes, crc32: &str) -> Result<u32, Error> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let seen = Seen { number, data: body.to_vec(), address: body.as_ptr() as usize, crc32: crc32.to_owned() };
        self.parts.lock().unwrap().push(seen);
        if self.hold {
            self.held.lock().unwrap().push(body);
        }
        Ok(number)
    }
}

/// A file of `len` bytes that differ along it, in a fresh temporary directory.
fn source(name: &str, len: usize) -> (std::path::PathBuf, Vec<u8>) {
    let dir = std::env::temp_dir().join(format!("tucuxi-upload-test-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let data: Vec<u8> = (0..len).map(|i| (i.wrapping_mul(2_654_435_761) >> 11) as u8).collect();
    let path = dir.join("source");
    std::fs::write(&path, &data).unwrap();
    (path, data)
}

fn config() -> TransferConfig {
    TransferConfig::default().multipart_threshold(5 * MIB).multipart_chunksize(5 * MIB).max_concurrency(1)
}

#[test]
fn parts_carry_their_crc32_and_finished_parts_lend_their_buffers() {
    // Two whole parts and a short last one, none a multiple of the read piece.
    let (path, data) = source("reuse", 2 * 5 * MIB as usize + 300_001);
    let store = Recorder::default();
    run(upload_path(store.clone(), &path, &config(), &Progress::none())).unwrap();
    let parts = store.parts.lock().unwrap();
    assert_eq!(parts.len(), 3);
    for (part, expected) in parts.iter().zip(data.chunks(5 * MIB as usize)) {
        assert!(part.data == expected, "part {} holds its range of the file", part.number);
        assert_eq!(part.crc32, base64_encode(&crc32(expected).to_be_bytes()), "part {}", part.number);
    }
    // One at a time, and the store let go of each body: every part was read into the first one's
    // buffer.
    assert!(parts.iter().all(|p| p.address == parts[0].address), "the buffer is reused");
    let whole = store.whole.lock().unwrap().clone();
    assert_eq!(whole, Some(base64_encode(&crc32(&data).to_be_bytes())));
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn a_body_still_referenced_is_never_overwritten() {
    let (path, data) = source("held", 2 * 5 * MIB as usize + 17);
    let store = Recorder { hold: true, ..Recorder::default() };
    run(upload_path(store.clone(), &path, &config(), &Progress::none())).unwrap();
    let parts = store.parts.lock().unwrap();
    assert_eq!(store.calls.load(Ordering::SeqCst), 3);
    let mut addresses: Vec<usize> = parts.iter().map(|p| p.address).collect();
    addresses.dedup();
    assert_eq!(addresses.len(), 3, "each part got a buffer of its own");
    // The bodies the store kept still hold what was sent.
    for (held, expected) in store.held.lock().unwrap().iter().zip(data.chunks(5 * MIB as usize)) {
        assert!(held[..] == expected[..]);
    }
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn a_small_file_goes_up_in_one_request_with_its_crc32() {
    let (path, data) = source("small", 300_000);
    let store = Recorder::default();
    run(upload_path(store.clone(), &path, &config(), &Progress::none())).unwrap();
    let put = store.put.lock().unwrap().take().expect("one PutObject");
    assert!(put.0 == data);
    assert_eq!(put.1, base64_encode(&crc32(&data).to_be_bytes()));
    assert!(store.parts.lock().unwrap().is_empty());
    std::fs::remove_dir_all(path.parent().unwrap()).unwrap();
}

#[test]
fn buffers_are_taken_back_only_when_unshared_and_long_enough() {
    let path = Path::new("part");
    let buffers = Buffers::default();
    let first = buffers.take(1000, path).unwrap().freeze();
    let address = first.as_ptr();
    let other = first.clone();
    buffers.give_back(first);
    assert!(buffers.0.lock().unwrap().is_empty(), "a body someone still holds is not reused");
    buffers.give_back(other);
    let again = buffers.take(600, path).unwrap();
    assert_eq!((again.as_ptr(), again.len()), (address, 600), "the same memory, shortened");
    buffers.give_back(again.freeze());
    let longer = buffers.take(1001, path).unwrap();
    assert_ne!(longer.as_ptr(), address, "a buffer too short is not used");
    assert_eq!(longer.len(), 1001);
}
