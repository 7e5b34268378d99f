//! `json` (DynamoDB, SQS) and `rest-json` (Lambda, the kitchen sink) responses and errors.
#![no_main]
#![allow(deprecated)] // the kitchen sink deprecates GetThing on purpose

use libfuzzer_sys::fuzz_target;
use tucuxi::protocol::{json, NoErrors};
use tucuxi::types::Document;
use tucuxi_fuzz::{direct, operations, Case};
use tucuxi_kitchensink::types::{Thing, THING};
use {tucuxi_dynamodb as ddb, tucuxi_kitchensink as ks, tucuxi_lambda as lambda, tucuxi_sqs as sqs};

fuzz_target!(|data: &[u8]| {
    let Some(case) = Case::split(data) else { return };
    operations!(&case;
        ddb::types::QueryOutput, ddb::errors::QueryError => ddb::SERVICE, ddb::operations::QUERY;
        ddb::types::ScanOutput, ddb::errors::ScanError => ddb::SERVICE, ddb::operations::SCAN;
        ddb::types::BatchGetItemOutput, ddb::errors::BatchGetItemError => ddb::SERVICE, ddb::operations::BATCH_GET_ITEM;
        sqs::types::ReceiveMessageResult, sqs::errors::ReceiveMessageError => sqs::SERVICE, sqs::operations::RECEIVE_MESSAGE;
        lambda::types::GetFunctionResponse, lambda::errors::GetFunctionError => lambda::SERVICE, lambda::operations::GET_FUNCTION;
        lambda::types::ListFunctionsResponse, lambda::errors::ListFunctionsError => lambda::SERVICE, lambda::operations::LIST_FUNCTIONS;
        lambda::types::InvocationResponse, lambda::errors::InvokeError => lambda::SERVICE, lambda::operations::INVOKE;
        ks::types::PutThingOutput, ks::errors::PutThingError => ks::SERVICE, ks::operations::PUT_THING;
        ks::types::GetThingOutput, NoErrors => ks::SERVICE, ks::operations::GET_THING;
    );
    // The codec on its own, on the schema with every kind of member.
    direct::<Thing, _>(|thing| json::from_json(case.body, thing, &THING));
    let _ = Document::from_json_slice(case.body);
});
