"""Run a contact list through a pacer and a transport, and account for every contact.

Each contact ends in exactly one outcome:

- ``accepted``: the provider took the message (once: an accepted message is never sent
  again);
- ``rejected``: a permanent refusal, not retried;
- ``failed``: deferred on every attempt up to the retry limit, or no answer at a moment
  when the message may already have reached the provider (not retried, so nobody gets it
  twice);
- ``invalid``: bad input for this contact: a malformed number or address, a duplicate,
  a template field it lacks, a delivery deadline that has passed, a window already closed;
- ``expired``: valid, but the delivery window closed before its turn (or its retry) came.

``accepted + rejected + failed + invalid + expired == contacts``, always; bad input of
one contact never stops the others.
"""

from __future__ import annotations

import asyncio
import enum
import heapq
import itertools
import math
import uuid
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from outpace.channels.addresses import normalize_email, normalize_phone
from outpace.channels.clock import Clock, SystemClock
from outpace.channels.pacing import Pacer
from outpace.channels.template import MessageTemplate, MissingField
from outpace.channels.transport import (
    Accepted,
    Channel,
    Deferred,
    Message,
    Rejected,
    SendResult,
    Transport,
    TransportError,
)

__all__ = ["CampaignReport", "ContactOutcome", "Outcome", "RetryPolicy", "run_campaign"]


class Outcome(str, enum.Enum):
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    FAILED = "failed"
    INVALID = "invalid"
    EXPIRED = "expired"


@dataclass(frozen=True)
class RetryPolicy:
    """How deferred messages are retried.

    Attributes:
        max_attempts: sends per contact at most, first one included, in [1, 100].
        backoff: seconds before the first retry, in [0, 86400].
        factor: each further retry waits this many times longer, in [1, 10].
        max_backoff: seconds, the longest wait between two attempts, >= backoff.
    A provider's Retry-After, when longer, wins.
    """

    max_attempts: int = 4
    backoff: float = 30.0
    factor: float = 2.0
    max_backoff: float = 900.0

    def __post_init__(self) -> None:
        if isinstance(self.max_attempts, bool) or not isinstance(self.max_attempts, int) or not 1 <= self.max_attempts <= 100:
            raise ValueError(f"max_attempts must be a whole number in [1, 100] (got {self.max_attempts!r})")
        if not 0 <= self.backoff <= 86_400:
            raise ValueError(f"backoff must be in [0, 86400] seconds (got {self.backoff!r})")
        if not 1 <= self.factor <= 10:
            raise ValueError(f"factor must be in [1, 10] (got {self.factor!r})")
        if not self.backoff <= self.max_backoff <= 86_400:
            raise ValueError(f"max_backoff must be in [backoff, 86400] seconds (got {self.max_backoff!r})")

    def delay(self, attempts: int, retry_after: float | None) -> float:
        """Seconds to wait after the ``attempts``-th deferral."""
        wait = min(self.max_backoff, self.backoff * self.factor ** (attempts - 1))
        if retry_after is not None and retry_after > wait:
            wait = min(retry_after, 86_400.0)
        return wait


@dataclass
class ContactOutcome:
    """What happened to one contact.

    Attributes:
        index: 0-based position in the contact list.
        contact_id: the id column's value, or the 1-based row number.
        to: the normalized address ("" if it was invalid).
        outcome: the final outcome (None while the campaign runs).
        detail: the reason, for anything but a plain acceptance.
        attempts: send times, seconds since the epoch, one per attempt.
        message_id: the campaign's id of this contact's message.
        provider_id: the provider's id of the accepted message.
    """

    index: int
    contact_id: str
    to: str = ""
    outcome: Outcome | None = None
    detail: str = ""
    attempts: list[float] = field(default_factory=list)
    message_id: str = ""
    provider_id: str = ""


@dataclass
class CampaignReport:
    contacts: list[ContactOutcome]
    started: float = 0.0  # seconds since the epoch
    finished: float = 0.0

    @property
    def counts(self) -> dict[Outcome, int]:
        c = Counter(o.outcome for o in self.contacts if o.outcome is not None)
        return {k: c.get(k, 0) for k in Outcome}

    @property
    def sends(self) -> int:
        """Messages handed to the transport, retries included."""
        return sum(len(o.attempts) for o in self.contacts)

    def totals_add_up(self) -> bool:
        return sum(self.counts.values()) == len(self.contacts) and all(o.outcome for o in self.contacts)


@dataclass(order=True)
class _Retry:
    due: float
    seq: int
    item: _Item = field(compare=False)


@dataclass
class _Item:
    outcome: ContactOutcome
    message: Message
    deadline: float  # the contact's own last moment (math.inf: none)


