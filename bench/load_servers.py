"""What the load benchmark runs against: a demo warehouse, and the app processes serving it (behind nginx when
there are several), with their memory and processor time watched from /proc."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from access.accounts import add_user  # noqa: E402
from tests import postgres  # noqa: E402
from tests.browser.server import free_port, healthy  # noqa: E402
from warehouse.db import open_warehouse  # noqa: E402
from warehouse.read import county_names  # noqa: E402
from warehouse.settings import Settings  # noqa: E402

ID_KEY = "load-bench-key-not-a-secret-0123456789"
NGINX_SITE = ROOT / "deploy" / "nginx" / "dibao.conf"
NGINX = Path("/usr/sbin/nginx")
TRACEBACK = re.compile(r"Traceback \(most recent call last\):.*?(?=\n\S|\Z)", re.S)


def dibao(url: str, *arguments: str) -> None:
    environment = os.environ | {"DIBAO_WAREHOUSE_URL": url, "DIBAO_USER": "load-bench"}
    if url.startswith("postgresql"):
        environment["DIBAO_ID_KEY"] = ID_KEY
    done = subprocess.run([str(ROOT / ".venv/bin/dibao"), *arguments], env=environment, capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"dibao {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")


def _copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of an embedded warehouse (its write-ahead log included) and its key file."""
    with sqlite3.connect(source) as old, sqlite3.connect(target) as new:
        old.backup(new)
    shutil.copyfile(source.with_suffix(".idkey"), target.with_suffix(".idkey"))


class Warehouse:
    """The demo warehouse for one run: the embedded file copied fresh, or a database on a throwaway PostgreSQL."""

    def __init__(self, backend: str, folder: Path, *, keep: Path | None = None) -> None:
        self.backend, self.folder, self.keep = backend, folder, keep
        self.url = ""
        self.build_seconds = 0.0
        self.counties: list[str] = []
        self._server: postgres.Server | None = None

    def __enter__(self) -> Warehouse:
        started = time.monotonic()
        if self.backend == "postgres":
            self._server = postgres.Server()
            self.url = postgres.fresh_database(self._server.start())
            dibao(self.url, "demo")
        else:
            built = (self.keep or self.folder) / "demo.db"
            built.parent.mkdir(parents=True, exist_ok=True)
            if not built.exists():
                dibao(f"sqlite:///{built}", "demo")
            _copy_sqlite(built, self.folder / "warehouse.db")
            self.url = f"sqlite:///{self.folder / 'warehouse.db'}"
        self.build_seconds = time.monotonic() - started
        self.counties = list(self._read(county_names).values())
        return self

    def __exit__(self, *_exc) -> None:
        if self._server is not None:
            self._server.stop()

    def environment(self) -> dict[str, str]:
        environment = {"DIBAO_WAREHOUSE_URL": self.url}
        if self.backend == "postgres":
            environment["DIBAO_ID_KEY"] = ID_KEY
        return environment

    def _read(self, reading):
        engine = open_warehouse(Settings(**{key[6:].lower(): value for key, value in self.environment().items()}))
        try:
            return reading(engine)
        finally:
            engine.dispose()

    def add_accounts(self, people, password: str) -> None:
        """An account for each person: leadership, an evaluator of their county, uploaders of theirs."""
        def add(engine) -> None:
            codes = {name: code for code, name in county_names(engine).items()}
            for person in people:
                role = "viewer" if person.role == "viewer" else "evaluator"
                counties = [codes[person.county]] if role == "evaluator" else None
                add_user(engine, username=person.username, role=role, counties=counties, password=password, by="load")

        self._read(add)


