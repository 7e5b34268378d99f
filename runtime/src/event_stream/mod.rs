//! Event streams (`application/vnd.amazon.eventstream`) in responses: S3 `SelectObjectContent`,
//! Lambda `InvokeWithResponseStream`, Bedrock `ConverseStream`, Kinesis `SubscribeToShard`, ...
//!
//! An output member that targets an event-stream shape is an [`EventStream<T>`], `T` being the
//! generated event-stream type: one optional member per kind of event. Each
//! [`recv`](EventStream::recv) reads the response body just far enough to decode the next
//! message (see the `frame` module), so a long stream is never held whole. A message becomes a `T` with
//! exactly one member set, decoded through the schemas by the protocol's own codec; nothing is
//! generated per event type.
//!
//! Messages of an `:event-type` the model does not know are skipped, as botocore does, so a
//! service that adds an event kind does not break older clients. An `exception` or `error`
//! message ends the stream with a service error.
//!
//! Request-side event streams (bidirectional streaming over HTTP/2) are not supported: such
//! operations fail before sending with an `InvalidInput` error.

pub(crate) mod encode;
mod frame;
#[cfg(test)]
mod frame_tests;
#[cfg(test)]
mod tests;

use core::fmt;
use core::marker::PhantomData;

use http::HeaderMap;

pub(crate) use encode::{encode_events, initial_response};
pub use frame::{FrameDecoder, FrameError, HeaderValue, Message, MAX_HEADERS_LEN, MAX_MESSAGE_LEN};

use crate::error::{ServiceError, REQUEST_ID_HEADERS};
use crate::protocol::{Codec, ResponseError};
use crate::schema::{flags, Member, Operation, Protocol, Schema, Service};
use crate::shape::{Shape, Value, ValueMut, ValueRef};
use crate::stream::ByteStream;
use crate::types::{Blob, DateTime, Document};
use crate::{Error, ErrorKind};

/// The event stream of an operation's output: events of type `T` (the generated event-stream
/// type), read one at a time as they arrive.
///
/// ```no_run
/// # async fn f(mut payload: tucuxi::EventStream<tucuxi::shape::Unit>) -> Result<(), tucuxi::Error> {
/// while let Some(event) = payload.recv().await? {
///     // `event` has exactly one member set: the kind of event received.
/// #   let _ = event;
/// }
/// # Ok(()) }
/// ```
///
/// An exception sent in the stream ends it with an [`Error`] of kind `Service` whose code is the
/// exception's name; when the event-stream type models that exception, the decoded `T` is
/// attached and read with `error.modeled::<T>()`. A default `EventStream` holds no events.
pub struct EventStream<T> {
    receiver: EventReceiver,
    // `fn() -> T`: the stream hands out `T`s but holds none, so it is `Send + Sync` whatever `T`.
    event: PhantomData<fn() -> T>,
}

impl<T: Shape + Default + 'static> EventStream<T> {
    /// A stream of the messages in `body`, as a response of `service`'s protocol would carry
    /// them: for tests and mocks (build messages with [`Message::encode`]).
    pub fn from_body(protocol: Protocol, operation: &'static str, body: ByteStream) -> Self {
        let mut stream = Self::default();
        let context = StreamContext::new(Codec::of(protocol), operation, 200, &HeaderMap::new());
        stream.receiver.attach(body, context);
        stream
    }

    /// A stream that yields `events`, in order: the output of a stubbed call
    /// ([`Stubber::add_response`](crate::Stubber::add_response) lays them out as the service's
    /// protocol would, and the call's response path reads them back) or of a hand-made mock.
    /// Each member set on an event becomes one event, as one message on the wire.
    pub fn from_events(events: impl IntoIterator<Item = T>) -> Self {
        let mut stream = Self::default();
        stream.receiver.queued = events.into_iter().map(|e| Box::new(e) as Box<dyn Shape>).collect();
        stream
    }

    /// The next event, `Ok(None)` once the stream has ended. After an error the stream is over
    /// and further calls return `Ok(None)`.
    pub async fn recv(&mut self) -> Result<Option<T>, Error> {
        let mut event = T::default();
        match self.receiver.next_event(&mut event).await {
            Next::Event => Ok(Some(event)),
            Next::End => Ok(None),
            Next::Failed(error, true) => Err(error.with_modeled(Box::new(event))),
            Next::Failed(error, false) => Err(error),
        }
    }

    /// [`recv`](Self::recv) for code that is not async, on the runtime's blocking thread (see
    /// [`crate::http::block_on_body`]). Called on a thread inside a Tokio runtime it fails, and
    /// the stream is left as it was.
    pub fn recv_blocking(&mut self) -> Result<Option<T>, Error> {
        crate::http::inside_runtime()?;
        let mut moved = EventStream { receiver: self.receiver.take(), event: PhantomData };
        let (moved, result) = crate::http::block_on(async move {
            let result = moved.recv().await;
            (moved, result)
        })?;
        *self = moved;
        result
    }

    /// The events as a blocking iterator (each item is [`recv_blocking`](Self::recv_blocking)'s
    /// answer); it ends after the last event or the first error.
    pub fn into_blocking_iter(self) -> BlockingEvents<T> {
        BlockingEvents { stream: self, done: false }
    }

    /// The untyped receiver underneath, which the protocol layer fills.
    pub fn receiver_mut(&mut self) -> &mut EventReceiver {
        &mut self.receiver
    }
}

