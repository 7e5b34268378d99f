//! Others through resources.