class Memory:
    """The app processes' resident memory, sampled five times a second; the peak since `reset`, in MiB."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak = 0.0
        self._stop = threading.Event()
        threading.Thread(target=self._watch, daemon=True).start()

    def now(self) -> float:
        total = 0
        for pid in self.pids:
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
        return total / 1024

    def reset(self) -> None:
        self.peak = self.now()

    def _watch(self) -> None:
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, self.now())

    def stop(self) -> None:
        self._stop.set()


class AppProcesses:
    """`streamlit run app.py` once, or `count` times behind nginx (deploy/nginx/dibao.conf, sticky by cookie)."""

    def __init__(self, warehouse: Warehouse, count: int, folder: Path) -> None:
        self.warehouse, self.count, self.folder = warehouse, count, folder
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.url = ""
        self._nginx: subprocess.Popen | None = None

    def __enter__(self) -> AppProcesses:
        ports = [free_port() for _ in range(self.count)]
        for index, port in enumerate(ports):
            log = self.folder / f"app-{index}.log"
            self.logs.append(log)
            self.processes.append(
                subprocess.Popen(
                    [
                        str(ROOT / ".venv/bin/streamlit"), "run", str(ROOT / "app.py"), "--server.headless=true",
                        "--server.address=127.0.0.1", f"--server.port={port}", "--browser.gatherUsageStats=false",
                    ],  # fmt: skip
                    cwd=ROOT,
                    env=os.environ | self.warehouse.environment(),
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        for port in ports:
            self._wait(f"http://127.0.0.1:{port}")
        self.direct = [f"http://127.0.0.1:{port}" for port in ports]  # each process, not through the proxy
        if self.count == 1:
            self.url = self.direct[0]
        else:
            self.url = self._proxy(ports)
        self.memory = Memory([process.pid for process in self.processes])
        return self

    def _proxy(self, ports: list[int]) -> str:
        """nginx with the deployed site, its upstream servers and listening port replaced by this run's."""
        if not NGINX.exists():
            raise SystemExit("--processes above 1 needs nginx: apt-get install nginx")
        port = free_port()
        site = NGINX_SITE.read_text()
        servers = "".join(f"    server 127.0.0.1:{app};\n" for app in ports)
        site = re.sub(r"upstream dibao_app \{\n(?:.*\n)*?\}", lambda m: _upstream(m.group(0), servers), site)
        site = re.sub(r"listen \d+;", f"listen 127.0.0.1:{port};", site)
        site = re.sub(r"server_name .*;", "server_name localhost;", site)
        conf = self.folder / "nginx.conf"
        conf.write_text(
            f"daemon off;\npid {self.folder / 'nginx.pid'};\nerror_log {self.folder / 'nginx-error.log'};\n"
            f"events {{ worker_connections 1024; }}\nhttp {{\naccess_log off;\nclient_body_temp_path {self.folder};\n"
            f"{site}\n}}\n"
        )
        self._nginx = subprocess.Popen([str(NGINX), "-c", str(conf), "-p", str(self.folder)])
        url = f"http://127.0.0.1:{port}"
        self._wait(url)
        return url

    def _wait(self, url: str, seconds: float = 90) -> None:
        if healthy(url, seconds=seconds):
            return
        logs = "\n".join(log.read_text()[-1500:] for log in self.logs)
        raise SystemExit(f"{url} did not answer /_stcore/health within {seconds:.0f} s\n{logs}")

    def cpu_seconds(self) -> float:
        """Processor time the app processes have used (user and system)."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for process in self.processes:
            fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def tracebacks(self) -> list[str]:
        """Every traceback the app processes logged."""
        found = []
        for log in self.logs:
            text = log.read_text(errors="replace")
            found += [block[:400] for block in TRACEBACK.findall(text)]
        return found

    def __exit__(self, *_exc) -> None:
        self.memory.stop()
        if self._nginx is not None:
            self._nginx.terminate()
            self._nginx.wait(timeout=20)
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:  # a script run still going: the figures are taken already
                process.kill()
                process.wait()


def _upstream(block: str, servers: str) -> str:
    """The site's upstream block with this run's servers in place of the deployed ones (the sticky hash kept)."""
    lines = block.splitlines()
    kept = "".join(line + "\n" for line in lines[1:-1] if not line.strip().startswith("server "))
    return f"{lines[0]}\n{kept}{servers}{lines[-1]}"
