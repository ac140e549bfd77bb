"""`reportgen serve`: the web app on uvicorn (kept out of cli.py, which branch `api`
rewrites; cli.py only registers this parser and handler).

    reportgen serve [--host 127.0.0.1] [--port 8000] [--data DIR] [--password-file F]

The password may also come from REPORTGEN_PASSWORD; any host other than loopback
refuses to start without one. --data defaults to $XDG_DATA_HOME/reportgen (else
~/.local/share/reportgen).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from reportgen.i18n import N_, _


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "reportgen"


def add_parser(subparsers, parents=()) -> None:
    serve = subparsers.add_parser("serve", parents=list(parents),
                                  help="the web app for clerks and reviewers (needs reportgen[web])")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--data", type=Path, default=None,
                       help="where datasets, builds and diffs are kept (default ~/.local/share/reportgen)")
    serve.add_argument("--password-file", type=Path, default=None,
                       help="file whose first line is the password (or set REPORTGEN_PASSWORD)")
    serve.add_argument("--max-upload-mb", type=int, default=50, help="upload size limit (default 50)")
    serve.add_argument("--jobs", type=int, default=None, help="worker processes per build (default: cores)")


def run(args) -> int:
    try:
        import uvicorn

        from reportgen.web.app import Settings, create_app
        from reportgen.web.security import ConfigError, read_password
    except ImportError as error:
        print("reportgen: " + _(N_("the web app needs its extra: pip install 'reportgen[web]' ({detail})"),
                                detail=str(error)), file=sys.stderr)
        return 1
    try:
        password = read_password(args.password_file)
    except OSError as error:
        print("reportgen: " + _(N_("cannot read the password file {path}: {reason}"),
                                path=args.password_file, reason=error.strerror or str(error)), file=sys.stderr)
        return 1
    data = args.data or default_data_dir()
    settings = Settings(data=data, host=args.host, password=password,
                        max_upload=args.max_upload_mb * 1024 * 1024, jobs=args.jobs)
    try:
        app = create_app(settings)
    except ConfigError as error:
        print("reportgen: " + _(error.message, **error.params), file=sys.stderr)
        return 2
    print(_(N_("reportgen serves {data} on http://{host}:{port}/ (Ctrl+C stops it)"),
            data=data, host=args.host, port=args.port), file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False)
    return 0
