//! The credential fetcher and `Session` against in-process HTTP/1.1 servers on loopback.
//!
//! Each server runs on its own thread and Tokio runtime and answers one request per connection
//! with a scripted raw response, recording what it saw, so both the async path (the test's own
//! runtime) and the blocking path (the shared blocking runtime) reach it. Every call is bounded
//! by short timeouts.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::*;
use crate::config::{Env, Fs};
use crate::credentials::{CachedTokenJson, Secret, SsoRequest, SsoTokenRefresh};
use crate::http::HttpConfig;
use crate::session::Session;

const SOURCE_SECRET: &str = "srcSECRETdoNotLeak";
const SOURCE_TOKEN: &str = "srcTOKENdoNotLeak";
const ROLE_SECRET: &str = "roleSECRETdoNotLeak";
const WEB_TOKEN: &str = "webIDENTITYdoNotLeak";
const SSO_TOKEN: &str = "ssoBEARERdoNotLeak";
const CONTAINER_TOKEN: &str = "containerAUTHdoNotLeak";
const ALL_SECRETS: &[&str] = &[SOURCE_SECRET, SOURCE_TOKEN, ROLE_SECRET, WEB_TOKEN, SSO_TOKEN, CONTAINER_TOKEN];

/// One request as the fake server saw it; header names are lower-cased.
#[derive(Clone, Debug)]
struct Seen {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: String,
}

impl Seen {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

type Handler = Arc<dyn Fn(&Seen) -> String + Send + Sync>;

/// Starts a server; returns its base URL (no trailing slash) and the requests it records.
fn serve(handler: impl Fn(&Seen) -> String + Send + Sync + 'static) -> (String, Arc<Mutex<Vec<Seen>>>) {
    let handler: Handler = Arc::new(handler);
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let recorded = seen.clone();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap())).unwrap();
            loop {
                let Ok((mut stream, _)) = listener.accept().await else { return };
                let handler = handler.clone();
                let recorded = recorded.clone();
                tokio::spawn(async move {
                    let Some(request) = read_request(&mut stream).await else { return };
                    recorded.lock().unwrap().push(request.clone());
                    let response = handler(&request);
                    let _ = stream.write_all(response.as_bytes()).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
    });
    (rx.recv_timeout(Duration::from_secs(5)).unwrap(), seen)
}

async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break at;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let (method, target) = (first.next()?.to_owned(), first.next()?.to_owned());
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize =
        headers.iter().find(|(n, _)| n == "content-length").and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
    let mut body = buf[head_end + 4..].to_vec();
    while body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..n]);
    }
    Some(Seen { method, target, headers, body: String::from_utf8_lossy(&body).into_owned() })
}

fn reply(status: u16, body: &str) -> String {
    format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", body.len())
}

fn run<F: std::future::Future>(future: F) -> F::Output {
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async { tokio::time::timeout(Duration::from_secs(20), future).await.expect("test timed out") })
}

fn http() -> HttpClient {
    HttpClient::new(HttpConfig {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        ..HttpConfig::default()
    })
    .unwrap()
}

fn fetcher(sts_and_sso_url: Option<&str>) -> HttpCredentialsFetcher {
    let settings = NetworkSettings {
        region: Some("us-west-2".into()),
        sts_endpoint_url: sts_and_sso_url.map(str::to_owned),
        sso_endpoint_url: sts_and_sso_url.map(str::to_owned),
        sso_oidc_endpoint_url: sts_and_sso_url.map(str::to_owned),
        ..NetworkSettings::default()
    };
    HttpCredentialsFetcher::new(http(), settings)
        .with_container_retry(Duration::from_secs(2), 3, Duration::from_millis(10))
        .with_retry_strategy(instant_retries())
}

/// The fetcher's default strategy (standard mode, 3 attempts) with zero jitter, so backoff is
/// instant.
fn instant_retries() -> RetryStrategy {
    RetryStrategy::new(RetryConfig::new(RetryMode::Standard).with_max_attempts(3)).with_random(|| 0.0)
}

/// A handler that answers the scripted responses in turn, then `last` for every later request.
fn scripted(first: Vec<String>, last: String) -> impl Fn(&Seen) -> String + Send + Sync + 'static {
    let count = AtomicUsize::new(0);
    move |_| first.get(count.fetch_add(1, Ordering::SeqCst)).cloned().unwrap_or_else(|| last.clone())
}

