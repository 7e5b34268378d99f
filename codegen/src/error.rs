//! Errors about models: every one names the file, the JSON pointer and what was expected.

use std::fmt;

/// One problem found in a model file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelError {
    /// The file as the user knows it (`models/s3/service-2.json`).
    pub file: String,
    /// An RFC 6901 JSON pointer into the file (`/shapes/Foo/members/Bar/shape`), empty for the root.
    pub pointer: String,
    /// What is wrong and what was expected.
    pub message: String,
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}#{}: {}", self.file, self.pointer, self.message)
    }
}

impl std::error::Error for ModelError {}

/// Builds JSON pointers, escaping `~` and `/` in segments as RFC 6901 requires.
pub fn pointer<S: AsRef<str>>(segments: &[S]) -> String {
    let mut out = String::new();
    for segment in segments {
        out.push('/');
        for c in segment.as_ref().chars() {
            match c {
                '~' => out.push_str("~0"),
                '/' => out.push_str("~1"),
                c => out.push(c),
            }
        }
    }
    out
}

/// Collects errors for one file so that validation reports every problem, not just the first.
pub struct Errors<'a> {
    file: &'a str,
    pub list: Vec<ModelError>,
}

impl<'a> Errors<'a> {
    pub fn new(file: &'a str) -> Self {
        Errors { file, list: Vec::new() }
    }
    /// Records a problem at the location given by `segments`.
    pub fn add<S: AsRef<str>>(&mut self, segments: &[S], message: impl Into<String>) {
        self.list.push(ModelError { file: self.file.to_owned(), pointer: pointer(segments), message: message.into() });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(pointer(&["shapes", "a/b~c", "members"]), "/shapes/a~1b~0c/members");
        assert_eq!(pointer::<&str>(&[]), "");
    }

    #[test]
    fn display_names_file_pointer_and_message() {
        let e = ModelError {
            file: "models/s3/service-2.json".into(),
            pointer: "/shapes/Foo/members/Bar/shape".into(),
            message: "unknown shape \"Baz\"".into(),
        };
        assert_eq!(e.to_string(), "models/s3/service-2.json#/shapes/Foo/members/Bar/shape: unknown shape \"Baz\"");
    }
}
