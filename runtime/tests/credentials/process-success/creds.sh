#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s3cr3t-proc", "SessionToken": "s3cr3t-proc-token", "Expiration": "2099-01-01T00:00:00Z"}'
