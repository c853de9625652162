"""Where a page's time goes: each benchmarked page profiled in-process with pyinstrument (a statistical
profiler: it samples the stack, so it barely slows what it measures), as it is rendered (logged in, the
page cache off), after a warm-up.

For each page the report lists the costliest calls of the app's own code and of the libraries it calls
straight into (SQL, ORM loading, Jinja, Babel), as a share of the page's time, so two reports (before and
after a change) say what a change bought and what is left."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = 25
TOP = 6
#: Library functions named in the profile: queries, loading rows, rendering, translating, dates.
LIBRARY_CALLS = {"execute", "scalars", "scalar", "render", "chunks", "format_datetime", "gettext"}


@dataclass
class Profile:
    path: str
    ms_per_request: float
    costs: list[tuple[str, float]] = field(default_factory=list)  # (what, share of the page's time)


def _label(frame) -> str:
    if frame.function == "__call__" and "community/spaces/tenancy.py" in (frame.file_path or ""):
        return "Flask, Werkzeug and the extensions around the view (WSGI entry)"
    where = frame.file_path_short or ""
    if "community/" in where:
        where = where[where.index("community/") :]
    elif "site-packages/" in where:
        where = where.split("site-packages/", 1)[1].split("/", 1)[0]
    if "community/" in where:
        return f"{frame.function} ({where}:{frame.line_no})"
    return f"{frame.function} ({where})"


def _interesting(frame) -> bool:
    """A call worth naming: the app's own functions and templates below the view, or the library
    functions the app calls into that carry the cost (a query, loading rows, rendering, formatting)."""
    path = frame.file_path or ""
    if "/community/" in path and "/bench/" not in path:
        return True
    return frame.function in LIBRARY_CALLS


def _costs(root, total: float) -> list[tuple[str, float]]:
    """Each named call's own share: its time less that of the named calls inside it, so a view that
    spends its time in a query and a template shows as the query and the template, not as the view."""
    found: dict[str, float] = {}

    def inner(frame) -> float:
        """The time of the nearest named calls below ``frame`` (each counted once, under its name)."""
        spent = 0.0
        for child in frame.children:
            if _interesting(child):
                found[_label(child)] = found.get(_label(child), 0.0) + child.time - inner(child)
                spent += child.time
            else:
                spent += inner(child)
        return spent

    inner(root)
    named = sorted(found.items(), key=lambda item: item[1], reverse=True)
    return [(what, seconds / total) for what, seconds in named]


def profile_pages(paths: list[str], app=None, headers: dict[str, str] | None = None) -> list[Profile]:
    """Each page as it is rendered (the page cache off), with ``headers`` (a logged-in citizen's
    cookie) when given."""
    from pyinstrument import Profiler

    if app is None:
        from community import create_app

        app = create_app({"PAGE_CACHE_SECONDS": 0})
    client = app.test_client(use_cookies=False)  # else it drops the Cookie header given
    profiles = []
    for path in paths:
        client.get(path, headers=headers)
        client.get(path, headers=headers)  # warm: hostnames, gazetteer, cards, compiled templates
        profiler = Profiler(interval=0.0005)
        profiler.start()
        for _ in range(RUNS):
            client.get(path, headers=headers)
        root = profiler.stop().root_frame()
        total = root.time if root is not None else 0.0
        profile = Profile(path, total / RUNS * 1000)
        if root is not None and total:
            profile.costs = _costs(root, total)[:TOP]
        profiles.append(profile)
    return profiles


def render(profiles: list[Profile], names: dict[str, str]) -> str:
    lines = [
        "## Where the time goes (pyinstrument, in-process, logged in as the citizen above, rendered)",
        "",
        f"Each page requested {RUNS} times after a warm-up; the heaviest calls as a share of the page's time "
        "(each call's own time: less that of the listed calls inside it).",
        "",
    ]
    for p in profiles:
        lines.append(f"- **{names.get(p.path, p.path)}** ({p.ms_per_request:.1f} ms a request in-process): "
                     + "; ".join(f"{what} {share:.0%}" for what, share in p.costs))  # fmt: skip
    return "\n".join(lines) + "\n"
