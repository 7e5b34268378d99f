#!/usr/bin/env python3
"""Builds fuzz/corpus/<target>/ from the hand-written seeds (and, when given, the conformance
suite's response bodies). Run from anywhere; the corpus is not committed.

    python3 fuzz/seed.py [CONFORMANCE_DIR]

A seed file `fuzz/seeds/<target>/<op>-<control>-<name>` holds a body, preceded by header lines
and an empty line when bit 0x10 of <control> (hex) is set; the fuzz input is the byte <op>, the
byte <control>, then the file. CBOR seeds are written from the Python values below.
CONFORMANCE_DIR (such as /work/shared/conformance/protocols) adds every response of its
output/*.json files to the target of its protocol, with its status and headers.
"""

import base64
import hashlib
import json
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
STATUSES = [200, 200, 200, 200, 201, 204, 206, 301, 304, 400, 403, 404, 409, 429, 500, 503]
# Operations per target, as listed in fuzz_targets/*.rs.
OPERATIONS = {"json": 9, "xml_query": 4, "xml_ec2": 3, "xml_rest": 8, "cbor": 4}
PROTOCOL_TARGETS = {
    "json": "json", "json_1_0": "json", "json_1_0-query-compatible": "json", "rest-json": "json",
    "query": "xml_query", "ec2": "xml_ec2", "rest-xml": "xml_rest",
    "smithy-rpc-v2-cbor": "cbor", "smithy-rpc-v2-cbor-query-compatible": "cbor",
}


class Tag:
    def __init__(self, tag, value):
        self.tag, self.value = tag, value


class Indefinite:
    def __init__(self, value):
        self.value = value


class Half:
    def __init__(self, bits):
        self.bits = bits


def head(major, n):
    if n < 24:
        return bytes([major << 5 | n])
    for info, fmt in ((24, ">B"), (25, ">H"), (26, ">I"), (27, ">Q")):
        if n < 1 << (8 * struct.calcsize(fmt)):
            return bytes([major << 5 | info]) + struct.pack(fmt, n)
    raise ValueError(n)


def cbor(v):
    if v is None:
        return b"\xf6"
    if v is True:
        return b"\xf5"
    if v is False:
        return b"\xf4"
    if isinstance(v, int):
        return head(0, v) if v >= 0 else head(1, -1 - v)
    if isinstance(v, float):
        return b"\xfb" + struct.pack(">d", v)
    if isinstance(v, Half):
        return b"\xf9" + struct.pack(">H", v.bits)
    if isinstance(v, bytes):
        return head(2, len(v)) + v
    if isinstance(v, str):
        b = v.encode()
        return head(3, len(b)) + b
    if isinstance(v, list):
        return head(4, len(v)) + b"".join(cbor(x) for x in v)
    if isinstance(v, dict):
        return head(5, len(v)) + b"".join(cbor(k) + cbor(x) for k, x in v.items())
    if isinstance(v, Tag):
        return head(6, v.tag) + cbor(v.value)
    if isinstance(v, Indefinite):
        inner = v.value
        if isinstance(inner, dict):
            return b"\xbf" + b"".join(cbor(k) + cbor(x) for k, x in inner.items()) + b"\xff"
        if isinstance(inner, list):
            return b"\x9f" + b"".join(cbor(x) for x in inner) + b"\xff"
        if isinstance(inner, str):  # chunked text
            return b"\x7f" + b"".join(cbor(inner[i:i + 3]) for i in range(0, len(inner), 3)) + b"\xff"
    raise TypeError(v)


