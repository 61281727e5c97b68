"""The drawn signature as it arrives from the pad: JSON strokes, checked before anything else."""

from __future__ import annotations

import itertools
import json
import math

from formapp.documents.consent import Signature, SignatureStroke
from formapp.i18n import _lp
from formapp.records.errors import RuleViolation

MAX_JSON_BYTES = 256 * 1024
MAX_STROKES = 300
MAX_POINTS = 20_000
# Less ink than this is a tap or a slip, not a signature (pad units: the width is 1).
MIN_POINTS = 8
MIN_INK = 0.12


def _ink(points: list[tuple[float, float]], aspect: float) -> float:
    """Length of a stroke in widths of the pad (y scaled by the pad's shape)."""
    return sum(math.hypot(x2 - x1, (y2 - y1) / aspect)
               for (x1, y1), (x2, y2) in itertools.pairwise(points))


def parse_signature(raw: str, field: str = "signature") -> Signature:
    """``{"aspect": w/h, "strokes": [[[x, y], …], …]}`` with 0..1 coordinates, or a message."""
    empty = RuleViolation(field, _lp("Skriv din underskrift i rutan med fingret."))
    if not raw or not raw.strip():
        raise empty
    if len(raw.encode("utf-8")) > MAX_JSON_BYTES:
        raise RuleViolation(field, _lp("Underskriften är för stor. Sudda och skriv den igen."))
    try:
        data = json.loads(raw)
        aspect = float(data["aspect"])
        strokes = [[(float(x), float(y)) for x, y in stroke] for stroke in data["strokes"]]
    except (ValueError, TypeError, KeyError) as exc:
        raise RuleViolation(field, _lp("Underskriften kunde inte läsas. Sudda och skriv den "
                                       "igen.")) from exc
    if not math.isfinite(aspect) or not 0.2 <= aspect <= 20:
        raise RuleViolation(field, _lp("Underskriften kunde inte läsas. Sudda och skriv den "
                                       "igen."))
    points = sum(len(s) for s in strokes)
    if len(strokes) > MAX_STROKES or points > MAX_POINTS:
        raise RuleViolation(field, _lp("Underskriften är för stor. Sudda och skriv den igen."))
    if any(not (math.isfinite(x) and math.isfinite(y) and 0 <= x <= 1 and 0 <= y <= 1)
           for stroke in strokes for x, y in stroke):
        raise RuleViolation(field, _lp("Underskriften kunde inte läsas. Sudda och skriv den "
                                       "igen."))
    if points < MIN_POINTS or sum(_ink(s, aspect) for s in strokes) < MIN_INK:
        raise empty
    return Signature(tuple(SignatureStroke(tuple(s)) for s in strokes if s), aspect=aspect)
