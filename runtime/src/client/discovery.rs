//! Endpoint discovery, as botocore's `EndpointDiscoveryManager` and `EndpointDiscoveryHandler`
//! do it (DynamoDB, Timestream): the service's `endpointoperation` (`DescribeEndpoints`) names
//! the addresses to use, each for `CachePeriodInMinutes`; a call of an operation marked
//! `endpointdiscovery` goes to the first of them instead of the resolved endpoint.
//!
//! Which calls discover follows botocore's `_register_endpoint_discovery`: none when the user
//! configured an endpoint URL; with `endpoint_discovery_enabled = true` every operation that
//! can use a discovered endpoint; with `auto` (the default) only those that require one; with
//! `false` an operation that requires discovery is refused.
//!
//! The cache is the client's, like botocore's manager, and keyed as botocore keys it: the
//! input members marked `endpointdiscoveryid` (at the top level and in the structures the
//! caller set, by member name) are the call's identifiers; when there are any, the discovery
//! call is asked for `Operation` (the call's name) and `Identifiers` (those values), each only
//! if the discovery operation's input has that member, and the key is the values it was asked
//! for. A call without identifiers, and every call of a service whose discovery input has no
//! members (DynamoDB, Timestream), shares botocore's empty key.

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::ClientHandle;
use crate::config::EndpointDiscoveryMode;
use crate::protocol::{deserialize_error, NoErrors, RequestError};
use crate::schema::{flags, op_flags, Operation, Schema, ShapeKind};
use crate::shape::{Shape, ValueMut, ValueRef};
use crate::{Error, ErrorKind};

/// The addresses a discovery call returned, with how long each may be used.
pub type Discovered = Vec<(String, Duration)>;

/// What `rt::discover_endpoints::<I, O>` is as a plain function pointer: one call of the
/// discovery operation, asked for what the key holds.
pub type DiscoverEndpoints = for<'a> fn(
    &'a ClientHandle,
    &'static Operation,
    &'a Key,
) -> Pin<Box<dyn Future<Output = Result<Discovered, Error>> + Send + 'a>>;

/// What a discovery call is asked for, and so the cache key (botocore's `_create_cache_key`
/// over `discovery_operation_kwargs`): `Identifiers` and `Operation` when the call has
/// identifiers and the discovery input has the member, else nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// The identifiers by member name, sorted (botocore's `tuple(sorted(ids.items()))`).
    identifiers: Option<Vec<(String, String)>>,
    operation: Option<&'static str>,
}

impl Key {
    /// The key of a call of `op` with `input`, for a service whose discovery input is `discovery`.
    fn new(op: &'static Operation, input: &dyn Shape, discovery: &Schema) -> Key {
        let mut ids = BTreeMap::new();
        gather_identifiers(input, &mut ids);
        if ids.is_empty() {
            return Key::default();
        }
        let has = |name: &str| discovery.member(name).is_some();
        Key {
            identifiers: has("Identifiers").then(|| ids.into_iter().collect()),
            operation: has("Operation").then_some(op.name),
        }
    }

    /// Fills the discovery call's input with what the key holds.
    fn fill(&self, input: &mut dyn Shape) {
        if let Some(name) = self.operation {
            if let Some(ValueMut::Str(s)) = member_mut(input, "Operation") {
                name.clone_into(s);
            }
        }
        if let Some(ids) = &self.identifiers {
            if let Some(ValueMut::Map(map)) = member_mut(input, "Identifiers") {
                for (name, value) in ids {
                    if let ValueMut::Str(s) = map.entry_mut(name).get_mut() {
                        value.clone_into(s);
                    }
                }
            }
        }
    }
}

/// botocore's `_gather_ids`: members marked `endpointdiscoveryid`, and those of set structure
/// members, by member name, into one map (a nested id of the same name replaces an earlier
/// one, as in botocore's dict). botocore reads an id the caller left out as a `KeyError`; an
/// unset id is left out here. Ids are strings in the discovery API (`map<string, string>`).
fn gather_identifiers(shape: &dyn Shape, ids: &mut BTreeMap<String, String>) {
    for (i, member) in shape.schema().members.iter().enumerate() {
        let Some(value) = shape.field(i).and_then(|f| f.get()) else { continue };
        if member.has(flags::ENDPOINT_DISCOVERY_ID) {
            // Strings and string enums both read as text.
            if let ValueRef::Str(text) = value {
                ids.insert(member.name.to_owned(), text.to_owned());
            }
        } else if member.target.kind == ShapeKind::Structure {
            if let ValueRef::Shape(inner) = value {
                gather_identifiers(inner, ids);
            }
        }
    }
}