fn imds_request(endpoint: &str, v1_disabled: bool) -> NetworkRequest {
    NetworkRequest::Imds(ImdsRequest {
        endpoint: endpoint.to_owned(),
        timeout: Duration::from_secs(2),
        attempts: 1,
        v1_disabled,
        tried: vec!["env".into(), "container-role".into()],
    })
}

const IMDS_JSON: &str = r#"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAIMDS","SecretAccessKey":"roleSECRETdoNotLeak","Token":"imdsTOKEN","Expiration":"2030-01-01T00:00:00Z"}"#;

fn imds_server(token_status: u16) -> (String, Arc<Mutex<Vec<Seen>>>) {
    serve(move |r| match (r.method.as_str(), r.target.as_str()) {
        ("PUT", "/latest/api/token") if token_status == 200 => reply(200, "TOKEN-abc"),
        ("PUT", "/latest/api/token") => reply(token_status, ""),
        ("GET", "/latest/meta-data/iam/security-credentials/") => reply(200, "my-role\n"),
        ("GET", "/latest/meta-data/iam/security-credentials/my-role") => reply(200, IMDS_JSON),
        _ => reply(404, ""),
    })
}

/// Every error text and `Debug` collected by the tests is checked for secrets at the end of each.
fn assert_no_secrets(shown: &str) {
    for secret in ALL_SECRETS {
        assert!(!shown.contains(secret), "{secret} leaked in: {shown}");
    }
}

#[test]
fn imds_v2_gets_a_token_then_the_role_then_its_credentials() {
    let (url, seen) = imds_server(200);
    let credentials = run(fetcher(None).fetch_async(&imds_request(&url, false))).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAIMDS");
    assert_eq!(credentials.secret_access_key(), ROLE_SECRET);
    assert_eq!(credentials.session_token(), Some("imdsTOKEN"));
    assert_eq!(credentials.provider(), "iam-role");
    assert!(credentials.expiration().is_some());
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3, "{seen:?}");
    assert_eq!(
        (seen[0].method.as_str(), seen[0].header("x-aws-ec2-metadata-token-ttl-seconds")),
        ("PUT", Some("21600"))
    );
    for get in &seen[1..] {
        assert_eq!(get.header("x-aws-ec2-metadata-token"), Some("TOKEN-abc"));
    }
    assert!(seen[2].target.ends_with("/my-role"));
}

#[test]
fn imds_falls_back_to_v1_when_the_token_put_404s() {
    let (url, seen) = imds_server(404);
    let credentials = run(fetcher(None).fetch_async(&imds_request(&url, false))).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAIMDS");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 3);
    assert!(seen[1..].iter().all(|r| r.header("x-aws-ec2-metadata-token").is_none()));
}

#[test]
fn imds_v1_fallback_is_refused_when_v1_is_disabled() {
    let (url, seen) = imds_server(403);
    let error = run(fetcher(None).fetch_async(&imds_request(&url, true))).unwrap_err();
    assert!(error.to_string().contains("IMDSv1 is disabled"), "{error}");
    assert_eq!(seen.lock().unwrap().len(), 1, "no metadata GET without a token");
}

#[test]
fn imds_that_does_not_answer_means_no_credentials() {
    // A port that was just free: connections are refused at once.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let error = run(fetcher(None).fetch_async(&imds_request(&format!("http://127.0.0.1:{port}"), false))).unwrap_err();
    let CredentialsError::NoCredentials { tried } = &error else { panic!("{error:?}") };
    assert_eq!(tried[..2], ["env".to_owned(), "container-role".to_owned()]);
    assert!(tried[2].starts_with("iam-role ("), "{tried:?}");
}

