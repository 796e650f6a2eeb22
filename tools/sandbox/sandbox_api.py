#!/usr/bin/env python3
"""Sandbox Woodpecker prospect-enrichment API (Python standard library only).

A stand-in for https://api.woodpecker.co used by the browser tests and by scripts/run.sh, so the
whole flow can be tried without a Woodpecker account. See tools/sandbox/README.md for the behaviour and
docs/api-assumptions.md for the response shapes it serves.

    python3 tools/sandbox/sandbox_api.py [--host 127.0.0.1] [--port 8090] [--key sandbox-key ...]
                                   [--credits 1000] [--no-cors] [--progress-seconds 6]
                                   [--max-batch 100] [--max-body-bytes N] [--max-seconds N]
                                   [--quiet]

The first line printed on stdout is exactly "SANDBOX_LISTENING http://<host>:<port>".
API keys are never printed: log lines (stderr) say key=*** (or key=none).
"""

from __future__ import annotations

import argparse
import hashlib
import http
import json
import re
import signal
import socket
import sys
import threading
import time
import uuid as uuidlib
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

# ---------------------------------------------------------------------------------------------
# Constants
# ---------------------------------------------------------------------------------------------

QUEUE_PATH = "/rest/v2/lead_finder/prospects/enrichments"
LIST_PATH = QUEUE_PATH + "/statuses/query"
GET_RE = re.compile(r"^/rest/v2/lead_finder/prospects/enrichments/([^/]+)$")
CONTROL_PREFIX = "/_sandbox"

COST = 150                      # 1.5 credits, in hundredths of a credit
MAX_BODY_BYTES = 5 * 1024 * 1024   # default of the max_body_bytes setting
DRAIN_LIMIT = 64 * 1024 * 1024      # a refused body up to this size is read (and thrown away)
DRAIN_CHUNK = 64 * 1024
LIST_LIMIT = 50                 # batches returned by the status query
LOG_LIMIT = 10000               # request-log entries kept (oldest dropped first)

OPTIONAL_FIELDS = ("first_name", "last_name", "linkedin_url", "company_name", "company_website")
PROSPECT_FIELDS = ("email",) + OPTIONAL_FIELDS

DEFAULT_DATABASE = (
    "erlich@bachmanity.com",
    "jared@piedpiper.com",
    "richard@piedpiper.com",
    "dinesh@piedpiper.com",
    "bertram@piedpiper.com",
    "monica@raviga.com",
    "laurie@raviga.com",
    "gavin@hooli.com",
    "nelson@hooli.com",
    "jian@newpiedpiper.com",
)
DEFAULT_DOMAINS = ("example.com", "example.org", "piedpiper.com", "hooli.com")

ENRICHED = "ENRICHED"
NO_DATA_FOUND = "NO_DATA_FOUND"
NOT_IN_DATABASE = "NOT_IN_DATABASE"

CORS_HEADERS = (
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Allow-Headers", "x-api-key, content-type"),
    ("Access-Control-Allow-Methods", "GET, POST, OPTIONS"),
    ("Access-Control-Expose-Headers", "Retry-After"),
)

FAULT_MATCHES = ("queue", "get", "list", "any")
FAULT_TYPES = ("status", "slow", "drop", "malformed", "hold")
HOLD_LIMIT_MS = 600000          # a held request goes on by itself after this long (a forgotten release)


class BadRequest(Exception):
    """A client error; str(exc) is the v2 error body's detail."""

    def __init__(self, detail: str, status: int = 400):
        super().__init__(detail)
        self.detail = detail
        self.status = status


class ClientGone(Exception):
    """The client closed the connection before the end of its request body."""


def error_body(status: int, detail: str) -> dict:
    try:
        title = http.HTTPStatus(status).phrase
    except ValueError:
        title = "Error"
    return {
        "title": title,
        "status": status,
        "detail": detail,
        "timestamp": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S"),
    }


def credits_out(hundredths: int):
    """Credits as a JSON number: an int when whole, else a float with 2 decimals."""
    if hundredths % 100 == 0:
        return hundredths // 100
    return round(hundredths / 100.0, 2)


