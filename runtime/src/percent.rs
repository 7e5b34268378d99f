//! RFC 3986 percent-encoding, shared by the signer, the endpoint rules (`uriEncode`) and the
//! hand-built credential requests: one set of unreserved characters, one implementation.

/// Appends `bytes` with everything but the unreserved characters (`A-Z a-z 0-9 - _ . ~`, and `/`
/// when `keep_slash`) written as `%XX` with upper-case hex, as SigV4 and the rules engine require.
pub(crate) fn encode_into(out: &mut String, bytes: &[u8], keep_slash: bool) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in bytes {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') || (keep_slash && byte == b'/') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 0x0f)] as char);
        }
    }
}

/// `bytes` percent-encoded, `/` included.
pub(crate) fn encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    encode_into(&mut out, bytes, false);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_unreserved_characters_stay() {
        assert_eq!(super::encode(b"a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(super::encode("a b/c:d%\u{e9}".as_bytes()), "a%20b%2Fc%3Ad%25%C3%A9");
        let mut out = String::new();
        super::encode_into(&mut out, b"/a b/", true);
        assert_eq!(out, "/a%20b/");
    }
}
