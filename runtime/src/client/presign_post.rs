//! Presigned POST (S3's browser-based uploads): the URL and signed form fields, as botocore's
//! `generate_presigned_post` makes them.
//!
//! The URL is that of the operation the caller names (botocore uses `CreateBucket`, whose URL is
//! the bucket's, virtual-hosted or path-style as the endpoint rules decide); the policy and
//! signature come from [`crate::auth::post_policy`].

use std::future::Future;
use std::pin::Pin;
use std::time::{Duration, SystemTime};

use super::ClientHandle;
use crate::auth::post_policy::{sign_post, PostCondition, PresignedPost};
use crate::protocol::RequestError;
use crate::schema::Operation;
use crate::shape::Shape;
use crate::types::DateTime;
use crate::{Error, ErrorKind};

impl ClientHandle {
    /// Signs a POST policy of `conditions` valid for `expires_in`, with the URL of a call of
    /// `op` with `input`. `fields` and `conditions` must already hold the service's own entries
    /// (S3's bucket and key).
    ///
    /// The future is boxed so that it is compiled here once, not in every crate that awaits it.
    pub fn presign_post<'a>(
        &'a self,
        op: &'static Operation,
        input: &'a mut dyn Shape,
        fields: Vec<(String, String)>,
        conditions: Vec<PostCondition>,
        expires_in: Duration,
    ) -> Pin<Box<dyn Future<Output = Result<PresignedPost, Error>> + Send + 'a>> {
        Box::pin(self.presign_post_unboxed(op, input, fields, conditions, expires_in))
    }

    async fn presign_post_unboxed(
        &self,
        op: &'static Operation,
        input: &mut dyn Shape,
        fields: Vec<(String, String)>,
        conditions: Vec<PostCondition>,
        expires_in: Duration,
    ) -> Result<PresignedPost, Error> {
        let prepared = self.prepare(op, input, true)?;
        let Some(auth) = prepared.auth else {
            return Err(Error::new(ErrorKind::InvalidInput, RequestError::new("the operation is not signed"))
                .with_operation(op.name));
        };
        if auth.name != "sigv4" {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                RequestError::new(format!(
                    "a presigned POST is signed with SigV4, but this endpoint needs {}",
                    auth.name
                )),
            )
            .with_operation(op.name));
        }
        let credentials =
            self.inner.session.credentials_async().await.map_err(|e| Error::from(e).with_operation(op.name))?;
        let fields = sign_post(
            &credentials,
            &auth.signing_region,
            &auth.signing_name,
            DateTime::from(SystemTime::now()),
            expires_in,
            fields,
            conditions,
        );
        Ok(PresignedPost { url: format!("{}{}", prepared.origin, prepared.target), fields })
    }
}
