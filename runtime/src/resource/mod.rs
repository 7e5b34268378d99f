//! boto3's resource layer: resources with identifiers and lazily loaded attributes, actions,
//! references, sub-resources, collections and batch actions.
//!
//! Generated crates hold the data of `resources-1.json` as statics ([`ResourceSpec`],
//! [`ActionSpec`], [`CollectionSpec`], [`BatchSpec`]: parameter targets and sources, identifier
//! sources, JMESPath paths) and one thin struct per resource class around [`Resource`]. Every rule
//! of boto3's (how parameters are built from identifiers, data and constants, how a response
//! becomes resources, how a collection pages and a batch action splits) is here, once.
//!
//! Resources are cheap to clone and `Send + Sync`; clones share the loaded data. A resource loads
//! its data at most once, on the first attribute read (or [`Resource::load`]), until
//! [`Resource::reload`].

mod action;
mod bind;
mod class_macro;
mod collection;

#[cfg(test)]
mod tests;

use core::fmt;
use core::future::Future;
use core::pin::Pin;
use std::sync::{Arc, Mutex};

pub use action::{Action, ActionSpec, Finish, Many, One, Output, Returns};
pub use bind::{Param, ResourceRef, Source};
pub use collection::{BatchAction, BatchSpec, Collection, CollectionItems, CollectionPages, CollectionSpec};

use crate::client::{BoxFuture, Call, ClientHandle};
use crate::error::ErrorKind;
use crate::http::block_on;
use crate::jmespath::{Expression, Val};
use crate::protocol::{deserialize_error, NoErrors, OperationErrors};
use crate::schema::Operation;
use crate::shape::Shape;
use crate::types::Document;
use crate::{Error, Map};
use bind::{apply, bind, bind_error, resources_from, typed, Scope};

/// One resource class of `resources-1.json`.
#[derive(Debug)]
pub struct ResourceSpec {
    /// The class name (`Object`, `ServiceResource`).
    pub name: &'static str,
    /// The identifier names, in model order.
    pub identifiers: &'static [&'static str],
    /// How the class loads its data, when it can.
    pub load: Option<LoadSpec>,
}

/// A resource's `load` action: the operation, its parameters, and where the data is in its output.
pub struct LoadSpec {
    pub operation: &'static Operation,
    /// A default input of the operation.
    pub input: fn() -> Box<dyn Shape>,
    /// A default output of the operation.
    pub output: fn() -> Box<dyn Shape>,
    pub params: &'static [Param],
    /// A JMESPath expression over the output (`@` for the whole output).
    pub path: &'static str,
    /// For loads boto3 writes by hand (`s3.Bucket`): a list in the output and the member of its
    /// elements that holds the first identifier. The matching element is the data; none matching
    /// gives empty data, as boto3's `bucket_load` does.
    pub select: Option<(&'static str, &'static str)>,
}

impl fmt::Debug for LoadSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadSpec").field("operation", &self.operation.name).field("path", &self.path).finish()
    }
}

/// A boxed default value, for [`LoadSpec::input`] and [`LoadSpec::output`].
pub fn new_shape<T: Shape + Default + 'static>() -> Box<dyn Shape> {
    Box::new(T::default())
}

/// A generated resource class: its data type, its static description and its wrapper.
pub trait IsResource: Sized + Send + Sync + 'static {
    /// The resource's shape (the data attributes are read from); `Unit` when it has none.
    type Data: Shape + Default + 'static;
    /// The class's static description.
    const SPEC: &'static ResourceSpec;
    /// Wraps a runtime resource.
    fn from_resource(resource: Resource<Self::Data>) -> Self;
    /// The runtime resource inside.
    fn resource(&self) -> &Resource<Self::Data>;
}

/// A generated operation builder, seen as the [`Call`] it wraps: the client's
/// [`OperationType`](crate::client::OperationType), under the name the resource layer uses.
pub use crate::client::OperationType as Builder;

/// A resource: a client, identifiers and (once loaded) data of type `S`.
pub struct Resource<S> {
    inner: Arc<Inner<S>>,
}

impl<S> Clone for Resource<S> {
    fn clone(&self) -> Self {
        Resource { inner: Arc::clone(&self.inner) }
    }
}

struct Inner<S> {
    client: ClientHandle,
    spec: &'static ResourceSpec,
    ids: Vec<String>,
    data: Mutex<Option<Arc<S>>>,
    /// Held while loading, so that concurrent first reads make one request, not one each.
    loading: tokio::sync::Mutex<()>,
}

impl<S> fmt::Debug for Resource<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        debug_resource(self.inner.spec, &self.inner.ids, f)
    }
}

/// A resource's `Debug`: its class and identifiers, compiled once rather than per class.
fn debug_resource(spec: &ResourceSpec, ids: &[String], f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let mut s = f.debug_struct(spec.name);
    for (name, value) in spec.identifiers.iter().zip(ids) {
        s.field(name, value);
    }
    s.finish_non_exhaustive()
}