impl<T: Shape + Default + 'static> Default for EventStream<T> {
    fn default() -> Self {
        EventStream { receiver: EventReceiver::new(new_event::<T>), event: PhantomData }
    }
}

/// Shows the stream's state, never an event.
impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.receiver, f)
    }
}

impl<T: Shape + Default + 'static> Value for EventStream<T> {
    fn get(&self) -> Option<ValueRef<'_>> {
        Some(ValueRef::EventStream(&self.receiver))
    }
    fn get_mut(&mut self) -> ValueMut<'_> {
        ValueMut::EventStream(&mut self.receiver)
    }
}

/// The iterator of [`EventStream::into_blocking_iter`].
pub struct BlockingEvents<T> {
    stream: EventStream<T>,
    done: bool,
}

impl<T: Shape + Default + 'static> Iterator for BlockingEvents<T> {
    type Item = Result<T, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let item = self.stream.recv_blocking().transpose();
        self.done = !matches!(item, Some(Ok(_)));
        item
    }
}

impl<T> fmt::Debug for BlockingEvents<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingEvents").field("stream", &self.stream).finish()
    }
}

fn new_event<T: Shape + Default + 'static>() -> Box<dyn Shape> {
    Box::new(T::default())
}

/// The untyped half of an [`EventStream`]: the body, the frame decoder and what decoding needs
/// to know about the call. One copy of this code serves every event type.
pub struct EventReceiver {
    /// Makes an empty event of the stream's type, for callers that only see the receiver.
    new_event: fn() -> Box<dyn Shape>,
    /// `None` before a body is attached and after the stream ended.
    state: Option<Box<State>>,
    /// Events given by [`EventStream::from_events`] that no body carries yet: the `Stubber`
    /// takes them to encode its answer; read directly, they are encoded and read back as the
    /// first `recv` attaches them. Empty (no allocation) otherwise.
    queued: Vec<Box<dyn Shape>>,
}

struct State {
    body: ByteStream,
    decoder: FrameDecoder,
    context: StreamContext,
    /// A message read ahead (while looking for an `initial-response`), handed out first.
    pending: Option<Message>,
}

/// The codec that carries a hand-made stream's events through framing and back: JSON, which
/// every binary links anyway. A constant, so that no other codec is referenced from here.
const QUEUED_CODEC: &Codec = Codec::of(Protocol::Json);

/// What decoding and error reporting need to know about the call.
pub(crate) struct StreamContext {
    codec: &'static Codec,
    operation: &'static str,
    status: u16,
    request_id: Option<String>,
    extended_request_id: Option<String>,
}

impl StreamContext {
    pub(crate) fn new(codec: &'static Codec, operation: &'static str, status: u16, headers: &HeaderMap) -> Self {
        let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok()).map(str::to_owned);
        StreamContext {
            codec,
            operation,
            status,
            request_id: REQUEST_ID_HEADERS.iter().find_map(|h| header(h)),
            extended_request_id: header("x-amz-id-2"),
        }
    }

    fn bad(&self, reason: String) -> Error {
        Error::new(ErrorKind::Response, ResponseError::new(self.status, reason)).with_operation(self.operation)
    }

    fn service_error(&self, code: &str, message: Option<String>) -> Error {
        Error::service(ServiceError {
            status: self.status,
            code: Some(code.to_owned()),
            message,
            request_id: self.request_id.clone(),
            extended_request_id: self.extended_request_id.clone(),
            host: String::new(),
        })
        .with_operation(self.operation)
    }
}

