//! Glacier's handlers from botocore's `handlers.py`:
//!
//! - `inject_account_id`: an unset `accountId` URI label becomes `-`, the caller's own account;
//! - `add_glacier_version`: every request carries `x-amz-glacier-version` (the API version);
//! - `add_glacier_checksums`: `UploadArchive` and `UploadMultipartPart` carry the body's SHA-256
//!   (`x-amz-content-sha256`) and SHA-256 tree hash (`x-amz-sha256-tree-hash`) unless the caller
//!   set them. Like botocore, only a body the client holds is hashed; a streaming body cannot be
//!   read twice, so its caller passes the `checksum` member (see [`sha256_tree_hash`]).

use http::header::{HeaderMap, HeaderName, HeaderValue};

use crate::auth::{hex, sha256_hex};
use crate::protocol::checksum::ChecksumAlgorithm;
use crate::protocol::SerializedRequest;
use crate::schema::{Operation, Service};
use crate::shape::{Shape, ValueMut, ValueRef};

/// Glacier hashes a body in pieces of this size (1 MiB) before combining them pairwise.
const TREE_HASH_CHUNK: usize = 1 << 20;

fn is_glacier(service: &Service) -> bool {
    service.endpoint_prefix == "glacier"
}

/// Changes to the input before it is laid out: Glacier's `accountId` defaults to `-`.
pub(crate) fn before_serialize(service: &'static Service, op: &'static Operation, input: &mut dyn Shape) {
    if !is_glacier(service) {
        return;
    }
    let Some((i, _)) = op.input.member("accountId") else { return };
    let Some(field) = input.field_mut(i) else { return };
    // A required member is a plain `String`, so empty counts as unset, as it does for tokens.
    if matches!(field.get(), Some(ValueRef::Str(s)) if !s.is_empty()) {
        return;
    }
    if let ValueMut::Str(s) = field.get_mut() {
        "-".clone_into(s);
    }
}

/// Changes to the laid-out request: Glacier's version header and upload checksums.
pub(crate) fn after_serialize(service: &'static Service, op: &'static Operation, request: &mut SerializedRequest) {
    if !is_glacier(service) {
        return;
    }
    glacier_headers(service.api_version, op.name, request.body.as_bytes(), &mut request.headers);
}

fn glacier_headers(api_version: &'static str, operation: &str, body: Option<&[u8]>, headers: &mut HeaderMap) {
    headers.insert(HeaderName::from_static("x-amz-glacier-version"), HeaderValue::from_static(api_version));
    if !matches!(operation, "UploadArchive" | "UploadMultipartPart") {
        return;
    }
    let Some(body) = body else { return };
    let mut set_default = |name: &'static str, value: String| {
        let name = HeaderName::from_static(name);
        if !headers.contains_key(&name) {
            // Lower-case hex is always a valid header value.
            if let Ok(value) = HeaderValue::try_from(value) {
                headers.insert(name, value);
            }
        }
    };
    set_default("x-amz-content-sha256", sha256_hex(body));
    set_default("x-amz-sha256-tree-hash", sha256_tree_hash(body));
}

/// The SHA-256 tree hash of `data` in lower-case hex, as Glacier checks it and botocore's
/// `calculate_tree_hash` computes it: SHA-256 of each 1 MiB piece, then of each pair of hashes,
/// level by level (an odd one out moves up unchanged), until one is left. For a body of at most
/// 1 MiB it is the plain SHA-256. Callers streaming an archive pass this as the `checksum` member,
/// and `CompleteMultipartUpload` wants it for the whole archive.
pub fn sha256_tree_hash(data: &[u8]) -> String {
    let sha256 = |bytes: &[u8]| ChecksumAlgorithm::Sha256.digest(bytes);
    let mut level: Vec<Vec<u8>> = data.chunks(TREE_HASH_CHUNK).map(sha256).collect();
    if level.is_empty() {
        return hex(&sha256(b""));
    }
    while level.len() > 1 {
        level = level
            .chunks(2)
            .map(|pair| match pair {
                [first, second] => sha256(&[first.as_slice(), second.as_slice()].concat()),
                [only] => only.clone(),
                _ => unreachable!("chunks(2) yields one or two hashes"),
            })
            .collect();
    }
    hex(&level[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes botocore's vectors below were computed over.
    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| ((i * 31 + 7) % 251) as u8).collect()
    }

    #[test]
    fn tree_hashes_match_botocore() {
        // botocore.utils.calculate_tree_hash over `data(n)`, with botocore 1.44.8.
        let cases = [
            (0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
            (1, "ca358758f6d27e6cf45272937977a748fd88391db679ceda7dc7bf1f005ee879"),
            (1 << 20, "1c59b8670027384143781a8a8bff2f3b44bd8818d0f53b13b064c2375a1afe38"),
            ((1 << 20) + 1, "bdbb3466665ed8cbe8fc26d6cd3ee2d7c88f427bef2982246317b76917649519"),
            // Four pieces, the last half full: two levels of pairs.
            (3 * (1 << 20) + (1 << 19), "422ee3b6f1d333649eb6dc0240122d37b70bb468d42418678371279dfa0119fe"),
        ];
        for (n, expected) in cases {
            assert_eq!(sha256_tree_hash(&data(n)), expected, "{n} bytes");
        }
    }

    #[test]
    fn uploads_get_both_checksums_unless_set() {
        let mut headers = HeaderMap::new();
        glacier_headers("2012-06-01", "UploadArchive", Some(b"x"), &mut headers);
        let sha = "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881";
        assert_eq!(headers["x-amz-glacier-version"], "2012-06-01");
        assert_eq!(headers["x-amz-content-sha256"], sha);
        assert_eq!(headers["x-amz-sha256-tree-hash"], sha);

        // A tree hash the caller set (the `checksum` member) is kept.
        let mut headers = HeaderMap::new();
        headers.insert("x-amz-sha256-tree-hash", HeaderValue::from_static("abc"));
        glacier_headers("2012-06-01", "UploadMultipartPart", Some(b"x"), &mut headers);
        assert_eq!(headers["x-amz-sha256-tree-hash"], "abc");
        assert_eq!(headers["x-amz-content-sha256"], sha);
    }

    #[test]
    fn other_operations_and_streams_get_only_the_version() {
        let mut headers = HeaderMap::new();
        glacier_headers("2012-06-01", "ListVaults", Some(b""), &mut headers);
        assert_eq!(headers.len(), 1);
        assert_eq!(headers["x-amz-glacier-version"], "2012-06-01");
        let mut headers = HeaderMap::new();
        glacier_headers("2012-06-01", "UploadArchive", None, &mut headers);
        assert_eq!(headers.len(), 1, "a streaming body is not read to hash it");
    }
}