impl<S: Shape + Default + 'static> Resource<S> {
    /// A resource of class `spec` with these identifiers (in the class's order) and, when a
    /// response carried it, its data.
    pub fn new(client: &ClientHandle, spec: &'static ResourceSpec, ids: Vec<String>, data: Option<S>) -> Self {
        Resource {
            inner: Arc::new(Inner {
                client: client.clone(),
                spec,
                ids,
                data: Mutex::new(data.map(Arc::new)),
                loading: tokio::sync::Mutex::new(()),
            }),
        }
    }

    /// A resource of `spec` under the same client as this one.
    pub fn child<T: IsResource>(&self, ids: Vec<String>) -> T {
        T::from_resource(Resource::new(&self.inner.client, T::SPEC, ids, None))
    }

    /// The client the resource calls through (boto3's `meta.client`).
    pub fn client(&self) -> &ClientHandle {
        &self.inner.client
    }

    /// The class description.
    pub fn spec(&self) -> &'static ResourceSpec {
        self.inner.spec
    }

    /// Identifier `i`, in the class's order.
    pub fn id(&self, i: usize) -> &str {
        self.inner.ids.get(i).map(String::as_str).unwrap_or_default()
    }

    /// Every identifier, in the class's order.
    pub fn ids(&self) -> &[String] {
        &self.inner.ids
    }

    /// The data, when it is loaded (no request is made).
    pub fn loaded(&self) -> Option<Arc<S>> {
        self.inner.loaded()
    }

    /// The data, loading it first if it is not loaded yet.
    pub async fn data(&self) -> Result<Arc<S>, Error> {
        self.inner.data().await
    }

    /// Loads the data if it is not loaded yet (boto3's `load`, without the repeat request).
    pub async fn load(&self) -> Result<(), Error> {
        self.inner.data().await.map(drop)
    }

    /// Loads the data again, replacing what was loaded (boto3's `reload`).
    pub async fn reload(&self) -> Result<(), Error> {
        let _guard = self.inner.loading.lock().await;
        let fresh = self.inner.fetch().await?;
        *self.inner.slot() = Some(fresh);
        Ok(())
    }

    /// [`data`](Resource::data) without an async runtime.
    pub fn data_blocking(&self) -> Result<Arc<S>, Error> {
        let this = self.clone();
        block_on(async move { this.data().await }).map_err(Error::from)?
    }

    /// [`reload`](Resource::reload) without an async runtime.
    pub fn reload_blocking(&self) -> Result<(), Error> {
        let this = self.clone();
        block_on(async move { this.reload().await }).map_err(Error::from)?
    }

    /// An attribute: `read` applied to the data, loaded first when needed. Boxed so that a
    /// generated attribute method names one type (see [`BoxFuture`]).
    pub fn attr<'a, T>(&'a self, read: impl FnOnce(&S) -> T + Send + 'a) -> BoxFuture<'a, Result<T, Error>> {
        Box::pin(async move { Ok(read(&*self.inner.data().await?)) })
    }

    /// The resources a `has` entry that reads data (a reference) points at, loading the data
    /// first when needed.
    pub async fn references<T: IsResource>(&self, spec: &'static ResourceRef) -> Result<Vec<T>, Error> {
        let data = self.inner.data().await?;
        let scope = Scope {
            ids: &self.inner.ids,
            data: Some(&*data as &dyn Shape),
            response: Some(Val::of(&*data)),
            ..Scope::default()
        };
        make(&self.inner.client, spec, &scope)
    }

    /// The one resource a single-valued reference points at (`None` when the data lacks its
    /// identifiers).
    pub async fn reference<T: IsResource>(&self, spec: &'static ResourceRef) -> Result<Option<T>, Error> {
        Ok(self.references(spec).await?.into_iter().next())
    }

    /// An action of this resource, its parameters bound.
    #[inline]
    pub fn action<B: Builder, R>(&self, spec: &'static ActionSpec, op: &'static Operation) -> Action<B, R> {
        Action::new(self.parent(), spec, op)
    }

    /// A collection of this resource, its parameters bound.
    #[inline]
    pub fn collection<B, R>(&self, spec: &'static CollectionSpec, op: &'static Operation) -> Collection<B, R>
    where
        B: Builder,
        B::Input: Clone,
        R: IsResource,
    {
        Collection::new(self.parent(), spec, op)
    }

    /// A call of `op` with `params` bound from this resource's identifiers: what a resource
    /// waiter polls. Waiter parameters are identifiers into string members (the generator checks
    /// it), so binding cannot fail; were it to, the member stays unset and the service's answer
    /// says what is missing.
    pub fn waiter_call<I, O, E>(&self, params: &'static [Param], op: &'static Operation) -> Call<I, O, E>
    where
        I: Shape + Default + 'static,
        O: Shape + Default + 'static,
        E: OperationErrors,
    {
        let mut call = Call::new(&self.inner.client, op);
        let mut doc = Document::Object(Map::new());
        if bind(params, &Scope { ids: &self.inner.ids, ..Scope::default() }, None, &mut doc).is_ok() {
            let _ = apply(&doc, call.input_mut());
        }
        call
    }

    fn parent(&self) -> Arc<dyn Parent> {
        self.inner.clone()
    }
}

