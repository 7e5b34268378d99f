//! The page iterator over canned pages: an S3 `ListObjects`-like service in a closure.

use std::sync::{Arc, Mutex};

use super::pages::{Fetch, Pages};
use super::token::{decode, encode, python_json, Tokens};
use super::*;
use crate::schema::{prim, Member, Operation, Schema};
use crate::types::Document;
use crate::Error;

#[derive(Clone, Default, PartialEq)]
struct Input {
    marker: Option<String>,
    max_keys: Option<i32>,
}
static INPUT: Schema =
    Schema::structure("Input", &[Member::new("Marker", &prim::STRING), Member::new("MaxKeys", &prim::INTEGER)]);
crate::structure!(Input, INPUT, 0 => marker, 1 => max_keys);

#[derive(Clone, Default, PartialEq)]
struct Object {
    key: Option<String>,
}
static OBJECT: Schema = Schema::structure("Object", &[Member::new("Key", &prim::STRING)]);
crate::structure!(Object, OBJECT, 0 => key);
static OBJECTS: Schema = Schema::list("Objects", &[Member::new("member", &OBJECT)]);

#[derive(Clone, Default, PartialEq)]
struct Output {
    contents: Option<Vec<Object>>,
    next_marker: Option<String>,
    is_truncated: Option<bool>,
    count: Option<i32>,
    name: Option<String>,
}
static OUTPUT: Schema = Schema::structure(
    "Output",
    &[
        Member::new("Contents", &OBJECTS),
        Member::new("NextMarker", &prim::STRING),
        Member::new("IsTruncated", &prim::BOOLEAN),
        Member::new("Count", &prim::INTEGER),
        Member::new("Name", &prim::STRING),
    ],
);
crate::structure!(Output, OUTPUT, 0 => contents, 1 => next_marker, 2 => is_truncated, 3 => count, 4 => name);

static OP: Operation = Operation::new("ListObjects", "GET", "/", &INPUT, &OUTPUT);
static SPEC: PaginatorSpec = PaginatorSpec::new(&["Marker"], &["NextMarker || Contents[-1].Key"])
    .limit_key("MaxKeys")
    .more_results("IsTruncated")
    .result_key(&["Contents", "Count"])
    .non_aggregate_keys(&["Name"]);

fn keys(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("k{i:03}")).collect()
}

/// A service listing `all` keys after the marker, `MaxKeys` (default 100) at a time, that
/// records every request it is sent.
fn service(all: Vec<String>, log: Arc<Mutex<Vec<Input>>>) -> Fetch<Input, Output> {
    Box::new(move |input: Input| {
        log.lock().unwrap().push(input.clone());
        let start = match &input.marker {
            Some(m) => all.iter().position(|k| k > m).unwrap_or(all.len()),
            None => 0,
        };
        let size = input.max_keys.unwrap_or(100) as usize;
        let end = (start + size).min(all.len());
        let page = Output {
            contents: Some(all[start..end].iter().map(|k| Object { key: Some(k.clone()) }).collect()),
            // Like S3 without a delimiter: no NextMarker, so the token is the last key.
            next_marker: None,
            is_truncated: Some(end < all.len()),
            count: Some((end - start) as i32),
            name: Some("bucket".into()),
        };
        Box::pin(async move { Ok::<_, Error>(page) })
    })
}

struct Listing {
    pages: Vec<Output>,
    resume: Option<String>,
    requests: Vec<Input>,
}

fn list(all: usize, options: Options) -> Listing {
    let log = Arc::new(Mutex::new(Vec::new()));
    let pages = Pages::<Input, Output, crate::protocol::NoErrors>::with_fetch(
        &OP,
        Input::default(),
        &SPEC,
        options,
        service(keys(all), log.clone()),
    );
    let mut it = BlockingPages(pages);
    let pages = it.by_ref().map(|p| p.unwrap()).collect();
    let resume = it.resume_token().map(str::to_owned);
    let requests = log.lock().unwrap().clone();
    Listing { pages, resume, requests }
}