/// What one step of the stream gave.
enum Next {
    Event,
    End,
    /// The stream failed; `true` when the event value holds the decoded (modeled) exception.
    Failed(Error, bool),
}

impl EventReceiver {
    fn new(new_event: fn() -> Box<dyn Shape>) -> Self {
        EventReceiver { new_event, state: None, queued: Vec::new() }
    }

    fn take(&mut self) -> Self {
        EventReceiver { new_event: self.new_event, state: self.state.take(), queued: core::mem::take(&mut self.queued) }
    }

    /// Makes `body` the stream's source.
    pub(crate) fn attach(&mut self, body: ByteStream, context: StreamContext) {
        self.state = Some(Box::new(State { body, decoder: FrameDecoder::new(), context, pending: None }));
    }

    /// True while events may still come.
    pub fn is_open(&self) -> bool {
        self.state.is_some() || !self.queued.is_empty()
    }

    /// The events given to [`EventStream::from_events`] and not yet read.
    pub(crate) fn take_events(&mut self) -> Vec<Box<dyn Shape>> {
        core::mem::take(&mut self.queued)
    }

    /// The next event as a boxed value of the stream's type, for code that does not know the
    /// type (the conformance harness); `Ok(None)` at the end.
    pub async fn next_dyn(&mut self) -> Result<Option<Box<dyn Shape>>, Error> {
        let mut event = (self.new_event)();
        match self.next_event(&mut *event).await {
            Next::Event => Ok(Some(event)),
            Next::End => Ok(None),
            Next::Failed(error, _) => Err(error),
        }
    }

    async fn next_event(&mut self, event: &mut dyn Shape) -> Next {
        if self.state.is_none() && !self.queued.is_empty() {
            // Through the same framing and codec as a response, so a hand-made stream behaves
            // as a received one; JSON is as good a codec as any for a round trip.
            let context = StreamContext::new(QUEUED_CODEC, "EventStream", 200, &HeaderMap::new());
            match encode_events(QUEUED_CODEC, &self.take_events()) {
                Ok(body) => self.attach(ByteStream::from(body), context),
                Err(reason) => return Next::Failed(context.bad(reason), false),
            }
        }
        let Some(state) = self.state.as_deref_mut() else { return Next::End };
        let next = loop {
            let message = match state.next_message().await {
                Ok(Some(message)) => message,
                Ok(None) => break Next::End,
                Err(error) => break Next::Failed(error, false),
            };
            match decode_message(&state.context, &message, event) {
                Ok(true) => break Next::Event,
                Ok(false) => continue,
                Err(failed) => break failed,
            }
        };
        if !matches!(next, Next::Event) {
            self.state = None;
        }
        next
    }
}

impl fmt::Debug for EventReceiver {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = f.debug_struct("EventStream");
        match &self.state {
            Some(state) => out.field("open", &true).field("buffered", &state.decoder.buffered()),
            None if !self.queued.is_empty() => out.field("open", &true).field("queued", &self.queued.len()),
            None => out.field("open", &false),
        };
        out.finish()
    }
}

impl State {
    /// The next message, reading the body only as far as it needs: the decoder never holds more
    /// than one (bounded) message plus the chunk that completed it.
    async fn next_message(&mut self) -> Result<Option<Message>, Error> {
        if let Some(message) = self.pending.take() {
            return Ok(Some(message));
        }
        loop {
            match self.decoder.next_message() {
                Ok(Some(message)) => return Ok(Some(message)),
                Ok(None) => {}
                Err(e) => return Err(self.context.bad(e.to_string())),
            }
            match self.body.next_chunk().await {
                Some(Ok(chunk)) => self.decoder.push(&chunk),
                Some(Err(e)) => return Err(Error::from(e).with_operation(self.context.operation)),
                None if self.decoder.buffered() == 0 => return Ok(None),
                None => {
                    let left = self.decoder.buffered();
                    return Err(self.context.bad(format!("the event stream ended inside a message ({left} bytes)")));
                }
            }
        }
    }
}