THING = {
    "Name": Indefinite("thing-name"), "Count": 1, "Big": -(1 << 63), "Small": -2, "Tiny": 7,
    "Ratio": Half(0x3C00), "Precise": 2.5, "Flag": True, "Created": Tag(1, 1700000000.5),
    "Modified": Tag(1, 1700000000), "Data": b"\x00\x01", "Tags": [{"Key": "k", "Value": "v"}],
    "Sparse": ["a", None], "Attributes": Indefinite({"k": "v"}), "SparseAttributes": {"k": None},
    "Color": "light-blue", "Shape": {"Square": {"Key": "s"}}, "Parent": {"Name": "p", "Count": 0, "Tags": []},
    "Children": Indefinite([{"Name": "c", "Count": Tag(2, b"\x01\x00"), "Tags": []}]), "Secret": "s",
}
CBOR_SEEDS = [
    (0, 0x00, "get-metric-data", {
        "MetricDataResults": [{
            "Id": "m1", "Label": "CPU", "StatusCode": "Complete",
            "Timestamps": [Tag(1, 1700000000), Tag(1, 1700000060.0)], "Values": [1.5, Half(0x7E00), 0],
            "Messages": [{"Code": "c", "Value": "v"}],
        }],
        "NextToken": "t", "Messages": [],
    }),
    (1, 0x00, "describe-alarms", {
        "MetricAlarms": [{
            "AlarmName": "a", "ActionsEnabled": True, "AlarmActions": ["arn:aws:sns:us-east-1:1:t"],
            "StateUpdatedTimestamp": Tag(1, 1.7e9), "Threshold": 80.0, "EvaluationPeriods": 2,
            "Dimensions": [{"Name": "InstanceId", "Value": "i-1"}], "ComparisonOperator": "GreaterThanThreshold",
            "Metrics": [{"Id": "m", "MetricStat": {"Metric": {"Namespace": "AWS/EC2", "MetricName": "CPU"}, "Period": 60, "Stat": "Average"}, "ReturnData": True}],
        }],
        "CompositeAlarms": [{"AlarmName": "c", "AlarmRule": "ALARM(a)"}],
    }),
    (2, 0x00, "get-metric-statistics", {
        "Label": "CPU", "Datapoints": [{"Timestamp": Tag(1, 1700000000), "SampleCount": 3.0, "Average": 1.0,
                                        "ExtendedStatistics": {"p99": 9.5}, "Unit": "Percent"}],
    }),
    (3, 0x00, "kitchensink-put-thing", {"Thing": THING}),
    (3, 0x19, "kitchensink-error", ("x-amzn-query-error: NoSuchThing;Sender\n\n",
                                    {"__type": "aws.kitchensink#NoSuchThing", "message": "gone"})),
    (1, 0x09, "cloudwatch-error", {"__type": "com.amazonaws.cloudwatch#InvalidNextToken", "Message": "bad"}),
    (3, 0x00, "bare-thing", THING),
    (3, 0x00, "decimal-and-bignum", {"Thing": {"Big": Tag(3, b"\xff" * 9), "Precise": Tag(4, [-2, 27315])}}),
]


def write(target, name, data):
    directory = os.path.join(HERE, "corpus", target)
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, name), "wb") as f:
        f.write(data)


def status_index(code):
    return STATUSES.index(code) if code in STATUSES else (9 if code >= 400 else 0)


def main():
    count = 0
    seeds = os.path.join(HERE, "seeds")
    for target in sorted(os.listdir(seeds)):
        for name in sorted(os.listdir(os.path.join(seeds, target))):
            op, control = name.split("-")[:2]
            with open(os.path.join(seeds, target, name), "rb") as f:
                write(target, name, bytes([int(op), int(control, 16)]) + f.read())
            count += 1
    for op, control, name, value in CBOR_SEEDS:
        prefix = b""
        if isinstance(value, tuple):
            prefix, value = value[0].encode(), value[1]
        write("cbor", f"{op}-{control:02x}-{name}", bytes([op, control]) + prefix + cbor(value))
        count += 1
    if len(sys.argv) > 1:
        for path in sorted(os.listdir(os.path.join(sys.argv[1], "output"))):
            target = PROTOCOL_TARGETS.get(path[: -len(".json")])
            if not target:
                continue
            with open(os.path.join(sys.argv[1], "output", path)) as f:
                suites = json.load(f)
            for suite in suites:
                for case in suite["cases"]:
                    response = case["response"]
                    body = response.get("body") or ""
                    body = base64.b64decode(body) if target == "cbor" else body.encode()
                    headers = "".join(f"{k}: {v}\n" for k, v in (response.get("headers") or {}).items())
                    digest = hashlib.sha1((path + case["id"] + body.hex()).encode()).digest()
                    op = digest[0] % OPERATIONS[target]
                    control = status_index(response.get("status_code", 200))
                    if headers:
                        control |= 0x10
                        body = headers.encode() + b"\n" + body
                    data = bytes([op, control]) + body
                    write(target, f"conformance-{digest.hex()[:16]}", data)
                    count += 1
    count += event_stream_seeds()
    print(f"wrote {count} seeds under {os.path.join(HERE, 'corpus')}")


