"""The boto3 side of the transfer section of `cargo xtask bench`, against the same s3s-fs store.

Usage: boto3_transfer.py upload|download ENDPOINT FILE BUCKET KEY CHUNK CONCURRENCY, as the Rust
tools' `xfer-tucuxi`: boto3's `upload_file` / `download_file` with a TransferConfig of that part
size (threshold and chunk size) and concurrency, boto3's defaults otherwise. Prints the same
`BENCH n=BYTES ...` line; peak RSS is the process's `ru_maxrss`, the interpreter included.
"""

import os
import resource
import sys
import time

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config


def main():
    direction, endpoint, path, bucket, key = sys.argv[1:6]
    chunk, concurrency = int(sys.argv[6]), int(sys.argv[7])
    client = boto3.client(
        "s3",
        region_name="us-east-1",
        endpoint_url=endpoint,
        aws_access_key_id="AKIDBENCHMARK",
        aws_secret_access_key="bench-secret-key",
        config=Config(s3={"addressing_style": "path"}),
    )
    config = TransferConfig(multipart_threshold=chunk, multipart_chunksize=chunk, max_concurrency=concurrency)
    wall, cpu = time.perf_counter(), time.process_time()
    if direction == "upload":
        client.upload_file(path, bucket, key, Config=config)
    elif direction == "download":
        client.download_file(bucket, key, path, Config=config)
    else:
        raise SystemExit(f"upload or download, not {direction!r}")
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    size = os.path.getsize(path)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"BENCH n={size} wall_s={wall:.6f} cpu_s={cpu:.6f} peak_rss_kib={peak}")


main()
