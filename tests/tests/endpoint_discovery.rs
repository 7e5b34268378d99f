//! Endpoint discovery on DynamoDB, as botocore's `EndpointDiscoveryManager` and
//! `EndpointDiscoveryHandler` do it (botocore/discovery.py, client.py
//! `_register_endpoint_discovery`).
//!
//! botocore discovers only when no endpoint URL is configured, so the first request must reach
//! DynamoDB's resolved endpoint: the region `local` resolves to DynamoDB Local's
//! `http://localhost:8000` in the model's rule set, and these tests listen there on loopback.
//! `DescribeEndpoints` answers with `http://127.0.0.1:<port>` addresses of other loopback servers;
//! botocore uses an address that starts with `http` as it is (and prefixes `https://` to the
//! others), which is what lets a plain-HTTP test follow it.
//!
//! The tests that use port 8000 take one lock, since they share that server; if something else
//! holds the port they fail saying so.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::thread;

use tucuxi::config::{EndpointDiscoveryMode, Env, Fs, SessionOverrides};
use tucuxi::{ErrorKind, Session};

/// One request a server saw: which server and which operation.
type Seen = (String, String);
type Log = Arc<Mutex<Vec<Seen>>>;
/// An answer: status and JSON body.
type Answer = (u16, String);
/// Per operation, the answers still to give.
type Answers = Arc<Mutex<Vec<(String, VecDeque<Answer>)>>>;

/// A loopback server named `name` that logs each request and answers it with the next queued
/// answer for its operation (the last one repeats), or `200 {}`.
struct Server {
    url: String,
    answers: Answers,
}

impl Server {
    fn start(listener: TcpListener, name: &str, log: &Log) -> Server {
        let url = format!("http://{}", listener.local_addr().expect("a local address"));
        let answers: Answers = Arc::default();
        let (shared, log, name) = (answers.clone(), log.clone(), name.to_owned());
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (shared, log, name) = (shared.clone(), log.clone(), name.clone());
                thread::spawn(move || connection(stream, &name, &shared, &log));
            }
        });
        Server { url, answers }
    }

    fn answer(&self, op: &str, answers: Vec<Answer>) {
        let mut all = self.answers.lock().unwrap();
        all.retain(|(o, _)| o != op);
        all.push((op.to_owned(), answers.into()));
    }

    fn reset(&self) {
        self.answers.lock().unwrap().clear();
    }
}

fn connection(mut stream: TcpStream, name: &str, answers: &Mutex<Vec<(String, VecDeque<Answer>)>>, log: &Log) {
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
        pending.drain(..end + 4 + length);
        let op = header("x-amz-target").unwrap_or_default().trim_start_matches("DynamoDB_20120810.").to_owned();
        log.lock().unwrap().push((name.to_owned(), op.clone()));
        let (status, body) = {
            let mut all = answers.lock().unwrap();
            match all.iter_mut().find(|(o, _)| *o == op) {
                Some((_, queue)) if queue.len() > 1 => queue.pop_front().unwrap(),
                Some((_, queue)) => queue.front().cloned().unwrap_or((200, "{}".to_owned())),
                None => (200, "{}".to_owned()),
            }
        };
        let response = format!(
            "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        if stream.write_all(response.as_bytes()).is_err() {
            return;
        }
    }
}

/// The server at DynamoDB Local's address, shared by the tests that take [`local`]'s lock.
struct Local {
    server: Server,
    log: Log,
}

fn local() -> MutexGuard<'static, Local> {
    static LOCAL: OnceLock<Mutex<Local>> = OnceLock::new();
    let local = LOCAL.get_or_init(|| {
        let listener = TcpListener::bind("127.0.0.1:8000")
            .expect("port 8000 on loopback (DynamoDB Local's address in the rule set) must be free for this test");
        let log = Log::default();
        Mutex::new(Local { server: Server::start(listener, "regional", &log), log })
    });
    let guard = local.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    guard.log.lock().unwrap().clear();
    guard.server.reset();
    guard
}

fn loopback(name: &str, log: &Log) -> Server {
    Server::start(TcpListener::bind("127.0.0.1:0").expect("a loopback port"), name, log)
}

