//! Resolved endpoints, remembered per client by their rule-set parameters.
//!
//! Resolution is a pure function of the parameters (the rule set and the partition table are
//! fixed for a client), so a call whose parameters equal an earlier call's gets that call's
//! answer: the URL already split into what the request needs and the auth scheme already read
//! from the endpoint's properties. Most clients see one parameter set per operation shape
//! (region and session settings, plus a bucket for S3), so a few entries serve them; the bound
//! keeps a client that talks to many buckets from growing without limit. Failed resolutions are
//! not kept, so their errors are always the rules' answer of the moment.

use std::sync::{Arc, Mutex, PoisonError};

use super::endpoint::{auth_scheme, AuthScheme};
use crate::endpoint::{Endpoint, Params};
use crate::protocol::RequestError;
use crate::schema::Service;
use crate::{Error, ErrorKind};

/// Entries per client; the oldest is dropped when a new one does not fit.
const CAPACITY: usize = 16;

/// What a call needs from its resolved endpoint.
#[derive(Debug)]
pub(crate) struct ResolvedEndpoint {
    /// `http` or `https`.
    pub scheme: String,
    pub host: String,
    pub port: Option<u16>,
    /// The endpoint URL's path, which the operation's path is appended to.
    pub path: String,
    /// Headers the endpoint adds to every request.
    pub headers: Vec<(String, Vec<String>)>,
    /// How requests to this endpoint are signed (used unless the operation is unsigned).
    pub auth: AuthScheme,
}

impl ResolvedEndpoint {
    /// Splits `endpoint`'s URL and reads its auth scheme; `region` is the client's, the signing
    /// region when the endpoint names none.
    pub(crate) fn new(endpoint: Endpoint, service: &Service, region: &str) -> Result<Self, Error> {
        let invalid = |message: String| Error::new(ErrorKind::InvalidInput, RequestError::new(message));
        let url: http::Uri =
            endpoint.url.parse().map_err(|_| invalid(format!("the endpoint {:?} is not a valid URL", endpoint.url)))?;
        let (Some(scheme), Some(host)) = (url.scheme_str(), url.host()) else {
            return Err(invalid(format!("the endpoint {:?} has no scheme or host", endpoint.url)));
        };
        Ok(ResolvedEndpoint {
            scheme: scheme.to_owned(),
            host: host.to_owned(),
            port: url.port_u16(),
            path: url.path().to_owned(),
            auth: auth_scheme(&endpoint, service, region),
            headers: endpoint.headers,
        })
    }
}

/// A small, bounded map from parameters to resolved endpoints, shared by a client's calls.
#[derive(Debug, Default)]
pub(crate) struct EndpointCache {
    entries: Mutex<Vec<(Params, Arc<ResolvedEndpoint>)>>,
}

impl EndpointCache {
    /// The endpoint for `params`: remembered, or made by `resolve` and remembered if it succeeds.
    pub(crate) fn get_or_resolve(
        &self,
        params: Params,
        resolve: impl FnOnce(&Params) -> Result<ResolvedEndpoint, Error>,
    ) -> Result<Arc<ResolvedEndpoint>, Error> {
        // A panic elsewhere while the lock was held cannot leave an entry half-written (entries
        // are pushed whole), so a poisoned lock is still a valid cache.
        let found = {
            let entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
            entries.iter().find(|(p, _)| *p == params).map(|(_, e)| Arc::clone(e))
        };
        if let Some(endpoint) = found {
            return Ok(endpoint);
        }
        // Resolved outside the lock: concurrent first calls may both resolve, to the same answer.
        let endpoint = Arc::new(resolve(&params)?);
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        if !entries.iter().any(|(p, _)| *p == params) {
            if entries.len() >= CAPACITY {
                entries.remove(0);
            }
            entries.push((params, Arc::clone(&endpoint)));
        }
        Ok(endpoint)
    }

    /// How many parameter sets are remembered.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner).len()
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    fn resolved(host: &str) -> ResolvedEndpoint {
        let auth = AuthScheme {
            name: "sigv4".into(),
            signing_name: "s3".into(),
            signing_region: "us-east-1".into(),
            disable_double_encoding: false,
            disable_normalize_path: false,
        };
        ResolvedEndpoint {
            scheme: "https".into(),
            host: host.into(),
            port: None,
            path: String::new(),
            headers: Vec::new(),
            auth,
        }
    }

    #[test]
    fn equal_parameters_resolve_once_and_different_ones_apart() {
        let cache = EndpointCache::default();
        let calls = Cell::new(0);
        let resolve = |p: &Params| {
            calls.set(calls.get() + 1);
            Ok(resolved(p.get("Bucket").and_then(|v| v.as_str()).unwrap_or("none")))
        };
        let params = |bucket: &str| Params::new().with("Region", "us-east-1").with("Bucket", bucket);
        let a = cache.get_or_resolve(params("a"), resolve).unwrap();
        let again = cache.get_or_resolve(params("a"), resolve).unwrap();
        let b = cache.get_or_resolve(params("b"), resolve).unwrap();
        assert_eq!(calls.get(), 2);
        assert!(Arc::ptr_eq(&a, &again));
        assert_eq!((a.host.as_str(), b.host.as_str()), ("a", "b"));
        // A parameter that differs only in type is another key.
        cache.get_or_resolve(Params::new().with("Region", "us-east-1").with("Bucket", true), resolve).unwrap();
        assert_eq!(calls.get(), 3);
    }

    #[test]
    fn failures_are_not_kept_and_the_size_is_bounded() {
        let cache = EndpointCache::default();
        let calls = Cell::new(0);
        let failing = |_: &Params| {
            calls.set(calls.get() + 1);
            Err(Error::new(ErrorKind::Config, RequestError::new("no endpoint")))
        };
        for _ in 0..2 {
            assert!(cache.get_or_resolve(Params::new().with("Region", "x"), failing).is_err());
        }
        assert_eq!((calls.get(), cache.len()), (2, 0));
        for i in 0..CAPACITY + 5 {
            let bucket = format!("bucket-{i}");
            cache.get_or_resolve(Params::new().with("Bucket", bucket.as_str()), |_| Ok(resolved(&bucket))).unwrap();
        }
        assert_eq!(cache.len(), CAPACITY);
        // The oldest entries went first: the newest is still there without resolving again.
        let newest = format!("bucket-{}", CAPACITY + 4);
        let hit =
            cache.get_or_resolve(Params::new().with("Bucket", newest.as_str()), |_| panic!("resolved again")).unwrap();
        assert_eq!(hit.host, newest);
    }
}
