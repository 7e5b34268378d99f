//! EC2 through resources.
