//! From the user's world to the rule set's parameters, and from the resolved endpoint to what
//! the signer needs.
//!
//! Built-ins come from the session's configuration under boto3's names (`region`,
//! `use_fips_endpoint`, `use_dualstack_endpoint`, `endpoint_url`, `s3.addressing_style`, ...),
//! overridable per client; the operation adds its static context parameters and the input its
//! `contextParam` members.

use crate::config::{AddressingStyle, RegionalEndpoints};
use crate::endpoint::{Endpoint, Params, Value as ParamValue};
use crate::jmespath::{Expression, Val};
use crate::schema::{Operation, ParamValue as StaticValue, Service};
use crate::shape::{Shape, Value, ValueRef};
use crate::types::Document;

use super::Inner;

/// Settings of one client that override the session's (boto3's `Config` for a client).
#[derive(Clone, Debug, Default)]
pub struct ClientConfig {
    /// The region of this client.
    pub region: Option<String>,
    /// Send every request to this URL instead of the resolved endpoint (moto, MinIO, LocalStack).
    pub endpoint_url: Option<String>,
    pub use_fips_endpoint: Option<bool>,
    pub use_dualstack_endpoint: Option<bool>,
    /// Maximum attempts per call, the first included.
    pub max_attempts: Option<u32>,
    /// S3: `Some(true)` for path-style addressing, `Some(false)` for virtual-hosted.
    pub s3_force_path_style: Option<bool>,
    pub s3_use_accelerate_endpoint: Option<bool>,
    /// S3 and S3 Control: let an ARN's region override the client's (`s3.use_arn_region`).
    pub s3_use_arn_region: Option<bool>,
    pub s3_disable_multiregion_access_points: Option<bool>,
    /// S3 in `us-east-1`: use the global endpoint (`s3.us_east_1_regional_endpoint = legacy`).
    pub s3_use_global_endpoint: Option<bool>,
    /// STS: use the global endpoint (`sts_regional_endpoints = legacy`).
    pub sts_use_global_endpoint: Option<bool>,
    /// The account id for account-based endpoints (DynamoDB), when the credentials do not say.
    pub account_id: Option<String>,
    /// `preferred`, `disabled` or `required` (`account_id_endpoint_mode`).
    pub account_id_endpoint_mode: Option<String>,
    /// `Some(false)` sends requests to the resolved host without the operation's host prefix
    /// (boto3's `inject_host_prefix`).
    pub inject_host_prefix: Option<bool>,
    /// `Some(false)` skips botocore's checks of the input before sending (`parameter_validation`;
    /// the S3 bucket-name check, a botocore handler, still runs).
    pub parameter_validation: Option<bool>,
    /// This client's `request_checksum_calculation`, over the session's.
    pub request_checksum_calculation: Option<crate::config::ChecksumWhen>,
    /// This client's `response_checksum_validation`, over the session's.
    pub response_checksum_validation: Option<crate::config::ChecksumWhen>,
    /// Interceptors for this client only, run after the session's.
    pub interceptors: crate::interceptor::Interceptors,
    /// This client's proxies (botocore's `Config(proxies={...})`), instead of the session's and
    /// of `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`. The client then has a connection pool of its
    /// own, with the session's other HTTP settings; an unusable proxy URL fails its calls.
    pub proxies: Option<crate::http::Proxies>,
}

/// How the resolved endpoint wants the request signed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct AuthScheme {
    /// `sigv4` or `sigv4a`.
    pub name: String,
    pub signing_name: String,
    /// The region, or for SigV4a the comma-separated region set.
    pub signing_region: String,
    pub disable_double_encoding: bool,
    pub disable_normalize_path: bool,
}

impl Inner {
    /// The configuration's endpoint parameters ([`config_params`](Self::config_params)), worked
    /// out by the first call that succeeds; a failure (an invalid region, say) is not kept, so
    /// each call reports it.
    pub(crate) fn base_params(&self) -> Result<&Params, crate::Error> {
        if let Some(params) = self.base_params.get() {
            return Ok(params);
        }
        let params = self.config_params()?;
        Ok(self.base_params.get_or_init(|| params))
    }

