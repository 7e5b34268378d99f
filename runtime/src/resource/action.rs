//! Actions: an operation with parameters bound from the resource, returning the operation's
//! output or the resources the model says the response describes.

use core::marker::PhantomData;
use std::sync::Arc;

use super::bind::{apply, bind, is_spread, spread, value_of, Scope};
use super::{make, reads_data, Builder, IsResource, Parent, ResourceRef};
use crate::client::{Call, ClientHandle};
use crate::error::ErrorKind;
use crate::http::block_on;
use crate::jmespath::Val;
use crate::schema::Operation;
use crate::shape::Shape;
use crate::types::Document;
use crate::{Error, Map};

use super::bind::Param;

/// One action of `resources-1.json`: its request parameters and, when it returns resources, how.
#[derive(Debug)]
pub struct ActionSpec {
    pub params: &'static [Param],
    pub resource: Option<ResourceRef>,
}

/// The action returns the operation's output.
pub struct Output;
/// The action returns one resource of class `T`.
pub struct One<T>(PhantomData<fn() -> T>);
/// The action returns resources of class `T`.
pub struct Many<T>(PhantomData<fn() -> T>);

/// What the response of an action becomes ([`Output`], [`One`] or [`Many`]).
pub trait Returns<O> {
    type Value;
    #[doc(hidden)]
    fn finish(output: O, finish: &Finish<'_>) -> Result<Self::Value, Error>;
}

/// What an action knows when its response arrives.
#[doc(hidden)]
pub struct Finish<'a> {
    client: &'a ClientHandle,
    spec: &'static ActionSpec,
    operation: &'static Operation,
    ids: &'a [String],
    data: Option<&'a dyn Shape>,
    request: &'a Document,
}

impl Finish<'_> {
    fn make<T: IsResource>(&self, response: &dyn Shape) -> Result<Vec<T>, Error> {
        let Some(spec) = &self.spec.resource else { return Ok(Vec::new()) };
        let scope = Scope {
            ids: self.ids,
            data: self.data,
            inputs: &[],
            request: Some(self.request),
            response: Some(Val::of(response)),
        };
        make(self.client, spec, &scope).map_err(|e| e.with_operation(self.operation.name))
    }
}

impl<O> Returns<O> for Output {
    type Value = O;
    fn finish(output: O, _: &Finish<'_>) -> Result<O, Error> {
        Ok(output)
    }
}

impl<O: Shape, T: IsResource> Returns<O> for One<T> {
    type Value = T;
    fn finish(output: O, finish: &Finish<'_>) -> Result<T, Error> {
        finish.make::<T>(&output)?.into_iter().next().ok_or_else(|| {
            Error::new(ErrorKind::Response, format!("the response carried no identifiers for a {}", T::SPEC.name))
                .with_operation(finish.operation.name)
        })
    }
}

impl<O: Shape, T: IsResource> Returns<O> for Many<T> {
    type Value = Vec<T>;
    fn finish(output: O, finish: &Finish<'_>) -> Result<Vec<T>, Error> {
        finish.make::<T>(&output)
    }
}

/// An action, its parameters bound from the resource: change the request with
/// [`set`](Action::set), then [`send`](Action::send).
///
/// Parameters from identifiers and constants are in the builder already, so `set` may override
/// them; parameters from the resource's data are bound when the action is sent (loading the data
/// if needed), except those the caller changed with `set`: as in boto3, whose keyword arguments
/// update the bound parameters, the caller wins. A parameter that runs over a list
/// (`MetricData[].MetricName`) is bound last, into every element the caller gave.
#[must_use = "an action does nothing until it is sent"]
pub struct Action<B, R = Output> {
    builder: B,
    parent: Arc<dyn Parent>,
    spec: &'static ActionSpec,
    error: Option<Error>,
    /// The request before the caller's `set`, for actions with data-bound parameters: a member
    /// that differs from it at send time was set by the caller.
    baseline: Option<Document>,
    _returns: PhantomData<fn() -> R>,
}

impl<B: Builder, R> Action<B, R> {
    pub(crate) fn new(parent: Arc<dyn Parent>, spec: &'static ActionSpec, op: &'static Operation) -> Self {
        let mut call: Call<B::Input, B::Output, B::Errors> = Call::new(parent.client(), op);
        let now: Vec<Param> =
            spec.params.iter().filter(|p| !reads_data([&p.source]) && !is_spread(p.target)).copied().collect();
        let mut doc = Document::Object(Map::new());
        let scope = Scope { ids: parent.ids(), ..Scope::default() };
        let error = bind(&now, &scope, None, &mut doc).and_then(|()| apply(&doc, call.input_mut())).err();
        let baseline = reads_data(spec.params.iter().map(|p| &p.source)).then(|| Val::of(call.input()).to_document());
        Action { builder: B::from_call(call), parent, spec, error, baseline, _returns: PhantomData }
    }

    /// Changes the request through the operation's builder (boto3's keyword arguments).
    pub fn set(mut self, change: impl FnOnce(B) -> B) -> Self {
        self.builder = change(self.builder);
        self
    }

    /// Sends the request; the answer is the operation's output, or the resources it describes.
    pub async fn send(self) -> Result<R::Value, Error>
    where
        R: Returns<B::Output>,
    {
        let Action { builder, parent, spec, error, baseline, .. } = self;
        let mut call = builder.into_call();
        let op = call.operation();
        if let Some(error) = error {
            return Err(error.with_operation(op.name));
        }
        let data = if reads_data(spec.params.iter().map(|p| &p.source)) {
            Some(parent.data_dyn().await?)
        } else {
            parent.loaded_dyn()
        };
        let later: Vec<Param> =
            spec.params.iter().filter(|p| reads_data([&p.source]) && !is_spread(p.target)).copied().collect();
        if !later.is_empty() {
            let mut doc = Document::Object(Map::new());
            let scope = Scope { ids: parent.ids(), data: data.as_deref(), ..Scope::default() };
            bind(&later, &scope, None, &mut doc)?;
            let current = Val::of(call.input()).to_document();
            if let (Some(bound), Some(before), Some(now)) =
                (doc.as_object_mut(), baseline.as_ref(), current.as_object())
            {
                let untouched = |key: &String| before.as_object().and_then(|b| b.get(key)) == now.get(key);
                bound.retain(|key, _| untouched(key));
            }
            apply(&doc, call.input_mut())?;
        }
        // Spread parameters go onto the caller's list elements, so they are bound last.
        for param in spec.params.iter().filter(|p| is_spread(p.target)) {
            let scope = Scope { ids: parent.ids(), data: data.as_deref(), ..Scope::default() };
            spread(call.input_mut(), param.target, &value_of(&param.source, &scope)?)?;
        }
        let request = match spec.resource {
            Some(_) => Val::of(call.input()).to_document(),
            None => Document::Null,
        };
        let output = call.send().await?;
        let finish = Finish {
            client: parent.client(),
            spec,
            operation: op,
            ids: parent.ids(),
            data: data.as_deref(),
            request: &request,
        };
        R::finish(output, &finish)
    }

    /// [`send`](Action::send) without an async runtime.
    pub fn send_blocking(self) -> Result<R::Value, Error>
    where
        B: Send + 'static,
        R: Returns<B::Output> + 'static,
        R::Value: Send + 'static,
    {
        block_on(self.send()).map_err(Error::from)?
    }
}
