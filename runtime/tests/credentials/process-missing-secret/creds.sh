#!/bin/sh
echo '{"Version": 1, "AccessKeyId": "AKIDPROC"}'