#[test]
fn container_sends_the_authorization_token_and_retries_failures() {
    let calls = Arc::new(Mutex::new(0));
    let counter = calls.clone();
    let (url, seen) = serve(move |r| {
        let mut n = counter.lock().unwrap();
        *n += 1;
        if *n == 1 {
            return reply(500, r#"{"message":"warming up"}"#);
        }
        assert_eq!(r.header("authorization"), Some(CONTAINER_TOKEN));
        reply(
            200,
            r#"{"AccessKeyId":"ASIACONT","SecretAccessKey":"roleSECRETdoNotLeak","Token":"t","Expiration":"2030-01-01T00:00:00Z"}"#,
        )
    });
    let request = NetworkRequest::Container(ContainerRequest {
        url: format!("{url}/v2/credentials/abc"),
        authorization: Some(Secret::new(CONTAINER_TOKEN)),
    });
    let credentials = run(fetcher(None).fetch_async(&request)).unwrap();
    assert_eq!((credentials.access_key_id(), credentials.provider()), ("ASIACONT", "container-role"));
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_eq!(seen.lock().unwrap()[1].target, "/v2/credentials/abc");
}

#[test]
fn container_failure_names_the_status_and_not_the_token() {
    let (url, _) = serve(|_| reply(403, r#"{"message":"forbidden"}"#));
    let request = NetworkRequest::Container(ContainerRequest {
        url: format!("{url}/creds"),
        authorization: Some(Secret::new(CONTAINER_TOKEN)),
    });
    let error = run(fetcher(None).fetch_async(&request)).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("HTTP 403: forbidden") && shown.contains("after 3 attempts"), "{shown}");
    assert_no_secrets(&shown);
}

const STS_OK: &str = "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
<AssumeRoleResult><AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/R/s</Arn></AssumedRoleUser>\
<Credentials><AccessKeyId>ASIAROLE</AccessKeyId><SecretAccessKey>roleSECRETdoNotLeak</SecretAccessKey>\
<SessionToken>role&amp;token</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials>\
</AssumeRoleResult></AssumeRoleResponse>";

fn assume_role_request() -> NetworkRequest {
    NetworkRequest::AssumeRole(AssumeRoleRequest {
        profile: "dev".into(),
        source_credentials: Credentials::new("AKIDSOURCE", SOURCE_SECRET)
            .with_session_token(SOURCE_TOKEN)
            .with_provider("env"),
        role_arn: "arn:aws:iam::123456789012:role/Dev".into(),
        role_session_name: "my session".into(),
        external_id: Some("ext-1".into()),
        serial_number: None,
        token_code: None,
        duration_seconds: Some(900),
    })
}

#[test]
fn assume_role_is_signed_with_the_source_credentials_and_parses_the_xml() {
    let (url, seen) = serve(|r| {
        let auth = r.header("authorization").unwrap_or("");
        if !auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDSOURCE/") || !auth.contains("/us-west-2/sts/aws4_request")
        {
            return reply(403, "<ErrorResponse><Error><Code>SignatureDoesNotMatch</Code></Error></ErrorResponse>");
        }
        reply(200, STS_OK)
    });
    let credentials = run(fetcher(Some(&url)).fetch_async(&assume_role_request())).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAROLE");
    assert_eq!(credentials.secret_access_key(), ROLE_SECRET);
    assert_eq!(credentials.session_token(), Some("role&token"));
    assert_eq!(credentials.provider(), "assume-role");
    let seen = seen.lock().unwrap();
    let request = &seen[0];
    assert_eq!((request.method.as_str(), request.target.as_str()), ("POST", "/"));
    assert_eq!(request.header("x-amz-security-token"), Some(SOURCE_TOKEN));
    assert_eq!(
        request.body,
        "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2FDev\
         &RoleSessionName=my%20session&ExternalId=ext-1&DurationSeconds=900"
    );
}

#[test]
fn assume_role_error_xml_becomes_an_error_naming_the_role_and_code() {
    let (url, _) = serve(|_| {
        reply(
            403,
            "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not \
             authorized to perform: sts:AssumeRole</Message></Error><RequestId>x</RequestId></ErrorResponse>",
        )
    });
    let error = run(fetcher(Some(&url)).fetch_async(&assume_role_request())).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("arn:aws:iam::123456789012:role/Dev"), "{shown}");
    assert!(shown.contains("HTTP 403: AccessDenied: User is not authorized"), "{shown}");
    assert_no_secrets(&shown);
}

#[test]
fn web_identity_is_unsigned_and_sends_the_token() {
    let (url, seen) = serve(|_| reply(200, &STS_OK.replace("AssumeRole", "AssumeRoleWithWebIdentity")));
    let request = NetworkRequest::WebIdentity(WebIdentityRequest {
        role_arn: "arn:aws:iam::1:role/Web".into(),
        role_session_name: "s".into(),
        web_identity_token: Secret::new(WEB_TOKEN),
    });
    let credentials = run(fetcher(Some(&url)).fetch_async(&request)).unwrap();
    assert_eq!((credentials.access_key_id(), credentials.provider()), ("ASIAROLE", "assume-role-with-web-identity"));
    let seen = seen.lock().unwrap();
    assert!(seen[0].header("authorization").is_none());
    assert!(seen[0].body.starts_with("Action=AssumeRoleWithWebIdentity&Version=2011-06-15&"), "{}", seen[0].body);
    assert!(seen[0].body.ends_with(&format!("&WebIdentityToken={WEB_TOKEN}")));
}

fn sso_request() -> NetworkRequest {
    NetworkRequest::Sso(SsoRequest {
        profile: "sso-dev".into(),
        sso_region: "eu-west-1".into(),
        account_id: "123456789012".into(),
        role_name: "Admin Role".into(),
        access_token: Secret::new(SSO_TOKEN),
        token_expires_at: None,
        refresh: None,
        refresh_required: false,
    })
}

#[test]
fn sso_get_role_credentials_sends_the_bearer_token_and_converts_milliseconds() {
    let (url, seen) = serve(|r| {
        if r.header("x-amz-sso_bearer_token") != Some(SSO_TOKEN) {
            return reply(401, r#"{"message":"Session token not found or invalid"}"#);
        }
        reply(
            200,
            r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"roleSECRETdoNotLeak","sessionToken":"st","expiration":1893456000000}}"#,
        )
    });
    let credentials = run(fetcher(Some(&url)).fetch_async(&sso_request())).unwrap();
    assert_eq!((credentials.access_key_id(), credentials.provider()), ("ASIASSO", "sso"));
    assert_eq!(credentials.expiration(), Some(UNIX_EPOCH + Duration::from_secs(1_893_456_000)));
    assert_eq!(
        seen.lock().unwrap()[0].target,
        "/federation/credentials?role_name=Admin%20Role&account_id=123456789012"
    );
}