def message(headers, payload):
    """One event-stream message: prelude (lengths and their CRC32), headers, payload, CRC32."""
    block = b""
    for name, kind, value in headers:
        block += bytes([len(name)]) + name.encode() + bytes([kind])
        if kind in (0, 1):  # true, false
            pass
        elif kind == 4:  # int32
            block += struct.pack(">i", value)
        elif kind == 8:  # timestamp, milliseconds
            block += struct.pack(">q", value)
        else:  # 6 bytes, 7 string
            data = value if isinstance(value, bytes) else value.encode()
            block += struct.pack(">H", len(data)) + data
    total = 12 + len(block) + len(payload) + 4
    prelude = struct.pack(">II", total, len(block))
    prelude += struct.pack(">I", zlib.crc32(prelude))
    body = prelude + block + payload
    return body + struct.pack(">I", zlib.crc32(body))


def event(kind, payload, content_type="application/octet-stream", extra=()):
    return message([(":message-type", 7, "event"), (":event-type", 7, kind),
                    (":content-type", 7, content_type), *extra], payload)


def event_stream_seeds():
    """Streams for fuzz_targets/event_stream.rs: byte 0 picks S3, Kinesis, Lambda or the kitchen
    sink (low bits), and whether the target rewrites the CRCs (bit 7)."""
    exception = message([(":message-type", 7, "exception"), (":exception-type", 7, "ResourceNotFoundException"),
                         (":content-type", 7, "application/json")], b'{"message":"gone"}')
    error = message([(":message-type", 7, "error"), (":error-code", 7, "InternalError"),
                     (":error-message", 7, "oops")], b"")
    streams = {
        "s3-select": (0, event("Records", b"a,b\n1,2\n") + event("Stats", b"<Stats><BytesScanned>9</BytesScanned>"
                      b"<BytesProcessed>9</BytesProcessed><BytesReturned>8</BytesReturned></Stats>", "text/xml")
                      + event("Cont", b"") + event("End", b"") + error),
        "kinesis": (1, message([(":message-type", 7, "event"), (":event-type", 7, "initial-response")], b"{}")
                    + event("SubscribeToShardEvent", b'{"Records":[{"Data":"AAE=","PartitionKey":"k",'
                            b'"SequenceNumber":"1","ApproximateArrivalTimestamp":1.7e9}],'
                            b'"ContinuationSequenceNumber":"2","MillisBehindLatest":0}', "application/json")
                    + exception),
        "lambda": (2, event("PayloadChunk", b"chunk") + event("InvokeComplete", b'{"ErrorCode":"E","LogResult":"bG9n"}',
                                                               "application/json")),
        "kitchensink": (3, event("Unknown", b"{}", "application/json")
                        + event("Changed", b'{"Name":"n"}', "application/json",
                                [("Count", 4, 3), ("At", 8, 1700000000000), ("Flag", 0, None), ("Raw", 6, b"\x00")])),
    }
    for name, (which, body) in streams.items():
        write("event_stream", name, bytes([which]) + body)
        write("event_stream", name + "-crc-fixed", bytes([which | 0x80]) + body)
        write("event_stream", name + "-truncated", bytes([which]) + body[: len(body) // 2])
    return 3 * len(streams)


if __name__ == "__main__":
    main()
