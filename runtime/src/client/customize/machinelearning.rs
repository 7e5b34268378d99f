//! botocore's `switch_host_machinelearning`: Amazon Machine Learning answers `Predict` only at
//! the model's real-time endpoint, which the caller passes as `PredictEndpoint`; the request goes
//! to that endpoint's scheme and host, keeping its own path and query, and is signed there
//! (botocore switches at `request-created`, before the signer runs), still for the client's
//! region and service.

use crate::client::invoke::Prepared;
use crate::protocol::RequestError;
use crate::schema::{Operation, Service};
use crate::shape::Shape;
use crate::{Error, ErrorKind};

/// Points `Predict` at its `PredictEndpoint`; other calls, and a `Predict` without one, are left
/// as they are (botocore switches only when the value is not empty).
pub(crate) fn switch_host(
    service: &Service,
    op: &'static Operation,
    input: &dyn Shape,
    prepared: &mut Prepared,
) -> Result<(), Error> {
    if service.name != "machinelearning" || op.name != "Predict" {
        return Ok(());
    }
    let Some(endpoint) = super::str_member(input, "PredictEndpoint").filter(|e| !e.is_empty()) else {
        return Ok(());
    };
    // botocore would splice an empty host into the URL for an endpoint without a scheme; that
    // request cannot be sent, so it is refused here with the reason.
    let invalid = || {
        let message = format!("PredictEndpoint {endpoint:?} is not a URL with a scheme and a host");
        Error::new(ErrorKind::InvalidInput, RequestError::new(message)).with_operation(op.name)
    };
    let uri: http::Uri = endpoint.parse().map_err(|_| invalid())?;
    let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else { return Err(invalid()) };
    prepared.origin = format!("{scheme}://{authority}");
    prepared.authority = authority.as_str().to_owned();
    Ok(())
}
