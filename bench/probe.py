"""Run inside the benchmark database: the ids the load needs, and each page's query count."""

import json
import sys

import django


def main() -> None:
    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.seed import bench_ids

    ids = bench_ids()
    builder = User.objects.get(username="bench_brobygger")
    worker = User.objects.get(username="bench_hjemmepleje")
    pages = {
        "caseload": (builder, "/forloeb/"),
        "board": (worker, "/screening/tavle/"),
        "case": (builder, f"/forloeb/{ids['cases'][0]}/"),
    }
    pages["directory"] = (None, f"/tilbud/?area={ids['postcodes'][0]}&km=10")
    queries = {}
    for name, (user, url) in pages.items():
        client = Client()
        if user is not None:
            client.force_login(user)
        client.get(url)  # warm: the first request fills caches
        with CaptureQueriesContext(connection) as captured:
            status = client.get(url).status_code
        if status != 200:
            sys.exit(f"{url} answered {status}")
        queries[name] = len(captured.captured_queries)
    json.dump({"ids": ids, "queries": queries}, sys.stdout)


if __name__ == "__main__":
    main()
