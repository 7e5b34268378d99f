//! [`resource_class!`](crate::resource_class): what every generated resource class shares,
//! written once here instead of some sixty lines per class in the generated files.

/// Implements `Debug` and [`IsResource`](crate::resource::IsResource) for a generated resource
/// class (a tuple struct around a [`Resource`](crate::resource::Resource) of its data) and gives
/// it the methods every class has, in a generated `resources/<x>.rs` file, whose
/// `super::super::Client` is the service's client (a path relative to the call, as
/// [`operation_type!`](crate::operation_type) does):
///
/// ```text
/// resource_class!(Bucket(t::Unit), BUCKET);
/// resource_class!(BucketAcl(t::GetBucketAclOutput), BUCKET_ACL, load);
/// ```
///
/// `load` adds the methods of a class that can load its attributes (`load`, `reload`, `data`,
/// their blocking forms and `loaded`). The generated `impl` block holds the constructor, the
/// identifiers, the attributes, actions, references and collections.
#[macro_export]
macro_rules! resource_class {
    ($ty:ident($data:ty), $spec:path $(, $load:ident)?) => {
        // The class name and identifiers, once (a derive would print the name twice).
        impl ::core::fmt::Debug for $ty {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Debug::fmt(&self.0, f)
            }
        }
        impl $crate::resource::IsResource for $ty {
            type Data = $data;
            const SPEC: &'static $crate::resource::ResourceSpec = &$spec;
            #[inline]
            fn from_resource(resource: $crate::resource::Resource<$data>) -> Self {
                $ty(resource)
            }
            #[inline]
            fn resource(&self) -> &$crate::resource::Resource<$data> {
                &self.0
            }
        }
        impl $ty {
            /// The client this resource calls through (boto3's `meta.client`).
            #[inline]
            pub fn client(&self) -> super::super::Client {
                super::super::Client::from_handle(self.0.client().clone())
            }
            $($crate::__resource_load!($load $data);)?
        }
    };
}

/// The methods of a resource class that loads its attributes (see
/// [`resource_class!`](crate::resource_class)).
#[doc(hidden)]
#[macro_export]
macro_rules! __resource_load {
    (load $data:ty) => {
        /// Loads the attributes unless they are loaded already (one request at most).
        #[inline]
        pub fn load(&self) -> $crate::client::BoxFuture<'_, ::core::result::Result<(), $crate::Error>> {
            ::std::boxed::Box::pin(self.0.load())
        }
        /// Loads the attributes again (boto3's `reload()`).
        #[inline]
        pub fn reload(&self) -> $crate::client::BoxFuture<'_, ::core::result::Result<(), $crate::Error>> {
            ::std::boxed::Box::pin(self.0.reload())
        }
        /// Every attribute at once, loaded first when needed.
        #[inline]
        pub fn data(
            &self,
        ) -> $crate::client::BoxFuture<'_, ::core::result::Result<::std::sync::Arc<$data>, $crate::Error>> {
            ::std::boxed::Box::pin(self.0.data())
        }
        /// [`data`](Self::data) without an async runtime: `obj.data_blocking()?.content_length`.
        #[inline]
        pub fn data_blocking(&self) -> ::core::result::Result<::std::sync::Arc<$data>, $crate::Error> {
            self.0.data_blocking()
        }
        /// [`reload`](Self::reload) without an async runtime.
        #[inline]
        pub fn reload_blocking(&self) -> ::core::result::Result<(), $crate::Error> {
            self.0.reload_blocking()
        }
        /// The attributes if they are loaded; never makes a request.
        #[inline]
        pub fn loaded(&self) -> ::core::option::Option<::std::sync::Arc<$data>> {
            self.0.loaded()
        }
    };
}
