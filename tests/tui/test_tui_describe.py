"""Descriptions: one question in flight per pid, answers read back as visible text, a time limit
noticed through ``expire``, and never a user object's ``__str__`` on the caller's thread."""

from __future__ import annotations

import threading
from concurrent.futures import Future

from suptui.tui.describe import BUSY, KEPT, WAITING, Descriptions, answer_text


class Asker:
    """A fake ``describe_state_async``: hands out futures the test resolves."""

    def __init__(self) -> None:
        self.asked: list[object] = []
        self.futures: list[Future[object]] = []

    def __call__(self, pid: object) -> Future[object]:
        self.asked.append(pid)
        future: Future[object] = Future()
        self.futures.append(future)
        return future


def test_one_question_in_flight_per_pid_and_the_last_answer_shown_meanwhile() -> None:
    ask = Asker()
    descriptions = Descriptions(ask)
    assert descriptions.shown("p") == WAITING
    assert descriptions.shown("p") == WAITING
    assert ask.asked == ["p"]  # coalesced: a redraw does not ask again while one is pending
    ask.futures[0].set_result("count 1\x1b[2J")
    assert descriptions.shown("p", ask=False) == "count 1\\x1b[2J"
    assert ask.asked == ["p"]  # a redraw for an answer does not ask again
    assert descriptions.shown("p") == "count 1\\x1b[2J"  # the last answer, while the next is asked
    assert ask.asked == ["p", "p"]
    ask.futures[1].set_result("count 2")
    assert descriptions.shown("p") == "count 2"


def test_a_question_past_its_time_limit_shows_busy_until_it_is_answered() -> None:
    ask = Asker()
    started: list[tuple[object, Future[object]]] = []
    descriptions = Descriptions(ask, started=lambda pid, future: started.append((pid, future)))
    descriptions.shown("p")
    [(pid, future)] = started
    assert descriptions.expire(pid, future)
    assert descriptions.shown("p") == BUSY
    assert ask.asked == ["p"]  # still one question: a busy process is not asked again and again
    future.set_result("late")
    assert descriptions.shown("p", ask=False) == "late"
    assert not descriptions.expire(pid, future)  # that question is over: its timer changes nothing


def test_an_answer_for_another_pid_does_not_change_what_is_shown() -> None:
    ask = Asker()
    descriptions = Descriptions(ask)
    descriptions.shown("a")
    descriptions.shown("b")
    ask.futures[0].set_result("from a")
    assert descriptions.shown("b", ask=False) == WAITING
    assert descriptions.shown("a", ask=False) == "from a"


def test_answers_arriving_on_another_thread_only_call_the_hook() -> None:
    ask = Asker()
    calls: list[str] = []
    descriptions = Descriptions(ask, changed=lambda: calls.append(threading.current_thread().name))
    descriptions.shown("p")
    thread = threading.Thread(target=ask.futures[0].set_result, args=("x",), name="engine")
    thread.start()
    thread.join()
    assert calls == ["engine"]
    assert descriptions.shown("p", ask=False) == "x"


class Nasty:
    def __str__(self) -> str:
        raise SystemExit("would end the app")

    __repr__ = __str__


def test_an_answer_that_is_not_text_is_named_by_its_type_never_formatted() -> None:
    future: Future[object] = Future()
    future.set_result(Nasty())
    assert answer_text(future) == "<Nasty>"
    failed: Future[object] = Future()
    failed.set_exception(SystemExit(0))
    assert answer_text(failed) == "(describe_state failed: SystemExit)"
    nothing: Future[object] = Future()
    nothing.set_result(None)
    assert answer_text(nothing) is None


def test_an_engine_that_refuses_to_ask_is_said_once_not_retried_per_redraw() -> None:
    calls = []

    def refuse(pid: object) -> Future[object]:
        calls.append(pid)
        raise RuntimeError("no runtime")

    descriptions = Descriptions(refuse)
    assert descriptions.shown("p", ask=False) == "(describe_state not asked: RuntimeError)"
    assert descriptions.shown("p", ask=False) == "(describe_state not asked: RuntimeError)"
    assert calls == ["p"]


def test_the_predict_grid_helpers_ask_everyone_once_and_settle() -> None:
    ask = Asker()
    descriptions = Descriptions(ask)
    descriptions.ask_all(["a", "b"])
    descriptions.ask_all(["a", "b"])
    assert ask.asked == ["a", "b"]
    ask.futures[0].set_result("ready")
    assert descriptions.settled("a") and not descriptions.settled("b")
    assert descriptions.final("a") == "ready" and descriptions.final("b") == BUSY


def test_memory_is_bounded_under_a_storm_of_pids() -> None:
    ask = Asker()
    descriptions = Descriptions(ask)
    for n in range(KEPT * 3):
        descriptions.shown(n)
    assert len(descriptions._entries) == KEPT
