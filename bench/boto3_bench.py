"""The boto3 side of `cargo xtask bench`, against the same canned server as the Rust apps.

Usage: boto3_bench.py ENDPOINT SERVICE [MODE [N [OP]]], as the Rust apps: MODE `once` makes one
call (the start-up figure: the process is timed from outside, import included), `async` makes N
calls after one warm-up call and prints the same `BENCH ...` line the Rust apps print.
"""

import sys
import time

import boto3
from botocore.config import Config


def main():
    endpoint, service = sys.argv[1], sys.argv[2]
    mode = sys.argv[3] if len(sys.argv) > 3 else "once"
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    op = sys.argv[5] if len(sys.argv) > 5 else ""
    client = boto3.client(
        service,
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDBENCHMARK",
        aws_secret_access_key="bench-secret-key",
        config=Config(s3={"addressing_style": "path"}),
    )
    if service == "s3" and op == "get":
        call = lambda: len(client.get_object(Bucket="bench", Key="size-1048576")["Body"].read())
    elif service == "s3":
        call = lambda: len(client.list_objects_v2(Bucket="bench").get("Contents", []))
    elif service == "dynamodb":
        call = lambda: len(client.get_item(TableName="bench", Key={"id": {"S": "item-1"}}).get("Item", {}))
    elif service == "sqs" and op == "list":
        call = lambda: len(client.list_queues().get("QueueUrls", []))
    elif service == "sqs":
        queue = "http://127.0.0.1/123456789012/bench-queue-00"
        call = lambda: len(client.send_message(QueueUrl=queue, MessageBody="hello from the benchmark")["MessageId"])
    elif service == "ec2":
        call = lambda: len(client.describe_instances().get("Reservations", []))
    else:
        raise SystemExit(f"no call for {service} {op}")
    first = call()
    if mode == "once":
        print(first)
        return
    import resource

    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        call()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"BENCH n={n} wall_s={wall:.6f} cpu_s={cpu:.6f} peak_rss_kib={peak}")


main()
