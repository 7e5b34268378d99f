#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "s3cr3t-leak"'