fn item_keys(pages: &[Output]) -> Vec<String> {
    pages.iter().flat_map(|p| p.contents.iter().flatten()).filter_map(|o| o.key.clone()).collect()
}

#[test]
fn every_page_in_order() {
    let l = list(250, Options { page_size: Some(100), ..Options::default() });
    assert_eq!(l.pages.len(), 3);
    assert_eq!(item_keys(&l.pages), keys(250));
    let markers: Vec<_> = l.requests.iter().map(|r| r.marker.clone()).collect();
    assert_eq!(markers, [None, Some("k099".into()), Some("k199".into())]);
    assert!(l.requests.iter().all(|r| r.max_keys == Some(100)));
    assert_eq!(l.resume, None);
}

#[test]
fn max_items_cuts_a_page_and_resumes_from_the_boto3_token() {
    let l = list(250, Options { max_items: Some(150), ..Options::default() });
    assert_eq!(item_keys(&l.pages), keys(150));
    // The token boto3 prints for the same listing: {"Marker": "k099", "boto_truncate_amount": 50}.
    let token = "eyJNYXJrZXIiOiAiazA5OSIsICJib3RvX3RydW5jYXRlX2Ftb3VudCI6IDUwfQ==";
    assert_eq!(l.resume.as_deref(), Some(token));
    let rest = list(250, Options { starting_token: Some(token.into()), ..Options::default() });
    assert_eq!(rest.requests[0].marker.as_deref(), Some("k099"));
    assert_eq!(item_keys(&rest.pages), keys(250)[150..]);
    // The first resumed page's secondary result key keeps the service's count.
    assert_eq!(rest.pages[0].count, Some(100));
}

#[test]
fn resuming_twice_mid_page_counts_the_first_skip() {
    let first = list(250, Options { max_items: Some(30), ..Options::default() });
    let second = list(250, Options { max_items: Some(30), starting_token: first.resume.clone(), ..Options::default() });
    assert_eq!(item_keys(&second.pages), keys(60)[30..]);
    let third = list(250, Options { starting_token: second.resume.clone(), ..Options::default() });
    assert_eq!(item_keys(&third.pages), keys(250)[60..]);
    // The first cut had fetched nothing yet, so the token has no marker (boto3: `"Marker": null`).
    assert_eq!(first.resume.as_deref(), Some(encode(&tokens(Document::Null), Some(30), &[]).as_str()));
}

fn tokens(marker: Document) -> Tokens {
    [("Marker".to_owned(), marker)].into_iter().collect()
}

#[test]
fn max_items_on_a_page_boundary_gives_the_next_marker() {
    let l = list(250, Options { max_items: Some(200), ..Options::default() });
    assert_eq!(item_keys(&l.pages), keys(200));
    assert_eq!(l.resume.as_deref(), Some("eyJNYXJrZXIiOiAiazE5OSJ9"));
    assert_eq!(l.requests.len(), 2);
}

#[test]
fn a_repeated_token_is_an_error_not_a_loop() {
    let fetch: Fetch<Input, Output> = Box::new(|_| {
        let page = Output { next_marker: Some("same".into()), is_truncated: Some(true), ..Output::default() };
        Box::pin(async move { Ok(page) })
    });
    let pages = Pages::<Input, Output, crate::protocol::NoErrors>::with_fetch(
        &OP,
        Input::default(),
        &SPEC,
        Options::default(),
        fetch,
    );
    let results: Vec<_> = BlockingPages(pages).take(10).collect();
    assert_eq!(results.len(), 3, "two pages, then the error, then the end");
    let err = results[2].as_ref().unwrap_err();
    assert!(err.to_string().contains("The same next token was received twice"), "{err}");
}