/// The resources `spec` describes in `scope`.
pub(crate) fn make<T: IsResource>(
    client: &ClientHandle,
    spec: &ResourceRef,
    scope: &Scope<'_>,
) -> Result<Vec<T>, Error> {
    resources_from(spec, scope)?
        .into_iter()
        .map(|(ids, data)| {
            let data = data.map(|d| typed::<T::Data>(&d)).transpose()?;
            Ok(T::from_resource(Resource::new(client, T::SPEC, ids, data)))
        })
        .collect()
}

impl<S: Shape + Default + 'static> Inner<S> {
    fn slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<S>>> {
        // The lock guards a plain swap; a panic elsewhere cannot leave it half-written.
        self.data.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn loaded(&self) -> Option<Arc<S>> {
        self.slot().clone()
    }

    async fn data(&self) -> Result<Arc<S>, Error> {
        if let Some(data) = self.loaded() {
            return Ok(data);
        }
        let _guard = self.loading.lock().await;
        // Another task may have loaded while this one waited.
        if let Some(data) = self.loaded() {
            return Ok(data);
        }
        let fresh = self.fetch().await?;
        *self.slot() = Some(fresh.clone());
        Ok(fresh)
    }

    async fn fetch(&self) -> Result<Arc<S>, Error> {
        let spec = self.spec;
        let Some(load) = &spec.load else {
            return Err(Error::new(
                ErrorKind::InvalidInput,
                format!("{} has no load action: its attributes come only from the response that made it", spec.name),
            ));
        };
        let mut doc = Document::Object(Map::new());
        bind(load.params, &Scope { ids: &self.ids, ..Scope::default() }, None, &mut doc)?;
        let mut input = (load.input)();
        apply(&doc, &mut *input)?;
        let mut output = (load.output)();
        self.client.invoke(load.operation, &mut *input, &mut *output, deserialize_error::<NoErrors>).await?;
        let found = if let Some((list, member)) = load.select {
            let id = self.ids.first().map(String::as_str).unwrap_or_default();
            let items = Val::of(&*output).field(list).to_document();
            let found = items
                .as_array()
                .into_iter()
                .flatten()
                .find(|item| item.get(member).and_then(|m| m.as_str()) == Some(id));
            found.cloned().unwrap_or_else(|| Document::Object(Map::new()))
        } else if load.path == "@" || load.path == "$" {
            Val::of(&*output).to_document()
        } else {
            let expr =
                Expression::parse(load.path).map_err(|e| bind_error(format!("load path {:?}: {e}", load.path)))?;
            let found = expr
                .search(Val::of(&*output))
                .map_err(|e| Error::new(ErrorKind::Response, e.message).with_operation(load.operation.name))?;
            found.to_document()
        };
        if found.is_null() {
            return Err(Error::new(
                ErrorKind::Response,
                format!(
                    "{} {:?}: the {} response has no data at {}",
                    spec.name, self.ids, load.operation.name, load.path
                ),
            )
            .with_operation(load.operation.name));
        }
        Ok(Arc::new(typed::<S>(&found)?))
    }
}

type DataFuture<'a> = Pin<Box<dyn Future<Output = Result<Arc<dyn Shape>, Error>> + Send + 'a>>;

/// A resource with its data type erased: what actions and collections keep of their owner.
pub(crate) trait Parent: Send + Sync {
    fn client(&self) -> &ClientHandle;
    fn ids(&self) -> &[String];
    fn loaded_dyn(&self) -> Option<Arc<dyn Shape>>;
    fn data_dyn(&self) -> DataFuture<'_>;
}

impl<S: Shape + Default + 'static> Parent for Inner<S> {
    fn client(&self) -> &ClientHandle {
        &self.client
    }
    fn ids(&self) -> &[String] {
        &self.ids
    }
    fn loaded_dyn(&self) -> Option<Arc<dyn Shape>> {
        self.loaded().map(|d| d as Arc<dyn Shape>)
    }
    fn data_dyn(&self) -> DataFuture<'_> {
        Box::pin(async move { self.data().await.map(|d| d as Arc<dyn Shape>) })
    }
}

/// Whether any of `sources` reads the owner's data.
pub(crate) fn reads_data<'a>(sources: impl IntoIterator<Item = &'a Source>) -> bool {
    sources.into_iter().any(|s| matches!(s, Source::Data(_)))
}

/// One row of a generated crate's resource surface (boto3's names, for the conformance check).
#[derive(Debug)]
pub struct Surface {
    pub class: &'static str,
    pub identifiers: &'static [&'static str],
    pub attributes: &'static [&'static str],
    pub actions: &'static [&'static str],
    pub batch_actions: &'static [&'static str],
    pub references: &'static [&'static str],
    pub subresources: &'static [&'static str],
    pub collections: &'static [&'static str],
    pub waiters: &'static [&'static str],
}
