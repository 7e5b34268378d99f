//! `NO_PROXY` matching: which hosts bypass the proxy.
//!
//! botocore asks urllib's `proxy_bypass_environment`, which matches comma-separated host names and
//! domain suffixes (a leading dot optional, `*` for every host, `host:port` for one port); requests'
//! `should_bypass_proxies` adds IP addresses and CIDR ranges for hosts given as IP literals. This
//! is the union of the two, with two deliberate differences: a suffix matches on a label boundary
//! only (`example.com` covers `s3.example.com`, not `badexample.com`, which requests' bare
//! `endswith` would let through), and `host:port` compares the effective port (443 for an
//! `https` URL without one), as curl does, rather than only a port written in the URL.

use core::fmt;
use std::net::IpAddr;

/// A parsed `NO_PROXY` list.
#[derive(Clone, Default, PartialEq, Eq)]
pub(crate) struct NoProxy {
    entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Entry {
    /// `*`: no host goes through the proxy.
    All,
    /// A host name or domain suffix, lower case and without leading dots, with an optional port.
    Domain { name: String, port: Option<u16> },
    /// An IP address, with an optional port.
    Ip { ip: IpAddr, port: Option<u16> },
    /// An address range: the network address and its prefix length.
    Cidr { network: IpAddr, prefix: u8 },
}

impl NoProxy {
    /// Parses a comma-separated list. Entries that are neither host names, addresses nor ranges
    /// are kept as names: they match nothing real, which is how urllib treats them too.
    pub(crate) fn parse(list: &str) -> NoProxy {
        let entries = list.split(',').filter_map(|raw| parse_entry(raw.trim())).collect();
        NoProxy { entries }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a request to `host` (as `Uri::host` gives it, IPv6 in brackets) on `port` goes
    /// around the proxy.
    pub(crate) fn matches(&self, host: &str, port: u16) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
        let ip: Option<IpAddr> = bare.parse().ok();
        let host = bare.trim_end_matches('.').to_ascii_lowercase();
        self.entries.iter().any(|entry| match entry {
            Entry::All => true,
            Entry::Domain { name, port: wanted } => {
                wanted.is_none_or(|p| p == port) && (host == *name || is_subdomain(&host, name))
            }
            Entry::Ip { ip: wanted, port: wanted_port } => {
                wanted_port.is_none_or(|p| p == port) && ip.is_some_and(|ip| same_ip(ip, *wanted))
            }
            Entry::Cidr { network, prefix } => ip.is_some_and(|ip| in_network(ip, *network, *prefix)),
        })
    }
}

fn is_subdomain(host: &str, name: &str) -> bool {
    host.len() > name.len() && host.ends_with(name) && host.as_bytes()[host.len() - name.len() - 1] == b'.'
}

fn parse_entry(raw: &str) -> Option<Entry> {
    if raw.is_empty() {
        return None;
    }
    if raw == "*" {
        return Some(Entry::All);
    }
    if let Some((address, bits)) = raw.split_once('/') {
        let network: IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix: u8 = bits.parse().ok().filter(|b| *b <= max)?;
        return Some(Entry::Cidr { network, prefix });
    }
    if let Ok(ip) = raw.parse::<IpAddr>() {
        return Some(Entry::Ip { ip, port: None });
    }
    // `[::1]` or `[::1]:8080`.
    if let Some(rest) = raw.strip_prefix('[') {
        let (address, after) = rest.split_once(']')?;
        let ip = address.parse().ok()?;
        let port = match after.strip_prefix(':') {
            Some(port) => Some(port.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some(Entry::Ip { ip, port });
    }
    let (name, port) = match raw.rsplit_once(':') {
        Some((name, port)) => (name, Some(port.parse::<u16>().ok()?)),
        None => (raw, None),
    };
    if let Ok(ip) = name.parse::<IpAddr>() {
        return Some(Entry::Ip { ip, port });
    }
    // `.example.com` and `*.example.com` mean the domain and everything under it, as a bare
    // `example.com` does in urllib.
    let name = name.strip_prefix("*.").unwrap_or(name).trim_start_matches('.').trim_end_matches('.');
    if name.is_empty() {
        return None;
    }
    Some(Entry::Domain { name: name.to_ascii_lowercase(), port })
}

/// An IPv4 address also matches its IPv4-mapped IPv6 form.
fn same_ip(a: IpAddr, b: IpAddr) -> bool {
    canonical(a) == canonical(b)
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

fn in_network(ip: IpAddr, network: IpAddr, prefix: u8) -> bool {
    match (canonical(ip), network) {
        (IpAddr::V4(ip), IpAddr::V4(net)) => {
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - u32::from(prefix)) };
            u32::from(ip) & mask == u32::from(net) & mask
        }
        (IpAddr::V6(ip), IpAddr::V6(net)) => {
            let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - u32::from(prefix)) };
            u128::from(ip) & mask == u128::from(net) & mask
        }
        _ => false,
    }
}