async def run_campaign(
    contacts: Iterable[Mapping[str, str]],
    *,
    template: MessageTemplate,
    transport: Transport,
    pacer: Pacer,
    clock: Clock | None = None,
    retry: RetryPolicy | None = None,
    address_field: str = "to",
    id_field: str | None = "id",
    deadline_field: str = "not_after",
    timezone_field: str = "timezone",
    campaign_id: str | None = None,
    on_outcome: Callable[[ContactOutcome], None] | None = None,
) -> CampaignReport:
    """Send one message to every contact, paced, and return what happened to each.

    Args:
        contacts: rows of strings (e.g. ``csv.DictReader``); the template's fields,
            ``address_field`` and optionally ``id_field``, ``deadline_field`` (an ISO 8601
            time after which the message must not go; naive times are read in the
            contact's ``timezone_field`` zone, an IANA name) come from them.
        template: the message.
        transport: opened and closed here.
        pacer: decides when each message goes; its ``connections`` bounds sends in flight.
        clock: real time by default; a FakeClock in tests.
        retry: the retry policy for deferred messages.
        campaign_id: prefix of the message ids (random by default).
        on_outcome: called once per contact when its outcome is final.
    """
    clock = clock or SystemClock()
    retry = retry or RetryPolicy()
    campaign_id = campaign_id or uuid.uuid4().hex[:8]
    report = CampaignReport(contacts=[], started=clock.now())
    normalize = normalize_phone if transport.channel == Channel.SMS else normalize_email

    def finish(o: ContactOutcome, outcome: Outcome, detail: str = "") -> None:
        assert o.outcome is None, f"contact {o.contact_id} finished twice"
        o.outcome, o.detail = outcome, detail
        if on_outcome is not None:
            on_outcome(o)

    # 1. Check every contact up front; the bad ones are reported and left out.
    queue: deque[_Item] = deque()
    seen: dict[str, str] = {}
    now = clock.now()
    for index, row in enumerate(contacts):
        cid = str(row.get(id_field) or "").strip() if id_field else ""
        o = ContactOutcome(index=index, contact_id=cid or str(index + 1))
        report.contacts.append(o)
        try:
            raw = str(row.get(address_field) or "").strip()
            if not raw:
                raise ValueError(f"no {address_field!r} for this contact")
            to = normalize(raw)
            if to in seen:
                raise ValueError(f"duplicate address {to} (also contact {seen[to]}): sent once only")
            deadline = min(pacer.window_end, _deadline(row, deadline_field, timezone_field))
            if deadline <= now:
                raise ValueError(f"delivery window closed at {_iso(deadline)}")
            subject, body = template.render(row)
        except (ValueError, MissingField) as exc:
            finish(o, Outcome.INVALID, str(exc))
            continue
        seen[to] = o.contact_id
        o.to, o.message_id = to, f"{campaign_id}-{index + 1}"
        queue.append(_Item(o, Message(o.contact_id, to, body, subject, o.message_id), deadline))

    # 2. Send, paced; retries go back in by due time and take their own pacing slot.
    retries: list[_Retry] = []
    seq = itertools.count()
    changed = asyncio.Event()
    in_flight: set[asyncio.Task[None]] = set()

    async def attempt(item: _Item) -> None:
        o = item.outcome
        try:
            result: SendResult = await transport.send(item.message)
        except TransportError as exc:
            if exc.may_have_sent:
                finish(o, Outcome.FAILED, f"outcome unknown, not retried to avoid a duplicate: {exc}")
                return
            result = Deferred("error", str(exc))
        except Exception as exc:  # noqa: BLE001 -- a transport bug must not lose the contact or stop the rest
            finish(o, Outcome.FAILED, f"outcome unknown, not retried: {type(exc).__name__}: {exc}")
            return
        if isinstance(result, Accepted):
            o.provider_id = result.provider_id
            finish(o, Outcome.ACCEPTED, result.detail)
        elif isinstance(result, Rejected):
            finish(o, Outcome.REJECTED, f"{result.code} {result.detail}".strip())
        elif len(o.attempts) >= retry.max_attempts:
            finish(o, Outcome.FAILED, f"deferred {len(o.attempts)} times, last: {result.code} {result.detail}".strip())
        else:
            due = clock.now() + retry.delay(len(o.attempts), result.retry_after)
            heapq.heappush(retries, _Retry(due, next(seq), item))

    def done(task: asyncio.Task[None]) -> None:
        in_flight.discard(task)
        changed.set()

    async def wait_for_change(deadline: float) -> None:
        waiter = asyncio.ensure_future(changed.wait())
        sleeper = asyncio.ensure_future(clock.sleep_until(deadline)) if math.isfinite(deadline) else None
        pending = {waiter} | ({sleeper} if sleeper else set())
        try:
            await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for f in pending:
                f.cancel()
        changed.clear()

    await transport.open()
    try:
        while queue or retries or in_flight:
            now = clock.now()
            if len(in_flight) >= pacer.connections:
                await wait_for_change(math.inf)
                continue
            if retries and retries[0].due <= now:
                item = heapq.heappop(retries).item
            elif queue:
                item = queue.popleft()
            else:
                await wait_for_change(retries[0].due if retries else math.inf)
                continue
            remaining = 1 + len(queue) + len(retries)
            slot = pacer.next_slot(now, remaining)
            if slot >= item.deadline:
                why = "delivery window closed" if item.deadline >= pacer.window_end else "contact's deadline passed"
                finish(item.outcome, Outcome.EXPIRED, f"{why} at {_iso(item.deadline)} before its turn")
                continue
            await clock.sleep_until(slot)
            pacer.commit(slot)
            item.outcome.attempts.append(slot)
            task = asyncio.ensure_future(attempt(item))
            in_flight.add(task)
            task.add_done_callback(done)
    finally:
        if in_flight:  # cancelled: let the sends already handed over finish and be counted
            await asyncio.gather(*in_flight, return_exceptions=True)
        await transport.close()
        for o in report.contacts:
            if o.outcome is None:
                finish(o, Outcome.EXPIRED, "campaign stopped before its turn")
        report.finished = clock.now()
    return report


def _deadline(row: Mapping[str, str], deadline_field: str, timezone_field: str) -> float:
    text = str(row.get(deadline_field) or "").strip()
    if not text:
        return math.inf
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{deadline_field} {text!r} is not an ISO 8601 time") from None
    if when.tzinfo is None:
        zone = str(row.get(timezone_field) or "").strip()
        if not zone:
            raise ValueError(f"{deadline_field} {text!r} has no UTC offset and the contact has no {timezone_field}")
        try:
            when = when.replace(tzinfo=ZoneInfo(zone))
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"{timezone_field} {zone!r} is not a known IANA time zone") from None
    return when.timestamp()


def _iso(t: float) -> str:
    if not math.isfinite(t):
        return "never"
    return datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds")
