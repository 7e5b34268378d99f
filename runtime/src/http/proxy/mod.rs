//! Proxies: which requests go through one (botocore's `proxies` and the `*_PROXY` variables), and
//! the connector that reaches targets through them.
//!
//! As in botocore, the proxy is chosen by the target URL's scheme (`http` or `https`) and a
//! proxy URL without a scheme is `http://`. An `https` target is reached through an HTTP
//! `CONNECT` tunnel and TLS to the target inside it; an `http` target is sent to the proxy in
//! absolute form. Credentials in the proxy URL's user info become `Proxy-Authorization: Basic`,
//! sent to the proxy only, and no `Debug`, log line or error ever shows them. An `https://` proxy
//! is reached over TLS (checked against the targets' roots) before any of this.

mod connect;
mod no_proxy;

use core::fmt;

use http::header::HeaderValue;
use http::Uri;

pub(crate) use connect::{ProxyConnector, ProxyStream};
use no_proxy::NoProxy;

use super::{HttpError, HttpErrorKind};
use crate::config::Env;

/// The proxies of a session: botocore's `Config(proxies={"http": ..., "https": ...})`, or the
/// `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` variables when none are given.
///
/// ```
/// use tucuxi::http::Proxies;
/// let proxies = Proxies::new().https("http://user:secret@proxy.internal:3128").no_proxy("localhost,.internal");
/// // botocore's dictionary form:
/// let same: Proxies = [("https", "proxy.internal:3128")].into_iter().collect();
/// assert!(!format!("{proxies:?}").contains("secret"));
/// ```
///
/// URLs are checked when the session (or [`HttpClient`](super::HttpClient)) is built.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Proxies {
    http: Option<String>,
    https: Option<String>,
    no_proxy: Option<String>,
}

impl Proxies {
    /// No proxy for any scheme.
    pub fn new() -> Self {
        Proxies::default()
    }

    /// The proxy for `http://` targets (`"proxy:3128"`, `"http://user:pass@proxy:3128"`).
    pub fn http(mut self, url: impl Into<String>) -> Self {
        self.http = Some(url.into());
        self
    }

    /// The proxy for `https://` targets, reached with `CONNECT`.
    pub fn https(mut self, url: impl Into<String>) -> Self {
        self.https = Some(url.into());
        self
    }

    /// Hosts that bypass the proxies, as `NO_PROXY` lists them: comma-separated names, domain
    /// suffixes (`.internal`, `*.internal` or `internal`), `host:port`, IP addresses, CIDR ranges,
    /// or `*` for every host.
    pub fn no_proxy(mut self, list: impl Into<String>) -> Self {
        self.no_proxy = Some(list.into());
        self
    }

    /// The proxies the environment names, as urllib's `getproxies_environment` reads them under
    /// botocore: `https_proxy`, `http_proxy` and `no_proxy`, the lower-case name first (set but
    /// empty, it hides the upper-case one), then `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`.
    /// Under CGI (`REQUEST_METHOD` set) `HTTP_PROXY` is ignored, since a client's `Proxy:` header
    /// arrives as that variable. `None` when no proxy is set.
    pub fn from_env(env: &Env) -> Option<Proxies> {
        let read = |lower: &str, upper: &str| match env.get(lower) {
            Some(value) => Some(value).filter(|v| !v.trim().is_empty()),
            None => env.get(upper).filter(|v| !v.trim().is_empty()),
        };
        let http = match env.get("REQUEST_METHOD") {
            Some(_) => env.get("http_proxy").filter(|v| !v.trim().is_empty()),
            None => read("http_proxy", "HTTP_PROXY"),
        };
        let https = read("https_proxy", "HTTPS_PROXY");
        if http.is_none() && https.is_none() {
            return None;
        }
        Some(Proxies { http, https, no_proxy: read("no_proxy", "NO_PROXY") })
    }

    /// Whether no proxy is set for either scheme.
    pub fn is_empty(&self) -> bool {
        self.http.is_none() && self.https.is_none()
    }
}

/// botocore's dictionary: `("http", url)`, `("https", url)`; other keys are ignored, as botocore
/// looks proxies up by the target's scheme only.
impl<K: AsRef<str>, V: Into<String>> FromIterator<(K, V)> for Proxies {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut proxies = Proxies::new();
        for (scheme, url) in pairs {
            match scheme.as_ref() {
                "http" => proxies.http = Some(url.into()),
                "https" => proxies.https = Some(url.into()),
                _ => {}
            }
        }
        proxies
    }
}

impl fmt::Debug for Proxies {
    /// The URLs without their user info: a proxy's password is a secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Proxies")
            .field("http", &self.http.as_deref().map(without_userinfo))
            .field("https", &self.https.as_deref().map(without_userinfo))
            .field("no_proxy", &self.no_proxy)
            .finish()
    }
}

/// A proxy URL as written, with anything before the last `@` of its authority replaced.
pub(crate) fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.find("//") {
        Some(at) => url.split_at(at + 2),
        None => ("", url),
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    match rest[..end].rfind('@') {
        Some(at) => format!("{scheme}***@{}", &rest[at + 1..]),
        None => url.to_owned(),
    }
}

