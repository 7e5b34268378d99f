//! What a builder's list and map setters accept: anything that iterates into the member's
//! elements, so an array, a `Vec`, a `HashMap`, a `BTreeMap` or an iterator all fit.
//!
//! Two blanket traits keep every generated setter one short line (`impl rt::Items<t::Tag>`)
//! instead of spelling out the iterator bounds per member, and the conversion is written once
//! here rather than once per member.

use crate::Map;

/// Elements for a list member: any `IntoIterator` whose items convert into `T`.
///
/// `.instance_ids(["i-1", "i-2"])`, `.tags(vec![tag])`, `.keys(iter)`. A setter *adds* to the
/// list, so `.tags([a]).tags([b])` holds both, as aws-sdk-rust's append setters do.
pub trait Items<T> {
    /// Appends the elements to `list` (a required member's `Vec`, or an optional one's
    /// `Option<Vec>`, which becomes `Some` even when no element is given, as `Tags=[]` in boto3).
    fn add_to(self, list: &mut impl Slot<Vec<T>>);
}

impl<T, I> Items<T> for I
where
    I: IntoIterator,
    I::Item: Into<T>,
{
    #[inline]
    fn add_to(self, list: &mut impl Slot<Vec<T>>) {
        list.slot().extend(self.into_iter().map(Into::into));
    }
}

/// A member field a setter adds to: the collection itself (required members) or its `Option`
/// (optional members, filled with an empty collection first). One generated line serves both.
pub trait Slot<C> {
    /// The collection, created if the member was unset.
    fn slot(&mut self) -> &mut C;
}

impl<T> Slot<Vec<T>> for Vec<T> {
    #[inline]
    fn slot(&mut self) -> &mut Vec<T> {
        self
    }
}

impl<T> Slot<Vec<T>> for Option<Vec<T>> {
    #[inline]
    fn slot(&mut self) -> &mut Vec<T> {
        self.get_or_insert_with(Vec::new)
    }
}

impl<K, V> Slot<Map<K, V>> for Map<K, V> {
    #[inline]
    fn slot(&mut self) -> &mut Map<K, V> {
        self
    }
}

impl<K, V> Slot<Map<K, V>> for Option<Map<K, V>> {
    #[inline]
    fn slot(&mut self) -> &mut Map<K, V> {
        self.get_or_insert_with(Map::default)
    }
}

/// Entries for a map member: any `IntoIterator` of `(key, value)` pairs whose parts convert
/// into `K` and `V`, a `HashMap` included.
///
/// `.item([("pk", AttributeValue::from(..))])`, `.item(hash_map)`. A setter *adds* to the map
/// (a key given again replaces its value), so `.item([a]).item([b])` holds both.
pub trait Entries<K, V> {
    /// Inserts the entries into `map`, in iteration order (an unset optional member becomes
    /// `Some`, even when no entry is given).
    fn add_to(self, map: &mut impl Slot<Map<K, V>>);
}

impl<K, V, I, IK, IV> Entries<K, V> for I
where
    I: IntoIterator<Item = (IK, IV)>,
    IK: Into<K>,
    IV: Into<V>,
    K: core::hash::Hash + Eq,
{
    #[inline]
    fn add_to(self, map: &mut impl Slot<Map<K, V>>) {
        map.slot().extend(self.into_iter().map(|(k, v)| (k.into(), v.into())));
    }
}

/// Appends one element to a list member: the body of a builder's `push_<member>(item)`.
#[inline]
pub fn push<T>(list: &mut impl Slot<Vec<T>>, item: impl Into<T>) {
    list.slot().push(item.into());
}

/// Inserts one entry into a map member (a key given again replaces its value, keeping its
/// position): the body of a builder's `insert_<member>(key, value)`.
#[inline]
pub fn insert<K: core::hash::Hash + Eq, V>(map: &mut impl Slot<Map<K, V>>, key: impl Into<K>, value: impl Into<V>) {
    map.slot().insert(key.into(), value.into());
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, HashMap};

    #[test]
    fn lists_take_arrays_vecs_and_iterators_and_append() {
        let mut list: Vec<String> = Vec::new();
        Items::add_to(["a", "b"], &mut list);
        Items::add_to(vec![String::from("c")], &mut list);
        Items::add_to((0..2).map(|i| format!("n{i}")), &mut list);
        assert_eq!(list, ["a", "b", "c", "n0", "n1"]);
    }

    #[test]
    fn maps_take_hash_maps_pairs_and_replace_a_repeated_key() {
        let mut map: Map<String, i32> = Map::new();
        Entries::add_to([("x", 1), ("y", 2)], &mut map);
        Entries::add_to(HashMap::from([(String::from("z"), 3)]), &mut map);
        Entries::add_to(BTreeMap::from([("x", 10)]), &mut map);
        // Insertion order is kept and a repeated key keeps its first position, as a Python dict.
        assert_eq!(map.into_iter().collect::<Vec<_>>(), [("x".into(), 10), ("y".into(), 2), ("z".into(), 3)]);
    }

    #[test]
    fn single_entries_append_and_a_repeated_key_replaces() {
        let mut list: Option<Vec<String>> = None;
        push(&mut list, "a");
        Items::add_to(["b"], &mut list);
        push(&mut list, String::from("c"));
        assert_eq!(list, Some(vec!["a".into(), "b".into(), "c".into()]));
        let mut map: Map<String, i32> = Map::new();
        insert(&mut map, "x", 1);
        insert(&mut map, "y", 2);
        insert(&mut map, "x", 3);
        assert_eq!(map.into_iter().collect::<Vec<_>>(), [("x".into(), 3), ("y".into(), 2)]);
    }

    #[test]
    fn an_unset_optional_member_becomes_some_even_when_empty() {
        let mut list: Option<Vec<String>> = None;
        Items::add_to(Vec::<String>::new(), &mut list);
        assert_eq!(list, Some(vec![]));
        let mut map: Option<Map<String, String>> = None;
        Entries::add_to([("k", "v")], &mut map);
        assert_eq!(map.map(|m| m.len()), Some(1));
    }
}