/// `DescribeEndpoints`'s answer naming `address` for `minutes`.
fn endpoints(address: &str, minutes: i64) -> Answer {
    (200, format!(r#"{{"Endpoints":[{{"Address":"{address}","CachePeriodInMinutes":{minutes}}}]}}"#))
}

fn fixture_env(extra: &[(&str, &str)]) -> Env {
    let mut pairs = vec![
        ("AWS_ACCESS_KEY_ID", "AKIDTEST"),
        ("AWS_SECRET_ACCESS_KEY", "secret-never-printed"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_CONFIG_FILE", "/cfg/config"),
    ];
    pairs.extend_from_slice(extra);
    Env::from_pairs(pairs)
}

fn session_with(env: Env, config_file: &str, mode: Option<EndpointDiscoveryMode>) -> Session {
    let mut overrides = SessionOverrides::default();
    overrides.endpoint_discovery_enabled = mode;
    Session::builder()
        .env_and_fs(env, Fs::from_files([("/cfg/config", config_file)]))
        .region("local")
        .overrides(overrides)
        .build()
        .expect("a fixture session")
}

fn dynamodb(mode: Option<EndpointDiscoveryMode>) -> tucuxi_dynamodb::Client {
    tucuxi_dynamodb::Client::new(&session_with(fixture_env(&[]), "", mode))
}

fn seen(log: &Log) -> Vec<(&'static str, String)> {
    log.lock()
        .unwrap()
        .iter()
        .map(|(server, op)| {
            let server: &'static str = match server.as_str() {
                "regional" => "regional",
                "first" => "first",
                "second" => "second",
                _ => "other",
            };
            (server, op.clone())
        })
        .collect()
}

fn pairs(list: &[(&'static str, &str)]) -> Vec<(&'static str, String)> {
    list.iter().map(|(s, o)| (*s, (*o).to_owned())).collect()
}

#[test]
fn enabled_discovery_calls_describe_endpoints_once_and_goes_to_the_address() {
    let local = local();
    let first = loopback("first", &local.log);
    local.server.answer("DescribeEndpoints", vec![endpoints(&first.url, 10)]);
    let client = dynamodb(Some(EndpointDiscoveryMode::True));
    client.list_tables().send_blocking().expect("the first call");
    client.list_tables().send_blocking().expect("the second call");
    assert_eq!(
        seen(&local.log),
        pairs(&[("regional", "DescribeEndpoints"), ("first", "ListTables"), ("first", "ListTables")]),
        "the second call uses the cached address"
    );
    // The discovery operation itself does not discover, and other clients have their own cache.
    let other = dynamodb(Some(EndpointDiscoveryMode::True));
    other.describe_endpoints().send_blocking().expect("a direct DescribeEndpoints");
    other.list_tables().send_blocking().expect("another client's call");
    assert_eq!(
        seen(&local.log)[3..],
        pairs(&[("regional", "DescribeEndpoints"), ("regional", "DescribeEndpoints"), ("first", "ListTables")])
    );
}

#[test]
fn an_expired_entry_is_discovered_again() {
    let local = local();
    let first = loopback("first", &local.log);
    // `CachePeriodInMinutes: 0`: botocore's expiration is the discovery time itself.
    local.server.answer("DescribeEndpoints", vec![endpoints(&first.url, 0)]);
    let client = dynamodb(Some(EndpointDiscoveryMode::True));
    client.list_tables().send_blocking().expect("the first call");
    client.list_tables().send_blocking().expect("the second call");
    assert_eq!(
        seen(&local.log),
        pairs(&[
            ("regional", "DescribeEndpoints"),
            ("first", "ListTables"),
            ("regional", "DescribeEndpoints"),
            ("first", "ListTables"),
        ])
    );
}

#[test]
fn an_invalid_endpoint_answer_drops_the_entry_and_the_call_is_made_again() {
    let local = local();
    let first = loopback("first", &local.log);
    let second = loopback("second", &local.log);
    local.server.answer("DescribeEndpoints", vec![endpoints(&first.url, 10), endpoints(&second.url, 10)]);
    let invalid = r#"{"__type":"com.amazonaws.dynamodb.v20120810#InvalidEndpointException","Message":"gone"}"#;
    first.answer("ListTables", vec![(421, invalid.to_owned())]);
    let client = dynamodb(Some(EndpointDiscoveryMode::True));
    client.list_tables().send_blocking().expect("the call after rediscovery");
    assert_eq!(
        seen(&local.log),
        pairs(&[
            ("regional", "DescribeEndpoints"),
            ("first", "ListTables"),
            ("regional", "DescribeEndpoints"),
            ("second", "ListTables"),
        ])
    );
    // An address that keeps answering 421 ends the call once the attempts are spent (botocore
    // has no bound there; tucuxi uses the client's retry attempts: 4 for DynamoDB in standard
    // mode, as botocore's `_retry.json` gives it).
    local.log.lock().unwrap().clear();
    local.server.answer("DescribeEndpoints", vec![endpoints(&first.url, 10)]);
    let client = dynamodb(Some(EndpointDiscoveryMode::True));
    let err = client.list_tables().send_blocking().unwrap_err();
    assert_eq!(err.status(), Some(421), "{err}");
    assert_eq!(seen(&local.log).iter().filter(|(s, _)| *s == "first").count(), 4);
}

#[test]
fn auto_and_false_do_not_discover_for_optional_operations() {
    // Every DynamoDB operation that discovers has `endpointdiscovery: {}` (optional): `auto`
    // (botocore's default) discovers only where it is required.
    let local = local();
    for mode in [None, Some(EndpointDiscoveryMode::Auto), Some(EndpointDiscoveryMode::False)] {
        local.log.lock().unwrap().clear();
        dynamodb(mode).list_tables().send_blocking().expect("a call at the resolved endpoint");
        assert_eq!(seen(&local.log), pairs(&[("regional", "ListTables")]), "{mode:?}");
    }
}

#[test]
fn a_configured_endpoint_url_skips_discovery() {
    let log = Log::default();
    let custom = loopback("other", &log);
    let session = Session::builder()
        .env_and_fs(
            fixture_env(&[("AWS_ENDPOINT_DISCOVERY_ENABLED", "true")]),
            Fs::from_files(Vec::<(String, String)>::new()),
        )
        .region("us-east-1")
        .endpoint_url(&custom.url)
        .build()
        .expect("a fixture session");
    tucuxi_dynamodb::Client::new(&session).list_tables().send_blocking().expect("a call at the endpoint URL");
    assert_eq!(seen(&log), pairs(&[("other", "ListTables")]));
}

#[test]
fn the_setting_comes_from_code_the_environment_or_the_profile() {
    let mode = |env: &[(&str, &str)], file: &str, explicit| {
        session_with(fixture_env(env), file, explicit).config().endpoint_discovery_enabled()
    };
    assert_eq!(mode(&[], "", None), EndpointDiscoveryMode::Auto);
    // botocore lower-cases and strips the value (`_normalize_endpoint_discovery_config`).
    assert_eq!(mode(&[("AWS_ENDPOINT_DISCOVERY_ENABLED", " TRUE ")], "", None), EndpointDiscoveryMode::True);
    let file = "[default]\nendpoint_discovery_enabled = false\n";
    assert_eq!(mode(&[], file, None), EndpointDiscoveryMode::False);
    // The environment beats the profile, code beats both.
    assert_eq!(mode(&[("AWS_ENDPOINT_DISCOVERY_ENABLED", "auto")], file, None), EndpointDiscoveryMode::Auto);
    assert_eq!(
        mode(&[("AWS_ENDPOINT_DISCOVERY_ENABLED", "auto")], file, Some(EndpointDiscoveryMode::True)),
        EndpointDiscoveryMode::True
    );
    // Anything else is refused (botocore's `InvalidEndpointDiscoveryConfigurationError`).
    let err = Session::builder()
        .env_and_fs(
            fixture_env(&[("AWS_ENDPOINT_DISCOVERY_ENABLED", "sometimes")]),
            Fs::from_files([("/cfg/config", "")]),
        )
        .region("local")
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("sometimes"), "{err}");
}

#[test]
fn the_profile_setting_turns_discovery_on() {
    let local = local();
    let first = loopback("first", &local.log);
    local.server.answer("DescribeEndpoints", vec![endpoints(&first.url, 10)]);
    let session = session_with(fixture_env(&[]), "[default]\nendpoint_discovery_enabled = true\n", None);
    tucuxi_dynamodb::Client::new(&session).list_tables().send_blocking().expect("a discovered call");
    assert_eq!(seen(&local.log), pairs(&[("regional", "DescribeEndpoints"), ("first", "ListTables")]));
}

#[test]
fn a_service_error_of_the_discovery_call_fails_the_call() {
    // botocore's `_refresh_current_endpoints` swallows a failure of the discovery call only for
    // connection errors; a service error of `DescribeEndpoints` fails the call.
    let local = local();
    local
        .server
        .answer("DescribeEndpoints", vec![(400, r#"{"__type":"AccessDeniedException","Message":"no"}"#.to_owned())]);
    let err = dynamodb(Some(EndpointDiscoveryMode::True)).list_tables().send_blocking().unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Service, "{err}");
    assert_eq!(err.code(), Some("AccessDeniedException"));
    assert_eq!(seen(&local.log), pairs(&[("regional", "DescribeEndpoints")]));
}