/// The parsed proxies the connector and the client consult per connection and per request.
#[derive(Clone, Debug)]
pub(crate) struct ProxyRoutes {
    http: Option<Route>,
    https: Option<Route>,
    no_proxy: NoProxy,
}

/// One proxy: where it is, how to print it, and the `Proxy-Authorization` it expects.
#[derive(Clone)]
pub(crate) struct Route {
    /// `http://host:port` of the proxy, without user info.
    pub(crate) uri: Uri,
    /// The same, for messages.
    pub(crate) shown: String,
    /// `Basic ...`, marked sensitive.
    pub(crate) authorization: Option<HeaderValue>,
    /// For an `https://` proxy, the name its certificate must carry.
    pub(crate) tls_name: Option<rustls::pki_types::ServerName<'static>>,
}

impl fmt::Debug for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Route")
            .field("proxy", &self.shown)
            .field("authorization", &self.authorization.as_ref().map(|_| "** redacted **"))
            .finish()
    }
}

impl ProxyRoutes {
    /// Checks and parses the URLs; `None` when no proxy is set, so the client pays nothing.
    pub(crate) fn parse(proxies: &Proxies) -> Result<Option<ProxyRoutes>, HttpError> {
        if proxies.is_empty() {
            return Ok(None);
        }
        let http = proxies.http.as_deref().map(|url| Route::parse("http", url)).transpose()?;
        let https = proxies.https.as_deref().map(|url| Route::parse("https", url)).transpose()?;
        let no_proxy = proxies.no_proxy.as_deref().map(NoProxy::parse).unwrap_or_default();
        Ok(Some(ProxyRoutes { http, https, no_proxy }))
    }

    /// Whether a proxy is reached over TLS.
    pub(crate) fn uses_tls(&self) -> bool {
        [&self.http, &self.https].into_iter().flatten().any(|route| route.tls_name.is_some())
    }

    /// The proxy for a request to `target`, or `None` to connect directly.
    pub(crate) fn route(&self, target: &Uri) -> Option<&Route> {
        let (route, default_port) = match target.scheme_str() {
            Some("https") => (self.https.as_ref()?, 443),
            Some("http") => (self.http.as_ref()?, 80),
            _ => return None,
        };
        let host = target.host()?;
        if self.no_proxy.is_empty() || !self.no_proxy.matches(host, target.port_u16().unwrap_or(default_port)) {
            Some(route)
        } else {
            None
        }
    }
}

impl Route {
    fn parse(scheme: &str, url: &str) -> Result<Route, HttpError> {
        let url = url.trim();
        // botocore's `_fix_proxy_url`: a URL without a scheme is an `http://` proxy.
        let fixed = if url.starts_with("http:") || url.starts_with("https:") {
            url.to_owned()
        } else if url.starts_with("//") {
            format!("http:{url}")
        } else {
            format!("http://{url}")
        };
        let shown = without_userinfo(&fixed);
        let invalid = |why: &str| {
            HttpError::new(HttpErrorKind::InvalidRequest, format!("the {scheme} proxy {shown} is not usable: {why}"))
        };
        let uri: Uri = fixed.parse().map_err(|_| invalid("not a URL"))?;
        let authority = uri.authority().ok_or_else(|| invalid("no host"))?;
        let tls = uri.scheme_str() == Some("https");
        let host = authority.host();
        if host.is_empty() {
            return Err(invalid("no host"));
        }
        let port = authority.port_u16().unwrap_or(if tls { 443 } else { 80 });
        let address = format!("{}://{host}:{port}", if tls { "https" } else { "http" });
        // The connector dials the proxy's address; TLS, when wanted, is its own step.
        let proxy_uri: Uri = format!("http://{host}:{port}").parse().map_err(|_| invalid("not a URL"))?;
        let tls_name = if tls {
            let bare = host.strip_prefix('[').and_then(|h| h.strip_suffix(']')).unwrap_or(host);
            let name = rustls::pki_types::ServerName::try_from(bare.to_owned())
                .map_err(|_| invalid("its host cannot name a TLS server"))?;
            Some(name)
        } else {
            None
        };
        let authorization = match authority.as_str().rsplit_once('@') {
            Some((userinfo, _)) => basic_authorization(userinfo).map_err(invalid)?,
            None => None,
        };
        Ok(Route { uri: proxy_uri, shown: address, authorization, tls_name })
    }
}