/// Decodes one message into `event`: `Ok(true)` when it set a member, `Ok(false)` when the
/// message was skipped (an event type the model does not know).
fn decode_message(context: &StreamContext, message: &Message, event: &mut dyn Shape) -> Result<bool, Next> {
    let bad = |reason: String| Next::Failed(context.bad(reason), false);
    match message.header_str(":message-type") {
        Some("error") => {
            let code = message.header_str(":error-code").unwrap_or("Unknown");
            let text = message.header_str(":error-message").map(str::to_owned);
            Err(Next::Failed(context.service_error(code, text), false))
        }
        Some("exception") => {
            let code = message.header_str(":exception-type").unwrap_or("Unknown");
            let mut text = None;
            let mut modeled = false;
            let schema = event.schema();
            if let Some((i, member)) = schema.member(code) {
                if let Some(field) = event.field_mut(i) {
                    if read_event(context.codec, member, field, message).is_ok() {
                        modeled = true;
                        text = event.field(i).and_then(message_member);
                    }
                }
            }
            let text = text.or_else(|| (context.codec.message)(&message.payload));
            Err(Next::Failed(context.service_error(code, text), modeled))
        }
        // botocore treats every other message (a missing type included) as an event.
        _ => {
            let Some(kind) = message.header_str(":event-type") else { return Ok(false) };
            let schema = event.schema();
            let Some((i, member)) = schema.member(kind) else { return Ok(false) };
            let Some(field) = event.field_mut(i) else { return Ok(false) };
            read_event(context.codec, member, field, message).map_err(|e| bad(format!("event {kind}: {e}")))?;
            Ok(true)
        }
    }
}

/// Fills the event member `member` of the event-stream value from `message`: header members
/// from the headers, the `eventpayload` member from the payload, and when there is no such
/// member the whole payload as the event structure.
fn read_event(codec: &'static Codec, member: &Member, field: &mut dyn Value, message: &Message) -> Result<(), String> {
    let schema = member.target;
    let ValueMut::Shape(shape) = field.get_mut() else {
        return Err(format!("{} is not a structure", schema.name));
    };
    let mut payload_member = false;
    for (j, m) in schema.members.iter().enumerate() {
        if m.has(flags::EVENT_HEADER) {
            let (Some(value), Some(field)) = (message.header(m.name), shape.field_mut(j)) else { continue };
            set_header(field, value).map_err(|()| format!("the header {:?} does not fit {}", m.name, m.target.name))?;
        } else if m.has(flags::EVENT_PAYLOAD) {
            payload_member = true;
            let Some(field) = shape.field_mut(j) else { continue };
            read_payload(codec, m, field, &message.payload)?;
        }
    }
    if !payload_member && !message.payload.is_empty() {
        decode(codec, &message.payload, shape, schema)?;
    }
    Ok(())
}

fn set_header(field: &mut dyn Value, value: &HeaderValue) -> Result<(), ()> {
    let int = match *value {
        HeaderValue::Byte(v) => Some(i64::from(v)),
        HeaderValue::Short(v) => Some(i64::from(v)),
        HeaderValue::Int(v) => Some(i64::from(v)),
        HeaderValue::Long(v) => Some(v),
        _ => None,
    };
    match (field.get_mut(), value) {
        (ValueMut::Bool(b), HeaderValue::Bool(v)) => *b = *v,
        (ValueMut::Byte(n), _) => *n = int.and_then(|v| v.try_into().ok()).ok_or(())?,
        (ValueMut::Short(n), _) => *n = int.and_then(|v| v.try_into().ok()).ok_or(())?,
        (ValueMut::Int(n), _) => *n = int.and_then(|v| v.try_into().ok()).ok_or(())?,
        (ValueMut::Long(n), _) => *n = int.ok_or(())?,
        (ValueMut::Str(s), HeaderValue::String(v)) => v.clone_into(s),
        (ValueMut::Str(s), HeaderValue::Uuid(v)) => *s = uuid_text(v),
        (ValueMut::Enum(e), HeaderValue::String(v)) => e.set_str(v),
        (ValueMut::Blob(b), HeaderValue::Bytes(v)) => *b = Blob::from(v.to_vec()),
        (ValueMut::Timestamp(t), HeaderValue::Timestamp(ms)) => *t = DateTime::from_millis(*ms),
        _ => return Err(()),
    }
    Ok(())
}

