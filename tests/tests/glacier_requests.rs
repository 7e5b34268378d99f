//! Glacier rejects requests without what botocore adds in its handlers (the account `-`, the API
//! version header, the upload checksums); the generated client must send them too. Checked on the
//! prepared request, so no server is needed.

use tucuxi::credentials::Credentials;
use tucuxi::Session;
use tucuxi_glacier::operations::{LIST_VAULTS, UPLOAD_ARCHIVE};
use tucuxi_glacier::types::{ListVaultsInput, UploadArchiveInput};

fn client() -> tucuxi_glacier::Client {
    let session = Session::builder()
        .env_and_fs(
            tucuxi::config::Env::from_pairs(Vec::<(String, String)>::new()),
            tucuxi::config::Fs::from_files(Vec::<(String, String)>::new()),
        )
        .region("us-east-1")
        .credentials(Credentials::new("AKIDTEST", "test-secret"))
        .build()
        .expect("a session over fixtures");
    tucuxi_glacier::Client::new(&session)
}

/// A header of a prepared request, as text; a macro because the test crate does not name the
/// `http` crate's types.
macro_rules! header {
    ($request:expr, $name:expr) => {
        $request.headers().get($name).and_then(|v| v.to_str().ok())
    };
}

#[test]
fn an_unset_account_is_the_callers_own_and_every_call_has_the_version() {
    let client = client();
    let request = client.handle().prepare_request(&LIST_VAULTS, &mut ListVaultsInput::default()).expect("a request");
    assert_eq!(request.uri().path(), "/-/vaults");
    assert_eq!(header!(request, "x-amz-glacier-version"), Some("2012-06-01"));

    let mut input = ListVaultsInput { account_id: "111122223333".into(), ..Default::default() };
    let request = client.handle().prepare_request(&LIST_VAULTS, &mut input).expect("a request");
    assert_eq!(request.uri().path(), "/111122223333/vaults", "a set account is kept");
}

#[test]
fn uploads_carry_the_body_hash_and_tree_hash() {
    let client = client();
    // Two and a half 1 MiB pieces, so the tree hash differs from the plain SHA-256.
    let body: Vec<u8> = (0..(5usize << 19)).map(|i| (i % 253) as u8).collect();
    let mut input =
        UploadArchiveInput { vault_name: "v".into(), body: Some(body.clone().into()), ..Default::default() };
    let request = client.handle().prepare_request(&UPLOAD_ARCHIVE, &mut input).expect("a request");
    assert_eq!(request.uri().path(), "/-/vaults/v/archives");
    let sha256: String = tucuxi::protocol::checksum::ChecksumAlgorithm::Sha256
        .digest(&body)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(header!(request, "x-amz-content-sha256"), Some(sha256.as_str()));
    let tree = tucuxi::client::sha256_tree_hash(&body);
    assert_ne!(tree, sha256);
    assert_eq!(header!(request, "x-amz-sha256-tree-hash"), Some(tree.as_str()));

    // The `checksum` member is the tree-hash header: a caller's value wins.
    let mut input = UploadArchiveInput {
        vault_name: "v".into(),
        checksum: Some("0123abcd".into()),
        body: Some(body.into()),
        ..Default::default()
    };
    let request = client.handle().prepare_request(&UPLOAD_ARCHIVE, &mut input).expect("a request");
    assert_eq!(header!(request, "x-amz-sha256-tree-hash"), Some("0123abcd"));
}
