//! Signature Version 4, `AWS4-HMAC-SHA256`: the signature is an HMAC-SHA256 of the string to
//! sign under a key derived from the secret key, the date, the region and the service.

use super::canonical::{self, Algorithm};
use super::{hex, hmac_sha256, CanonicalRequest, SignableRequest, SigningError, SigningOutput, SigningParams};

/// Builds the canonical request (exposed so that tests and debugging tools can compare it with
/// what AWS reports in a `SignatureDoesNotMatch` error).
pub fn canonical_request(
    request: &SignableRequest<'_>,
    params: &SigningParams<'_>,
) -> Result<CanonicalRequest, SigningError> {
    canonical::build(request, params, Algorithm::V4)
}

/// Signs `request`, returning the headers (or, for a presigned request, query parameters) to add.
pub fn sign(request: &SignableRequest<'_>, params: &SigningParams<'_>) -> Result<SigningOutput, SigningError> {
    let canonical = canonical_request(request, params)?;
    let signature = signature(&canonical, params);
    Ok(canonical.into_output(signature))
}

/// The hex HMAC of the string to sign, under the scope's key from the thread's cache.
fn signature(canonical: &CanonicalRequest, params: &SigningParams<'_>) -> String {
    let string_to_sign = canonical.string_to_sign();
    cached(params.credentials.secret_access_key(), canonical.date(), params.region, params.service, |e| {
        hex(ring::hmac::sign(&e.mac, string_to_sign.as_bytes()).as_ref())
    })
}

/// One derived key and what it was derived from.
struct CachedKey {
    secret: String,
    date: String,
    region: String,
    service: String,
    /// The key itself, which only the tests compare: calls use the keyed `mac`.
    #[cfg(test)]
    key: [u8; 32],
    /// The derived key as ring holds it: HMAC's inner and outer blocks already hashed, so a
    /// signature costs only the string to sign.
    mac: ring::hmac::Key,
}

/// How many derived keys each thread keeps: enough for an app that talks to a few services
/// or regions in turn.
const KEY_CACHE_SIZE: usize = 4;

std::thread_local! {
    /// Derived keys by (secret, date, region, service). The key changes once a day per scope,
    /// and deriving it is four of the five HMACs of a signature, so a call reuses the last one.
    /// The whole secret is part of what is compared: credentials that share an access key id
    /// but not a secret never share a key. Nothing here is ever formatted.
    static KEY_CACHE: std::cell::RefCell<(usize, Vec<CachedKey>)> = const { std::cell::RefCell::new((0, Vec::new())) };
}

/// [`signing_key`] through the thread's cache.
#[cfg(test)]
fn cached_signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    cached(secret, date, region, service, |e| e.key)
}

/// `read` applied to the cache entry for this scope, derived first when there is none.
fn cached<T>(secret: &str, date: &str, region: &str, service: &str, read: impl Fn(&CachedKey) -> T) -> T {
    let found = KEY_CACHE.with_borrow(|(_, entries)| {
        entries
            .iter()
            .find(|e| e.date == date && e.region == region && e.service == service && e.secret == secret)
            .map(&read)
    });
    if let Some(value) = found {
        return value;
    }
    let key = signing_key(secret, date, region, service);
    let mac = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let entry = CachedKey {
        secret: secret.to_owned(),
        date: date.to_owned(),
        region: region.to_owned(),
        service: service.to_owned(),
        #[cfg(test)]
        key,
        mac,
    };
    let value = read(&entry);
    KEY_CACHE.with_borrow_mut(|(next, entries)| {
        if entries.len() < KEY_CACHE_SIZE {
            entries.push(entry);
        } else if let Some(slot) = entries.get_mut(*next % KEY_CACHE_SIZE) {
            *slot = entry;
            *next = (*next + 1) % KEY_CACHE_SIZE;
        }
    });
    value
}