fn uuid_text(v: &[u8; 16]) -> String {
    let hex: String = v.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// The `eventpayload` member: blobs and strings raw, structures by the protocol's codec.
fn read_payload(codec: &'static Codec, member: &Member, field: &mut dyn Value, payload: &[u8]) -> Result<(), String> {
    let utf8 = || core::str::from_utf8(payload).map_err(|_| "the payload is not UTF-8".to_owned());
    match field.get_mut() {
        ValueMut::Blob(b) => *b = Blob::from(payload.to_vec()),
        ValueMut::Str(s) => utf8()?.clone_into(s),
        ValueMut::Enum(e) => e.set_str(utf8()?),
        ValueMut::Shape(shape) if !payload.is_empty() => decode(codec, payload, shape, member.target)?,
        ValueMut::Shape(_) => {}
        ValueMut::Document(d) if !payload.is_empty() => {
            *d = Document::from_json_slice(payload).map_err(|e| e.to_string())?;
        }
        _ => return Err(format!("{} cannot be an event payload", member.target.name)),
    }
    Ok(())
}

/// A structure from a payload, by the protocol's codec. (The root element of an XML payload
/// is the event's own; its name is not checked.)
fn decode(codec: &'static Codec, bytes: &[u8], shape: &mut dyn Shape, schema: &'static Schema) -> Result<(), String> {
    (codec.read_structure)(bytes, shape, schema).map_err(|e| e.to_string())
}

/// The `message` / `Message` member of a decoded exception.
fn message_member(value: &dyn Value) -> Option<String> {
    let Some(ValueRef::Shape(shape)) = value.get() else { return None };
    let schema = shape.schema();
    ["message", "Message"].iter().find_map(|name| {
        let (i, _) = schema.member(name)?;
        match shape.field(i)?.get()? {
            ValueRef::Str(s) => Some(s.to_owned()),
            _ => None,
        }
    })
}

/// Makes the body of a response whose output has an event-stream member that member's source;
/// hands the body back when the output has none.
pub(crate) fn attach_body(
    service: &'static Service,
    op: &'static Operation,
    status: u16,
    headers: &HeaderMap,
    body: ByteStream,
    output: &mut dyn Shape,
) -> Result<(), ByteStream> {
    let Some(i) = event_stream_member(op.output) else { return Err(body) };
    if let Some(field) = output.field_mut(i) {
        if let ValueMut::EventStream(receiver) = field.get_mut() {
            receiver.attach(body, StreamContext::new(service.codec, op.name, status, headers));
        }
    }
    Ok(())
}

/// The index of the output member that is an event stream.
pub(crate) fn event_stream_member(schema: &'static Schema) -> Option<usize> {
    schema.members.iter().position(|m| m.has(flags::EVENT_STREAM))
}

/// For RPC protocols (`json`, `rpc-v2-cbor`) the stream's first message may be an
/// `initial-response` event carrying the output's other members: this reads it into `output`
/// before the caller sees the output. Another first message is kept for the first `recv`.
/// Does nothing for REST protocols, whose other members come in the HTTP headers.
pub async fn read_initial_response(
    service: &'static Service,
    op: &'static Operation,
    output: &mut dyn Shape,
) -> Result<(), Error> {
    if !matches!(service.protocol, Protocol::Json | Protocol::RpcV2Cbor) {
        return Ok(());
    }
    let Some(i) = event_stream_member(op.output) else { return Ok(()) };
    let mut state = match output.field_mut(i).map(Value::get_mut) {
        Some(ValueMut::EventStream(receiver)) => match receiver.state.take() {
            Some(state) => state,
            None => return Ok(()),
        },
        _ => return Ok(()),
    };
    let first = state.next_message().await;
    let result = match first {
        Ok(Some(message))
            if message.header_str(":event-type") == Some("initial-response")
                && !matches!(message.header_str(":message-type"), Some("error" | "exception")) =>
        {
            if message.payload.is_empty() {
                Ok(())
            } else {
                decode(service.codec, &message.payload, output, op.output)
                    .map_err(|e| state.context.bad(format!("initial-response: {e}")))
            }
        }
        Ok(message) => {
            state.pending = message;
            Ok(())
        }
        Err(e) => Err(e),
    };
    if result.is_ok() {
        if let Some(ValueMut::EventStream(receiver)) = output.field_mut(i).map(Value::get_mut) {
            receiver.state = Some(state);
        }
    }
    result
}
