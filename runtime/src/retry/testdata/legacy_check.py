import json, os, copy, botocore
from botocore import retryhandler, translate, exceptions
import random
seq = iter([0.1, 0.2, 0.3, 0.4, 0.5])
retryhandler.random.random = lambda: next(seq)
d = json.load(open(os.path.join(os.path.dirname(botocore.__file__), 'data/_retry.json')))
def handler(prefix):
    dd = copy.deepcopy(d)
    cfg = translate.build_retry_config(prefix, dd['retry'], dd['definitions'])
    return retryhandler.create_retry_handler(cfg, prefix)
class Resp:
    def __init__(s, status): s.status_code = status; s.headers = {}; s.content = b''
h = handler('lambda')
print('delays', [h(attempts=n, response=(Resp(500), {}), caught_exception=None, request_dict={'context': {}}) for n in range(1, 6)])
def io(exc):
    try:
        return h(attempts=1, response=None, caught_exception=exc, request_dict={'context': {}})
    except Exception as e:
        return 'raised ' + type(e).__name__
retryhandler.random.random = lambda: 0.5
for e in [exceptions.EndpointConnectionError(endpoint_url='x'), exceptions.ConnectTimeoutError(endpoint_url='x'),
          exceptions.ReadTimeoutError(endpoint_url='x'), exceptions.ConnectionClosedError(endpoint_url='x'),
          exceptions.SSLError(endpoint_url='x', error='e'), exceptions.HTTPClientError(error='e')]:
    print(type(e).__name__, io(e))
ddb = handler('dynamodb')
print('ddb', [ddb(attempts=n, response=(Resp(500), {}), caught_exception=None, request_dict={'context': {}}) for n in (1, 4, 9, 10)])