#[test]
fn sso_401_means_the_token_expired() {
    let (url, _) = serve(|_| reply(401, r#"{"message":"Session token not found or invalid"}"#));
    let error = run(fetcher(Some(&url)).fetch_async(&sso_request())).unwrap_err();
    assert!(matches!(error, CredentialsError::SsoTokenExpired { .. }), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("aws sso login --profile sso-dev"), "{shown}");
    assert_no_secrets(&shown);
}

#[test]
fn the_blocking_trait_works_outside_and_inside_a_runtime() {
    let (url, _) = imds_server(200);
    let fetcher = fetcher(None);
    assert_eq!(NetworkFetcher::fetch(&fetcher, &imds_request(&url, false)).unwrap().access_key_id(), "ASIAIMDS");
    // Inside a runtime the blocking call goes through a helper thread instead of failing.
    let inside = run(async { NetworkFetcher::fetch(&fetcher, &imds_request(&url, false)) });
    assert_eq!(inside.unwrap().access_key_id(), "ASIAIMDS");
}

/// A fixture HOME whose `role` profile assumes a role from the `base` keys.
fn fixture(home: &str) -> (Env, Fs) {
    let env = Env::from_pairs([("HOME", home)]);
    let fs = Fs::from_files([
        (
            format!("{home}/.aws/config"),
            "[profile role]\nrole_arn = arn:aws:iam::123456789012:role/Fixture\nsource_profile = base\n\
             role_session_name = fixture\nregion = us-west-2\n"
                .to_owned(),
        ),
        (
            format!("{home}/.aws/credentials"),
            format!("[base]\naws_access_key_id = AKIDBASE\naws_secret_access_key = {SOURCE_SECRET}\n"),
        ),
    ]);
    (env, fs)
}

#[test]
fn session_from_a_fixture_home_assumes_the_role_through_the_endpoint_override() {
    let (url, seen) = serve(|r| {
        assert!(r.header("authorization").unwrap().starts_with("AWS4-HMAC-SHA256 Credential=AKIDBASE/"));
        reply(200, STS_OK)
    });
    let (env, fs) = fixture("/home/t");
    let session = Session::builder().env_and_fs(env, fs).profile("role").endpoint_url(&url).build().unwrap();
    assert_eq!(session.region().unwrap(), "us-west-2");
    let credentials = session.credentials().unwrap();
    assert_eq!((credentials.access_key_id(), credentials.provider()), ("ASIAROLE", "assume-role"));
    // Clones share the cache: no second call.
    let clone = session.clone();
    assert_eq!(clone.credentials().unwrap().access_key_id(), "ASIAROLE");
    assert_eq!(seen.lock().unwrap().len(), 1);
    assert!(seen.lock().unwrap()[0].body.contains("RoleSessionName=fixture"));
    // The async path loads on a blocking thread, and the fetch works from there.
    clone.invalidate_credentials();
    let again = run(session.credentials_async()).unwrap();
    assert_eq!(again.access_key_id(), "ASIAROLE");
    assert_eq!(seen.lock().unwrap().len(), 2);
    assert_no_secrets(&format!("{session:?}"));
}

#[test]
fn session_defers_no_region_and_credential_errors_to_their_use() {
    let env = Env::from_pairs([("HOME", "/home/n"), ("AWS_EC2_METADATA_DISABLED", "true")]);
    let fs = Fs::from_files([(
        "/home/n/.aws/config",
        "[profile loop]\nrole_arn = arn:aws:iam::1:role/L\nsource_profile = loop\n",
    )]);
    let session = Session::builder().env_and_fs(env.clone(), fs.clone()).profile("loop").build().unwrap();
    assert!(matches!(session.region(), Err(ConfigError::NoRegion { .. })));
    let error = session.credentials().unwrap_err();
    assert!(error.to_string().contains("infinite loop"), "{error}");
    // A missing named profile is a configuration error and fails the build.
    let missing = Session::builder().env_and_fs(env, fs).profile("nope").build().unwrap_err();
    assert!(missing.to_string().contains("`nope`"), "{missing}");
}

#[test]
fn debug_of_sessions_and_errors_never_shows_secrets() {
    let explicit = Credentials::new("AKIDEXPLICIT", SOURCE_SECRET).with_session_token(SOURCE_TOKEN);
    let (env, fs) = fixture("/home/r");
    let session =
        Session::builder().env_and_fs(env, fs).region("us-east-1").credentials(explicit.clone()).build().unwrap();
    let builder = Session::builder().credentials(explicit);
    let loaded = session.credentials().unwrap();
    assert_eq!(loaded.secret_access_key(), SOURCE_SECRET);
    let mut shown = format!("{session:?} {builder:?} {loaded:?} {:?}", session.credentials_fetcher());
    assert!(shown.contains("AKIDEXPLICIT"), "{shown}");
    // Errors from every fetcher path, with secrets in their requests.
    let (bad, _) = serve(|_| reply(500, "<ErrorResponse><Error><Code>InternalFailure</Code></Error></ErrorResponse>"));
    let fetcher = fetcher(Some(&bad)).with_container_retry(Duration::from_secs(1), 1, Duration::ZERO);
    let requests = [
        assume_role_request(),
        NetworkRequest::WebIdentity(WebIdentityRequest {
            role_arn: "arn:aws:iam::1:role/W".into(),
            role_session_name: "s".into(),
            web_identity_token: Secret::new(WEB_TOKEN),
        }),
        sso_request(),
        NetworkRequest::Container(ContainerRequest {
            url: format!("{bad}/c"),
            authorization: Some(Secret::new(CONTAINER_TOKEN)),
        }),
    ];
    for request in &requests {
        let error = run(fetcher.fetch_async(request)).unwrap_err();
        shown.push_str(&format!("{request:?} {error} {error:?}\n"));
    }
    assert!(shown.contains("InternalFailure"), "{shown}");
    assert_no_secrets(&shown);
}

#[test]
fn xml_extraction_and_endpoints() {
    assert_eq!(
        xml_element("<a><CredentialsX>1</CredentialsX><Credentials>2</Credentials></a>", "Credentials"),
        Some("2")
    );
    assert_eq!(xml_element("<Error xmlns=\"x\"><Code>C</Code></Error>", "Error"), Some("<Code>C</Code>"));
    assert_eq!(xml_element("<a/>", "b"), None);
    assert_eq!(xml_unescape("a&amp;b&lt;&#65;&#x42;&bogus;"), "a&b<AB&bogus;");
    let settings = |region: Option<&str>, legacy: bool, fips: bool| NetworkSettings {
        region: region.map(str::to_owned),
        legacy_global_sts: legacy,
        use_fips: fips,
        ..NetworkSettings::default()
    };
    let url = |s: NetworkSettings| s.sts_endpoint();
    assert_eq!(url(settings(None, false, false)), ("https://sts.amazonaws.com".into(), "us-east-1".into()));
    assert_eq!(url(settings(Some("eu-west-1"), false, false)).0, "https://sts.eu-west-1.amazonaws.com");
    assert_eq!(url(settings(Some("eu-west-1"), true, false)), ("https://sts.amazonaws.com".into(), "us-east-1".into()));
    assert_eq!(url(settings(Some("af-south-1"), true, false)).0, "https://sts.af-south-1.amazonaws.com");
    assert_eq!(url(settings(Some("us-east-1"), false, true)).0, "https://sts-fips.us-east-1.amazonaws.com");
    assert_eq!(url(settings(Some("cn-north-1"), false, false)).0, "https://sts.cn-north-1.amazonaws.com.cn");
    // Suffixes come from the partition table, so partitions this code never names work too.
    assert_eq!(url(settings(Some("eusc-de-east-1"), false, false)).0, "https://sts.eusc-de-east-1.amazonaws.eu");
    assert_eq!(url(settings(Some("eu-isoe-west-1"), false, false)).0, "https://sts.eu-isoe-west-1.cloud.adc-e.uk");
    assert_eq!(settings(None, false, false).sso_endpoint("eu-west-1"), "https://portal.sso.eu-west-1.amazonaws.com");
}

const REFRESH_TOKEN: &str = "ssoREFRESHdoNotLeak";
const CLIENT_SECRET: &str = "ssoCLIENTdoNotLeak";

/// An SSO request whose token is refreshable, with its cache file in a fresh temporary directory.
fn refreshable_sso_request(test: &str, required: bool) -> (NetworkRequest, std::path::PathBuf) {
    let dir = std::env::temp_dir().join(format!("tucuxi-net-{test}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("cache.json");
    let cached = format!(
        r#"{{"startUrl":"https://d-1.awsapps.com/start","region":"eu-west-1","accessToken":"{SSO_TOKEN}","expiresAt":"2020-01-01T00:00:00Z","clientId":"cid","clientSecret":"{CLIENT_SECRET}","registrationExpiresAt":"2099-01-01T00:00:00Z","refreshToken":"{REFRESH_TOKEN}","keepMe":1}}"#
    );
    std::fs::write(&path, &cached).unwrap();
    let NetworkRequest::Sso(mut request) = sso_request() else { unreachable!() };
    request.refresh = Some(SsoTokenRefresh {
        cache_file: path.clone(),
        start_url: "https://d-1.awsapps.com/start".into(),
        client_id: "cid".into(),
        client_secret: Secret::new(CLIENT_SECRET),
        refresh_token: Secret::new(REFRESH_TOKEN),
        registration_expires_at: UNIX_EPOCH + Duration::from_secs(4_070_908_800),
        cached: CachedTokenJson(Document::from_json(&cached).unwrap()),
    });
    request.refresh_required = required;
    (NetworkRequest::Sso(request), path)
}

/// An SSO portal that accepts `portal_token`, behind an OIDC endpoint that answers `oidc`.
fn sso_and_oidc(portal_token: &'static str, oidc: String) -> (String, Arc<Mutex<Vec<Seen>>>) {
    serve(move |r| match r.method.as_str() {
        "POST" if r.target == "/token" => oidc.clone(),
        _ if r.header("x-amz-sso_bearer_token") == Some(portal_token) => reply(
            200,
            r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"roleSECRETdoNotLeak","sessionToken":"st","expiration":1893456000000}}"#,
        ),
        _ => reply(401, r#"{"message":"Session token not found or invalid"}"#),
    })
}

#[test]
fn an_expired_sso_token_is_refreshed_and_written_back_to_the_cache() {
    let (request, path) = refreshable_sso_request("refresh-ok", true);
    let oidc =
        reply(200, r#"{"accessToken":"newACCESS","expiresIn":3600,"refreshToken":"newREFRESH","tokenType":"Bearer"}"#);
    let (url, seen) = sso_and_oidc("newACCESS", oidc);
    let credentials = run(fetcher(Some(&url)).fetch_async(&request)).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIASSO");
    let create_token = Document::from_json(&seen.lock().unwrap()[0].body).unwrap();
    assert_eq!(create_token.get("grantType").and_then(Document::as_str), Some("refresh_token"));
    assert_eq!(create_token.get("refreshToken").and_then(Document::as_str), Some(REFRESH_TOKEN));
    let written = Document::from_json(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written.get("accessToken").and_then(Document::as_str), Some("newACCESS"));
    assert_eq!(written.get("refreshToken").and_then(Document::as_str), Some("newREFRESH"));
    assert_eq!(written.get("keepMe").and_then(Document::as_u64), Some(1), "unknown keys survive");
    let expires_at = parse_timestamp(written.get("expiresAt").and_then(Document::as_str).unwrap()).unwrap();
    assert!(expires_at > SystemTime::now() + Duration::from_secs(3000));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
    }
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

#[test]
fn a_failed_sso_refresh_is_an_error_only_once_the_token_has_expired() {
    let oidc = || reply(400, r#"{"error":"invalid_grant","error_description":"bad refresh token"}"#);
    // In the advisory window the current token carries on.
    let (request, path) = refreshable_sso_request("refresh-advisory", false);
    let (url, _) = sso_and_oidc(SSO_TOKEN, oidc());
    assert_eq!(run(fetcher(Some(&url)).fetch_async(&request)).unwrap().access_key_id(), "ASIASSO");
    assert!(std::fs::read_to_string(&path).unwrap().contains(SSO_TOKEN), "the cache is left alone");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
    // Past expiry the failure is the caller's, and says what to do.
    let (request, path) = refreshable_sso_request("refresh-required", true);
    let error = run(fetcher(Some(&url)).fetch_async(&request)).unwrap_err();
    let shown = format!("{error} {error:?} {request:?}");
    assert!(shown.contains("invalid_grant") && shown.contains("aws sso login --profile sso-dev"), "{shown}");
    assert_no_secrets(&shown);
    assert!(!shown.contains(REFRESH_TOKEN) && !shown.contains(CLIENT_SECRET), "{shown}");
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}

// ----- retries -----

const STS_THROTTLED: &str =
    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error>\
     </ErrorResponse>";

#[test]
fn assume_role_500_then_success_is_retried_and_re_signed() {
    let (url, seen) = serve(scripted(vec![reply(500, "<ErrorResponse/>")], reply(200, STS_OK)));
    let credentials = run(fetcher(Some(&url)).fetch_async(&assume_role_request())).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAROLE");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    for attempt in seen.iter() {
        let auth = attempt.header("authorization").unwrap_or("");
        assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDSOURCE/"), "{auth}");
        assert!(attempt.header("x-amz-date").is_some());
        assert_eq!(attempt.body, seen[0].body);
    }
}

#[test]
fn assume_role_throttled_twice_then_success_takes_three_attempts() {
    let (url, seen) = serve(scripted(vec![reply(400, STS_THROTTLED), reply(400, STS_THROTTLED)], reply(200, STS_OK)));
    let credentials = run(fetcher(Some(&url)).fetch_async(&assume_role_request())).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAROLE");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn assume_role_throttled_past_max_attempts_reports_the_last_error() {
    let (url, seen) = serve(move |_| reply(400, STS_THROTTLED));
    let error = run(fetcher(Some(&url)).fetch_async(&assume_role_request())).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("sts:AssumeRole for role arn:aws:iam::123456789012:role/Dev failed"), "{shown}");
    assert!(shown.contains("HTTP 400: Throttling: Rate exceeded"), "{shown}");
    assert_no_secrets(&shown);
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn assume_role_access_denied_is_not_retried() {
    let denied = "<ErrorResponse><Error><Code>AccessDenied</Code><Message>no</Message></Error></ErrorResponse>";
    let (url, seen) = serve(scripted(vec![reply(403, denied)], reply(200, STS_OK)));
    let error = run(fetcher(Some(&url)).fetch_async(&assume_role_request())).unwrap_err();
    let shown = format!("{error}");
    assert!(shown.contains("HTTP 403: AccessDenied: no"), "{shown}");
    assert_no_secrets(&shown);
    assert_eq!(seen.lock().unwrap().len(), 1);
}

#[test]
fn assume_role_retries_on_the_blocking_path_too() {
    let (url, seen) = serve(scripted(vec![reply(503, "")], reply(200, STS_OK)));
    let credentials = NetworkFetcher::fetch(&fetcher(Some(&url)), &assume_role_request()).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAROLE");
    assert_eq!(seen.lock().unwrap().len(), 2);
}

#[test]
fn sso_get_role_credentials_500_then_success_is_retried() {
    let ok = r#"{"roleCredentials":{"accessKeyId":"ASIASSO","secretAccessKey":"roleSECRETdoNotLeak","sessionToken":"t","expiration":1893456000000}}"#;
    let (url, seen) = serve(scripted(vec![reply(500, "{}")], reply(200, ok)));
    let credentials = run(fetcher(Some(&url)).fetch_async(&sso_request())).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIASSO");
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2);
    assert!(seen.iter().all(|r| r.header("x-amz-sso_bearer_token") == Some(SSO_TOKEN)));
}

#[test]
fn clones_of_a_fetcher_share_one_retry_strategy() {
    let one = fetcher(None);
    let two = one.clone();
    assert!(Arc::ptr_eq(&one.retry, &two.retry));
}

#[test]
fn imds_401_on_the_credentials_get_fetches_a_new_token_and_retries() {
    let tokens = AtomicUsize::new(0);
    let (url, seen) = serve(move |r| match (r.method.as_str(), r.target.as_str()) {
        ("PUT", "/latest/api/token") => reply(200, &format!("TOKEN-{}", tokens.fetch_add(1, Ordering::SeqCst))),
        ("GET", "/latest/meta-data/iam/security-credentials/") => reply(200, "my-role\n"),
        ("GET", "/latest/meta-data/iam/security-credentials/my-role")
            if r.header("x-aws-ec2-metadata-token") == Some("TOKEN-1") =>
        {
            reply(200, IMDS_JSON)
        }
        ("GET", "/latest/meta-data/iam/security-credentials/my-role") => reply(401, ""),
        _ => reply(404, ""),
    });
    let credentials = run(fetcher(None).fetch_async(&imds_request(&url, false))).unwrap();
    assert_eq!(credentials.access_key_id(), "ASIAIMDS");
    let seen = seen.lock().unwrap();
    let steps: Vec<_> =
        seen.iter().map(|r| (r.method.as_str(), r.header("x-aws-ec2-metadata-token").unwrap_or("-"))).collect();
    assert_eq!(steps, [("PUT", "-"), ("GET", "TOKEN-0"), ("GET", "TOKEN-0"), ("PUT", "-"), ("GET", "TOKEN-1")]);
}

#[test]
fn imds_401_twice_refreshes_the_token_only_once() {
    let (url, seen) = serve(move |r| match (r.method.as_str(), r.target.as_str()) {
        ("PUT", "/latest/api/token") => reply(200, "TOKEN"),
        ("GET", "/latest/meta-data/iam/security-credentials/") => reply(200, "my-role\n"),
        _ => reply(401, ""),
    });
    let error = run(fetcher(None).fetch_async(&imds_request(&url, false))).unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("HTTP 401"), "{shown}");
    let puts = seen.lock().unwrap().iter().filter(|r| r.method == "PUT").count();
    assert_eq!(puts, 2);
}

#[test]
fn cached_credentials_reach_async_callers_without_the_blocking_pool() {
    let (url, seen) = serve(|_| reply(200, STS_OK));
    let (env, fs) = fixture("/home/c");
    let session = Session::builder().env_and_fs(env, fs).profile("role").endpoint_url(&url).build().unwrap();
    session.credentials().unwrap();
    // The runtime's only blocking thread is held until the end of the test, so a call that
    // went through the blocking pool could not finish within the timeout.
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().max_blocking_threads(1).build().unwrap();
    let (release, held) = std::sync::mpsc::channel::<()>();
    let blocker = runtime.spawn_blocking(move || held.recv());
    let answer = runtime
        .block_on(async { tokio::time::timeout(std::time::Duration::from_secs(5), session.credentials_async()).await });
    assert_eq!(answer.expect("served from the cache, not the blocking pool").unwrap().access_key_id(), "ASIAROLE");
    assert_eq!(seen.lock().unwrap().len(), 1, "no second fetch");
    release.send(()).unwrap();
    runtime.block_on(blocker).unwrap().unwrap();
}
