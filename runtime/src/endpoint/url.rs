//! `parseURL`: splits an endpoint URL into scheme, authority and path.

use std::net::Ipv6Addr;
use std::sync::Arc;

use super::eval::Val;
use super::functions::looks_like_ipv4;

/// Parses an `http` or `https` URL into `{scheme, authority, path, normalizedPath, isIp}`.
///
/// Empty (`None`) for anything else, and for URLs with a query, which the specification
/// rejects because a rule set could not carry it over into the endpoint it builds. `path` is
/// the path exactly as written (empty when there is none); `normalizedPath` is the same path
/// made to start and end with `/`. A fragment is dropped and user information is left out
/// of `authority`, as the specification requires; an explicit port is kept.
pub(crate) fn parse_url(value: &str) -> Option<Arc<[(&'static str, Val<'static>)]>> {
    let (scheme, rest) = value.split_once(':')?;
    let scheme = scheme.to_ascii_lowercase();
    if scheme != "http" && scheme != "https" {
        return None;
    }
    let rest = rest.strip_prefix("//")?;
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    if rest.contains('?') {
        return None;
    }
    let (authority, path) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host_port)| host_port);
    let is_ip = check_authority(authority)?;
    let mut normalized = String::with_capacity(path.len() + 2);
    if !path.starts_with('/') {
        normalized.push('/');
    }
    normalized.push_str(path);
    if !normalized.ends_with('/') {
        normalized.push('/');
    }
    Some(Arc::new([
        ("scheme", Val::str(scheme)),
        ("authority", Val::str(authority.to_owned())),
        ("path", Val::str(path.to_owned())),
        ("normalizedPath", Val::str(normalized)),
        ("isIp", Val::Bool(is_ip)),
    ]))
}

/// Checks `host[:port]` and says whether the host is an IP address; `None` when the
/// authority is not usable (no host, a bad port, a malformed IPv6 literal, or characters that
/// cannot appear in a host).
fn check_authority(authority: &str) -> Option<bool> {
    let (host, port, is_ipv6) = if let Some(bracketed) = authority.strip_prefix('[') {
        let (literal, after) = bracketed.split_once(']')?;
        // A zone identifier (`%25eth0` in a URL) is not part of the address.
        let address = literal.split_once('%').map_or(literal, |(address, _)| address);
        address.parse::<Ipv6Addr>().ok()?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (literal, port, true)
    } else {
        match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port), false),
            None => (authority, None, false),
        }
    };
    if host.is_empty() {
        return None;
    }
    if let Some(port) = port {
        if !port.is_empty() && (port.len() > 5 || port.parse::<u16>().is_err()) {
            return None;
        }
    }
    if !is_ipv6 && host.bytes().any(|b| b <= b' ' || matches!(b, b'[' | b']' | b'\\' | b'\x7f')) {
        return None;
    }
    Some(is_ipv6 || looks_like_ipv4(host))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::eval::to_document;

    fn parsed(value: &str) -> Option<String> {
        parse_url(value).map(|s| to_document(&Val::Struct(s)).to_json_string())
    }

    #[test]
    fn examples() {
        assert_eq!(
            parsed("https://example.com").as_deref(),
            Some(r#"{"scheme":"https","authority":"example.com","path":"","normalizedPath":"/","isIp":false}"#)
        );
        assert_eq!(parsed("https://example.com:8443?foo=bar&faz=baz"), None);
        assert_eq!(
            parsed("http://example.com:80/foo/bar").as_deref(),
            Some(
                r#"{"scheme":"http","authority":"example.com:80","path":"/foo/bar","normalizedPath":"/foo/bar/","isIp":false}"#
            )
        );
        assert_eq!(
            parsed("https://127.0.0.1").as_deref(),
            Some(r#"{"scheme":"https","authority":"127.0.0.1","path":"","normalizedPath":"/","isIp":true}"#)
        );
        assert_eq!(
            parsed("https://[fe80::1]:443/").as_deref(),
            Some(r#"{"scheme":"https","authority":"[fe80::1]:443","path":"/","normalizedPath":"/","isIp":true}"#)
        );
        assert_eq!(parsed("ftp://example.com"), None);
        assert_eq!(parsed("example.com"), None);
        assert_eq!(parsed("https://"), None);
        assert_eq!(parsed("https://host:99999"), None);
        assert_eq!(parsed("https://[zz::1]"), None);
    }
}
