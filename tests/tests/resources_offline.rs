//! The resource layer's binding rules through the golden `resources` crate, against an
//! in-process server that answers by operation and records every request: lazy loading happens
//! once, data-bound parameters, references read from data, batch actions split by page with
//! their constants, and resources built from responses carry their data.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use tucuxi::credentials::Credentials;
use tucuxi::Session;
use tucuxi_resources::resources::{Book, ServiceResource};

type Log = Arc<Mutex<Vec<(String, String)>>>;

/// Answers each request by its `X-Amz-Target` with `answer(target, body)`; records both.
fn serve(answer: fn(&str, &str) -> String) -> (String, Log) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    let log: Log = Arc::default();
    let seen = log.clone();
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let seen = seen.clone();
            thread::spawn(move || connection(stream, answer, &seen));
        }
    });
    (url, log)
}

fn connection(mut stream: TcpStream, answer: fn(&str, &str) -> String, log: &Log) {
    let mut pending: Vec<u8> = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        let Some(end) = pending.windows(4).position(|w| w == b"\r\n\r\n") else {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
            continue;
        };
        let head = String::from_utf8_lossy(&pending[..end]).into_owned();
        let header = |name: &str| {
            head.lines().find_map(|l| {
                l.split_once(':').filter(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.trim().to_owned())
            })
        };
        let length: usize = header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while pending.len() < end + 4 + length {
            match stream.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => pending.extend_from_slice(&buf[..n]),
            }
        }
        let body = String::from_utf8_lossy(&pending[end + 4..end + 4 + length]).into_owned();
        pending.drain(..end + 4 + length);
        let target = header("x-amz-target").unwrap_or_default().trim_start_matches("Shelf.").to_owned();
        let reply = answer(&target, &body);
        log.lock().unwrap().push((target, body));
        let response = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{reply}",
            reply.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

fn shelf(target: &str, body: &str) -> String {
    match target {
        "DescribeBook" => {
            r#"{"Book":{"Isbn":"isbn-1","Title":"isbn-2","Shelf":"fiction","Pages":320,"Status":"SHELVED"}}"#.into()
        }
        "CreateBook" => r#"{"Book":{"Isbn":"isbn-9","Title":"New","Pages":10}}"#.into(),
        "ListBooks" if body.contains("\"NextToken\":\"p2\"") => r#"{"Books":[{"Isbn":"c","Title":"C"}]}"#.into(),
        "ListBooks" => r#"{"Books":[{"Isbn":"a","Title":"A"},{"Isbn":"b","Title":"B"}],"NextToken":"p2"}"#.into(),
        "DeleteBooks" => r#"{"Deleted":1}"#.into(),
        _ => "{}".into(),
    }
}

fn session(endpoint: &str) -> Session {
    Session::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKIDTEST", "secret-never-printed"))
        .build()
        .expect("a session")
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime")
}

fn targets(log: &Log) -> Vec<String> {
    log.lock().unwrap().iter().map(|(t, _)| t.clone()).collect()
}

fn bodies(log: &Log, target: &str) -> Vec<String> {
    log.lock().unwrap().iter().filter(|(t, _)| t == target).map(|(_, b)| b.clone()).collect()
}

#[test]
fn resources_are_send_sync_and_cheap_to_clone() {
    fn check<T: Send + Sync + Clone + 'static>() {}
    check::<Book>();
    check::<ServiceResource>();
}