    /// The region this client uses.
    pub(crate) fn region(&self) -> Result<String, crate::Error> {
        match &self.config.region {
            // botocore's `validate_region_name`, as the session applies to its own region: the
            // region becomes part of a host name, so nothing else may reach the rules or DNS.
            Some(region) if !crate::config::valid_region(region) => Err(crate::Error::new(
                crate::ErrorKind::InvalidInput,
                crate::protocol::RequestError::new(format!(
                    "invalid region {region:?}: expected {}",
                    crate::config::REGION_EXPECTED
                )),
            )),
            Some(region) => Ok(region.clone()),
            None => Ok(self.session.region()?.to_owned()),
        }
    }

    /// The endpoint URL the user configured, for this client or for this service.
    pub(super) fn endpoint_url(&self) -> Result<Option<String>, crate::Error> {
        if let Some(url) = &self.config.endpoint_url {
            crate::validate::check_endpoint_url(url).map_err(|e| crate::Error::new(crate::ErrorKind::Config, e))?;
            return Ok(Some(url.clone()));
        }
        Ok(self.session.config().endpoint_url(self.service.service_id)?.map(|s| s.value))
    }

    /// The rule set's parameters that only the configuration decides: the same for every call
    /// of this client, so they are worked out once (see [`Inner::base_params`]).
    pub(crate) fn config_params(&self) -> Result<Params, crate::Error> {
        let config = self.session.config();
        let service: &Service = self.service;
        let mut params = Params::new();
        params.set("Region", self.region()?);
        let fips = self.config.use_fips_endpoint.unwrap_or_else(|| config.use_fips_endpoint());
        params.set("UseFIPS", fips);
        let s3 = config.s3();
        let dual = self
            .config
            .use_dualstack_endpoint
            .or(if service.name == "s3" { s3.use_dualstack_endpoint() } else { None })
            .unwrap_or_else(|| config.use_dualstack_endpoint());
        params.set("UseDualStack", dual);
        let endpoint_url = self.endpoint_url()?;
        if let Some(url) = &endpoint_url {
            params.set("Endpoint", url.as_str());
        }
        if matches!(service.name, "s3" | "s3control") {
            // A custom endpoint (moto, MinIO) rarely resolves bucket subdomains, so S3 goes
            // path-style there unless the user asked for virtual hosting, as boto3 users expect.
            // (Some calls override this: see `call_params`.)
            let path_style = self.config.s3_force_path_style.unwrap_or(match s3.addressing_style() {
                Some(AddressingStyle::Path) => true,
                Some(AddressingStyle::Virtual) => false,
                _ => endpoint_url.is_some(),
            });
            params.set("ForcePathStyle", path_style);
            let accelerate = self.config.s3_use_accelerate_endpoint.or(s3.use_accelerate_endpoint()).unwrap_or(false);
            params.set("Accelerate", accelerate);
            if let Some(arn_region) = self.config.s3_use_arn_region.or(s3.use_arn_region()) {
                params.set("UseArnRegion", arn_region);
            }
            let disable_mrap =
                self.config.s3_disable_multiregion_access_points.or(s3.disable_multiregion_access_points());
            if let Some(disable) = disable_mrap {
                params.set("DisableMultiRegionAccessPoints", disable);
            }
            let global = self
                .config
                .s3_use_global_endpoint
                .unwrap_or(s3.us_east_1_regional_endpoint() == Some(RegionalEndpoints::Legacy));
            params.set("UseGlobalEndpoint", global);
        }
        if service.name == "sts" {
            let global = self
                .config
                .sts_use_global_endpoint
                .unwrap_or(config.sts_regional_endpoints() == RegionalEndpoints::Legacy);
            params.set("UseGlobalEndpoint", global);
        }
        let mode = match &self.config.account_id_endpoint_mode {
            Some(mode) => mode.as_str(),
            None => config.account_id_endpoint_mode().as_str(),
        };
        params.set("AccountIdEndpointMode", mode);
        if let Some(account) = &self.config.account_id {
            params.set("AccountId", account.as_str());
        }
        Ok(params)
    }

