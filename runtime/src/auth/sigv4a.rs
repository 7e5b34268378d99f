//! SigV4a, `AWS4-ECDSA-P256-SHA256`: the asymmetric variant of SigV4 used by multi-region
//! endpoints (S3 Multi-Region Access Points, some global services).
//!
//! The canonical request is the SigV4 one plus a signed `X-Amz-Region-Set`; the credential scope
//! drops the region. Instead of an HMAC, the string to sign is signed with ECDSA over P-256 and
//! SHA-256, with a private key derived deterministically from the secret access key, so that any
//! region can verify the signature with the public key alone.
//!
//! Signatures use deterministic nonces (RFC 6979): they are as valid as randomised ones, need no
//! random number generator, and make signing reproducible.

use core::fmt;

use p256::ecdsa::signature::Signer;

use super::canonical::{self, Algorithm};
use super::{hex, hmac_sha256, CanonicalRequest, SignableRequest, SigningError, SigningOutput, SigningParams};
use crate::credentials::Credentials;

/// The KDF label, which is also the algorithm name.
const LABEL: &[u8] = b"AWS4-ECDSA-P256-SHA256";

/// The order n of the P-256 group minus 2, big-endian. A candidate c is accepted when
/// c <= n - 2, so that the private key c + 1 lies in [1, n - 1].
const ORDER_MINUS_TWO: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, //
    0xbc, 0xe6, 0xfa, 0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x4f,
];

/// The largest counter the derivation tries. Each try fails with probability about 2^-32, so in
/// practice the first one always succeeds; the bound only guarantees termination.
const MAX_COUNTER: u8 = 254;

/// Builds the SigV4a canonical request. `params.region` is the region set.
pub fn canonical_request(
    request: &SignableRequest<'_>,
    params: &SigningParams<'_>,
) -> Result<CanonicalRequest, SigningError> {
    canonical::build(request, params, Algorithm::V4a)
}

/// Signs `request` for the region set `params.region` (e.g. `us-east-1,us-west-2` or `*`).
pub fn sign(request: &SignableRequest<'_>, params: &SigningParams<'_>) -> Result<SigningOutput, SigningError> {
    let canonical = canonical_request(request, params)?;
    let key = DerivedKey::derive(params.credentials)?;
    let signature = key.sign(canonical.string_to_sign().as_bytes());
    Ok(canonical.into_output(signature))
}

/// The ECDSA P-256 key pair derived from a set of credentials.
///
/// Deriving it costs an HMAC and a scalar check; callers that sign many requests with the same
/// credentials can keep one around. The private half never appears in `Debug`.
#[derive(Clone)]
pub struct DerivedKey {
    key: p256::ecdsa::SigningKey,
}

impl DerivedKey {
    /// Derives the key pair with the SigV4a key derivation: NIST SP 800-108 HMAC-SHA256 in
    /// counter mode, keyed with `"AWS4A" + secret key`, over the fixed input
    /// `0x00000001 || label || 0x00 || access key id || counter || 0x00000100` (the leading 1 is
    /// the KDF's block counter and the trailing value the output length in bits, 256). The
    /// counter byte starts at 1 and advances while the candidate exceeds n - 2; the private key
    /// is the candidate plus one.
    pub fn derive(credentials: &Credentials) -> Result<DerivedKey, SigningError> {
        let access_key_id = credentials.access_key_id().as_bytes();
        let secret = credentials.secret_access_key().as_bytes();
        if access_key_id.is_empty() || secret.is_empty() {
            return Err(SigningError::InvalidCredentials("the access key id or secret access key is empty"));
        }
        let mut input_key = Vec::with_capacity(5 + secret.len());
        input_key.extend_from_slice(b"AWS4A");
        input_key.extend_from_slice(secret);
        let mut fixed_input = Vec::with_capacity(4 + LABEL.len() + 1 + access_key_id.len() + 1 + 4);
        for counter in 1..=MAX_COUNTER {
            fixed_input.clear();
            fixed_input.extend_from_slice(&1u32.to_be_bytes());
            fixed_input.extend_from_slice(LABEL);
            fixed_input.push(0);
            fixed_input.extend_from_slice(access_key_id);
            fixed_input.push(counter);
            fixed_input.extend_from_slice(&256u32.to_be_bytes());
            let candidate = hmac_sha256(&input_key, &fixed_input);
            if !at_most(&candidate, &ORDER_MINUS_TWO) {
                continue;
            }
            let scalar = plus_one(candidate);
            // The scalar is in [1, n - 1] by construction, so this only fails on a logic error,
            // which surfaces as an error rather than a panic.
            let key = p256::ecdsa::SigningKey::from_bytes(&scalar.into()).map_err(|_| SigningError::KeyDerivation)?;
            return Ok(DerivedKey { key });
        }
        Err(SigningError::KeyDerivation)
    }

    /// The public key as the SEC1 uncompressed point `04 || X || Y` (65 bytes).
    pub fn public_key(&self) -> Vec<u8> {
        self.key.verifying_key().to_encoded_point(false).as_bytes().to_vec()
    }

