//! A configured `endpoint_url` checked when it is set, not at the first call: botocore refuses
//! one whose host is not a valid host name or IPv6 address when the client is made
//! (`is_valid_endpoint_url`, `ValueError: Invalid endpoint: ...`); the runtime also requires the
//! `http` or `https` scheme it can send to.

use core::fmt;

/// An `endpoint_url` that cannot be sent to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidEndpointUrl {
    /// The URL with any user information (`user:password@`) left out.
    url: String,
    reason: &'static str,
}

impl InvalidEndpointUrl {
    /// The URL, user information left out.
    pub fn url(&self) -> &str {
        &self.url
    }
    /// What is wrong with it.
    pub fn reason(&self) -> &'static str {
        self.reason
    }
}

impl fmt::Display for InvalidEndpointUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Invalid endpoint: {} ({})", self.url, self.reason)
    }
}

impl std::error::Error for InvalidEndpointUrl {}

/// Checks that `url` is an absolute `http` or `https` URL whose host botocore accepts.
pub fn check_endpoint_url(url: &str) -> Result<(), InvalidEndpointUrl> {
    let invalid = |reason| Err(InvalidEndpointUrl { url: without_user_info(url), reason });
    let Some((scheme, _)) = url.split_once("://") else {
        return invalid("expected an absolute URL such as http://localhost:4566");
    };
    if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") {
        return invalid("the scheme must be http or https");
    }
    let Ok(uri) = url.parse::<http::Uri>() else { return invalid("not a valid URL") };
    let Some(host) = uri.host() else { return invalid("the URL has no host") };
    if let Some(v6) = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')) {
        return match v6.parse::<std::net::Ipv6Addr>() {
            Ok(_) => Ok(()),
            Err(_) => invalid("the host is not a valid IPv6 address"),
        };
    }
    if !valid_host_name(host) {
        return invalid("the host must be labels of 1 to 63 letters, digits or hyphens, separated by dots");
    }
    Ok(())
}

/// botocore's host-name rule: at most 255 characters, one trailing dot allowed, labels of 1 to 63
/// letters, digits and hyphens that neither start nor end with a hyphen.
fn valid_host_name(host: &str) -> bool {
    if host.is_empty() || host.len() > 255 {
        return false;
    }
    let host = host.strip_suffix('.').unwrap_or(host);
    host.split('.').all(|label| {
        (1..=63).contains(&label.len())
            && label.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

/// The URL for a message: user information may hold a password.
fn without_user_info(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..authority_end].rfind('@') {
        Some(at) => format!("{scheme}://***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}