/// The derived signing key. Scoping the key to a day, region and service means a leaked key (or
/// signature) is useless anywhere else.
pub(crate) fn signing_key(secret: &str, date: &str, region: &str, service: &str) -> [u8; 32] {
    let mut secret_key = Vec::with_capacity(secret.len() + 4);
    secret_key.extend_from_slice(b"AWS4");
    secret_key.extend_from_slice(secret.as_bytes());
    let date_key = hmac_sha256(&secret_key, date.as_bytes());
    let region_key = hmac_sha256(&date_key, region.as_bytes());
    let service_key = hmac_sha256(&region_key, service.as_bytes());
    hmac_sha256(&service_key, b"aws4_request")
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    #[test]
    fn the_key_cache_never_mixes_secrets_dates_regions_or_services() {
        let fresh = |secret: &str, date: &str, region: &str, service: &str| {
            assert_eq!(cached_signing_key(secret, date, region, service), signing_key(secret, date, region, service));
        };
        // More scopes than the cache holds, twice over, so entries are evicted and found again.
        for _ in 0..2 {
            fresh("secret-a", "20260101", "us-east-1", "s3");
            fresh("secret-b", "20260101", "us-east-1", "s3");
            fresh("secret-a", "20260102", "us-east-1", "s3");
            fresh("secret-a", "20260101", "eu-west-1", "s3");
            fresh("secret-a", "20260101", "us-east-1", "sqs");
            fresh("secret-a", "20260101", "us-east-1", "s3");
        }
        assert_ne!(
            cached_signing_key("secret-a", "20260101", "us-east-1", "s3"),
            cached_signing_key("secret-b", "20260101", "us-east-1", "s3")
        );
    }

    use super::*;
    use crate::auth::{SessionTokenMode, SignableBody, SignatureLocation, SigningSettings, MAX_PRESIGNED_EXPIRY};
    use crate::credentials::Credentials;
    use crate::types::{DateTime, TimestampFormat};

    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    fn time() -> DateTime {
        DateTime::parse("2015-08-30T12:36:00Z", TimestampFormat::DateTime).unwrap()
    }

    fn creds(token: Option<&str>) -> Credentials {
        Credentials::from_parts("AKIDEXAMPLE", SECRET, token.map(str::to_owned), None, "test")
    }

    fn params<'a>(credentials: &'a Credentials, service: &'a str, settings: SigningSettings) -> SigningParams<'a> {
        SigningParams { credentials, region: "us-east-1", service, time: time(), settings }
    }

    fn header<'o>(output: &'o SigningOutput, name: &str) -> Option<&'o str> {
        output.headers_to_add.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    fn query<'o>(output: &'o SigningOutput, name: &str) -> Option<&'o str> {
        output.query_to_add.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The worked example of the AWS documentation ("Examples of the complete Signature Version 4
    /// signing process"): IAM `ListUsers` with the documentation's example key.
    #[test]
    fn aws_documented_iam_list_users_example() {
        let credentials = creds(None);
        let request = SignableRequest {
            method: "GET",
            uri: "/?Action=ListUsers&Version=2010-05-08",
            headers: &[
                ("Content-Type", "application/x-www-form-urlencoded; charset=utf-8"),
                ("Host", "iam.amazonaws.com"),
            ],
            body: SignableBody::Bytes(b""),
        };
        let params = params(&credentials, "iam", SigningSettings::default());
        let canonical = canonical_request(&request, &params).unwrap();
        assert_eq!(
            canonical.as_str(),
            "GET\n/\nAction=ListUsers&Version=2010-05-08\n\
             content-type:application/x-www-form-urlencoded; charset=utf-8\nhost:iam.amazonaws.com\n\
             x-amz-date:20150830T123600Z\n\ncontent-type;host;x-amz-date\n\
             e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            canonical.string_to_sign(),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n\
             f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59"
        );
        let key = signing_key(SECRET, "20150830", "us-east-1", "iam");
        assert_eq!(hex(&key), "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
        assert_eq!(cached_signing_key(SECRET, "20150830", "us-east-1", "iam"), key);
        assert_eq!(cached_signing_key(SECRET, "20150830", "us-east-1", "iam"), key, "a cache hit");

        let output = sign(&request, &params).unwrap();
        let signature = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";
        assert_eq!(output.signature, signature);
        assert_eq!(header(&output, "x-amz-date"), Some("20150830T123600Z"));
        assert_eq!(
            header(&output, "authorization").unwrap(),
            format!(
                "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/iam/aws4_request, \
                 SignedHeaders=content-type;host;x-amz-date, Signature={signature}"
            )
        );
        assert!(output.query_to_add.is_empty());
    }

    #[test]
    fn s3_rules() {
        let credentials = creds(None);
        let request = SignableRequest {
            method: "PUT",
            uri: "/my-bucket/photos//2015/../a%20b%2Fc%3A.jpg",
            headers: &[("host", "s3.amazonaws.com"), ("User-Agent", "tucuxi")],
            body: SignableBody::UnsignedPayload,
        };
        let params = params(&credentials, "s3", SigningSettings::s3());
        let canonical = canonical_request(&request, &params).unwrap();
        let lines: Vec<&str> = canonical.as_str().lines().collect();
        // Neither normalised nor double-encoded: S3 object keys are taken literally.
        assert_eq!(lines[1], "/my-bucket/photos//2015/../a%20b%2Fc%3A.jpg");
        assert!(lines.contains(&"x-amz-content-sha256:UNSIGNED-PAYLOAD"), "{lines:?}");
        assert_eq!(canonical.signed_headers(), "host;x-amz-content-sha256;x-amz-date");
        assert_eq!(*lines.last().unwrap(), "UNSIGNED-PAYLOAD");
        let output = sign(&request, &params).unwrap();
        assert_eq!(header(&output, "x-amz-content-sha256"), Some("UNSIGNED-PAYLOAD"));

        // Every other service encodes the wire path a second time and normalises it.
        let params = SigningParams { service: "lambda", settings: SigningSettings::default(), ..params };
        let canonical = canonical_request(&request, &params).unwrap();
        assert_eq!(canonical.as_str().lines().nth(1), Some("/my-bucket/photos/a%2520b%252Fc%253A.jpg"));
        assert_eq!(canonical.signed_headers(), "host;x-amz-date");
    }

    #[test]
    fn body_hashing_and_precomputed_hashes() {
        let credentials = creds(None);
        let mut request = SignableRequest {
            method: "POST",
            uri: "/",
            headers: &[("host", "example.amazonaws.com")],
            body: SignableBody::Bytes(b"Param1=value1"),
        };
        let params = params(&credentials, "service", SigningSettings::default());
        let hashed = canonical_request(&request, &params).unwrap();
        let hash = "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e";
        assert!(hashed.as_str().ends_with(hash));
        request.body = SignableBody::Precomputed(hash);
        assert_eq!(canonical_request(&request, &params).unwrap(), hashed);
        request.body = SignableBody::StreamingUnsignedPayloadTrailer;
        let streaming = canonical_request(&request, &params).unwrap();
        assert!(streaming.as_str().ends_with("\nSTREAMING-UNSIGNED-PAYLOAD-TRAILER"));
        for bad in ["", "a b", "abc\n"] {
            request.body = SignableBody::Precomputed(bad);
            assert_eq!(canonical_request(&request, &params), Err(SigningError::InvalidPayloadHash));
        }
    }

    #[test]
    fn session_token_placement() {
        let credentials = creds(Some("TOKEN/+="));
        let request = SignableRequest {
            method: "GET",
            uri: "/?a=b",
            headers: &[("host", "example.amazonaws.com")],
            body: SignableBody::Bytes(b""),
        };
        let presigned = SigningSettings::default().presigned(Duration::from_secs(900));
        let params = params(&credentials, "service", presigned.clone());

        // Included: the token is a signed query parameter, and no header is needed at all.
        let canonical = canonical_request(&request, &params).unwrap();
        assert!(canonical.as_str().contains("&X-Amz-Security-Token=TOKEN%2F%2B%3D&"), "{canonical:?}");
        let output = sign(&request, &params).unwrap();
        assert_eq!(query(&output, "X-Amz-Security-Token"), Some("TOKEN%2F%2B%3D"));
        assert_eq!(query(&output, "X-Amz-Expires"), Some("900"));
        assert_eq!(query(&output, "X-Amz-Signature"), Some(output.signature.as_str()));
        assert_eq!(
            query(&output, "X-Amz-Credential"),
            Some("AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request")
        );
        assert!(output.headers_to_add.is_empty());
        // The token never shows in Debug output, even inside the canonical request.
        assert!(!format!("{canonical:?}{output:?}").contains("TOKEN%2F"));

        // Appended after signing: sent, but not covered by the signature.
        let mut late = presigned;
        late.session_token_mode = SessionTokenMode::AppendAfterSigning;
        let params = SigningParams { settings: late, ..params };
        let canonical = canonical_request(&request, &params).unwrap();
        assert!(!canonical.as_str().contains("Security-Token"), "{canonical:?}");
        let output = sign(&request, &params).unwrap();
        assert_eq!(output.query_to_add.last().map(|(n, _)| n.as_str()), Some("X-Amz-Security-Token"));

        // Header signing: signed header by default, unsigned extra header otherwise.
        let params = SigningParams { settings: SigningSettings::default(), ..params };
        let output = sign(&request, &params).unwrap();
        assert_eq!(header(&output, "x-amz-security-token"), Some("TOKEN/+="));
        assert!(header(&output, "authorization").unwrap().contains("host;x-amz-date;x-amz-security-token"));
        let late = SigningSettings { session_token_mode: SessionTokenMode::AppendAfterSigning, ..Default::default() };
        let params = SigningParams { settings: late, ..params };
        let output = sign(&request, &params).unwrap();
        assert_eq!(header(&output, "x-amz-security-token"), Some("TOKEN/+="));
        assert!(header(&output, "authorization").unwrap().contains("SignedHeaders=host;x-amz-date,"));
    }

    #[test]
    fn presign_expiry_limits() {
        let credentials = creds(None);
        let request = SignableRequest {
            method: "GET",
            uri: "/",
            headers: &[("host", "example.amazonaws.com")],
            body: SignableBody::UnsignedPayload,
        };
        let with_expiry = |expires_in| {
            let settings = SigningSettings {
                signature_location: SignatureLocation::QueryParams { expires_in },
                ..SigningSettings::default()
            };
            sign(&request, &params(&credentials, "service", settings))
        };
        assert!(with_expiry(MAX_PRESIGNED_EXPIRY).is_ok());
        assert!(with_expiry(Duration::from_secs(1)).is_ok());
        for bad in [MAX_PRESIGNED_EXPIRY + Duration::from_secs(1), Duration::ZERO, Duration::from_millis(999)] {
            let err = with_expiry(bad).unwrap_err();
            assert_eq!(err, SigningError::InvalidExpiry(bad));
            assert!(err.to_string().contains("7 days"), "{err}");
        }
    }

    #[test]
    fn conflicting_and_invalid_inputs_are_errors() {
        let credentials = creds(Some("token"));
        let base = SignableRequest {
            method: "GET",
            uri: "/",
            headers: &[("host", "example.amazonaws.com")],
            body: SignableBody::UnsignedPayload,
        };
        let params = params(&credentials, "service", SigningSettings::default());
        let check = |request: SignableRequest<'_>, expected: SigningError| {
            assert_eq!(sign(&request, &params), Err(expected.clone()));
            assert!(!expected.to_string().is_empty());
        };
        check(SignableRequest { headers: &[], ..base }, SigningError::MissingHostHeader);
        let dated = [("host", "h"), ("X-Amz-Date", "20150830T123600Z")];
        check(SignableRequest { headers: &dated, ..base }, SigningError::ReservedHeader("x-amz-date".into()));
        let tokened = [("host", "h"), ("X-Amz-Security-Token", "t")];
        check(
            SignableRequest { headers: &tokened, ..base },
            SigningError::ReservedHeader(canonical::SECURITY_TOKEN.into()),
        );
        let bad_name = [("host", "h"), ("bad name", "v")];
        check(SignableRequest { headers: &bad_name, ..base }, SigningError::InvalidHeaderName("bad name".into()));
        let injected = [("host", "h"), ("x-a", "v\r\nx-b: evil")];
        check(SignableRequest { headers: &injected, ..base }, SigningError::InvalidHeaderValue("x-a".into()));
        check(SignableRequest { method: "G T", ..base }, SigningError::InvalidMethod);
        check(
            SignableRequest { uri: "http://h/", ..base },
            SigningError::InvalidUri("it must be origin-form, starting with '/'"),
        );
        check(SignableRequest { uri: "/?X-Amz-Date=1", ..base }, SigningError::ReservedQueryParam("X-Amz-Date".into()));

        let empty_secret = Credentials::new("AKID", "").with_provider("test");
        let p = SigningParams { credentials: &empty_secret, ..params.clone() };
        assert!(matches!(sign(&base, &p), Err(SigningError::InvalidCredentials(_))));
        let p = SigningParams { region: "us/east", ..params.clone() };
        assert_eq!(sign(&base, &p), Err(SigningError::InvalidRegion("us/east".into())));
        let p = SigningParams { service: "", ..params.clone() };
        assert_eq!(sign(&base, &p), Err(SigningError::InvalidService(String::new())));
        let p = SigningParams { time: DateTime::from_secs(300_000_000_000), ..params.clone() };
        assert!(matches!(sign(&base, &p), Err(SigningError::TimeOutOfRange(_))));
    }

    /// Request-line, header and query shapes like those of a hand-edited `request.txt`: every
    /// one must produce a signature or an error, never a panic.
    #[test]
    fn malformed_inputs_never_panic() {
        let credentials = creds(Some("tok"));
        let uris = [
            "",
            "/",
            "?",
            "/?",
            "/?&",
            "/?=",
            "/?==&&=",
            "/%",
            "/%4",
            "/%zz",
            "/%E1%88",
            "/ሴ/%E1%88%B4",
            "//../..//.",
            "/a?b?c",
            "/a#frag",
            "/a\nb",
            "/\u{0}",
            "/?a=%",
            "/?%=%%",
            "/?a=b&a=b",
            "*",
            "/ space /?q= x +y",
        ];
        let header_sets: [&[(&str, &str)]; 6] = [
            &[("host", "h")],
            &[("Host", " h "), ("my-header", "")],
            &[("host", "h"), ("x", "a\tb"), ("X", "  ")],
            &[("host", "h"), ("", "v")],
            &[("host", "h"), ("x:y", "v")],
            &[("host", "\u{7f}")],
        ];
        let methods = ["GET", "", "get", "POST\n", "M-SEARCH"];
        for uri in uris {
            for headers in header_sets {
                for method in methods {
                    for settings in
                        [SigningSettings::default(), SigningSettings::s3().presigned(Duration::from_secs(60))]
                    {
                        let request = SignableRequest { method, uri, headers, body: SignableBody::Bytes(b"x") };
                        let _ = sign(&request, &params(&credentials, "service", settings));
                    }
                }
            }
        }

        // Random byte soup built from the characters that matter to the parser.
        let alphabet = "/?&=%.+# \t\r\nAZaz09~ሴ\u{0}";
        let chars: Vec<char> = alphabet.chars().collect();
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _ in 0..5_000 {
            let length = (next() % 24) as usize;
            let mut uri = String::from("/");
            for _ in 0..length {
                uri.push(chars[(next() % chars.len() as u64) as usize]);
            }
            let value: String = uri.chars().rev().collect();
            let headers = [("host", "h"), ("x-fuzz", value.as_str())];
            let request =
                SignableRequest { method: "GET", uri: &uri, headers: &headers, body: SignableBody::Bytes(b"") };
            let settings = match next() % 2 {
                0 => SigningSettings::default(),
                _ => SigningSettings::s3().presigned(Duration::from_secs(60)),
            };
            let _ = sign(&request, &params(&credentials, "service", settings));
        }
    }
}
