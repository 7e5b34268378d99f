//! SQS message checksums: the MD5 digests SQS answers with (`MD5OfMessageBody`, `MD5OfBody`,
//! `MD5OfMessageAttributes`) are checked against the messages sent or received, and a mismatch is
//! an error naming the message and the checksum.
//!
//! botocore has no such handler; the AWS SDKs for Java (`MessageMD5ChecksumHandler`) and Go check
//! these by default, and SQS documents the attribute digest ("Calculating the MD5 message digest
//! for message attributes"). The checks follow the Java SDK's: `SendMessage` and each successful
//! `SendMessageBatch` entry against what was sent, each received message against itself; the
//! attribute digest only when there are attributes. A digest SQS did not send is not checked.
//! MD5 is the runtime's own (`protocol::checksum`), also used for `Content-MD5`.

use super::str_member;
use crate::protocol::checksum::{md5, Md5};
use crate::protocol::ResponseError;
use crate::schema::Operation;
use crate::shape::{MapValue, Shape, Value, ValueRef};
use crate::{Error, ErrorKind};

pub(crate) fn verify(op: &'static Operation, input: &dyn Shape, output: &dyn Shape, status: u16) -> Result<(), Error> {
    let fail =
        |reason: String| Error::new(ErrorKind::Response, ResponseError::new(status, reason)).with_operation(op.name);
    match op.name {
        "SendMessage" => {
            let id = str_member(output, "MessageId").unwrap_or("?");
            check_sent(input, output, &format!("message {id}")).map_err(fail)
        }
        "SendMessageBatch" => {
            let sent = list_shapes(input, "Entries");
            for result in list_shapes(output, "Successful") {
                let entry_id = str_member(result, "Id");
                let Some(entry) = sent.iter().find(|e| str_member(**e, "Id") == entry_id) else { continue };
                let what = format!(
                    "batch entry {} (message {})",
                    entry_id.unwrap_or("?"),
                    str_member(result, "MessageId").unwrap_or("?")
                );
                check_sent(*entry, result, &what).map_err(fail)?;
            }
            Ok(())
        }
        "ReceiveMessage" => {
            for message in list_shapes(output, "Messages") {
                let what = format!("message {}", str_member(message, "MessageId").unwrap_or("?"));
                let body = str_member(message, "Body").unwrap_or("");
                check(str_member(message, "MD5OfBody"), &md5_hex(body.as_bytes()), "MD5OfBody", &what).map_err(fail)?;
                if let Some(digest) = attributes_md5(message, "MessageAttributes") {
                    check(str_member(message, "MD5OfMessageAttributes"), &digest, "MD5OfMessageAttributes", &what)
                        .map_err(fail)?;
                }
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Checks one sent message (`MessageBody`, `MessageAttributes` of `sent`) against its result.
fn check_sent(sent: &dyn Shape, result: &dyn Shape, what: &str) -> Result<(), String> {
    let body = str_member(sent, "MessageBody").unwrap_or("");
    check(str_member(result, "MD5OfMessageBody"), &md5_hex(body.as_bytes()), "MD5OfMessageBody", what)?;
    if let Some(digest) = attributes_md5(sent, "MessageAttributes") {
        check(str_member(result, "MD5OfMessageAttributes"), &digest, "MD5OfMessageAttributes", what)?;
    }
    Ok(())
}

fn check(returned: Option<&str>, computed: &str, checksum: &str, what: &str) -> Result<(), String> {
    match returned {
        Some(returned) if !returned.eq_ignore_ascii_case(computed) => Err(format!(
            "the {checksum} of {what} is {returned:?}, but the message hashes to {computed:?}: \
             the message was changed or corrupted on the way"
        )),
        _ => Ok(()),
    }
}

fn md5_hex(data: &[u8]) -> String {
    crate::auth::hex(&md5(data))
}

/// The elements of the list member `name` that are structures.
fn list_shapes<'a>(shape: &'a dyn Shape, name: &str) -> Vec<&'a dyn Shape> {
    let Some((i, _)) = shape.schema().member(name) else { return Vec::new() };
    let Some(ValueRef::List(list)) = shape.field(i).and_then(Value::get) else { return Vec::new() };
    (0..list.len())
        .filter_map(|j| match list.item(j).and_then(Value::get) {
            Some(ValueRef::Shape(item)) => Some(item),
            _ => None,
        })
        .collect()
}

/// The digest SQS computes over message attributes, in lower-case hex; `None` without attributes.
///
/// Attributes are taken in order of name; each adds its name, its data type, one byte for how the
/// value travels (1 a string, 2 binary, and as the Java SDK does, 3 and 4 for the reserved string
/// and binary lists) and the value, every string and value preceded by its length in 4 bytes,
/// big-endian.
fn attributes_md5(shape: &dyn Shape, name: &str) -> Option<String> {
    let (i, _) = shape.schema().member(name)?;
    let ValueRef::Map(map) = shape.field(i)?.get()? else { return None };
    if map.is_empty() {
        return None;
    }
    Some(crate::auth::hex(&attributes_digest(map)))
}

fn attributes_digest(map: &dyn MapValue) -> [u8; 16] {
    let mut entries: Vec<(&str, &dyn Value)> = (0..map.len()).filter_map(|i| map.entry(i)).collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    let mut h = Md5::new();
    let put = |h: &mut Md5, bytes: &[u8]| {
        // Attribute parts are far below 4 GiB (SQS caps a message at 1 MiB).
        h.update(&(bytes.len() as u32).to_be_bytes());
        h.update(bytes);
    };
    for (name, value) in entries {
        let Some(ValueRef::Shape(attribute)) = value.get() else { continue };
        put(&mut h, name.as_bytes());
        put(&mut h, str_member(attribute, "DataType").unwrap_or("").as_bytes());
        let member = |n: &str| attribute.schema().member(n).and_then(|(i, _)| attribute.field(i)).and_then(Value::get);
        if let Some(ValueRef::Str(text)) = member("StringValue") {
            h.update(&[1]);
            put(&mut h, text.as_bytes());
        } else if let Some(ValueRef::Blob(bytes)) = member("BinaryValue") {
            h.update(&[2]);
            put(&mut h, bytes);
        } else if let Some(ValueRef::List(list)) = member("StringListValues").filter(non_empty) {
            h.update(&[3]);
            for j in 0..list.len() {
                if let Some(ValueRef::Str(text)) = list.item(j).and_then(Value::get) {
                    put(&mut h, text.as_bytes());
                }
            }
        } else if let Some(ValueRef::List(list)) = member("BinaryListValues").filter(non_empty) {
            h.update(&[4]);
            for j in 0..list.len() {
                if let Some(ValueRef::Blob(bytes)) = list.item(j).and_then(Value::get) {
                    put(&mut h, bytes);
                }
            }
        }
    }
    h.finish()
}

fn non_empty(value: &ValueRef<'_>) -> bool {
    matches!(value, ValueRef::List(list) if !list.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_digest_is_plain_md5() {
        // Python: hashlib.md5(b"hello").hexdigest()
        assert_eq!(md5_hex(b"hello"), "5d41402abc4b2a76b9719d911017c592");
    }

    #[test]
    fn mismatches_name_the_checksum_and_the_message() {
        let err = check(Some("00"), "5d41402abc4b2a76b9719d911017c592", "MD5OfMessageBody", "message m-1").unwrap_err();
        assert!(err.contains("MD5OfMessageBody of message m-1"), "{err}");
        assert!(check(None, "5d41", "MD5OfMessageBody", "m").is_ok(), "an absent digest is not checked");
        assert!(check(Some("5D41"), "5d41", "MD5OfMessageBody", "m").is_ok());
    }
}