fn member_mut<'a>(shape: &'a mut dyn Shape, name: &str) -> Option<ValueMut<'a>> {
    let i = shape.schema().members.iter().position(|m| m.name == name)?;
    Some(shape.field_mut(i)?.get_mut())
}

/// How long a failed discovery is not tried again (botocore's `_failed_attempts`: 60 s).
const FAILED_DISCOVERY_BACKOFF: Duration = Duration::from_secs(60);

/// botocore's `EndpointDiscoveryRequired` message.
const REQUIRED_MESSAGE: &str = "Endpoint Discovery is not enabled but this operation requires it.";
/// botocore's `EndpointDiscoveryRefreshFailed` message.
const REFRESH_FAILED_MESSAGE: &str = "Endpoint Discovery failed to refresh the required endpoints.";

/// Calls the discovery operation with the input `key` asks for (none in the services that
/// discover today) and reads `Endpoints[].{Address, CachePeriodInMinutes}` from its output.
pub fn discover_endpoints<'a, I, O>(
    client: &'a ClientHandle,
    op: &'static Operation,
    key: &'a Key,
) -> Pin<Box<dyn Future<Output = Result<Discovered, Error>> + Send + 'a>>
where
    I: Shape + Default + 'static,
    O: Shape + Default + 'static,
{
    Box::pin(async move {
        let mut input = I::default();
        key.fill(&mut input);
        let mut output = O::default();
        client.invoke(op, &mut input, &mut output, deserialize_error::<NoErrors>).await?;
        read_endpoints(&output).map_err(|message| {
            Error::new(ErrorKind::Response, crate::protocol::ResponseError::new(200, message)).with_operation(op.name)
        })
    })
}

/// The member of `shape` called `name`.
fn member<'a>(shape: &'a dyn Shape, name: &str) -> Option<ValueRef<'a>> {
    let i = shape.schema().members.iter().position(|m| m.name == name)?;
    shape.field(i)?.get()
}

/// `Endpoints` of a discovery answer, in order.
fn read_endpoints(output: &dyn Shape) -> Result<Discovered, String> {
    let Some(ValueRef::List(list)) = member(output, "Endpoints") else {
        return Err("the endpoint discovery answer has no `Endpoints`".to_owned());
    };
    let mut out = Vec::with_capacity(list.len());
    for i in 0..list.len() {
        let Some(ValueRef::Shape(endpoint)) = list.item(i).and_then(|v| v.get()) else {
            return Err(format!("endpoint {i} of the endpoint discovery answer is not a structure"));
        };
        let Some(ValueRef::Str(address)) = member(endpoint, "Address") else {
            return Err(format!("endpoint {i} of the endpoint discovery answer has no `Address`"));
        };
        let Some(ValueRef::Int(minutes)) = member(endpoint, "CachePeriodInMinutes") else {
            return Err(format!("endpoint {i} of the endpoint discovery answer has no `CachePeriodInMinutes`"));
        };
        // A negative period is already expired; a huge one is capped rather than overflowing.
        let minutes = u64::try_from(minutes).unwrap_or(0).min(u64::MAX / 60);
        out.push((address.to_owned(), Duration::from_secs(minutes * 60)));
    }
    Ok(out)
}

/// The client's discovered endpoints: botocore's manager state, per key.
#[derive(Default)]
pub(crate) struct Cache {
    state: Mutex<BTreeMap<Key, State>>,
}

#[derive(Default)]
struct State {
    /// Addresses and when each expires; kept after expiry as botocore's stale entries.
    endpoints: Option<Vec<(String, Instant)>>,
    /// Until when discovery is not retried after a connection failure.
    failed_until: Option<Instant>,
}

