"""The webhook sink against a real local HTTP receiver: retries, backoff, signatures, commits."""

from __future__ import annotations

import json
import threading

import pytest

from fixtures.http_receiver import Receiver
from newsflow.core.bus.embedded import SQLiteBus
from newsflow.core.config import Settings
from newsflow.core.contracts import Alert, DeadLetter
from newsflow.webhook import SIGNATURE_HEADER, WebhookSink, sign, verify_signature


def settings(tmp_path) -> Settings:
    return Settings(data_dir=tmp_path, webhook_retry_initial=0.01, webhook_retry_max=0.05, webhook_timeout=5)


def publish_alerts(bus, n: int) -> list[bytes]:
    values = [Alert(rule="kim", topic="alerts.kim", article_id=f"a{i}", url=f"https://x/{i}", title=f"T{i}").to_json()
              for i in range(n)]
    bus.publish_many("alerts.kim", [(f"a{i}", v) for i, v in enumerate(values)])
    return values


def test_signatures_verify_only_the_exact_body_with_the_right_secret():
    body = b'{"rule":"kim"}'
    header = sign("s3cret", body)
    assert header.startswith("sha256=") and len(header) == len("sha256=") + 64
    assert verify_signature("s3cret", body, header)
    assert not verify_signature("other", body, header)
    assert not verify_signature("s3cret", body + b" ", header)
    assert not verify_signature("s3cret", body, None)


def test_a_failing_receiver_is_retried_with_backoff_and_gets_each_alert_once_it_recovers(tmp_path, bus):
    values = publish_alerts(bus, 2)
    receiver = Receiver(failures=3)
    sink = WebhookSink(settings(tmp_path), bus, "alerts.kim", receiver.url, secret="s3cret")
    try:
        sink.run(threading.Event(), until_idle=0.5)
    finally:
        sink.close()
        receiver.close()
    delivered = receiver.delivered()
    assert [b for _, b in delivered] == values  # in order, each once
    assert [s for s, _, _ in receiver.requests] == [503, 503, 503, 200, 200]
    for headers, body in delivered:
        assert verify_signature("s3cret", body, headers[SIGNATURE_HEADER])
        assert headers["Content-Type"] == "application/json"
        assert json.loads(body)["rule"] == "kim"
    # the three failed tries were the same delivery
    assert len({h["X-Newsflow-Delivery"] for _, h, _ in receiver.requests[:4]}) == 1
    assert sink.delivered == 2 and sink.attempts == 5


def test_the_position_is_committed_only_after_a_2xx(tmp_path, bus):
    values = publish_alerts(bus, 2)
    down = Receiver(failures=10**6)
    stop = threading.Event()
    sink = WebhookSink(settings(tmp_path), bus, "alerts.kim", down.url)
    thread = threading.Thread(target=sink.run, args=(stop,))
    thread.start()
    while len(down.requests) < 3:
        threading.Event().wait(0.01)
    stop.set()  # a shutdown while the receiver is down: nothing acknowledged, nothing committed
    thread.join(10)
    sink.close()
    down.close()
    assert not thread.is_alive() and sink.delivered == 0

    up = Receiver()
    sink = WebhookSink(settings(tmp_path), bus, "alerts.kim", up.url)
    sink.run(threading.Event(), until_idle=0.5)
    sink.run(threading.Event(), until_idle=0.3)  # everything acknowledged is committed: nothing again
    sink.close()
    up.close()
    assert [b for _, b in up.delivered()] == values


def test_an_alert_refused_for_good_is_dead_lettered_and_the_sink_moves_on(tmp_path, bus):
    publish_alerts(bus, 2)
    receiver = Receiver(failures=1, fail_status=400)
    sink = WebhookSink(settings(tmp_path), bus, "alerts.kim", receiver.url)
    sink.run(threading.Event(), until_idle=0.5)
    sink.close()
    receiver.close()
    assert [s for s, _, _ in receiver.requests] == [400, 200]
    consumer = bus.consumer("check", ["news.deadletter"])
    [letter] = [DeadLetter.from_json(m.value) for m in consumer.poll(10)]
    consumer.close()
    assert letter.stage == "webhook" and letter.key == "a0" and "HTTP 400" in letter.error
