//! The `serde` feature of a generated crate against JSON as boto3 prints a response with
//! `json.dumps(response, default=str)`: the model's member names, timestamps as Python's
//! `str(datetime)`, and (as the feature documents) blobs as base64 text where Python would print
//! `b'...'`. The fixtures are written by hand from botocore's documented shapes and examples,
//! never from tucuxi's output; boto3's `ResponseMetadata` is not part of a modeled output.

#[cfg(test)]
mod tests {
    use serde_json::Value as Json;
    use tucuxi_dynamodb::types::{DescribeTableOutput, GetItemOutput, KeyType, TableStatus};
    use tucuxi_dynamodb::DateTime;

    /// botocore's `examples-1.json` for DynamoDB `DescribeTable` ("To describe a table"), with
    /// `CreationDateTime` (1421866952.062) as boto3 returns it: an aware UTC datetime, printed
    /// by `default=str`.
    const DESCRIBE_TABLE: &str = r#"{
        "Table": {
            "AttributeDefinitions": [
                {"AttributeName": "Artist", "AttributeType": "S"},
                {"AttributeName": "SongTitle", "AttributeType": "S"}
            ],
            "CreationDateTime": "2015-01-21 19:02:32.062000+00:00",
            "ItemCount": 0,
            "KeySchema": [
                {"AttributeName": "Artist", "KeyType": "HASH"},
                {"AttributeName": "SongTitle", "KeyType": "RANGE"}
            ],
            "ProvisionedThroughput": {"NumberOfDecreasesToday": 1, "ReadCapacityUnits": 5, "WriteCapacityUnits": 5},
            "TableName": "Music",
            "TableSizeBytes": 0,
            "TableStatus": "ACTIVE"
        }
    }"#;

    /// A `GetItem` response holding every kind of `AttributeValue` botocore documents (S, N, B,
    /// SS, NS, BS, M, L, NULL, BOOL), with the consumed capacity (a double).
    const GET_ITEM: &str = r#"{
        "Item": {
            "Artist": {"S": "Acme Band"},
            "Plays": {"N": "1234567890123456789"},
            "Cover": {"B": "aGVsbG8="},
            "Tags": {"SS": ["rock", "live"]},
            "Years": {"NS": ["1999", "2001.5"]},
            "Blobs": {"BS": ["AQI=", "/w=="]},
            "Info": {"M": {"Label": {"S": "Acme"}, "Signed": {"BOOL": true}}},
            "Tracks": {"L": [{"S": "Intro"}, {"N": "2"}]},
            "Missing": {"NULL": true},
            "Live": {"BOOL": false}
        },
        "ConsumedCapacity": {"TableName": "Music", "CapacityUnits": 0.5}
    }"#;

    #[test]
    fn describe_table_reads_and_prints_as_boto3() {
        let out: DescribeTableOutput = serde_json::from_str(DESCRIBE_TABLE).unwrap();
        let table = out.table.as_ref().expect("Table");
        assert_eq!(table.table_status, Some(TableStatus::Active));
        assert_eq!(table.table_name.as_deref(), Some("Music"));
        assert_eq!(table.creation_date_time, Some(DateTime::from_millis(1_421_866_952_062)));
        let keys = table.key_schema.as_ref().expect("KeySchema");
        assert_eq!((keys[0].attribute_name.as_str(), &keys[1].key_type), ("Artist", &KeyType::Range));
        assert_eq!(table.provisioned_throughput.as_ref().and_then(|p| p.read_capacity_units), Some(5));

        let printed = serde_json::to_value(&out).unwrap();
        assert_eq!(printed, serde_json::from_str::<Json>(DESCRIBE_TABLE).unwrap());
    }

    #[test]
    fn get_item_reads_and_prints_every_attribute_value_kind() {
        let out: GetItemOutput = serde_json::from_str(GET_ITEM).unwrap();
        let item = out.item.as_ref().expect("Item");
        assert_eq!(item["Cover"].b.as_ref().map(|b| b.as_ref()), Some(&b"hello"[..]));
        // Numbers stay the exact text DynamoDB sent.
        assert_eq!(item["Plays"].n.as_deref(), Some("1234567890123456789"));
        assert_eq!(item["Blobs"].bs.as_ref().map(|v| v[1].as_ref().to_vec()), Some(vec![0xff]));
        assert_eq!(item["Missing"].null, Some(true));
        assert_eq!(out.consumed_capacity.as_ref().and_then(|c| c.capacity_units), Some(0.5));

        let printed = serde_json::to_value(&out).unwrap();
        assert_eq!(printed, serde_json::from_str::<Json>(GET_ITEM).unwrap());
        // The keys keep the response's order, as boto3's dicts do.
        let keys: Vec<&String> = printed["Item"].as_object().unwrap().keys().collect();
        assert_eq!(keys.first().map(|k| k.as_str()), Some("Artist"));
        assert_eq!(keys.last().map(|k| k.as_str()), Some("Live"));
    }

    #[test]
    fn unknown_members_and_bad_values_are_errors_naming_them() {
        let err = serde_json::from_str::<GetItemOutput>(r#"{"Itemz": {}}"#).unwrap_err();
        assert!(err.to_string().contains("Itemz"), "{err}");
        let err = serde_json::from_str::<DescribeTableOutput>(r#"{"Table": {"ItemCount": "many"}}"#).unwrap_err();
        assert!(err.to_string().contains("integer"), "{err}");
    }
}
