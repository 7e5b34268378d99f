#!/bin/sh
echo 'starting' >&2
echo 'token for ana@example.com has been revoked' >&2
exit 2
