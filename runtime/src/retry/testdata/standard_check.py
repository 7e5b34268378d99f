from botocore.retries import standard, quota
from types import SimpleNamespace as NS

class Resp:
    def __init__(self, status, headers=None):
        self.status_code = status; self.headers = headers or {}; self.content = b''

op = NS(name='Op', error_shapes=[], service_model=NS(service_name='s3'))
def handler(max_attempts=3, svc='s3', q=None):
    adapter = standard.RetryEventAdapter()
    det = standard.ThrottlingErrorDetector(adapter)
    q = q or quota.RetryQuota()
    rq = standard.RetryQuotaChecker(q, det)
    h = standard.RetryHandler(
        retry_policy=standard.RetryPolicy(standard.StandardRetryConditions(max_attempts=max_attempts),
            standard.ExponentialBackoff(random=lambda: 0.5, service_name=svc, throttling_detector=det)),
        retry_event_adapter=adapter, retry_quota=rq, service_name=svc, sleep=lambda s: None)
    return h, rq, q

def attempt(h, n, status, code=None, ctx=None, headers=None):
    parsed = {'Error': {'Code': code}} if code else {}
    return h.needs_retry(response=(Resp(status, headers), parsed), attempts=n, operation=op,
                         caught_exception=None, request_dict={'context': ctx if ctx is not None else {}})

def drain(status, code=None):
    h, rq, q = handler(1000)
    ctx = {}; n = 1
    while attempt(h, n, status, code, ctx) is not None: n += 1
    return n - 1, q.available_capacity

print('500 drain', drain(500))
print('throttle drain', drain(400, 'Throttling'))
h, rq, q = handler(3)
ctx = {}
print('503 delays', [attempt(h, n, 503, None, ctx) for n in (1, 2, 3)], q.available_capacity)
rq.release_retry_quota(ctx, Resp(200)); print('after success', q.available_capacity)
h, rq, q = handler(10)
print('throttle delays', [attempt(h, n, 400, 'ThrottlingException') for n in range(1, 8)])
print('bare 429', attempt(handler()[0], 1, 429))
print('retry-after', [attempt(handler(5)[0], 1, 503, None, None, {'x-amz-retry-after': v}) for v in ('1500', '60000', 'bogus', '-5', '1_000')])
h, rq, q = handler(4, 'dynamodb'); print('ddb', attempt(h, 1, 500))
print('404', attempt(handler()[0], 1, 404, 'NoSuchKey'))
