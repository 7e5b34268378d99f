"""Drive botocore's own adaptive-mode classes with a fake clock and print the state after every
event, so the Rust port (../adaptive.rs) can be checked number for number.

Regenerate with botocore 1.44.5 installed:
    python adaptive_trace.py > adaptive_trace.txt
"""
import math
from botocore.retries import adaptive, bucket, throttling
from botocore.exceptions import CapacityNotAvailableError


class FakeClock:
    def __init__(self, t):
        self.t = t

    def current_time(self):
        return self.t

    def sleep(self, amount):
        raise AssertionError("no sleeping in a trace")


class Detector:
    def is_throttling_error(self, **kwargs):
        return kwargs['throttled']


def build(start):
    clock = FakeClock(start)
    limiter = adaptive.ClientRateLimiter(
        rate_adjustor=throttling.CubicCalculator(starting_max_rate=0, start_time=clock.current_time()),
        rate_clocker=adaptive.RateClocker(clock),
        token_bucket=bucket.TokenBucket(max_rate=1, clock=clock),
        throttling_detector=Detector(),
        clock=clock,
    )
    return clock, limiter


def steps():
    """(gap before the send, latency of the response, throttled) for each request in turn."""
    out = [(0.1, 0.05, False)] * 12  # fast successes while the limiter is still disabled
    out.append((0.1, 0.05, True))  # the first throttle enables the limiter
    pattern = [False, False, True, False, False, False, True, True, False, False,
               False, False, False, False, False, False, False, False, True, False]
    for i, thr in enumerate(pattern):
        out.append((0.06 + (i % 3) * 0.2, 0.07, thr))
    out.append((4.25, 0.02, False))  # a quiet gap, then CUBIC grows the rate back
    out += [(0.3, 0.02, False)] * 12
    return out


def main():
    start = 999.7
    clock, lim = build(start)
    tb = lim._token_bucket
    t = 999.9
    for gap, latency, thr in steps():
        t = t + gap
        clock.t = t
        # Non-blocking acquire, the same decision the blocking loop makes on each pass: take a
        # token, or report how long to wait; the caller comes back after that wait, rounded up
        # to whole microseconds as the Rust port does.
        while True:
            if not lim._enabled:
                print(f"S {clock.t!r} go")
                break
            try:
                tb.acquire(block=False)
                print(f"S {clock.t!r} go {tb.available_capacity!r}")
                break
            except CapacityNotAvailableError:
                wait = tb._sleep_amount(1)
                print(f"S {clock.t!r} wait {wait!r}")
                clock.t = clock.t + math.ceil(wait * 1e6) / 1e6
        t = clock.t + latency
        clock.t = t
        lim.on_receiving_response(throttled=thr)
        c = lim._rate_adjustor.get_params_snapshot()
        print(f"R {t!r} {int(thr)} {lim._rate_clocker.measured_rate!r} {tb.max_rate!r} "
              f"{tb.max_capacity!r} {tb.available_capacity!r} {int(lim._enabled)} "
              f"{c.w_max!r} {c.k!r} {c.last_fail!r}")


main()