/// `Basic base64(user:password)` from percent-encoded user info, when both parts are non-empty
/// (botocore's `proxy_headers_for` sends nothing otherwise).
fn basic_authorization(userinfo: &str) -> Result<Option<HeaderValue>, &'static str> {
    let (user, password) = userinfo.split_once(':').unwrap_or((userinfo, ""));
    let user = crate::percent::decode(user).ok_or("its user name is not UTF-8 once percent-decoded")?;
    let password = crate::percent::decode(password).ok_or("its password is not UTF-8 once percent-decoded")?;
    if user.is_empty() || password.is_empty() {
        return Ok(None);
    }
    let mut value = String::from("Basic ");
    crate::types::base64_encode_to(format!("{user}:{password}").as_bytes(), &mut value);
    let mut header = HeaderValue::from_str(&value).map_err(|_| "its credentials cannot be sent in a header")?;
    header.set_sensitive(true);
    Ok(Some(header))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn routes(proxies: Proxies) -> ProxyRoutes {
        ProxyRoutes::parse(&proxies).unwrap().unwrap()
    }

    fn target(url: &str) -> Uri {
        url.parse().unwrap()
    }

    #[test]
    fn urls_are_fixed_as_botocore_does() {
        let r = routes(Proxies::new().http("proxy.local:3128").https("//other:8080"));
        assert_eq!(r.route(&target("http://s3.amazonaws.com/")).unwrap().shown, "http://proxy.local:3128");
        assert_eq!(r.route(&target("https://s3.amazonaws.com/")).unwrap().shown, "http://other:8080");
        let default_port = routes(Proxies::new().https("http://proxy.local"));
        assert_eq!(default_port.route(&target("https://a/")).unwrap().uri, "http://proxy.local:80/");
    }

    #[test]
    fn the_target_scheme_picks_the_proxy() {
        let only_https = routes(Proxies::new().https("http://p:1"));
        assert!(only_https.route(&target("http://s3.amazonaws.com/")).is_none());
        assert!(only_https.route(&target("https://s3.amazonaws.com/")).is_some());
        assert!(ProxyRoutes::parse(&Proxies::new()).unwrap().is_none());
    }

    #[test]
    fn no_proxy_uses_the_effective_port() {
        let r = routes(Proxies::new().https("http://p:1").http("http://p:1").no_proxy("example.com:443,localhost"));
        assert!(r.route(&target("https://example.com/")).is_none());
        assert!(r.route(&target("https://example.com:8443/")).is_some());
        assert!(r.route(&target("http://localhost:4566/")).is_none());
    }

    #[test]
    fn credentials_become_basic_auth_and_never_print() {
        // botocore: b64encode(f"{unquote(user)}:{unquote(password)}").
        let r = routes(Proxies::new().https("http://us%40er:p%3Ass@proxy:3128"));
        let route = r.route(&target("https://s3.amazonaws.com/")).unwrap();
        let header = route.authorization.as_ref().unwrap();
        assert_eq!(header.to_str().unwrap(), "Basic dXNAZXI6cDpzcw==");
        assert!(header.is_sensitive());
        let shown = format!("{r:?} {:?}", Proxies::new().https("http://us%40er:p%3Ass@proxy:3128"));
        assert!(
            !shown.contains("p%3Ass") && !shown.contains("dXNAZXI6cDpzcw") && !shown.contains("us%40er"),
            "{shown}"
        );
        // A user without a password sends nothing, as botocore.
        let user_only = routes(Proxies::new().https("http://user@proxy:3128"));
        assert!(user_only.route(&target("https://a/")).unwrap().authorization.is_none());
    }

    #[test]
    fn bad_urls_are_errors_without_credentials() {
        let err = ProxyRoutes::parse(&Proxies::new().https("http://user:hunter2@pro xy:1")).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("https proxy") && !text.contains("hunter2"), "{text}");
        let tls = routes(Proxies::new().https("https://proxy.local"));
        let route = tls.route(&target("https://a/")).unwrap();
        assert_eq!(
            (route.shown.as_str(), route.uri.to_string().as_str()),
            ("https://proxy.local:443", "http://proxy.local:443/")
        );
        assert!(route.tls_name.is_some());
    }

    #[test]
    fn environment_lower_case_first_as_urllib() {
        let env = Env::from_pairs([("HTTPS_PROXY", "http://upper:1"), ("https_proxy", "http://lower:2")]);
        assert_eq!(Proxies::from_env(&env).unwrap().https.as_deref(), Some("http://lower:2"));
        let hidden = Env::from_pairs([("HTTPS_PROXY", "http://upper:1"), ("https_proxy", "")]);
        assert_eq!(Proxies::from_env(&hidden), None);
        let upper = Env::from_pairs([("HTTP_PROXY", "http://upper:1"), ("NO_PROXY", "localhost")]);
        let found = Proxies::from_env(&upper).unwrap();
        assert_eq!((found.http.as_deref(), found.no_proxy.as_deref()), (Some("http://upper:1"), Some("localhost")));
        let cgi = Env::from_pairs([("HTTP_PROXY", "http://injected:1"), ("REQUEST_METHOD", "GET")]);
        assert_eq!(Proxies::from_env(&cgi), None);
        assert_eq!(Proxies::from_env(&Env::from_pairs([("NO_PROXY", "*")])), None);
    }

    #[test]
    fn botocore_dictionary_form() {
        let proxies: Proxies = [("http", "a:1"), ("https", "b:2"), ("ftp", "c:3")].into_iter().collect();
        assert_eq!(proxies, Proxies::new().http("a:1").https("b:2"));
    }
}
