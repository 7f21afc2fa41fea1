"""One benchmark scenario per run: BENCH_SCENARIO names it, BENCH_IDS points at the ids to use."""

import json
import os
import random
import re
import uuid

from locust import HttpUser, constant, task

SCENARIO = os.environ["BENCH_SCENARIO"]
with open(os.environ["BENCH_IDS"]) as ids_file:
    IDS = json.load(ids_file)
PASSWORD = "bench-password"  # noqa: S105 - the benchmark database's users only
HOME_CARE = {"board", "screening"}
ANONYMOUS = {"trivial", "directory"}
DIRECTORY_QUERIES = ["", "&weekday=1", "&category=social_network", "&q=tilbud", "&weekday=4"]


class Staff(HttpUser):
    wait_time = constant(0)

    def on_start(self):
        if SCENARIO in ANONYMOUS:
            return
        username = "bench_hjemmepleje" if SCENARIO in HOME_CARE else "bench_brobygger"
        page = self.client.get("/konto/log-ind/", name="sign-in")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post(
            "/konto/log-ind/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            name="sign-in",
        )
        self.csrf = self.client.cookies.get("csrftoken")

    @task
    def request(self):
        if SCENARIO == "trivial":
            self.client.get("/bench/trivial/", name=SCENARIO)
        elif SCENARIO == "directory":
            # A citizen looking for something near home, without signing in.
            postcode = random.choice(IDS.get("postcodes") or ["5000"])
            query = random.choice(DIRECTORY_QUERIES)
            self.client.get(f"/tilbud/?area={postcode}&km=10{query}", name=SCENARIO)
        elif SCENARIO == "caseload":
            self.client.get("/forloeb/", name=SCENARIO)
        elif SCENARIO == "board":
            self.client.get("/screening/tavle/", name=SCENARIO)
        elif SCENARIO == "case":
            self.client.get(f"/forloeb/{random.choice(IDS['cases'])}/", name=SCENARIO)
        elif SCENARIO == "screening":
            answers = [random.randint(1, 3) for _ in range(3)]
            self.client.post(
                "/api/v1/screenings/",
                json={
                    "citizen": random.choice(IDS["citizens"]),
                    "answers": dict(
                        zip(["lack_companionship", "left_out", "isolated"], answers, strict=True)
                    ),
                    "idempotency_key": str(uuid.uuid4()),
                },
                headers={"X-CSRFToken": self.csrf},
                name=SCENARIO,
            )
