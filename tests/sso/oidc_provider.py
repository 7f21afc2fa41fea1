"""The `oidc_provider` fixture: a real OpenID Connect provider (tests/sso/provider/) in a process
of its own, for the single sign-on tests.

Import the fixture into a test module to use it. It starts once per module that imports it, on a
free port on loopback, with a SQLite database and an RSA signing key made in a temporary folder,
and stops when the tests are done.
"""

import os
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parents[2]
START_SECONDS = 30


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@dataclass
class Provider:
    url: str

    @property
    def issuer(self) -> str:
        return f"{self.url}/o"

    def _post(self, path: str, data: dict) -> dict:
        # Straight to loopback, whatever proxy the environment names.
        response = requests.post(
            f"{self.url}{path}", json=data, timeout=10, proxies={"http": "", "https": ""}
        )
        response.raise_for_status()
        return response.json()

    def add_client(
        self,
        *,
        client_id: str,
        client_secret: str,
        redirect_uris: list[str],
        post_logout_redirect_uris: list[str] = (),
    ) -> None:
        """Register a service (Brobyg) as the municipality's IT does at its identity provider."""
        self._post(
            "/testing/clients/",
            {
                "client_id": client_id,
                "client_secret": client_secret,
                "redirect_uris": list(redirect_uris),
                "post_logout_redirect_uris": list(post_logout_redirect_uris),
            },
        )

    def add_person(self, *, username: str, password: str, **claims) -> str:
        """A person who signs in at the provider with this password, and the claims it issues
        about them (`name`, `email`, `groups`, `amr`, `acr`, …) → their `sub`."""
        return self._post(
            "/testing/people/", {"username": username, "password": password, "claims": claims}
        )["sub"]

    def spoil_next_id_token(self, defect: str) -> None:
        """The next ID token comes `tampered` (changed after signing), for a `wrong_audience`,
        or `expired`."""
        self._post("/testing/next-id-token/", {"defect": defect})


@pytest.fixture(scope="module")
def oidc_provider(tmp_path_factory):
    folder = tmp_path_factory.mktemp("oidc-provider")
    key_file = folder / "signing-key.pem"
    key_file.write_text(_rsa_key_pem())
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sso.provider.settings",
        "PROVIDER_DATABASE": str(folder / "provider.sqlite3"),
        "PROVIDER_KEY_FILE": str(key_file),
        "PROVIDER_ISSUER": f"{url}/o",
        "PROVIDER_SECRET_KEY": uuid.uuid4().hex,
        "PYTHONPATH": str(ROOT),
    }
    log_path = folder / "provider.log"
    subprocess.run(
        [sys.executable, "-m", "django", "migrate", "--run-syncdb", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        while True:
            try:
                response = requests.get(
                    f"{url}/o/.well-known/openid-configuration",
                    timeout=2,
                    proxies={"http": "", "https": ""},
                )
                if response.status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(
                    f"The test OpenID Connect provider did not start:\n{log_path.read_text()}"
                )
            time.sleep(0.2)
        yield Provider(url=url)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
