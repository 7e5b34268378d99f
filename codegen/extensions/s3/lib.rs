pub mod presigned_post;
pub mod transfer;
pub mod transfer_directory;
mod transfer_resources;
mod transfer_store;
pub use tucuxi::auth::post_policy::{PostCondition, PresignedPost};
pub use tucuxi::transfer::{ExtraArgs, TransferConfig};