impl Cache {
    /// The state under `key`, created empty; the map holds plain fields, valid whatever a
    /// panicking holder left behind.
    fn with<T>(&self, key: &Key, f: impl FnOnce(&mut State) -> T) -> T {
        let mut all = self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        match all.get_mut(key) {
            Some(state) => f(state),
            None => f(all.entry(key.clone()).or_default()),
        }
    }

    fn current(&self, key: &Key, now: Instant) -> Option<String> {
        self.with(key, |state| {
            state.endpoints.as_ref()?.iter().find(|(_, expires)| now < *expires).map(|(a, _)| a.clone())
        })
    }

    fn stale(&self, key: &Key) -> Option<String> {
        self.with(key, |state| state.endpoints.as_ref()?.first().map(|(a, _)| a.clone()))
    }

    fn recently_failed(&self, key: &Key, now: Instant) -> bool {
        self.with(key, |state| match state.failed_until {
            Some(until) if now < until => true,
            Some(_) => {
                state.failed_until = None;
                false
            }
            None => false,
        })
    }

    /// botocore's `delete_endpoints`, after an `InvalidEndpointException`.
    fn clear(&self, key: &Key) {
        self.with(key, |state| state.endpoints = None);
    }
}

/// Whether `op` discovers its endpoint on this client, or is refused because it requires
/// discovery and discovery is off.
fn applies(client: &ClientHandle, op: &'static Operation) -> Result<bool, Error> {
    let inner = &*client.inner;
    if inner.service.endpoint_discovery.is_none() || !op.has(op_flags::ENDPOINT_DISCOVERY) {
        return Ok(false);
    }
    if inner.endpoint_url().map_err(|e| e.with_operation(op.name))?.is_some() {
        return Ok(false);
    }
    let required = op.has(op_flags::ENDPOINT_DISCOVERY_REQUIRED);
    match inner.session.config().endpoint_discovery_enabled() {
        EndpointDiscoveryMode::True => Ok(true),
        EndpointDiscoveryMode::Auto => Ok(required),
        EndpointDiscoveryMode::False if required => {
            Err(Error::new(ErrorKind::Config, RequestError::new(REQUIRED_MESSAGE)).with_operation(op.name))
        }
        EndpointDiscoveryMode::False => Ok(false),
    }
}

/// botocore's `describe_endpoint`: the cached address, else a fresh one, else a stale one;
/// `None` leaves the resolved endpoint in place (discovery optional and failing).
async fn endpoint(client: &ClientHandle, op: &'static Operation, key: &Key) -> Result<Option<String>, Error> {
    let Some(discovery) = client.inner.service.endpoint_discovery else { return Ok(None) };
    let cache = &client.inner.discovery;
    let required = op.has(op_flags::ENDPOINT_DISCOVERY_REQUIRED);
    if let Some(address) = cache.current(key, Instant::now()) {
        return Ok(Some(address));
    }
    let recently_failed = cache.recently_failed(key, Instant::now());
    if !recently_failed {
        if let Some(address) = refresh(client, discovery, key).await? {
            return Ok(Some(address));
        }
    }
    if let Some(address) = cache.stale(key) {
        return Ok(Some(address));
    }
    if required {
        // botocore tries once more when the first refresh was skipped for a recent failure.
        if recently_failed {
            if let Some(address) = refresh(client, discovery, key).await? {
                return Ok(Some(address));
            }
        }
        return Err(Error::new(ErrorKind::Dispatch, RequestError::new(REFRESH_FAILED_MESSAGE)).with_operation(op.name));
    }
    Ok(None)
}

/// botocore's `_refresh_current_endpoints`: a connection failure is remembered for a minute and
/// answers `None`; any other failure (a service error of the discovery call) is the call's.
async fn refresh(
    client: &ClientHandle,
    discovery: &crate::schema::EndpointDiscovery,
    key: &Key,
) -> Result<Option<String>, Error> {
    let cache = &client.inner.discovery;
    match (discovery.discover)(client, discovery.operation, key).await {
        Ok(found) => {
            let now = Instant::now();
            let first = found.first().map(|(a, _)| a.clone());
            cache.with(key, |state| {
                state.endpoints = Some(found.into_iter().map(|(a, ttl)| (a, now + ttl)).collect());
                state.failed_until = None;
            });
            Ok(first)
        }
        Err(e) if matches!(e.kind(), ErrorKind::Dispatch | ErrorKind::Timeout) => {
            cache.with(key, |state| state.failed_until = Some(Instant::now() + FAILED_DISCOVERY_BACKOFF));
            Ok(None)
        }
        Err(e) => Err(e),
    }
}

