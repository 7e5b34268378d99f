//! The string functions of the rules-engine standard library that need more than a line:
//! `substring`, `uriEncode`, `isValidHostLabel`, `split` and `aws.isVirtualHostableS3Bucket`.
//! (`parseURL` and `aws.parseArn` have their own modules; the rest live in the interpreter.)

/// `substring(input, start, stop, reverse)`: the characters `start..stop`, counted from the end
/// when `reverse` is set. Empty when the input is not ASCII (so character and byte indices
/// agree), when `start >= stop`, or when the input is shorter than `stop`.
pub(crate) fn substring(input: &str, start: i64, stop: i64, reverse: bool) -> Option<&str> {
    if !input.is_ascii() || start < 0 || start >= stop {
        return None;
    }
    let (start, stop) = (usize::try_from(start).ok()?, usize::try_from(stop).ok()?);
    let len = input.len();
    if len < stop {
        return None;
    }
    if reverse {
        input.get(len - stop..len - start)
    } else {
        input.get(start..stop)
    }
}

/// `uriEncode(value)`: RFC 3986 percent-encoding of every byte except the unreserved
/// characters `A-Z a-z 0-9 - _ . ~`, with uppercase hex digits.
pub(crate) fn uri_encode(input: &str) -> String {
    crate::percent::encode(input.as_bytes())
}

/// `isValidHostLabel(value, allowSubDomains)`: whether `value` is an RFC 1123 host label
/// (1 to 63 ASCII letters, digits and hyphens, not starting or ending with a hyphen), or with
/// `allow_subdomains`, dot-separated labels that each are.
///
/// This is botocore's and the JavaScript SDK's reading; the AWS conformance tests are written
/// against it.
pub(crate) fn is_valid_host_label(value: &str, allow_subdomains: bool) -> bool {
    if allow_subdomains {
        value.split('.').all(is_single_host_label)
    } else {
        is_single_host_label(value)
    }
}

fn is_single_host_label(label: &str) -> bool {
    let bytes = label.as_bytes();
    (1..=63).contains(&bytes.len())
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
        && bytes.first() != Some(&b'-')
        && bytes.last() != Some(&b'-')
}

/// `aws.isVirtualHostableS3Bucket(value, allowSubDomains)`: whether a bucket name can be used
/// as a host label in a virtual-hosted-style URL: at least 3 characters, no uppercase letters,
/// not shaped like an IPv4 address, and a valid host label (or labels, with
/// `allow_subdomains`).
pub(crate) fn is_virtual_hostable_s3_bucket(value: &str, allow_subdomains: bool) -> bool {
    value.len() >= 3
        && !value.bytes().any(|b| b.is_ascii_uppercase())
        && !looks_like_ipv4(value)
        && is_valid_host_label(value, allow_subdomains)
}

/// Whether `s` is four dot-separated groups of one to three digits, the shape the AWS SDKs
/// treat as an IPv4 address (without checking that each group is at most 255).
pub(crate) fn looks_like_ipv4(s: &str) -> bool {
    let mut groups = 0;
    for group in s.split('.') {
        groups += 1;
        if groups > 4 || !(1..=3).contains(&group.len()) || !group.bytes().all(|b| b.is_ascii_digit()) {
            return false;
        }
    }
    groups == 4
}

/// `split(value, delimiter, limit)`: the parts of `value` between occurrences of `delimiter`.
/// A limit of 0 splits at every occurrence; a positive limit gives at most that many parts, the
/// last holding the unsplit rest. An empty input gives one empty part.
pub(crate) fn split<'s>(value: &'s str, delimiter: &str, limit: i64) -> Result<Vec<&'s str>, &'static str> {
    if delimiter.is_empty() {
        return Err("split: the delimiter must not be empty");
    }
    match limit {
        l if l < 0 => Err("split: the limit must not be negative"),
        0 => Ok(value.split(delimiter).collect()),
        // `splitn` with a huge limit is the same as no limit, so saturating is exact.
        l => Ok(value.splitn(usize::try_from(l).unwrap_or(usize::MAX), delimiter).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn substring_follows_the_specification() {
        assert_eq!(substring("abcdefg", 0, 4, false), Some("abcd"));
        assert_eq!(substring("abcdefg", 0, 4, true), Some("defg"));
        assert_eq!(substring("abcdefg", 1, 7, true), Some("abcdef"));
        assert_eq!(substring("abc", 0, 4, false), None);
        assert_eq!(substring("abc", 2, 2, false), None);
        assert_eq!(substring("abc", -1, 2, false), None);
        assert_eq!(substring("\u{e9}abcd", 0, 2, false), None);
    }

    #[test]
    fn uri_encode_keeps_only_unreserved_characters() {
        assert_eq!(uri_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(uri_encode("a b/c:d%"), "a%20b%2Fc%3Ad%25");
        assert_eq!(uri_encode("\u{e9}"), "%C3%A9");
    }

    #[test]
    fn host_labels() {
        assert!(is_valid_host_label("us-east-1", false));
        assert!(!is_valid_host_label("-abc", false));
        assert!(!is_valid_host_label("abc-", false));
        assert!(!is_valid_host_label("a.b", false));
        assert!(is_valid_host_label("a.b", true));
        assert!(!is_valid_host_label("a..b", true));
        assert!(!is_valid_host_label("", false));
        assert!(!is_valid_host_label(&"a".repeat(64), false));
        assert!(!is_valid_host_label("a b", false));
    }

    #[test]
    fn virtual_hostable_buckets() {
        assert!(is_virtual_hostable_s3_bucket("bucket-name", false));
        assert!(!is_virtual_hostable_s3_bucket("ab", false));
        assert!(!is_virtual_hostable_s3_bucket("Bucket", false));
        assert!(!is_virtual_hostable_s3_bucket("192.168.1.1", true));
        assert!(!is_virtual_hostable_s3_bucket("a.b.c", false));
        assert!(is_virtual_hostable_s3_bucket("a.b.c", true));
    }

    #[test]
    fn split_follows_the_specification() {
        assert_eq!(split("a--b--c", "--", 0), Ok(vec!["a", "b", "c"]));
        assert_eq!(split("a--b--c", "--", 2), Ok(vec!["a", "b--c"]));
        assert_eq!(split("--b--", "--", 0), Ok(vec!["", "b", ""]));
        assert_eq!(split("", "--", 0), Ok(vec![""]));
        assert_eq!(split("----", "--", 0), Ok(vec!["", "", ""]));
        assert_eq!(split("mybucket", "--", 1), Ok(vec!["mybucket"]));
        assert_eq!(split("--x-s3--azid--suffix", "--", 4), Ok(vec!["", "x-s3", "azid", "suffix"]));
        assert!(split("a", "", 0).is_err());
        assert!(split("a", "-", -1).is_err());
    }
}