def key_fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def _err(line: str) -> None:
    """A log line on stderr; a closed stderr must not break request handling."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


# ---------------------------------------------------------------------------------------------
# State
# ---------------------------------------------------------------------------------------------

SETTING_NAMES = ("credits", "cors", "progress_seconds", "max_batch", "max_body_bytes", "keys",
                 "database", "database_domains")


class Sandbox:
    """All mutable state, guarded by one lock."""

    def __init__(self, defaults: dict, quiet: bool = False):
        self.lock = threading.Lock()
        self.quiet = quiet
        self.defaults = self.validate_settings(defaults)
        self._reset_locked({})

    # -- settings ------------------------------------------------------------------------------
    @staticmethod
    def validate_settings(body) -> dict:
        """Checks a settings object; returns normalised values (credits in hundredths)."""
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        out = {}
        for name, value in body.items():
            if name not in SETTING_NAMES:
                raise BadRequest(f"{name} is not a known setting (known: {', '.join(SETTING_NAMES)})")
            if name == "credits":
                if not is_number(value) or value < 0:
                    raise BadRequest("credits must be a number >= 0")
                out[name] = int(round(value * 100))
            elif name == "cors":
                if not isinstance(value, bool):
                    raise BadRequest("cors must be true or false")
                out[name] = value
            elif name == "progress_seconds":
                if not is_number(value) or value < 0:
                    raise BadRequest("progress_seconds must be a number >= 0")
                out[name] = float(value)
            elif name in ("max_batch", "max_body_bytes"):
                if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                    raise BadRequest(f"{name} must be an integer >= 1")
                out[name] = value
            elif name == "keys":
                if (not isinstance(value, list) or not value
                        or not all(isinstance(k, str) and k for k in value)):
                    raise BadRequest("keys must be a non-empty array of non-empty strings")
                out[name] = list(value)
            elif name == "database":
                if not isinstance(value, list) or not all(isinstance(e, str) for e in value):
                    raise BadRequest("database must be an array of email strings")
                out[name] = {e.strip().lower() for e in value if e.strip()}
            elif name == "database_domains":
                if not isinstance(value, list) or not all(isinstance(d, str) for d in value):
                    raise BadRequest("database_domains must be an array of domain strings")
                out[name] = [d.strip().lower().lstrip("@") for d in value if d.strip()]
        return out

    def _apply_locked(self, settings: dict) -> None:
        for name, value in settings.items():
            if name == "credits":
                self.credits = value
            elif name == "database":
                self.database = set(value)
            elif name == "database_domains":
                self.database_domains = list(value)
            elif name == "keys":
                self.keys = list(value)
            else:
                setattr(self, name, value)

    def _reset_locked(self, settings: dict) -> None:
        self.credits = 100000
        self.cors = True
        self.progress_seconds = 6.0
        self.max_batch = 100
        self.max_body_bytes = MAX_BODY_BYTES
        self.keys = ["sandbox-key"]
        self.database = set(DEFAULT_DATABASE)
        self.database_domains = list(DEFAULT_DOMAINS)
        self._apply_locked(self.defaults if hasattr(self, "defaults") else {})
        self._apply_locked(settings)
        self.batches: list[dict] = []
        self.by_uuid: dict[str, dict] = {}
        # Indexes, so that runs of any size stay fast (no scan of every batch per request):
        self.unsettled: list[dict] = []                # batches not yet settled, oldest first
        self.pending_count: dict[str, int] = {}        # email -> batches holding it unsettled
        self.by_email: dict[str, list[dict]] = {}      # email -> batches holding it, oldest first
        for event in getattr(self, "held", []):          # a reset lets held requests go on
            event.set()
        self.held: list[threading.Event] = []          # requests held by a "hold" fault
        self.requests: list[dict] = []
        self.request_seq = 0
        self.faults: list[dict] = []
        self.options_count = 0
        self.clock_offset = 0.0

    def _now(self) -> float:
        """The sandbox's clock (monotonic), moved forward by POST /_sandbox/advance."""
        return time.monotonic() + self.clock_offset

    def advance(self, body) -> dict:
        if not isinstance(body, dict) or set(body) != {"seconds"}:
            raise BadRequest('body must be {"seconds": N}')
        seconds = body["seconds"]
        if not is_number(seconds) or not 0 < seconds <= 10 ** 9:
            raise BadRequest("seconds must be a number > 0")
        with self.lock:
            self.clock_offset += float(seconds)
            self._settle_locked(self._now())
            state = self._state_locked()
            state["advanced_seconds"] = self.clock_offset
            return state

    def reset(self, body) -> dict:
        settings = self.validate_settings(body if body is not None else {})
        with self.lock:
            self._reset_locked(settings)
            return self._state_locked()

    def configure(self, body) -> dict:
        settings = self.validate_settings(body if body is not None else {})
        with self.lock:
            self._settle_locked(self._now())
            self._apply_locked(settings)
            return self._state_locked()

    def state(self) -> dict:
        with self.lock:
            self._settle_locked(self._now())
            return self._state_locked()

    def _state_locked(self) -> dict:
        return {
            "credits": credits_out(self.credits),
            "cors": self.cors,
            "progress_seconds": self.progress_seconds,
            "max_batch": self.max_batch,
            "max_body_bytes": self.max_body_bytes,
            "keys_count": len(self.keys),
            "batches_count": len(self.batches),
            "faults_pending": sum(f["remaining"] for f in self.faults),
            "options_count": self.options_count,
            "requests_count": self.request_seq,
            "held": len(self.held),
            "database_count": len(self.database),
            "database_domains": list(self.database_domains),
        }

    def get_max_body_bytes(self) -> int:
        with self.lock:
            return self.max_body_bytes

    def get_cors(self) -> bool:
        with self.lock:
            return self.cors

    def count_options(self) -> None:
        with self.lock:
            self.options_count += 1

    def key_valid(self, key) -> bool:
        with self.lock:
            return key is not None and key in self.keys

    # -- database --------------------------------------------------------------------------------
    def _result_for_locked(self, email_lc: str) -> str:
        local, _, domain = email_lc.rpartition("@")
        in_db = email_lc in self.database or domain in self.database_domains
        if not in_db:
            return NOT_IN_DATABASE
        if local.startswith("nodata"):
            return NO_DATA_FOUND
        return ENRICHED

    # -- progress ----------------------------------------------------------------------------------
    @staticmethod
    def _phase(batch: dict, now: float) -> str:
        duration = batch["duration"]
        elapsed = now - batch["t0"]
        if batch["settled"] or duration <= 0 or elapsed >= duration:
            return "PROCESSED"
        if elapsed < duration / 3.0:
            return "PENDING"
        return "PROCESSING"          # second third (and the last instant before done)

    def _settle_batch_locked(self, batch: dict) -> None:
        if batch["settled"]:
            return
        batch["settled"] = True
        for p in batch["prospects"]:
            if p["result"] != ENRICHED:
                self.credits += COST     # reservation refunded; ENRICHED keeps it (charged)
            left = self.pending_count.get(p["email_lc"], 0) - 1
            if left > 0:
                self.pending_count[p["email_lc"]] = left
            else:
                self.pending_count.pop(p["email_lc"], None)

    def _settle_locked(self, now: float) -> None:
        if not self.unsettled:
            return
        still = []
        for batch in self.unsettled:
            if self._phase(batch, now) == "PROCESSED":
                self._settle_batch_locked(batch)
            else:
                still.append(batch)
        self.unsettled = still

    def complete_all(self) -> dict:
        with self.lock:
            n = 0
            for batch in self.unsettled:
                self._settle_batch_locked(batch)
                n += 1
            self.unsettled = []
            state = self._state_locked()
            state["completed_batches"] = n
            return state

    def _batch_view(self, batch: dict, now: float, only=None) -> dict:
        phase = self._phase(batch, now)
        prospects = []
        for p in batch["prospects"]:
            if only is not None and p["email_lc"] not in only:
                continue
            prospects.append({
                "email": p["email"],
                "status": phase,
                "processing_result": p["result"] if phase == "PROCESSED" else None,
            })
        return {
            "uuid": batch["uuid"],
            "created": batch["created"],
            "status": "COMPLETED" if phase == "PROCESSED" else "IN_PROGRESS",
            "prospects": prospects,
        }

    # -- API operations ------------------------------------------------------------------------------
    def queue(self, body) -> dict:
        with self.lock:
            max_batch = self.max_batch
        prospects = validate_queue_body(body, max_batch)
        with self.lock:
            now = self._now()
            self._settle_locked(now)
            pending = self.pending_count
            eligible = []
            seen = set()
            for item in prospects:
                email = item["email"]
                lc = email.strip().lower()
                if lc in pending or lc in seen:
                    continue
                seen.add(lc)
                eligible.append((email, lc))
            total = len(prospects)
            if not eligible:
                return {"uuid": None, "prospects_count": 0, "total_prospects_count": total,
                        "status": "NOT_ENQUEUED"}
            affordable = self.credits // COST
            if affordable <= 0:
                return {"uuid": None, "prospects_count": 0, "total_prospects_count": total,
                        "status": "CREDITS_EXHAUSTED"}
            if affordable >= len(eligible):
                status = "ENQUEUED"
            else:
                status = "PARTIALLY_ENQUEUED"
                eligible = eligible[:affordable]
            self.credits -= COST * len(eligible)
            batch_uuid = str(uuidlib.uuid4())
            batch = {
                "uuid": batch_uuid,
                "created": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds"),
                "t0": now,
                "duration": self.progress_seconds,
                "settled": False,
                "prospects": [{"email": e, "email_lc": lc, "result": self._result_for_locked(lc)}
                              for e, lc in eligible],
            }
            self.batches.append(batch)
            self.by_uuid[batch_uuid] = batch
            batch["seq"] = len(self.batches)
            for p in batch["prospects"]:
                self.pending_count[p["email_lc"]] = self.pending_count.get(p["email_lc"], 0) + 1
                self.by_email.setdefault(p["email_lc"], []).append(batch)
            if batch["duration"] <= 0:
                self._settle_batch_locked(batch)
            else:
                self.unsettled.append(batch)
            return {"uuid": batch_uuid, "prospects_count": len(eligible),
                    "total_prospects_count": total, "status": status}

    def get(self, batch_uuid: str):
        with self.lock:
            now = self._now()
            self._settle_locked(now)
            batch = self.by_uuid.get(batch_uuid)
            if batch is None:
                return None
            return self._batch_view(batch, now)

    def list(self, body) -> dict:
        emails = validate_list_body(body)
        with self.lock:
            now = self._now()
            self._settle_locked(now)
            if emails is None:
                recent = self.batches[-LIST_LIMIT:][::-1]
                return {"prospect_enrichments": [self._batch_view(b, now) for b in recent]}
            found = {}
            for e in emails:
                for batch in self.by_email.get(e, ()):
                    found[batch["seq"]] = batch
            newest = [found[k] for k in sorted(found, reverse=True)[:LIST_LIMIT]]
            return {"prospect_enrichments": [self._batch_view(b, now, only=emails) for b in newest]}

    def prospects(self) -> dict:
        """Every prospect queued, batch by batch in the order queued: what the sandbox recorded."""
        with self.lock:
            now = self._now()
            self._settle_locked(now)
            out = []
            for batch in self.batches:
                phase = self._phase(batch, now)
                for p in batch["prospects"]:
                    out.append({"email": p["email"], "uuid": batch["uuid"], "status": phase,
                                "processing_result": p["result"] if phase == "PROCESSED" else None})
            return {"count": len(out), "prospects": out}

    # -- held requests -------------------------------------------------------------------------
    def hold(self, limit_ms: float) -> None:
        """Blocks the calling request until POST /_sandbox/release (or limit_ms)."""
        event = threading.Event()
        with self.lock:
            self.held.append(event)
        event.wait(limit_ms / 1000.0)
        with self.lock:
            if event in self.held:
                self.held.remove(event)

    def release(self) -> dict:
        with self.lock:
            held, self.held = self.held, []
        for event in held:
            event.set()
        return {"released": len(held)}

    # -- faults ------------------------------------------------------------------------------------
    def add_faults(self, body) -> dict:
        if not isinstance(body, dict):
            raise BadRequest("body must be a JSON object")
        for name in body:
            if name not in ("faults", "clear"):
                raise BadRequest(f"{name} is not a known field (known: faults, clear)")
        clear = body.get("clear", False)
        if not isinstance(clear, bool):
            raise BadRequest("clear must be true or false")
        raw = body.get("faults", [])
        if not isinstance(raw, list):
            raise BadRequest("faults must be an array")
        parsed = [validate_fault(f, i) for i, f in enumerate(raw)]
        with self.lock:
            if clear:
                self.faults = []
            self.faults.extend(parsed)
            return {"added": len(parsed), "faults_pending": sum(f["remaining"] for f in self.faults),
                    "faults": [fault_public(f) for f in self.faults]}

    def list_faults(self) -> dict:
        with self.lock:
            return {"faults_pending": sum(f["remaining"] for f in self.faults),
                    "faults": [fault_public(f) for f in self.faults]}

    def take_fault(self, category: str):
        with self.lock:
            for i, f in enumerate(self.faults):
                if f["match"] == "any" or f["match"] == category:
                    if f["skip"] > 0:            # "after": let this many matching requests pass first
                        f["skip"] -= 1
                        continue
                    f["remaining"] -= 1
                    if f["remaining"] <= 0:
                        del self.faults[i]
                    return dict(f)
            return None

    # -- request log --------------------------------------------------------------------------------
    def log_request(self, entry: dict) -> dict:
        with self.lock:
            self.request_seq += 1
            entry["seq"] = self.request_seq
            self.requests.append(entry)
            if len(self.requests) > LOG_LIMIT:
                del self.requests[: len(self.requests) - LOG_LIMIT]
            return entry

    def finish_request(self, entry: dict, status, fault=None) -> None:
        with self.lock:
            entry["response_status"] = status
            if fault is not None:
                entry["fault"] = fault

    def request_log(self, since: int = 0) -> dict:
        with self.lock:
            return {"requests": [dict(e) for e in self.requests if e["seq"] > since]}


