"""ICU's break iterators through its C API (``ubrk_*``), with ctypes on the system's libicuuc.

Why not a binding: PyICU has no wheels and compiles for minutes against libicu-dev with g++
(issue 21 point 14); the few C functions a break iterator needs are stable API, and Debian's
runtime package (libicu72 on Debian 12) has them with its Thai dictionary, so there is nothing
to build or download. The C functions carry the ICU major version as a suffix
(``ubrk_open_72``) unless ICU was built without renaming: both are tried.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import re

UBRK_CHARACTER = 0
UBRK_LINE = 2
_UBRK_DONE = -1
# Where Debian, Fedora and Alpine put the library, for when ldconfig is not at hand.
_LIBRARY_GLOBS = ("/usr/lib/*-linux-gnu/libicuuc.so.*", "/lib/*-linux-gnu/libicuuc.so.*",
                  "/usr/lib64/libicuuc.so.*", "/usr/lib/libicuuc.so.*")


class IcuUnavailable(RuntimeError):
    """No usable libicuuc on this system."""


def _candidates() -> list[str]:
    found = ctypes.util.find_library("icuuc")
    paths = sorted(set().union(*(glob.glob(g) for g in _LIBRARY_GLOBS)), reverse=True)
    return ([found] if found else []) + paths


def _suffixes(name: str) -> list[str]:
    """``_72`` from ``libicuuc.so.72``; "" last, for ICU built without symbol renaming."""
    match = re.search(r"\.so\.(\d+)", name) or re.search(r"icuuc(\d+)", name)
    return ([f"_{match.group(1)}"] if match else []) + [""]


class _Api:
    def __init__(self, library: ctypes.CDLL, suffix: str) -> None:
        def function(name: str, restype, *argtypes):
            f = getattr(library, name + suffix)
            f.restype, f.argtypes = restype, list(argtypes)
            return f

        status = ctypes.POINTER(ctypes.c_int)
        text = ctypes.POINTER(ctypes.c_uint16)
        self.open = function("ubrk_open", ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p,
                             text, ctypes.c_int32, status)
        self.set_text = function("ubrk_setText", None, ctypes.c_void_p, text, ctypes.c_int32,
                                 status)
        self.first = function("ubrk_first", ctypes.c_int32, ctypes.c_void_p)
        self.next = function("ubrk_next", ctypes.c_int32, ctypes.c_void_p)
        self.close = function("ubrk_close", None, ctypes.c_void_p)
        self.error_name = function("u_errorName", ctypes.c_char_p, ctypes.c_int)


def _load() -> tuple[_Api, str]:
    for name in _candidates():
        try:
            library = ctypes.CDLL(name)
        except OSError:
            continue
        for suffix in _suffixes(name):
            try:
                return _Api(library, suffix), name
            except AttributeError:
                continue
    raise IcuUnavailable("libicuuc not found (Debian: apt-get install libicu72)")


_api: _Api | None
try:
    _api, LIBRARY = _load()
except IcuUnavailable:
    _api, LIBRARY = None, ""

AVAILABLE = _api is not None


class BreakIterator:
    """One ICU break iterator (UBRK_LINE or UBRK_CHARACTER) for a locale; not thread-safe."""

    def __init__(self, kind: int, locale: str) -> None:
        if _api is None:
            raise IcuUnavailable("libicuuc not found")
        self._api: _Api = _api
        status = ctypes.c_int(0)
        self._handle = _api.open(kind, locale.encode("ascii"), None, 0, ctypes.byref(status))
        self._check(status)
        # ICU reads the caller's buffer: keep it alive while iterating.
        self._text: ctypes.Array[ctypes.c_uint16] | None = None

    def _check(self, status: ctypes.c_int) -> None:
        if status.value > 0:  # U_FAILURE; negative values are warnings
            raise RuntimeError(f"ICU: {self._api.error_name(status.value).decode()}")

    def boundaries(self, text: str) -> list[int]:
        """All boundaries of ``text`` in UTF-16 units (ICU's), 0 and the end included."""
        encoded = text.encode("utf-16-le")
        units = len(encoded) // 2
        self._text = (ctypes.c_uint16 * units).from_buffer_copy(encoded)
        status = ctypes.c_int(0)
        self._api.set_text(self._handle, self._text, units, ctypes.byref(status))
        self._check(status)
        result = []
        position = self._api.first(self._handle)
        while position != _UBRK_DONE:
            result.append(position)
            position = self._api.next(self._handle)
        return result

    def __del__(self) -> None:
        handle = getattr(self, "_handle", None)
        if handle and _api is not None:
            _api.close(handle)