#[test]
fn attributes_load_once_for_every_clone_until_reload() {
    let (url, log) = serve(shelf);
    let book = ServiceResource::new(&session(&url)).book("isbn-1");
    assert!(targets(&log).is_empty(), "making a resource sends nothing");
    assert_eq!(format!("{book:?}"), r#"Book { Isbn: "isbn-1", .. }"#);
    runtime().block_on(async {
        // Two tasks read attributes of clones at once: one DescribeBook between them.
        let (a, b) = (book.clone(), book.clone());
        let first = tokio::spawn(async move { a.title().await });
        let second = tokio::spawn(async move { b.pages().await });
        assert_eq!(first.await.unwrap().unwrap(), Some("isbn-2".to_owned()));
        assert_eq!(second.await.unwrap().unwrap(), Some(320));
        assert_eq!(book.shelf().await.unwrap(), Some("fiction".to_owned()));
        assert_eq!(targets(&log), ["DescribeBook"]);
        assert_eq!(bodies(&log, "DescribeBook"), [r#"{"Isbn":"isbn-1"}"#]);
        book.reload().await.unwrap();
        assert_eq!(targets(&log), ["DescribeBook", "DescribeBook"]);
    });
}

#[test]
fn data_bound_parameters_and_references_read_loaded_data() {
    let (url, log) = serve(shelf);
    let book = ServiceResource::new(&session(&url)).book("isbn-1");
    runtime().block_on(async {
        // Neighbours binds Shelf from the book's data: loads it first, then lists that shelf.
        let neighbours = book.neighbours().set(|r| r.max_results(2)).send().await.unwrap();
        assert_eq!(targets(&log), ["DescribeBook", "ListBooks"]);
        assert_eq!(bodies(&log, "ListBooks"), [r#"{"Shelf":"fiction","MaxResults":2}"#]);
        let isbns: Vec<&str> = neighbours.iter().map(|b| b.isbn()).collect();
        assert_eq!(isbns, ["a", "b"]);
        // Resources from a response carry their data: no DescribeBook for this.
        assert_eq!(neighbours[1].title().await.unwrap(), Some("B".to_owned()));
        // A reference reads the data (loaded already): no request either.
        let sequel = book.sequel().await.unwrap().expect("a sequel");
        assert_eq!(sequel.isbn(), "isbn-2");
        assert_eq!(targets(&log), ["DescribeBook", "ListBooks"]);
    });
}

#[test]
fn the_caller_wins_over_a_data_bound_parameter() {
    let (url, log) = serve(shelf);
    let book = ServiceResource::new(&session(&url)).book("isbn-1");
    runtime().block_on(async {
        // boto3 updates the bound parameters with the caller's keyword arguments.
        book.neighbours().set(|r| r.shelf("poetry").max_results(2)).send().await.unwrap();
        assert_eq!(bodies(&log, "ListBooks"), [r#"{"Shelf":"poetry","MaxResults":2}"#]);
        // Without the caller's value, the data's is bound.
        book.neighbours().send().await.unwrap();
        assert_eq!(bodies(&log, "ListBooks")[1], r#"{"Shelf":"fiction"}"#);
    });
}

#[test]
fn actions_return_resources_with_their_data() {
    let (url, log) = serve(shelf);
    let shelf = ServiceResource::new(&session(&url));
    runtime().block_on(async {
        let book = shelf.create_book().set(|r| r.title("New")).send().await.unwrap();
        assert_eq!(book.isbn(), "isbn-9");
        assert_eq!(book.pages().await.unwrap(), Some(10));
        assert_eq!(targets(&log), ["CreateBook"]);
    });
}

#[test]
fn collections_page_lazily_and_batch_actions_send_one_request_per_page() {
    let (url, log) = serve(shelf);
    let shelf = ServiceResource::new(&session(&url));
    runtime().block_on(async {
        let books = shelf.books();
        assert!(targets(&log).is_empty(), "a collection requests nothing until read");
        let all = books.all().collect().await.unwrap();
        assert_eq!(all.iter().map(|b| b.isbn()).collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(targets(&log), ["ListBooks", "ListBooks"]);
        log.lock().unwrap().clear();

        let limited = shelf.books().limit(1).collect().await.unwrap();
        assert_eq!(limited.len(), 1);
        assert_eq!(targets(&log), ["ListBooks"], "limit stops before the second page");
        log.lock().unwrap().clear();

        let outputs = shelf.books().filter(|r| r.shelf("fiction")).delete().send().await.unwrap();
        assert_eq!(outputs.len(), 2);
        assert_eq!(
            bodies(&log, "DeleteBooks"),
            [r#"{"Isbns":["a","b"],"Force":true}"#, r#"{"Isbns":["c"],"Force":true}"#],
            "one DeleteBooks per page, identifiers gathered, the constant bound"
        );
        assert_eq!(bodies(&log, "ListBooks")[0], r#"{"Shelf":"fiction"}"#);
    });
}

#[test]
fn waiters_bind_identifiers() {
    let (url, log) = serve(shelf);
    let book = ServiceResource::new(&session(&url)).book("isbn-1");
    runtime().block_on(async {
        let described = book.wait_until_shelved().delay(Duration::from_millis(1)).wait().await.unwrap();
        assert!(described.is_some());
        assert_eq!(bodies(&log, "DescribeBook"), [r#"{"Isbn":"isbn-1"}"#]);
    });
}

#[test]
fn scripts_without_an_async_runtime_use_the_blocking_forms() {
    let (url, log) = serve(shelf);
    let shelf = ServiceResource::new(&session(&url));
    let book = shelf.book("isbn-1");
    let data = book.data_blocking().unwrap();
    assert_eq!((data.pages, data.shelf.as_deref()), (Some(320), Some("fiction")));
    assert_eq!(book.data_blocking().unwrap().title.as_deref(), Some("isbn-2"));
    assert_eq!(targets(&log), ["DescribeBook"], "loaded once");
    book.reload_blocking().unwrap();
    let books = shelf.books().collect_blocking().unwrap();
    assert_eq!(books.len(), 3);
    let made = shelf.create_book().set(|r| r.title("New")).send_blocking().unwrap();
    assert_eq!(made.isbn(), "isbn-9");
}