# ---------------------------------------------------------------------------------------------
# Body validation
# ---------------------------------------------------------------------------------------------

def validate_queue_body(body, max_batch: int) -> list:
    if body is None:
        raise BadRequest("request body is required: {\"prospects\": [...]}")
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    for name in body:
        if name != "prospects":
            raise BadRequest(f"{name} is not a known field")
    if "prospects" not in body:
        raise BadRequest("prospects is required")
    prospects = body["prospects"]
    if not isinstance(prospects, list):
        raise BadRequest("prospects must be an array")
    if not prospects:
        raise BadRequest("prospects must not be empty")
    if len(prospects) > max_batch:
        raise BadRequest(f"prospects must contain at most {max_batch} items (got {len(prospects)})")
    for i, item in enumerate(prospects):
        where = f"prospects[{i}]"
        if not isinstance(item, dict):
            raise BadRequest(f"{where} must be an object")
        for name in item:
            if name not in PROSPECT_FIELDS:
                raise BadRequest(f"{where}.{name} is not a known field")
        if "email" not in item:
            raise BadRequest(f"{where}.email is required")
        email = item["email"]
        if not isinstance(email, str):
            raise BadRequest(f"{where}.email must be a string")
        if "@" not in email:
            raise BadRequest(f"{where}.email is not a valid email address")
        for name in OPTIONAL_FIELDS:
            if name in item and not isinstance(item[name], str):
                raise BadRequest(f"{where}.{name} must be a string")
    return prospects


