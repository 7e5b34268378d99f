#!/bin/sh
echo '{"Version": 2, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s3cr3t-proc"}'
