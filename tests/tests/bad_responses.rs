//! Bad responses through generated clients: each must give an error of kind `Response` (or a
//! service error) that names the operation, never a panic and never unbounded buffering.
//!
//! A tiny in-process server on loopback answers every request with one canned response.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;

use tucuxi::credentials::Credentials;
use tucuxi::{ErrorKind, Session};

/// Serves `response` (raw HTTP/1.1 bytes) to every connection, returning the endpoint URL.
fn serve(response: &'static [u8]) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a loopback port");
    let url = format!("http://{}", listener.local_addr().expect("an address"));
    thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut buf = [0u8; 65536];
            // One read is enough for the small requests these tests send.
            let _ = stream.read(&mut buf);
            let _ = stream.write_all(response);
        }
    });
    url
}

fn session(endpoint: &str) -> Session {
    Session::builder()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .credentials(Credentials::new("AKIDTEST", "secret-never-printed"))
        .build()
        .expect("a session")
}

fn sqs(response: &'static [u8]) -> tucuxi_sqs::Client {
    tucuxi_sqs::Client::new(&session(&serve(response)))
}

#[test]
fn an_html_page_from_a_proxy_is_a_response_error_with_a_snippet() {
    let err = sqs(b"HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: 38\r\nconnection: close\r\n\r\n<html><body>Proxy login</body></html>\n")
        .list_queues()
        .send_blocking()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    let text = err.to_string();
    assert!(text.starts_with("ListQueues: "), "{text}");
    assert!(text.contains("<html><body>Proxy"), "the snippet shows the body: {text}");
    assert!(!text.contains("secret-never-printed"));
}

#[test]
fn truncated_json_names_the_byte() {
    let err = sqs(b"HTTP/1.1 200 OK\r\ncontent-length: 16\r\nconnection: close\r\n\r\n{\"QueueUrls\": [\"")
        .list_queues()
        .send_blocking()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    assert!(err.to_string().contains("at byte"), "{err}");
}

#[test]
fn wrong_types_name_the_path() {
    let err = sqs(b"HTTP/1.1 200 OK\r\ncontent-length: 17\r\nconnection: close\r\n\r\n{\"QueueUrls\": 42}")
        .list_queues()
        .send_blocking()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    assert!(err.to_string().contains("$.QueueUrls"), "{err}");
}

#[test]
fn out_of_range_numbers_are_refused_not_wrapped() {
    let client = tucuxi_dynamodb::Client::new(&session(&serve(
        b"HTTP/1.1 200 OK\r\ncontent-length: 44\r\nconnection: close\r\n\r\n{\"Table\":{\"ItemCount\":99999999999999999999}}",
    )));
    let err = client.describe_table().table_name("t").send_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    assert!(err.to_string().contains("$.Table.ItemCount"), "{err}");
}

#[test]
fn a_five_gigabyte_content_length_is_refused_without_buffering() {
    let err = sqs(b"HTTP/1.1 200 OK\r\ncontent-length: 5368709120\r\nconnection: close\r\n\r\n{}")
        .list_queues()
        .send_blocking()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    assert!(err.to_string().contains("limit"), "{err}");
}

#[test]
fn invalid_xml_is_a_response_error() {
    let client = tucuxi_sts::Client::new(&session(&serve(
        b"HTTP/1.1 200 OK\r\ncontent-length: 42\r\nconnection: close\r\n\r\n<GetCallerIdentityResponse><GetCallerIdent",
    )));
    let err = client.get_caller_identity().send_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Response, "{err}");
    assert!(err.to_string().starts_with("GetCallerIdentity: "), "{err}");
}

#[test]
fn an_error_without_a_body_is_named_by_its_status() {
    let err = sqs(b"HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
        .list_queues()
        .send_blocking()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service);
    assert_eq!((err.code(), err.status()), (Some("403"), Some(403)));
    assert_eq!(err.message(), Some("Forbidden"));
}