def validate_list_body(body):
    """None -> recent batches; else a set of lower-cased emails to filter by."""
    if body is None:
        return None
    if not isinstance(body, dict):
        raise BadRequest("request body must be a JSON object")
    for name in body:
        if name != "emails":
            raise BadRequest(f"{name} is not a known field")
    if "emails" not in body:
        return None
    emails = body["emails"]
    if not isinstance(emails, list):
        raise BadRequest("emails must be an array")
    if not emails:
        raise BadRequest("emails must not be empty (send {} for recent enrichments)")
    for i, e in enumerate(emails):
        if not isinstance(e, str):
            raise BadRequest(f"emails[{i}] must be a string")
    return {e.strip().lower() for e in emails}


def validate_fault(f, i: int) -> dict:
    where = f"faults[{i}]"
    if not isinstance(f, dict):
        raise BadRequest(f"{where} must be an object")
    known = ("match", "type", "status", "retry_after", "body", "delay_ms", "times", "process", "after")
    for name in f:
        if name not in known:
            raise BadRequest(f"{where}.{name} is not a known field (known: {', '.join(known)})")
    ftype = f.get("type")
    if ftype not in FAULT_TYPES:
        raise BadRequest(f"{where}.type must be one of {', '.join(FAULT_TYPES)}")
    match = f.get("match", "any")
    if match not in FAULT_MATCHES:
        raise BadRequest(f"{where}.match must be one of {', '.join(FAULT_MATCHES)}")
    status = f.get("status", 503)
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 599:
        raise BadRequest(f"{where}.status must be an HTTP status code")
    retry_after = f.get("retry_after")
    if retry_after is not None:
        if is_number(retry_after):
            retry_after = str(int(retry_after)) if float(retry_after).is_integer() else str(retry_after)
        if not isinstance(retry_after, str) or "\n" in retry_after or "\r" in retry_after:
            raise BadRequest(f"{where}.retry_after must be a header value string")
    delay_ms = f.get("delay_ms", HOLD_LIMIT_MS if ftype == "hold" else 3000)
    if not is_number(delay_ms) or delay_ms < 0:
        raise BadRequest(f"{where}.delay_ms must be a number >= 0")
    times = f.get("times", 1)
    if not isinstance(times, int) or isinstance(times, bool) or times < 1:
        raise BadRequest(f"{where}.times must be an integer >= 1")
    process = f.get("process", False)
    if not isinstance(process, bool):
        raise BadRequest(f"{where}.process must be true or false")
    after = f.get("after", 0)
    if not isinstance(after, int) or isinstance(after, bool) or after < 0:
        raise BadRequest(f"{where}.after must be an integer >= 0")
    return {"match": match, "type": ftype, "status": status, "retry_after": retry_after,
            "body": f.get("body"), "has_body": "body" in f, "delay_ms": float(delay_ms),
            "times": times, "remaining": times, "process": process, "after": after, "skip": after}