impl fmt::Debug for NoProxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(&self.entries).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bypass(list: &str, host: &str, port: u16) -> bool {
        NoProxy::parse(list).matches(host, port)
    }

    #[test]
    fn names_and_suffixes_as_urllib() {
        // urllib's proxy_bypass_environment: exact names, and suffixes with or without a dot.
        assert!(bypass("localhost", "localhost", 443));
        assert!(bypass("example.com", "example.com", 443));
        assert!(bypass("example.com", "s3.example.com", 443));
        assert!(bypass(".example.com", "s3.example.com", 443));
        assert!(bypass(".example.com", "example.com", 443));
        assert!(bypass("*.example.com", "a.b.example.com", 443));
        assert!(bypass(" foo , EXAMPLE.com ", "S3.Example.COM", 443));
        assert!(!bypass("example.com", "badexample.com", 443));
        assert!(!bypass("example.com", "example.org", 443));
        assert!(!bypass("", "example.com", 443));
        assert!(!bypass(",,", "example.com", 443));
    }

    #[test]
    fn star_bypasses_everything() {
        assert!(bypass("*", "s3.amazonaws.com", 443));
        assert!(bypass("foo,*", "10.1.2.3", 80));
    }

    #[test]
    fn ports_must_match_when_given() {
        assert!(bypass("example.com:8080", "example.com", 8080));
        assert!(bypass("example.com:8080", "api.example.com", 8080));
        assert!(!bypass("example.com:8080", "example.com", 443));
        assert!(bypass("127.0.0.1:9000", "127.0.0.1", 9000));
        assert!(!bypass("127.0.0.1:9000", "127.0.0.1", 9001));
        assert!(bypass("[::1]:9000", "[::1]", 9000));
    }

    #[test]
    fn addresses_and_ranges_as_requests() {
        assert!(bypass("127.0.0.1", "127.0.0.1", 80));
        assert!(!bypass("127.0.0.1", "127.0.0.2", 80));
        assert!(bypass("10.0.0.0/8", "10.200.3.4", 443));
        assert!(!bypass("10.0.0.0/8", "11.0.0.1", 443));
        assert!(bypass("192.168.1.0/24", "192.168.1.255", 443));
        assert!(!bypass("192.168.1.0/24", "192.168.2.1", 443));
        assert!(bypass("0.0.0.0/0", "8.8.8.8", 443));
        assert!(bypass("::1", "[::1]", 443));
        assert!(bypass("fd00::/8", "[fd12:3456::1]", 443));
        assert!(!bypass("fd00::/8", "[fe80::1]", 443));
        // A range never matches a name: no DNS lookup is made to decide.
        assert!(!bypass("127.0.0.0/8", "localhost", 443));
        // Bad ranges are ignored rather than matching everything.
        assert!(!bypass("10.0.0.0/33", "10.0.0.1", 443));
    }
}