#[test]
fn full_result_merges_pages() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let pages = Pages::<Input, Output, crate::protocol::NoErrors>::with_fetch(
        &OP,
        Input::default(),
        &SPEC,
        Options { max_items: Some(120), ..Options::default() },
        service(keys(250), log),
    );
    let mut pages = BlockingPages(pages);
    let mut merged = pages::Merged::default();
    while let Some(page) = pages.next() {
        merged.add(&pages.0, page.unwrap()).unwrap();
    }
    let full = merged.finish(&pages.0);
    assert_eq!(item_keys(std::slice::from_ref(&full.output)), keys(120));
    assert_eq!(full.output.count, Some(200), "counts are summed as the service gave them");
    assert_eq!(full.output.name.as_deref(), Some("bucket"));
    assert_eq!(full.output.next_marker, None, "tokens are not part of the full result");
    assert!(full.next_token.is_some());
}

#[test]
fn the_async_stream_yields_the_same_pages() {
    use core::task::{Context, Poll, Waker};
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut pages = Pages::<Input, Output, crate::protocol::NoErrors>::with_fetch(
        &OP,
        Input::default(),
        &SPEC,
        Options::default(),
        service(keys(250), log),
    );
    let mut cx = Context::from_waker(Waker::noop());
    let mut items = Vec::new();
    loop {
        match futures_core::Stream::poll_next(core::pin::Pin::new(&mut pages), &mut cx) {
            Poll::Ready(Some(page)) => items.extend(item_keys(&[page.unwrap()])),
            Poll::Ready(None) => break,
            Poll::Pending => panic!("canned pages are always ready"),
        }
    }
    assert_eq!(items, keys(250));
}

#[test]
fn page_size_needs_a_limit_key() {
    static NO_LIMIT: PaginatorSpec = PaginatorSpec::new(&["Marker"], &["NextMarker"]);
    let log = Arc::new(Mutex::new(Vec::new()));
    let pages = Pages::<Input, Output, crate::protocol::NoErrors>::with_fetch(
        &OP,
        Input::default(),
        &NO_LIMIT,
        Options { page_size: Some(5), ..Options::default() },
        service(keys(10), log.clone()),
    );
    let results: Vec<_> = BlockingPages(pages).collect();
    assert_eq!(results.len(), 1);
    assert!(results[0].as_ref().unwrap_err().to_string().contains("PageSize"));
    assert!(log.lock().unwrap().is_empty(), "nothing is sent");
}

#[test]
fn tokens_are_written_as_python_writes_them() {
    let doc = Document::from_json(r#"{"K": "é😀\"\n", "f": [1.5, 1e20, 1e-7, 0.0001]}"#).unwrap();
    let mut out = String::new();
    python_json(&doc, &mut out);
    assert_eq!(out, r#"{"K": "\u00e9\ud83d\ude00\"\n", "f": [1.5, 1e+20, 1e-07, 0.0001]}"#);
    let (t, skip) = decode("eyJNYXJrZXIiOiBudWxsLCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiA3fQ==", &["Marker"]).unwrap();
    assert_eq!((t, skip), (tokens(Document::Null), 7));
    // botocore's old `token___index` format, and an opaque service token.
    assert_eq!(decode("abc___3", &["Marker"]).unwrap(), (tokens("abc".into()), 3));
    assert_eq!(decode("opaque!", &["Marker"]).unwrap(), (tokens("opaque!".into()), 0));
    assert!(decode("a___b___c", &["Marker"]).is_err());
}

/// The resident set size of this process in KiB (Linux only; 0 elsewhere).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap_or_default();
    line.split_whitespace().nth(1).and_then(|n| n.parse().ok()).unwrap_or(0)
}

/// Benchmark (reported, not asserted): 1,000,000 items from an in-process paginated service,
/// one page of 1,000 in memory at a time.
/// `cargo test -p tucuxi --release --lib paginate::tests::a_million_items -- --ignored --nocapture`
#[test]
#[ignore]
fn a_million_items_keep_memory_flat() {
    const TOTAL: usize = 1_000_000;
    let fetch: Fetch<Input, Output> = Box::new(|input: Input| {
        let start: usize = input.marker.as_deref().map_or(0, |m| m[1..].parse::<usize>().unwrap() + 1);
        let end = (start + 1000).min(TOTAL);
        let page = Output {
            contents: Some((start..end).map(|i| Object { key: Some(format!("k{i:07}")) }).collect()),
            is_truncated: Some(end < TOTAL),
            ..Output::default()
        };
        Box::pin(async move { Ok(page) })
    });
    let pages = Pages::<Input, Output, crate::protocol::NoErrors>::with_fetch(
        &OP,
        Input::default(),
        &SPEC,
        Options::default(),
        fetch,
    );
    let mut items = BlockingItems(Items::<_, _, _, Object>::new(pages));
    let mut n = 0;
    for item in items.by_ref() {
        item.unwrap();
        n += 1;
        if [10_000, 100_000, TOTAL].contains(&n) {
            eprintln!("{n:>9} items: RSS {} KiB", rss_kib());
        }
    }
    assert_eq!(n, TOTAL);
}

#[derive(Clone, Default, PartialEq, Debug)]
struct Attr {
    b: Option<crate::Blob>,
}
static ATTR: Schema = Schema::structure("Attr", &[Member::new("B", &prim::BLOB)]);
impl crate::shape::Shape for Attr {
    fn schema(&self) -> &'static Schema {
        &ATTR
    }
    fn field(&self, i: usize) -> Option<&dyn crate::shape::Value> {
        (i == 0).then_some(&self.b as &dyn crate::shape::Value)
    }
    fn field_mut(&mut self, i: usize) -> Option<&mut dyn crate::shape::Value> {
        (i == 0).then_some(&mut self.b as &mut dyn crate::shape::Value)
    }
}

