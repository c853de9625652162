"""deploy/ is what an operations team installs (issue 9, findings 14 and 19): the web unit runs the
README's gunicorn line, no log in front of the app writes the tokens e-mailed links carry, and nginx
does not name its version. Read from the files themselves, without a network or an nginx."""

from __future__ import annotations

import re
import secrets
import shlex
import sys

from itsdangerous import URLSafeTimedSerializer

from tests.support import ROOT, readme_blocks

DEPLOY = ROOT / "deploy"


def readme_gunicorn() -> list[str]:
    _build, host = readme_blocks("## Production")
    [line] = [line for line in host if line.startswith("gunicorn ")]
    return shlex.split(line, comments=True)


def unit_exec_start() -> list[str]:
    text = (DEPLOY / "faelled-web.service").read_text().replace("\\\n", " ")
    [line] = [line for line in text.splitlines() if line.startswith("ExecStart=")]
    return shlex.split(line.removeprefix("ExecStart="))


def test_the_web_unit_runs_the_readmes_gunicorn_line():
    readme, unit = readme_gunicorn(), unit_exec_start()
    assert unit[0] == "/opt/faelled/venv/bin/gunicorn"
    assert unit[1:] == readme[1:]
    assert readme[1:3] == ["-c", "python:community.gunicorn_conf"], "no Server: gunicorn header"


def test_nothing_in_deploy_turns_on_gunicorns_access_log(monkeypatch):
    """gunicorn's access log writes each request line whole (``/reset/<token>``); the app logs one line
    per request with its tokens redacted. Checked with gunicorn's own reading of the unit's command
    line and configuration module, and in every file of deploy/."""
    from gunicorn.app.wsgiapp import WSGIApplication

    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    monkeypatch.setattr(sys, "argv", unit_exec_start())
    settings = WSGIApplication().cfg
    assert settings.accesslog is None
    unit = (DEPLOY / "faelled-web.service").read_text()
    [stop] = re.findall(r"^TimeoutStopSec=(\d+)$", unit, re.MULTILINE)
    assert settings.graceful_timeout < int(stop), "requests finish before systemd kills the workers"
    for path in [*DEPLOY.iterdir(), ROOT / "community" / "gunicorn_conf.py"]:
        text = path.read_text()
        for option in ("--access-logfile", "accesslog", "access_log_format", "--access-logformat"):
            assert f"{option} " not in text and f"{option}=" not in text, (path.name, option)


def _servers(conf: str) -> list[str]:
    blocks = []
    for start in [m.end() for m in re.finditer(r"^server \{", conf, re.MULTILINE)]:
        depth, end = 1, start
        while depth:
            depth += {"{": 1, "}": -1}.get(conf[end], 0)
            end += 1
        blocks.append(conf[start:end])
    return blocks


def _without_comments(conf: str) -> str:
    return "\n".join(line.split("#", 1)[0] for line in conf.splitlines())


def test_nginx_names_no_version_and_logs_with_its_own_format():
    conf = _without_comments((DEPLOY / "nginx.conf").read_text())
    servers = _servers(conf)
    assert len(servers) == 2
    for server in servers:
        assert re.search(r"^\s*server_tokens off;", server, re.MULTILINE)
        assert re.search(r"^\s*access_log \S+ faelled;", server, re.MULTILINE), (
            "the default format logs $request"
        )
        for log in re.findall(r"^\s*access_log ([^;]*);", server, re.MULTILINE):
            assert log == "off" or log.endswith(" faelled"), log
    [log_format] = re.findall(r"log_format faelled ([^;]*);", conf)
    for variable in ("$request ", '$request"', "$request_uri", "$args", "$query_string", "$http_referer"):
        assert variable not in log_format, variable
    assert "$faelled_log_path" in log_format and "$uri" not in log_format


def _nginx_redaction():
    """The access log's ``map`` as Python: nginx's PCRE named groups and ``${name}`` in Python's words."""
    conf = (DEPLOY / "nginx.conf").read_text()
    [(pattern, value)] = re.findall(r'map \$uri \$faelled_log_path \{.*?"~(.*?)"\s+"(.*?)";', conf, re.DOTALL)
    regex = re.compile(pattern.replace("(?<", "(?P<"))
    replacement = re.sub(r"\$\{(\w+)\}", r"\\g<\1>", value)

    def logged(path: str) -> str:
        return regex.sub(replacement, path) if regex.match(path) else path

    return logged


def test_nginx_logs_every_route_that_takes_a_token_without_it(app):
    logged = _nginx_redaction()
    signed = URLSafeTimedSerializer("secret", salt="reset").dumps({"user": 42, "v": 3})
    # token_urlsafe(18) draws no digit about once in 60: such a token must be redacted too.
    tokens = [secrets.token_urlsafe(32), secrets.token_urlsafe(18), signed, secrets.token_hex(32),
              "jNxrzzZiFrfKhzSIdURZULGQ", "abcdefghij_klmnopqrst"]  # fmt: skip
    routes = [
        rule
        for rule in app.url_map.iter_rules()
        if any(name == "token" or name.endswith(("_token", "_key")) for name in rule.arguments)
    ]
    assert {"accounts.reset", "accounts.confirm", "spaces.invitation", "maintenance.feed"} <= {
        rule.endpoint for rule in routes
    }
    for rule in routes:
        for token in tokens:
            values = {name: token if name == "token" or name.endswith(("_token", "_key")) else "json"
                      for name in rule.arguments}  # fmt: skip
            _host, path = rule.build(values)
            line = logged(path)
            assert token not in line and "[redacted]" in line, (rule.rule, line)
            assert line.split("[redacted]")[0] == path.split(token)[0], "the route stays readable"
    for path in ["/s/stilling/posts/12", "/s/stilling-borgerforening-og-venner/", "/maintenance/faults/new",
                 "/static/vendor/htmx.min.js", "/engagement/ideas/7/comment", "/profile/data"]:  # fmt: skip
        assert logged(path) == path