    /// The hex DER encoding of the ECDSA signature of SHA-256(`message`).
    pub fn sign(&self, message: &[u8]) -> String {
        let signature: p256::ecdsa::Signature = self.key.sign(message);
        hex(signature.to_der().as_bytes())
    }
}

impl fmt::Debug for DerivedKey {
    /// Only the public half is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DerivedKey").field("public_key", &hex(&self.public_key())).finish_non_exhaustive()
    }
}

/// `a <= b` for equal-length big-endian integers, computed without data-dependent branches so
/// that the comparison does not leak the top bytes of the private key through timing.
fn at_most(a: &[u8; 32], b: &[u8; 32]) -> bool {
    // b - a borrows exactly when a > b.
    let mut borrow = 0u16;
    for (&x, &y) in a.iter().zip(b.iter()).rev() {
        let difference = u16::from(y).wrapping_sub(u16::from(x)).wrapping_sub(borrow);
        borrow = (difference >> 8) & 1;
    }
    borrow == 0
}

/// `value + 1`; the caller guarantees it does not overflow (value <= n - 2).
fn plus_one(mut value: [u8; 32]) -> [u8; 32] {
    let mut carry = 1u16;
    for byte in value.iter_mut().rev() {
        let sum = u16::from(*byte) + carry;
        *byte = sum as u8;
        carry = sum >> 8;
    }
    value
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use p256::ecdsa::signature::Verifier;

    use super::*;
    use crate::auth::{SignableBody, SigningSettings};
    use crate::types::DateTime;

    fn example_credentials() -> Credentials {
        Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY").with_provider("test")
    }

    #[test]
    fn derivation_matches_the_published_public_key() {
        // The public key published with the CRT signing suite for these example credentials.
        let key = DerivedKey::derive(&example_credentials()).unwrap();
        let expected = "04b6618f6a65740a99e650b33b6b4b5bd0d43b176d721a3edfea7e7d2d56d936b1\
                        865ed22a7eadc9c5cb9d2cbaca1b3699139fedc5043dc6661864218330c8e518";
        assert_eq!(hex(&key.public_key()), expected);
        assert!(!format!("{key:?}").contains("SigningKey"));
    }

    #[test]
    fn big_endian_helpers() {
        let mut small = [0u8; 32];
        small[31] = 1;
        assert!(at_most(&small, &ORDER_MINUS_TWO));
        assert!(at_most(&ORDER_MINUS_TWO, &ORDER_MINUS_TWO));
        let mut above = ORDER_MINUS_TWO;
        above[31] += 1;
        assert!(!at_most(&above, &ORDER_MINUS_TWO));
        assert!(!at_most(&[0xff; 32], &ORDER_MINUS_TWO));
        let mut carried = [0u8; 32];
        carried[31] = 0xff;
        carried[30] = 0xff;
        let mut expected = [0u8; 32];
        expected[29] = 1;
        assert_eq!(plus_one(carried), expected);
    }

    #[test]
    fn signs_headers_and_query_with_region_set() {
        let credentials = example_credentials();
        let request = SignableRequest {
            method: "GET",
            uri: "/",
            headers: &[("host", "example.amazonaws.com")],
            body: SignableBody::Bytes(b""),
        };
        let mut params = SigningParams {
            credentials: &credentials,
            region: "us-east-1,us-west-2",
            service: "s3",
            time: DateTime::from_secs(1_440_938_160),
            settings: SigningSettings::default(),
        };
        let canonical = canonical_request(&request, &params).unwrap();
        assert!(canonical.as_str().contains("\nx-amz-region-set:us-east-1,us-west-2\n"), "{canonical:?}");
        assert_eq!(canonical.scope(), "20150830/s3/aws4_request");
        let output = sign(&request, &params).unwrap();

        let key = DerivedKey::derive(&credentials).unwrap();
        let verifying = p256::ecdsa::VerifyingKey::from_sec1_bytes(&key.public_key()).unwrap();
        let der: Vec<u8> = (0..output.signature.len() / 2)
            .map(|i| u8::from_str_radix(&output.signature[2 * i..2 * i + 2], 16).unwrap())
            .collect();
        let signature = p256::ecdsa::DerSignature::try_from(der.as_slice()).unwrap();
        verifying.verify(canonical.string_to_sign().as_bytes(), &signature).unwrap();
        let authorization = &output.headers_to_add.last().unwrap().1;
        assert!(authorization.starts_with("AWS4-ECDSA-P256-SHA256 Credential=AKIDEXAMPLE/20150830/s3/aws4_request, "));

        params.settings = SigningSettings::default().presigned(Duration::from_secs(60));
        let output = sign(&request, &params).unwrap();
        let region_set = output.query_to_add.iter().find(|(name, _)| name == "X-Amz-Region-Set");
        assert_eq!(region_set.map(|(_, value)| value.as_str()), Some("us-east-1%2Cus-west-2"));

        params.region = "us east";
        assert_eq!(sign(&request, &params), Err(SigningError::InvalidRegion("us east".into())));
        let empty = Credentials::new("AKID", "").with_provider("test");
        assert!(DerivedKey::derive(&empty).is_err());
    }
}
