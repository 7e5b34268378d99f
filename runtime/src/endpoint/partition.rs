//! The partition table behind `aws.partition`: which partition (`aws`, `aws-cn`,
//! `aws-us-gov`, ...) a region belongs to, and that partition's DNS suffixes and capabilities.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::eval::Val;
use super::regex::Regex;
use super::{pointer_push, EndpointError};
use crate::Document;

/// The table botocore ships, compiled in so that resolution needs no file at runtime. It is the
/// same file the code generator reads, so generated crates and the runtime agree on it.
const BUILTIN: &str = include_str!("../../../models/partitions.json");

/// The outputs of one partition, in table order, with `name` set to the partition's id.
type Outputs = Box<[(Box<str>, Val<'static>)]>;

/// A parsed partition table (`partitions.json`).
#[derive(Clone, Debug)]
pub struct Partitions {
    partitions: Vec<Partition>,
    /// Every explicitly listed region, mapped to an index into `outputs`.
    regions: HashMap<Box<str>, usize>,
    /// Partition outputs first (index = partition index), then any per-region variants.
    outputs: Vec<Outputs>,
    /// The partition used for a region nothing matches: `aws`, or else the first.
    fallback: Option<usize>,
}

#[derive(Clone, Debug)]
struct Partition {
    regex: Option<Regex>,
}

impl Partitions {
    /// The partition table compiled into the crate, parsed on first use.
    pub fn builtin() -> Result<&'static Partitions, EndpointError> {
        static TABLE: OnceLock<Result<Partitions, EndpointError>> = OnceLock::new();
        TABLE.get_or_init(|| Partitions::from_json(BUILTIN)).as_ref().map_err(Clone::clone)
    }

    /// Parses a partition table from its JSON text.
    pub fn from_json(text: &str) -> Result<Partitions, EndpointError> {
        let doc = Document::from_json(text)
            .map_err(|e| EndpointError::Invalid { pointer: String::new(), message: e.to_string() })?;
        Partitions::from_document(&doc)
    }

    /// Parses a partition table from an already parsed JSON document.
    pub fn from_document(doc: &Document) -> Result<Partitions, EndpointError> {
        let fail =
            |pointer: String, message: &str| Err(EndpointError::Invalid { pointer, message: message.to_owned() });
        let Some(list) = doc.get("partitions").and_then(Document::as_array) else {
            return fail("/partitions".into(), "expected an array of partitions");
        };
        let mut table = Partitions {
            partitions: Vec::with_capacity(list.len()),
            regions: HashMap::new(),
            outputs: Vec::with_capacity(list.len()),
            fallback: None,
        };
        let mut raw_outputs = Vec::with_capacity(list.len());
        let mut region_overrides = Vec::new();
        for (index, partition) in list.iter().enumerate() {
            let at = pointer_push("/partitions", &index.to_string());
            let Some(id) = partition.get("id").and_then(Document::as_str) else {
                return fail(pointer_push(&at, "id"), "expected a string");
            };
            let Some(outputs) = partition.get("outputs").and_then(Document::as_object) else {
                return fail(pointer_push(&at, "outputs"), "expected an object");
            };
            let members = outputs.iter().map(|(k, v)| (k.as_str(), v));
            table.outputs.push(convert_outputs(members, id, &pointer_push(&at, "outputs"))?);
            raw_outputs.push((id, outputs));
            let regex = match partition.get("regionRegex") {
                None | Some(Document::Null) => None,
                Some(Document::String(pattern)) => match Regex::new(pattern) {
                    Ok(regex) => Some(regex),
                    Err(message) => return fail(pointer_push(&at, "regionRegex"), &message),
                },
                Some(_) => return fail(pointer_push(&at, "regionRegex"), "expected a string"),
            };
            if let Some(regions) = partition.get("regions") {
                let Some(regions) = regions.as_object() else {
                    return fail(pointer_push(&at, "regions"), "expected an object");
                };
                for (region, entry) in regions {
                    // A region entry may override some of its partition's outputs; the
                    // `description` beside them is documentation, not an output.
                    let overrides: Vec<(&String, &Document)> = match entry.as_object() {
                        Some(map) => map.iter().filter(|(k, _)| *k != "description").collect(),
                        None => Vec::new(),
                    };
                    if overrides.is_empty() {
                        table.regions.entry(region.as_str().into()).or_insert(index);
                    } else {
                        let at = pointer_push(&pointer_push(&at, "regions"), region);
                        region_overrides.push((region.as_str(), index, overrides, at));
                    }
                }
            }
            if table.fallback.is_none() && id == "aws" {
                table.fallback = Some(index);
            }
            table.partitions.push(Partition { regex });
        }
        for (region, index, overrides, at) in region_overrides {
            let (id, base) = raw_outputs[index];
            let mut merged = base.clone();
            for (key, value) in overrides {
                merged.insert(key.clone(), value.clone());
            }
            let members = merged.iter().map(|(k, v)| (k.as_str(), v));
            table.outputs.push(convert_outputs(members, id, &at)?);
            let variant = table.outputs.len() - 1;
            table.regions.entry(region.into()).or_insert(variant);
        }
        if table.fallback.is_none() && !table.partitions.is_empty() {
            table.fallback = Some(0);
        }
        Ok(table)
    }

    /// The outputs for `region`: an explicitly listed region first, then the first partition
    /// whose `regionRegex` matches, then the fallback partition. `None` only for an empty table.
    pub(crate) fn lookup(&self, region: &str) -> Option<&[(Box<str>, Val<'static>)]> {
        let index = match self.regions.get(region) {
            Some(&index) => index,
            None => self
                .partitions
                .iter()
                .position(|p| p.regex.as_ref().is_some_and(|r| r.is_match(region)))
                .or(self.fallback)?,
        };
        self.outputs.get(index).map(|outputs| &**outputs)
    }

    /// The id of the partition `region` belongs to, by the same rules as `aws.partition`.
    pub fn partition_of(&self, region: &str) -> Option<&str> {
        self.output(region, "name")
    }

    /// A string output of the partition `region` belongs to (`dnsSuffix`,
    /// `dualStackDnsSuffix`, ...), by the same rules as `aws.partition`.
    pub fn output(&self, region: &str, key: &str) -> Option<&str> {
        let outputs = self.lookup(region)?;
        outputs.iter().find(|(k, _)| &**k == key).and_then(|(_, v)| match v {
            Val::Str(s) => Some(&**s),
            _ => None,
        })
    }
}

/// Converts an `outputs` object to evaluator values, with `name` forced to the partition id
/// (botocore does the same, so a table whose outputs omit `name` still works).
fn convert_outputs<'d>(
    members: impl Iterator<Item = (&'d str, &'d Document)>,
    id: &str,
    at: &str,
) -> Result<Outputs, EndpointError> {
    let mut outputs: Vec<(Box<str>, Val<'static>)> = Vec::new();
    for (key, value) in members {
        let value = match value {
            Document::String(s) => Val::str(s.clone()),
            Document::Bool(b) => Val::Bool(*b),
            Document::Null => continue,
            _ => {
                return Err(EndpointError::Invalid {
                    pointer: pointer_push(at, key),
                    message: "partition outputs must be strings or booleans".into(),
                })
            }
        };
        outputs.push((key.into(), value));
    }
    match outputs.iter_mut().find(|(k, _)| &**k == "name") {
        Some(entry) => entry.1 = Val::str(id.to_owned()),
        None => outputs.push(("name".into(), Val::str(id.to_owned()))),
    }
    Ok(outputs.into())
}
