pub mod presigned_post;
pub mod transfer;
mod transfer_resources;
mod transfer_store;
pub use tucuxi::auth::post_policy::{PostCondition, PresignedPost};
pub use tucuxi::transfer::{ExtraArgs, TransferConfig};