    /// The parameters a call of `op` with `input` adds to (or changes in) the configuration's:
    /// the operation's static context parameters and the input's context members. Usually few or
    /// none, so that finding the call's endpoint among those already resolved costs little.
    pub(crate) fn call_params(&self, op: &Operation, input: &dyn Shape) -> Params {
        let mut params = Params::new();
        // botocore's `customize_endpoint_resolver_builtins`: `GetBucketLocation` always goes
        // path-style (its caller does not know the bucket's region, and a virtual host there
        // may refuse the signature), and a bucket given as an ARN never does.
        if self.service.name == "s3" && op.name == "GetBucketLocation" {
            params.set("ForcePathStyle", true);
        } else if self.service.name == "s3" && bucket_is_arn(input) {
            params.set("ForcePathStyle", false);
        }
        for (name, value) in op.static_context_params {
            match value {
                StaticValue::Bool(b) => params.set(*name, *b),
                StaticValue::Str(s) => params.set(*name, *s),
            };
        }
        for (name, path) in op.operation_context_params {
            // The generator already checked the path parses; a failure here selects nothing and
            // the rules say what is missing.
            let Ok(expression) = Expression::parse(path) else { continue };
            let Ok(found) = expression.search(Val::of(input)) else { continue };
            if let Some(items) = found.elements() {
                let strings = items.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect();
                params.set(*name, ParamValue::StringArray(strings));
            } else if let Some(text) = found.as_str() {
                params.set(*name, text);
            }
        }
        for (i, member) in op.input.members.iter().enumerate() {
            let Some(name) = member.context_param else { continue };
            match input.field(i).and_then(Value::get) {
                Some(ValueRef::Str(s)) => params.set(name, s),
                Some(ValueRef::Bool(b)) => params.set(name, b),
                Some(ValueRef::List(list)) => {
                    let items: Vec<String> = (0..list.len())
                        .filter_map(|j| match list.item(j).and_then(Value::get) {
                            Some(ValueRef::Str(s)) => Some(s.to_owned()),
                            _ => None,
                        })
                        .collect();
                    params.set(name, ParamValue::StringArray(items))
                }
                _ => continue,
            };
        }
        params
    }
}

/// The first auth scheme of the endpoint that this build can sign with, else SigV4 with the
/// service's own signing name and the client's region.
/// Whether the input's `Bucket` is an ARN, as botocore's `ArnParser.is_arn` decides: `arn:` and
/// at least five more `:`-separated parts.
fn bucket_is_arn(input: &dyn Shape) -> bool {
    let Some((i, _)) = input.schema().member("Bucket") else { return false };
    match input.field(i).and_then(|v| v.get()) {
        Some(crate::shape::ValueRef::Str(bucket)) => bucket.starts_with("arn:") && bucket.split(':').count() >= 6,
        _ => false,
    }
}

pub(crate) fn auth_scheme(endpoint: &Endpoint, service: &Service, region: &str) -> AuthScheme {
    let default = AuthScheme {
        name: "sigv4".into(),
        signing_name: service.signing_name.to_owned(),
        signing_region: region.to_owned(),
        disable_double_encoding: false,
        disable_normalize_path: false,
    };
    let Some(schemes) = endpoint.properties.get("authSchemes").and_then(Document::as_array) else {
        return default;
    };
    for scheme in schemes {
        let name = scheme.get("name").and_then(Document::as_str).unwrap_or_default();
        let supported = name == "sigv4" || (name == "sigv4a" && cfg!(feature = "sigv4a"));
        if !supported {
            continue;
        }
        let text = |key: &str| scheme.get(key).and_then(Document::as_str).map(str::to_owned);
        let flag = |key: &str| scheme.get(key).and_then(Document::as_bool).unwrap_or(false);
        let region_set = scheme
            .get("signingRegionSet")
            .and_then(Document::as_array)
            .map(|set| set.iter().filter_map(Document::as_str).collect::<Vec<_>>().join(","));
        return AuthScheme {
            name: name.to_owned(),
            signing_name: text("signingName").unwrap_or(default.signing_name),
            signing_region: text("signingRegion").or(region_set).unwrap_or(default.signing_region),
            disable_double_encoding: flag("disableDoubleEncoding"),
            disable_normalize_path: flag("disableNormalizePath"),
        };
    }
    default
}
