"""Reports the sandbox computes from its state: domain metrics and KYC previews."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from ._state import SandboxError, timestamp

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from ._ledger import Ledger

__all__ = ["METRICS", "domain_metric", "kyc_preview"]

METRICS: Final = ("payments/amount", "payments/count", "users/count", "balance")

_TYPES: Final = frozenset({"common", "emit", "destroy"})

# CPF has 11 digits, CNPJ 14.
_TAX_ID_LENGTHS: Final = frozenset({11, 14})


def domain_metric(
    ledger: Ledger, domain_id: str, name: str, query: Mapping[str, str]
) -> list[dict[str, Any]]:
    """One of a domain's metrics, in day buckets, filtered by the query string.

    Args:
        ledger: The sandbox's money, and through it its people.
        domain_id: The domain.
        name: One of ``METRICS``.
        query: ``start``, ``end``, ``source``, ``recipient``, ``asset``, ``type``.

    Raises:
        SandboxError: A 400 for a bad filter, a 404 for an unknown domain.
    """
    domain = ledger.people.domain(domain_id)
    start, end = _moment(query, "start"), _moment(query, "end")
    if query.get("type") is not None and query["type"] not in _TYPES:
        raise SandboxError(400, "type must be common, emit or destroy")
    members = {u["id"] for u in ledger.people.users.values() if _in(u, domain["id"])}

    if name == "users/count":
        days = [
            u["createdAt"]
            for u in ledger.people.users.values()
            if u["id"] in members and _within(u["createdAt"], start, end)
        ]
        return _buckets(((day, Decimal(1)) for day in days), "count", int)
    if name == "balance":
        asset = ledger.asset(query.get("asset"))
        total = sum(
            (
                ledger.balance(w["id"], asset["id"])
                for w in ledger.wallets.values()
                if w["user"] in members
            ),
            Decimal(0),
        )
        return [{"time": _day(timestamp()), "total_amount": format(total, "f")}]

    rows = list(_payments(ledger, members, query, start, end))
    if name == "payments/count":
        return _buckets(((day, Decimal(1)) for day, _ in rows), "count", int)
    return _buckets(rows, "total_amount", lambda total: format(total, "f"))


def kyc_preview(tax_id: str) -> dict[str, Any]:
    """Whether a tax id would pass KYC: a CPF or CNPJ that is not one digit repeated."""
    digits = "".join(char for char in tax_id if char.isdigit())
    if len(digits) not in _TAX_ID_LENGTHS:
        return {"accepted": False, "details": {"taxId": digits, "reason": "length"}}
    if len(set(digits)) == 1:
        return {"accepted": False, "details": {"taxId": digits, "reason": "invalid"}}
    return {"accepted": True, "details": {"taxId": digits, "situation": "regular"}}


def _payments(
    ledger: Ledger,
    members: set[str],
    query: Mapping[str, str],
    start: datetime | None,
    end: datetime | None,
) -> Iterable[tuple[str, Decimal]]:
    asset = ledger.asset(query["asset"]) if query.get("asset") else None
    for transaction_id, transaction in ledger.transactions.items():
        kind = ledger.kinds[transaction_id]
        source = ledger.wallets.get(transaction["source"]["id"], {})
        if source.get("user") not in members:
            continue
        if query.get("type") is not None and kind != query["type"]:
            continue
        if query.get("source") not in (None, source.get("id")):
            continue
        if not _within(transaction["createdAt"], start, end):
            continue
        for payment in transaction["payments"]:
            destination = payment.get("destination", {}).get("id")
            if query.get("recipient") not in (None, destination):
                continue
            if asset is not None and payment["asset"]["id"] != asset["id"]:
                continue
            yield transaction["createdAt"], Decimal(payment["amount"])


def _buckets(
    rows: Iterable[tuple[str, Decimal]], field: str, write: Callable[[Decimal], object]
) -> list[dict[str, Any]]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for moment, value in rows:
        totals[_day(moment)] += value
    return [{"time": day, field: write(totals[day])} for day in sorted(totals)]


def _day(moment: str) -> str:
    return moment[:10] + "T00:00:00.000Z"


def _in(user: dict[str, Any], domain_id: str) -> bool:
    return bool(user.get("domain", {}).get("id") == domain_id)


def _moment(query: Mapping[str, str], name: str) -> datetime | None:
    value = query.get(name)
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise SandboxError(400, f"{name} is not an ISO-8601 date") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _within(moment: str, start: datetime | None, end: datetime | None) -> bool:
    when = datetime.fromisoformat(moment)
    return (start is None or when >= start) and (end is None or when <= end)