def fault_public(f: dict) -> dict:
    out = {"match": f["match"], "type": f["type"], "remaining": f["remaining"]}
    if f["type"] == "status":
        out["status"] = f["status"]
        if f["retry_after"] is not None:
            out["retry_after"] = f["retry_after"]
    if f["type"] == "slow":
        out["delay_ms"] = f["delay_ms"]
    if f["type"] in ("drop", "hold"):
        out["process"] = f["process"]
    if f["type"] == "hold":
        out["delay_ms"] = f["delay_ms"]
    if f["after"]:
        out["after"] = f["after"]
        out["waiting_for"] = f["skip"]
    return out


def fault_label(f: dict) -> str:
    if f["type"] == "status":
        return f"status:{f['status']}"
    if f["type"] == "slow":
        return f"slow:{int(f['delay_ms'])}ms"
    if f["type"] == "drop":
        return "drop:processed" if f["process"] else "drop"
    if f["type"] == "hold":
        return "hold:processed" if f["process"] else "hold"
    return "malformed"


# ---------------------------------------------------------------------------------------------
# HTTP
# ---------------------------------------------------------------------------------------------

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "WoodpeckerSandbox/1.0"

    def version_string(self):
        return self.server_version
    timeout = 60          # idle keep-alive connections are closed after this many seconds

    sandbox: Sandbox = None  # set on the subclass made by make_server

    # -- plumbing ------------------------------------------------------------------------------
    def log_message(self, fmt, *args):   # noqa: D401 (stdlib signature)
        if not self.sandbox.quiet:
            _err("sandbox: " + (fmt % args))

    def log_request(self, code="-", size="-"):
        pass  # our own log line is written in _api/_control

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def do_OPTIONS(self):
        self._dispatch("OPTIONS")

    def do_PUT(self):
        self._dispatch("PUT")

    def do_DELETE(self):
        self._dispatch("DELETE")

    def do_PATCH(self):
        self._dispatch("PATCH")

    # -- request body ------------------------------------------------------------------------------
    # Every request is read to its end before it is answered, refused or not. An answer sent while
    # the client (or nginx, which forwards a body after buffering it) is still sending closes the
    # connection with unread data: the kernel resets it, the sender sees the reset instead of the
    # answer, nginx turns that into 502 and the page retries a batch that can never pass. Only a
    # body that cannot be delimited (a bad Content-Length, broken chunks) or one over DRAIN_LIMIT
    # is left unread; the connection is then closed after the answer.
    def _read_body(self, limit: int):
        """(body bytes or None, size in bytes, BadRequest or None). Raises ClientGone when the
        client stops before the end of its body."""
        te = (self.headers.get("Transfer-Encoding") or "").strip().lower()
        if te:
            if te.split(",")[-1].strip() != "chunked":
                self.close_connection = True
                return None, 0, BadRequest(f"Transfer-Encoding {te} is not supported; "
                                           "send the body with Content-Length", 411)
            size, ok = self._drain_chunked()
            if not ok:
                self.close_connection = True
                return None, size, BadRequest("the chunked request body is malformed", 400)
            return None, size, BadRequest("chunked request bodies are not supported; "
                                          "send the body with Content-Length", 411)
        values = [v.strip() for v in (self.headers.get_all("Content-Length") or [])]
        if not values:
            return b"", 0, None
        if len(set(values)) != 1 or not re.fullmatch(r"[0-9]{1,18}", values[0]):
            self.close_connection = True
            shown = ", ".join(values)[:80]
            return None, 0, BadRequest(f"invalid Content-Length ({shown}): "
                                       "send one Content-Length with the body's size in bytes", 400)
        n = int(values[0])
        if n > limit:
            if n > DRAIN_LIMIT:
                self.close_connection = True       # not worth reading: answered, then closed
            else:
                self._drain(n)
            return None, n, BadRequest(
                f"request body is {n} bytes, over the sandbox's limit of {limit} bytes "
                "(max_body_bytes): send fewer prospects per request", 413)
        data = self.rfile.read(n) if n else b""
        if len(data) < n:
            raise ClientGone()
        return data, n, None

    def _drain(self, n: int) -> None:
        left = n
        while left > 0:
            chunk = self.rfile.read(min(left, DRAIN_CHUNK))
            if not chunk:
                raise ClientGone()
            left -= len(chunk)

    def _drain_chunked(self):
        """Reads a chunked body to its end without keeping it: (size, well_formed)."""
        total = 0
        while True:
            line = self.rfile.readline(1024)
            if not line:
                raise ClientGone()
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                return total, False
            if size < 0 or total + size > DRAIN_LIMIT:
                return total, False
            if size == 0:
                break
            self._drain(size)
            if self.rfile.readline(4) not in (b"\r\n", b"\n"):
                return total, False
            total += size
        while True:                                # trailer fields, up to the empty line
            line = self.rfile.readline(8192)
            if not line:
                raise ClientGone()
            if line in (b"\r\n", b"\n"):
                return total, True

    def _send(self, status: int, payload=None, raw: bytes = None, cors: bool = True,
              extra_headers=()):
        if raw is None:
            raw = b"" if payload is None else json.dumps(payload).encode("utf-8")
        # One request per connection: a browser silently re-sends a request whose reused
        # keep-alive connection closed without an answer, which would hide a "drop" fault and
        # double the request in the log. Closing after every response keeps that deterministic.
        self.close_connection = True
        try:
            self.send_response(status)
            if raw or payload is not None:
                self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(raw)))
            self.send_header("Cache-Control", "no-store")
            if cors:
                for name, value in CORS_HEADERS:
                    self.send_header(name, value)
                if self.command == "OPTIONS":
                    self.send_header("Access-Control-Max-Age", "600")
            for name, value in extra_headers:
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if raw and status not in (204, 304):
                self.wfile.write(raw)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _drop(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _line(self, method, path, key, status, fault=None, control=False):
        if self.sandbox.quiet:
            return
        keytxt = "" if control else (" key=***" if key is not None else " key=none")
        extra = f" fault={fault}" if fault else ""
        status_txt = "dropped" if status is None else str(status)
        _err(f"sandbox: {method} {path}{keytxt} -> {status_txt}{extra}")

    # -- dispatch ----------------------------------------------------------------------------------
    def _dispatch(self, method: str):
        parts = urlsplit(self.path)
        path = parts.path
        is_control = path == "/" or path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")
        try:
            body, size, body_error = self._read_body(self.sandbox.get_max_body_bytes())
        except (ClientGone, OSError):              # OSError: a timeout or a reset while reading
            self.close_connection = True
            if not self.sandbox.quiet:
                _err(f"sandbox: {method} {path} -> no answer: the client stopped sending its body")
            return
        if is_control:
            self._control(method, path, parts.query, body, body_error)
        elif method == "OPTIONS":
            self.sandbox.count_options()
            self._send(204, cors=self.sandbox.get_cors())
        else:
            self._api(method, path, body, size, body_error)

    @staticmethod
    def _parse_json(body_bytes: bytes):
        """None for an empty body; raises BadRequest for invalid JSON."""
        if not body_bytes.strip():
            return None
        try:
            return json.loads(body_bytes.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise BadRequest(f"request body is not valid JSON: {exc}")

    # -- control API -----------------------------------------------------------------------------
    # Control endpoints change faults, credits and keys and show the request log: only the sandbox's
    # own callers may use them (a script, curl, a test runner on this machine), never a web page of
    # another origin. So: no CORS headers and no preflight answer (a cross-origin page cannot read
    # an answer, nor send a JSON POST), a request with a foreign Origin (a browser says where a
    # request comes from) or addressed to another host name (DNS rebinding) is refused with 403,
    # and a POST must be application/json (a cross-origin form or text/plain POST never is).
    def _own_names(self):
        host, port = self.server.server_address[:2]
        names = {"127.0.0.1", "localhost", "[::1]"}
        if host not in ("", "0.0.0.0", "::"):
            names.add(f"[{host.lower()}]" if ":" in host else host.lower())
        return names, port

    def _control_refusal(self):
        """None, or why this control request is refused (403)."""
        names, port = self._own_names()
        host = self.headers.get("Host")
        if host is not None:
            m = re.fullmatch(r"(\[[0-9a-f:.]+\]|[^:\[\]/@]+)(?::([0-9]{1,5}))?", host.strip().lower())
            if not m or m.group(1) not in names or int(m.group(2) or 80) != port:
                return (f"control endpoints answer only requests addressed to the sandbox itself "
                        f"(Host 127.0.0.1:{port} or localhost:{port}), not Host {host[:100]!r}")
        origin = self.headers.get("Origin")
        if origin is not None and origin.strip().lower() not in {f"http://{n}:{port}" for n in names}:
            return (f"control endpoints answer only the sandbox's own origin "
                    f"(http://127.0.0.1:{port}), not a page of origin {origin[:100]!r}: "
                    "use them from a script, curl or a test, without an Origin header")
        return None

    def _control(self, method, path, query, body_bytes, body_error):
        sb = self.sandbox
        extra = []
        path = path.rstrip("/") or "/"
        try:
            why = self._control_refusal()
            if why:
                raise BadRequest(why, 403)
            if method == "OPTIONS":
                extra.append(("Allow", "GET, POST"))
                raise BadRequest("control endpoints answer no CORS preflight: call them from a "
                                 "script, curl or a test on this machine", 405)
            if body_error is not None:
                raise body_error
            if method == "POST":
                ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
                if ctype != "application/json":
                    raise BadRequest("control POSTs need Content-Type: application/json (got "
                                     f"{(self.headers.get('Content-Type') or 'none')[:100]})", 415)
            if path in ("/", CONTROL_PREFIX) and method == "GET":
                status, payload = 200, {
                    "sandbox": "Woodpecker prospect-enrichment sandbox",
                    "api": [f"POST {QUEUE_PATH}", f"GET {QUEUE_PATH}/{{uuid}}", f"POST {LIST_PATH}"],
                    "control": ["GET /_sandbox/state", "POST /_sandbox/reset",
                                "POST /_sandbox/config", "GET|POST /_sandbox/faults",
                                "GET /_sandbox/requests[?since=N]", "POST /_sandbox/complete",
                                "POST /_sandbox/advance", "GET /_sandbox/prospects",
                                "POST /_sandbox/release"],
                    "docs": "tools/sandbox/README.md",
                }
            elif path == CONTROL_PREFIX + "/state" and method == "GET":
                status, payload = 200, sb.state()
            elif path == CONTROL_PREFIX + "/reset" and method == "POST":
                status, payload = 200, sb.reset(self._parse_json(body_bytes))
            elif path == CONTROL_PREFIX + "/config" and method == "POST":
                status, payload = 200, sb.configure(self._parse_json(body_bytes) or {})
            elif path == CONTROL_PREFIX + "/faults" and method == "POST":
                status, payload = 200, sb.add_faults(self._parse_json(body_bytes) or {})
            elif path == CONTROL_PREFIX + "/faults" and method == "GET":
                status, payload = 200, sb.list_faults()
            elif path == CONTROL_PREFIX + "/complete" and method == "POST":
                status, payload = 200, sb.complete_all()
            elif path == CONTROL_PREFIX + "/advance" and method == "POST":
                status, payload = 200, sb.advance(self._parse_json(body_bytes))
            elif path == CONTROL_PREFIX + "/prospects" and method == "GET":
                status, payload = 200, sb.prospects()
            elif path == CONTROL_PREFIX + "/release" and method == "POST":
                status, payload = 200, sb.release()
            elif path == CONTROL_PREFIX + "/requests" and method == "GET":
                since = 0
                qs = parse_qs(query)
                if "since" in qs:
                    try:
                        since = int(qs["since"][0])
                    except ValueError:
                        raise BadRequest("since must be an integer")
                status, payload = 200, sb.request_log(since)
            elif path in (CONTROL_PREFIX + p for p in ("/state", "/reset", "/config", "/faults",
                                                       "/complete", "/advance", "/requests",
                                                       "/prospects", "/release")) \
                    or path == "/":
                raise BadRequest(f"method {method} not allowed on {path}", 405)
            else:
                raise BadRequest(f"no control endpoint {path}", 404)
        except BadRequest as exc:
            status, payload = exc.status, error_body(exc.status, exc.detail)
        self._send(status, payload, cors=False, extra_headers=extra)
        if not sb.quiet and path != CONTROL_PREFIX + "/requests":
            self._line(method, path, None, status, control=True)

    # -- Woodpecker API ------------------------------------------------------------------------------
    # The log entry of a request gets its response status (or the fault's outcome) before anything
    # is written back: a client that reads the log as soon as it has its answer sees it complete.
    def _api(self, method, path, body_bytes, body_size, body_error):
        sb = self.sandbox
        key = self.headers.get("x-api-key")
        content_type = self.headers.get("Content-Type")
        if body_bytes:
            try:
                logged_body = json.loads(body_bytes.decode("utf-8"))
            except (UnicodeDecodeError, ValueError):
                logged_body = body_bytes.decode("utf-8", errors="replace")
        else:
            logged_body = None                     # empty, or refused and not kept
        key_valid = sb.key_valid(key)

        m = GET_RE.match(path)
        if path == QUEUE_PATH:
            category = "queue" if method == "POST" else "other"
        elif path == LIST_PATH:
            category = "list" if method == "POST" else "other"
        elif m and m.group(1) != "statuses":
            category = "get" if method == "GET" else "other"
        else:
            category = "other"

        entry = sb.log_request({
            "seq": 0,
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
            "method": method,
            "path": self.path,
            "api_key_present": key is not None,
            "api_key_valid": key_valid,
            "api_key_sha256_prefix": key_fingerprint(key) if key is not None else None,
            "content_type": content_type,
            "body": logged_body,
            "body_bytes": body_size,
            "response_status": None,
            "fault": None,
        })

        fault = sb.take_fault(category)
        label = fault_label(fault) if fault else None
        if fault and fault["type"] == "drop" and not fault["process"]:
            sb.finish_request(entry, None, label)          # no answer will come
            self._drop()
            self._line(method, path, key, None, label)
            return
        if fault and fault["type"] == "slow":
            sb.finish_request(entry, None, label)          # in flight: status still None
            time.sleep(fault["delay_ms"] / 1000.0)
        if fault and fault["type"] == "hold" and not fault["process"]:
            sb.finish_request(entry, None, label)          # held: status still None
            sb.hold(fault["delay_ms"])
        if fault and fault["type"] == "status":
            st = fault["status"]
            payload = fault["body"] if fault["has_body"] else error_body(
                st, "sandbox fault: simulated error response")
            headers = []
            if fault["retry_after"] is not None:
                headers.append(("Retry-After", fault["retry_after"]))
            raw = json.dumps(payload).encode("utf-8")
            sb.finish_request(entry, st, label)
            self._send(st, raw=raw, cors=sb.get_cors(), extra_headers=headers)
            self._line(method, path, key, st, label)
            return

        status, payload = self._api_result(method, path, category, m, key_valid, content_type,
                                           body_bytes, body_error)
        raw = json.dumps(payload).encode("utf-8")
        if fault and fault["type"] == "drop":      # processed, then the response is lost
            sb.finish_request(entry, None, label)
            self._drop()
            self._line(method, path, key, None, label)
            return
        if fault and fault["type"] == "hold" and fault["process"]:   # processed; the answer waits
            sb.finish_request(entry, None, label)
            sb.hold(fault["delay_ms"])
        if fault and fault["type"] == "malformed":
            status = 200
            raw = raw[: max(1, len(raw) // 2)]
        sb.finish_request(entry, status, label)
        self._send(status, raw=raw, cors=sb.get_cors())
        self._line(method, path, key, status, label)

    def _api_result(self, method, path, category, m, key_valid, content_type, body_bytes,
                    body_error=None):
        sb = self.sandbox
        try:
            if body_error is not None:             # like a gateway: before routing and the key
                raise body_error
            if category == "other":
                if path in (QUEUE_PATH, LIST_PATH) or m:
                    raise BadRequest(f"method {method} not allowed on {path}", 405)
                raise BadRequest(f"no endpoint {path}", 404)
            if not key_valid:
                raise BadRequest("missing or invalid API key (x-api-key header)", 401)
            if category == "get":
                view = sb.get(m.group(1))
                if view is None:
                    raise BadRequest(f"prospect enrichment {m.group(1)} not found", 404)
                return 200, view
            if body_bytes.strip():
                ctype = (content_type or "").split(";")[0].strip().lower()
                if ctype != "application/json":
                    raise BadRequest(
                        f"Content-Type must be application/json (got {content_type or 'none'})", 415)
            body = self._parse_json(body_bytes)
            if category == "queue":
                return 200, sb.queue(body)
            return 200, sb.list(body)
        except BadRequest as exc:
            return exc.status, error_body(exc.status, exc.detail)


# ---------------------------------------------------------------------------------------------
# Server lifecycle
# ---------------------------------------------------------------------------------------------

class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


def make_server(host: str, port: int, sandbox: Sandbox) -> SandboxServer:
    handler = type("SandboxHandler", (Handler,), {"sandbox": sandbox})
    return SandboxServer((host, port), handler)


def parse_args(argv=None):
    ap = argparse.ArgumentParser(description="Sandbox Woodpecker prospect-enrichment API.")
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8090, help="0 picks a free port")
    ap.add_argument("--key", action="append", dest="keys", metavar="KEY",
                    help="accepted x-api-key value (repeatable; default sandbox-key)")
    ap.add_argument("--credits", type=float, default=1000.0)
    ap.add_argument("--no-cors", action="store_true", help="API responses carry no CORS headers")
    ap.add_argument("--progress-seconds", type=float, default=6.0,
                    help="time from enqueue to PROCESSED (0 = immediate)")
    ap.add_argument("--max-batch", type=int, default=100)
    ap.add_argument("--max-body-bytes", type=int, default=MAX_BODY_BYTES,
                    help="largest request body accepted; a larger one gets 413")
    ap.add_argument("--max-seconds", type=float, default=0.0,
                    help="exit by itself after this many seconds (0 = never)")
    ap.add_argument("--quiet", action="store_true", help="no request log lines on stderr")
    args = ap.parse_args(argv)
    if (args.credits < 0 or args.progress_seconds < 0 or args.max_batch < 1
            or args.max_body_bytes < 1 or args.max_seconds < 0):
        ap.error("--credits, --progress-seconds and --max-seconds must be >= 0; "
                 "--max-batch and --max-body-bytes >= 1")
    if args.keys is not None and not all(args.keys):
        ap.error("--key must not be empty")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    defaults = {
        "credits": args.credits,
        "cors": not args.no_cors,
        "progress_seconds": args.progress_seconds,
        "max_batch": args.max_batch,
        "max_body_bytes": args.max_body_bytes,
        "keys": args.keys or ["sandbox-key"],
    }
    sandbox = Sandbox(defaults, quiet=args.quiet)
    try:
        server = make_server(args.host, args.port, sandbox)
    except OSError as exc:
        sys.stderr.write(f"sandbox: cannot listen on {args.host}:{args.port}: {exc}\n")
        return 2
    port = server.server_address[1]
    sys.stdout.write(f"SANDBOX_LISTENING http://{args.host}:{port}\n")
    sys.stdout.flush()

    stop = threading.Event()
    reason = ["stopped"]

    def on_signal(signum, _frame):
        reason[0] = signal.Signals(signum).name
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2},
                              name="sandbox-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + args.max_seconds if args.max_seconds > 0 else None
    while not stop.is_set():
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                reason[0] = "max-seconds"
                break
            stop.wait(min(left, 0.5))
        else:
            stop.wait(0.5)
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)
    if not args.quiet:
        _err(f"sandbox: exiting ({reason[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