#[test]
fn bytes_in_tokens_are_encoded_as_botocore_encodes_them() {
    use crate::jmespath::Val;
    let mut key: crate::Map<String, Attr> = crate::Map::new();
    key.insert("k".into(), Attr { b: Some(vec![0u8, 1].into()) });
    let mut encoded = None;
    let doc = Val::Map(&key).to_document_tracking(&mut vec!["ExclusiveStartKey".into()], &mut encoded);
    let tokens: Tokens = [("ExclusiveStartKey".to_owned(), doc)].into_iter().collect();
    let token = encode(&tokens, Some(3), &encoded.unwrap_or_default());
    // botocore's TokenEncoder on {"ExclusiveStartKey": {"k": {"B": b"\x00\x01"}}, "boto_truncate_amount": 3}.
    assert_eq!(
        token,
        "eyJFeGNsdXNpdmVTdGFydEtleSI6IHsiayI6IHsiQiI6ICJBQUU9In19LCAiYm90b190cnVuY2F0ZV9hbW91bnQiOiAzLCAiYm90b19lbmNvZGVkX2tleXMiOiBbWyJFeGNsdXNpdmVTdGFydEtleSIsICJrIiwgIkIiXV19"
    );
    let (decoded, skip) = decode(&token, &["ExclusiveStartKey"]).unwrap();
    assert_eq!(skip, 3);
    let mut back: crate::Map<String, Attr> = crate::Map::new();
    access::set_from_document(&mut back, &decoded["ExclusiveStartKey"]).unwrap();
    assert_eq!(back, key, "the typed input gets the bytes back");
}

/// A result key that is not a list (`Name`, a string here; maps and strings in eight real
/// paginators) yields its value once per page, as boto3's `search` does.
#[test]
fn a_non_list_result_key_yields_its_value_per_page() {
    static BY_NAME: PaginatorSpec = PaginatorSpec::new(&["Marker"], &["NextMarker || Contents[-1].Key"])
        .more_results("IsTruncated")
        .result_key(&["Name"]);
    let log = Arc::new(Mutex::new(Vec::new()));
    let pages = Pages::<Input, Output, crate::protocol::NoErrors>::with_fetch(
        &OP,
        Input::default(),
        &BY_NAME,
        Options::default(),
        service(keys(250), log),
    );
    let names: Vec<String> = BlockingItems(Items::new(pages)).map(|i| i.unwrap()).collect();
    assert_eq!(names, vec!["bucket"; 3]);
}