/// The URL a discovered address names: botocore prefixes `https://` unless the address already
/// starts with `http`.
pub(crate) fn url_of(address: &str) -> String {
    if address.starts_with("http") {
        address.to_owned()
    } else {
        format!("https://{address}")
    }
}

/// botocore's `handle_retries`: a 421 or an `InvalidEndpointException` means the address is
/// gone.
fn invalid_endpoint(error: &Error) -> bool {
    error.status() == Some(421) || error.code() == Some("InvalidEndpointException")
}

/// One call's use of discovery: whether it applies, and how often the call was made again
/// after an invalid-endpoint answer.
pub(crate) struct CallDiscovery {
    active: bool,
    /// The call's cache key, from its identifiers.
    key: Key,
    tries: u32,
    /// Whether the last attempt went to a discovered address.
    discovered: bool,
}

impl CallDiscovery {
    /// Decides for a call of `op`; an operation that requires discovery while it is disabled
    /// is refused here (botocore's `block_endpoint_discovery_required_operations`).
    pub(crate) fn new(client: &ClientHandle, op: &'static Operation, input: &dyn Shape) -> Result<Self, Error> {
        let active = applies(client, op)?;
        let key = match client.inner.service.endpoint_discovery {
            Some(discovery) if active => Key::new(op, input, discovery.operation.input),
            _ => Key::default(),
        };
        Ok(CallDiscovery { active, key, tries: 0, discovered: false })
    }

    /// The URL the next attempt goes to, `None` for the resolved endpoint.
    pub(crate) async fn url(&mut self, client: &ClientHandle, op: &'static Operation) -> Result<Option<String>, Error> {
        self.tries += 1;
        let url = if self.active { endpoint(client, op, &self.key).await?.map(|a| url_of(&a)) } else { None };
        self.discovered = url.is_some();
        Ok(url)
    }

    /// botocore's `handle_retries`: after an invalid-endpoint answer from a discovered address
    /// the entry is dropped and the call made again (after a fresh discovery). Unlike botocore,
    /// which has no bound there, at most as many times as the client's retry attempts.
    pub(crate) fn again<T>(&self, client: &ClientHandle, result: &Result<T, Error>) -> bool {
        let Err(error) = result else { return false };
        if !self.discovered || !invalid_endpoint(error) || self.tries >= client.inner.retry.max_attempts().max(1) {
            return false;
        }
        client.inner.discovery.clear(&self.key);
        true
    }
}

/// Points a prepared request at a discovered URL: botocore replaces the request's URL with it;
/// the operation's path is kept after the address's (it is `/` for every operation that
/// discovers in the services generated here).
pub(crate) fn redirect(prepared: &mut super::invoke::Prepared, url: &str) -> Result<(), RequestError> {
    let parsed: http::Uri =
        url.parse().map_err(|_| RequestError::new(format!("the discovered endpoint {url:?} is not a valid URL")))?;
    let (Some(scheme), Some(authority)) = (parsed.scheme_str(), parsed.authority()) else {
        return Err(RequestError::new(format!("the discovered endpoint {url:?} has no scheme or host")));
    };
    prepared.origin = format!("{scheme}://{authority}");
    prepared.authority = authority.as_str().to_owned();
    prepared.target = super::invoke::join_path(parsed.path(), &prepared.request.uri);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::url_of;

    #[test]
    fn addresses_become_urls_like_botocore() {
        // botocore's `discover_endpoint`: `'https://' + endpoint` unless it starts with `http`.
        assert_eq!(url_of("dynamodb.us-west-2.amazonaws.com"), "https://dynamodb.us-west-2.amazonaws.com");
        assert_eq!(url_of("http://127.0.0.1:8000"), "http://127.0.0.1:8000");
        assert_eq!(url_of("https://example.com/base"), "https://example.com/base");
    }
}

#[cfg(test)]
#[path = "discovery_tests.rs"]
mod key_tests;
